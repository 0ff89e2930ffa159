"""The user-data store: notes, entity edits, user policies and read state in one SQLite file.

The only package that imports sqlite3. Its modules, one concern each:
    connection  opening connections, integrity checks, SQLite errors as ReaderErrors
    schema      migrations (`PRAGMA user_version`)
    database    open (WAL, damage set aside, backup restored, read-only mode), transactions
    backups     verified, rotating backups in `<data dir>/backups/`
    notes       notes, tags and note search
    edits       entity corrections, user policies, read state
    meta        article metadata the user set (undoable)
    organise    stars and tags on articles, saved searches
    readers     `Store.reader()`: the queries on a connection that cannot write
"""

from __future__ import annotations

from reader.store.backups import BACKUP_EVERY, CLOSE_BACKUP_GAP, KEEP_BACKUPS
from reader.store.connection import BUSY_TIMEOUT
from reader.store.database import Database
from reader.store.edits import EditSaves
from reader.store.meta import MetaSaves
from reader.store.notes import NoteSaves
from reader.store.organise import OrganiseSaves
from reader.store.readers import StoreReader
from reader.store.schema import MIGRATIONS, SCHEMA_VERSION

__all__ = ["BACKUP_EVERY", "BUSY_TIMEOUT", "CLOSE_BACKUP_GAP", "KEEP_BACKUPS", "MIGRATIONS",
           "SCHEMA_VERSION", "Store", "StoreReader"]


class Store(Database, NoteSaves, EditSaves, MetaSaves, OrganiseSaves):
    """The open user-data database. Open one per process with `Store.open`; `close()` it
    (or use `with`). Thread-safe: every call holds the store's lock; `reader()` gives a
    read-only view for reading off the write lane.

    Attributes:
        path: the database file.
        readonly: True when writes are refused (they raise ReadOnly).
        recovery_message: what open had to do (restored a backup, opened read-only...), for
            the user; "" when nothing happened.
    """
