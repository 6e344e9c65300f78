"""The PySide6 designer: the only package that imports Qt."""
from .pyside_fixes import make_none_immortal

make_none_immortal()
