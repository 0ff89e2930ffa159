"""Desktop app entry point (placeholder window until the main window lands)."""

from __future__ import annotations

import sys


def run(args) -> int:
    from PySide6.QtWidgets import QApplication, QLabel

    from reader.library import Library

    app = QApplication.instance() or QApplication(sys.argv[:1])
    lib = Library.open(args.data_dir, args.corpus)
    label = QLabel(f"reader: {len(lib.articles())} articles")
    label.resize(480, 200)
    label.show()
    return app.exec()
