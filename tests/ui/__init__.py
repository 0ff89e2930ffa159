"""UI tests: drive the real main window with pytest-qt (offscreen)."""
