"""Starting the designer: the QApplication, the look, and `main()` used by `mlwire open`."""
from __future__ import annotations

import multiprocessing
import sys
from pathlib import Path

__all__ = ["main", "create_app"]


def create_app(argv: list[str] | None = None):
    from PySide6.QtGui import QFont
    from PySide6.QtWidgets import QApplication
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setApplicationName("MLWire")
    app.setOrganizationName("MLWire")
    app.setStyle("Fusion")
    font = QFont(app.font())
    font.setPointSizeF(9.5)
    app.setFont(font)
    from . import theme
    app.setStyleSheet(theme.stylesheet(theme.LIGHT))   # the window applies the stored choice
    from .gc_guard import install_gui_thread_gc
    install_gui_thread_gc()         # Qt objects must never be freed by a worker thread's GC
    return app


def main(target: "str | Path | list[str] | None" = None) -> int:
    """Open the designer, with a pipeline file when one is given (`mlwire open [FILE]`)."""
    multiprocessing.freeze_support()
    if isinstance(target, (str, Path)):
        argv = [str(target)]
    else:
        argv = list(sys.argv[1:] if target is None and __name__ == "__main__" else target or [])
    app = create_app([sys.argv[0]])
    from .main_window import MainWindow
    window = MainWindow()
    paths = [a for a in argv if not a.startswith("-")]
    window.show()
    if not window.offer_recovery() and paths:
        window.open_file(Path(paths[0]))
    window.view.fit_view()
    code = app.exec()
    window.runs.close()        # no worker process outlives the window
    return code


if __name__ == "__main__":
    sys.exit(main())
