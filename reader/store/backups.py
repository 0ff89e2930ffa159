"""The store's backups: verified, rotating copies in `<data dir>/backups/`, and their schedule."""

from __future__ import annotations

import logging
import os
import re
import sqlite3
import threading
from datetime import datetime, timedelta
from pathlib import Path

from reader.errors import ReaderError, ReadOnly
from reader.store import connection as sql
from reader.store import journal

log = logging.getLogger(__name__)

KEEP_BACKUPS = 5
BACKUP_EVERY = timedelta(days=1)  # `backup_if_due` (called at open) backs up at most daily
# `close` also backs up a session that changed something; when the newest backup is this
# recent, the new one replaces it: a burst of CLI commands must not rotate yesterday's
# backups away, and every command's changes still reach a backup at exit.
CLOSE_BACKUP_GAP = timedelta(hours=1)
_BACKUP_NAME = re.compile(r"^reader-(\d{8}-\d{6})\.sqlite3$")
_STAMP = "%Y%m%d-%H%M%S"


def stamp(moment: datetime) -> str:
    """A moment as backup and damaged-file names spell it (local time, to the second)."""
    return moment.strftime(_STAMP)


def backup_time(backup: Path) -> datetime:
    """When a backup (named by `Backups.backup`) was taken."""
    return datetime.strptime(_BACKUP_NAME.match(backup.name)[1], _STAMP)


def _age(path: Path) -> timedelta:
    try:
        return datetime.now() - datetime.fromtimestamp(path.stat().st_mtime)
    except OSError:
        return timedelta(0)


class Backups:
    """Backing up the store's connection. Needs the store's `path`, `readonly`, `_conn`,
    `_lock`, `_closed` and `_changed` (a save happened since the last backup)."""

    path: Path
    readonly: bool
    _conn: sqlite3.Connection
    _lock: threading.RLock
    _closed: bool
    _changed: bool
    _journal: journal.JournalWriter

    @property
    def backups_dir(self) -> Path:
        return self.path.parent / "backups"

    @staticmethod
    def _backups(path: Path) -> list[Path]:
        """Backups of the database at `path`, oldest first."""
        folder = path.parent / "backups"
        if not folder.is_dir():
            return []
        return sorted(p for p in folder.iterdir() if _BACKUP_NAME.match(p.name))

    def backups(self) -> list[Path]:
        """The backups, oldest first."""
        return self._backups(self.path)

    def _newest_backup_time(self) -> datetime | None:
        backups = self.backups()
        return backup_time(backups[-1]) if backups else None

    @staticmethod
    def _due(newest: datetime | None, now: datetime | None = None) -> bool:
        age = (now or datetime.now()) - newest if newest else None
        return age is None or not timedelta(0) <= age < BACKUP_EVERY

    def _backup_at_close(self) -> None:
        """Back up if due, or if this session saved something (replacing the newest backup
        when it is under CLOSE_BACKUP_GAP old). Never raises."""
        backups = self.backups()
        newest = backup_time(backups[-1]) if backups else None
        recent = newest is not None and \
            timedelta(0) <= datetime.now() - newest < CLOSE_BACKUP_GAP
        if self._due(newest):
            self._safe_backup()
        elif self._changed:
            self._safe_backup(replacing=backups[-1] if recent else None)

    def backup_if_due(self, now: datetime | None = None) -> Path | None:
        """Back up when the newest backup is a day old (or there is none). Never raises: a
        failed backup is logged and the store keeps working."""
        with self._lock:
            if self.readonly or self._closed or not self._due(self._newest_backup_time(), now):
                return None
            return self._safe_backup(now)

    def _safe_backup(self, now: datetime | None = None,
                     replacing: Path | None = None) -> Path | None:
        try:
            return self.backup(now, replacing)
        except (ReaderError, OSError) as exc:
            log.warning("notes backup failed: %s", exc)
            return None

    def backup(self, now: datetime | None = None, replacing: Path | None = None) -> Path:
        """Write a verified backup now (`backups/reader-<local time>.sqlite3`) and keep the
        newest KEEP_BACKUPS. Older ones (and `replacing`, a backup this one supersedes) are
        deleted only after the new one passed integrity_check. Raises ReaderError/OSError
        when the backup fails."""
        with self._lock:
            if self.readonly:
                raise ReadOnly("Cannot back up: the data folder is read-only.")
            folder = self.backups_dir
            folder.mkdir(parents=True, exist_ok=True)
            final = folder / f"reader-{stamp(now or datetime.now())}.sqlite3"
            # Unique per writer: two processes backing up in the same second must not write
            # into one partial file.
            partial = final.with_name(
                f"{final.name}.{os.getpid()}-{threading.get_ident()}.partial")
            for stale in folder.glob("*.partial"):  # left by a backup that was killed
                if stale == partial or _age(stale) > CLOSE_BACKUP_GAP:
                    stale.unlink(missing_ok=True)
            try:
                dest = sql.connect(str(partial))
                try:
                    self._conn.backup(dest)
                    # A standalone file: no -wal/-shm next to the backups.
                    dest.execute("PRAGMA journal_mode = DELETE")
                    result = sql.check(dest, "integrity_check")
                finally:
                    dest.close()
            except sqlite3.Error as exc:
                partial.unlink(missing_ok=True)
                raise (sql.translate(exc) or ReaderError(f"Backup failed: {exc}")) from exc
            if result != "ok":
                partial.unlink(missing_ok=True)
                raise ReaderError(f"The backup failed verification ({result}); older backups "
                                  "were kept.")
            sql.fsync(partial)
            os.replace(partial, final)
            sql.fsync(folder)
            self._changed = False
            if replacing is not None and replacing != final:
                replacing.unlink(missing_ok=True)
            for old in self.backups()[:-KEEP_BACKUPS]:
                old.unlink(missing_ok=True)
            log.info("notes backed up to %s", final)
            self._prune_journal()
            return final

    def _prune_journal(self) -> None:
        """Start a new journal file and delete those whose saves every kept backup holds
        (a damaged newest backup falls back to an older one, which needs them)."""
        self._journal.rotate()
        seqs = []
        for backup in self.backups():
            try:
                conn = sql.connect(backup.as_uri() + "?mode=ro", uri=True)
                try:
                    seqs.append(journal.database_seq(conn))
                finally:
                    conn.close()
            except sqlite3.Error:  # a backup from before the journal (or unreadable)
                return
        try:
            journal.prune(self.path, min(seqs, default=0), self._journal.retired)
        except OSError as exc:
            log.warning("old save journal files cannot be deleted: %s", exc)

    @staticmethod
    def _verify(path: Path, pragma: str = "integrity_check") -> bool:
        try:
            conn = sql.connect(path.as_uri() + "?mode=ro", uri=True)
            try:
                return sql.check(conn, pragma) == "ok"
            finally:
                conn.close()
        except sqlite3.Error:
            return False
