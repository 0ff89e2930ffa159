"""The pinned PySide6 keeps Python's reference counts straight (see pyproject.toml).

PySide6 6.12.0 on Python 3.11 returned None (and emitted True) without taking a reference,
so every void Qt call drained None's count and the app aborted after a few thousand calls.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLineEdit


class _Emitter(QObject):
    fired = Signal(bool)


def test_void_calls_and_bool_signals_keep_reference_counts(qtbot):
    edit = QLineEdit()
    qtbot.addWidget(edit)
    emitter = _Emitter()
    emitter.fired.connect(lambda on: None)
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(500):
        edit.setText("x")
        emitter.fired.emit(True)
    assert sys.getrefcount(None) >= none_before - 5
    assert sys.getrefcount(True) >= true_before - 5
