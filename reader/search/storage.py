"""Whoosh storage that reads the index's files through read-only memory maps.

Whoosh's compound segment files are opened as `BytesIO` copies of the whole file: at 10k
articles a searcher held ~110 MB of postings and terms twice (the copy and the pages read
to make it) from the moment it opened. Segments are written as plain files instead
(`compound=False`) and each one is mapped: a search reads only the pages it touches, and
those stay shared with the page cache and evictable."""

from __future__ import annotations

import mmap

from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import StructFile


class MappedFile(StructFile):
    """A read-only file of the index as a memory map (no `fileno`: Whoosh reads it with
    `read`/`seek`, and `get` slices the map directly)."""

    def get(self, position, length):
        return self.file[position:position + length]

    def close(self):
        if self.is_closed:
            return
        try:
            self.file.close()
        except BufferError:  # a view of the map is still alive: the GC closes it with it
            pass
        self.is_closed = True


class MappedStorage(FileStorage):
    def open_file(self, name, **kwargs):
        with open(self._fpath(name), "rb") as fh:
            try:
                buf = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
            except ValueError:  # an empty file cannot be mapped
                return super().open_file(name, **kwargs)
        return MappedFile(buf, name=name, **kwargs)


def open_dir(dirname: str):
    return MappedStorage(dirname).open_index()


def create_in(dirname: str, schema):
    return MappedStorage(dirname).create().create_index(schema)
