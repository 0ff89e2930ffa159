"""Child process for the store tests (not a test): runs the store in another process.

    child.py write DB   save notes in a loop, printing "<id> <n>" after each commit
                        (the parent kills it at a random moment)
    child.py probe DB   open DB, try to save, print what happened as JSON

It imports the `reader` of the repository it lives in (not whichever one is installed).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def write(db: str) -> None:
    from reader.store import Store

    store = Store.open(db)
    n = 0
    while True:
        n += 1
        note = store.add_note(f"doc{n % 7}", body=f"save {n} " * (n % 50), tags=[f"t{n % 3}"])
        os.write(1, f"{note.id} {n}\n".encode())


def probe(db: str) -> None:
    from reader.errors import ReaderError
    from reader.store import Store

    store = Store.open(db)
    result = {"readonly": store.readonly, "message": store.recovery_message,
              "bodies": [n.body for n in store.list_notes()], "error": "", "error_type": ""}
    try:
        store.add_note("doc", body="should not be saved")
    except ReaderError as exc:
        result["error"], result["error_type"] = str(exc), type(exc).__name__
    store.close()
    print(json.dumps(result))


if __name__ == "__main__":
    {"write": write, "probe": probe}[sys.argv[1]](sys.argv[2])
