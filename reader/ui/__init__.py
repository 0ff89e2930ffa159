"""The PySide6 desktop app: thin models, views and workers over `reader.library.Library`."""
