"""Work-arounds for bugs of the PySide6 build we depend on, applied once when designer.gui loads.

PySide6 6.12 on Python 3.11: every call of a void method (setPos, update, setToolTip, ...) on a
Python subclass of QGraphicsItem releases one reference to None that it never took. None's
reference count then falls by one per call, and a long session (or a 300-node canvas opened
twice) reaches zero: "Fatal Python error: none_dealloc". Python 3.12 made None immortal, which
makes the bug harmless; on older Pythons we give None the same immortality by hand.
"""
from __future__ import annotations

import ctypes
import sys

__all__ = ["make_none_immortal"]

_IMMORTAL = 1 << 48


def make_none_immortal() -> None:
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return                      # None is immortal there already
    refcnt = ctypes.c_ssize_t.from_address(id(None))   # ob_refcnt, the object's first field
    if refcnt.value < _IMMORTAL:
        refcnt.value += _IMMORTAL
