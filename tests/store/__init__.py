"""Tests of reader/store/ (the SQLite user-data store)."""
