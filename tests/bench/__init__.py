"""reader's benchmark suite: `make bench-quick` / `make bench` (see tests/bench/RESULTS.md).

Not part of the pytest run (pyproject: norecursedirs). Corpora are generated at run time
(`generate.py`), each measurement runs in its own process (`workers.py`), the peers are in
`peers.py`, the queries in `queries.py`, and `report.py` renders RESULTS.md.
"""
