"""Allows `python -m reader`."""

from reader.cli import main

# The guard matters: NLP workers are spawned processes that re-import the main module.
if __name__ == "__main__":
    raise SystemExit(main())
