"""What discovery keeps of each article (`DocFacts`), as the policy cache stores it: packed
per article, an unchanged article's written back as it was read."""

from __future__ import annotations

import binascii
import marshal
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass
class DocFacts:
    """What discovery keeps of one article: its sentences (body offsets, actor as written,
    stance), which sentences name which noun-phrase keys, the roles it names and the keys
    of the measures it reports acted on (`objects.acted_keys`), and the text of each
    sentence naming a policy noun (a candidate's evidence, so that building candidates
    does not load unchanged articles again)."""

    units: list[list] = field(default_factory=list)  # [start, end, actor name, stance]
    keys: dict[str, list[int]] = field(default_factory=dict)  # key -> unit indices
    roles: list[list[str]] = field(default_factory=list)  # [role, person]
    acted: list[str] = field(default_factory=list)
    texts: dict[int, str] = field(default_factory=dict)  # unit index -> its text

    def to_row(self) -> list:
        return [self.units, self.keys, self.roles, self.acted,
                {str(u): t for u, t in self.texts.items()}]

    @classmethod
    def from_row(cls, row) -> DocFacts:
        """Raises TypeError/ValueError for a malformed row (a shorter row, from before
        `acted` and `texts`, reads as acting on nothing and quoting nothing).

        The row's parts are taken as JSON gave them (a row comes from `to_row` through the
        table's cache; converting every unit index again cost a third of reusing an
        unchanged corpus); only their shapes are checked."""
        units, keys, roles, *rest = row
        acted = rest[0] if rest else []
        texts = rest[1] if len(rest) > 1 else {}
        if not (isinstance(units, list) and isinstance(keys, dict) and isinstance(roles, list)
                and isinstance(acted, list) and isinstance(texts, dict)):
            raise TypeError("malformed discovery facts")
        return cls(units, keys, roles, acted, {int(u): t for u, t in texts.items()})

    @property
    def names(self):
        """The noun-phrase keys it names (`keys` without their sentences)."""
        return self.keys

    def packed(self) -> list:
        """The policy cache's form: [roles, acted, the key names, sentences, keys'
        sentences and texts marshalled], read back by `PackedFacts`."""
        return [self.roles, self.acted, marshal.dumps(
            [list(self.keys), self.units, list(self.keys.values()), self.texts], 2)]


class PackedFacts(DocFacts):
    """DocFacts read from the policy cache, its key names, sentences, keys' sentences and
    texts decoded when first read: discovery reads them for its candidates' articles and
    the changed ones only (the keys of every article are in the `keyindex.KeyIndex`),
    and an unchanged article's are written back as they came."""

    def __init__(self, row):
        """Raises TypeError/ValueError for a malformed row."""
        if len(row) == 4:  # the key names beside the rest (written before the key index)
            names, roles, acted, detail = row
        else:
            names, (roles, acted, detail) = None, row
        if not (isinstance(names, list | None) and isinstance(roles, list)
                and isinstance(acted, list) and isinstance(detail, bytes)):
            raise TypeError("malformed discovery facts")
        self._names, self.roles, self.acted = names, roles, acted
        self._names_beside = names is not None
        self._detail = detail
        self._opened: tuple[list, dict, dict] | None = None

    def _open(self) -> tuple[list, dict, dict]:
        if self._opened is None:
            try:
                detail = marshal.loads(self._detail)
            except EOFError as exc:
                raise ValueError(f"discovery facts unreadable: {exc!r}") from exc
            if self._names is None:
                if not (isinstance(detail, list) and len(detail) == 4):
                    raise ValueError("malformed discovery facts")
                self._names, *detail = detail
            units, spans, texts = detail
            if not (isinstance(self._names, list) and isinstance(units, list)
                    and isinstance(spans, list) and len(spans) == len(self._names)
                    and isinstance(texts, dict)):
                raise ValueError("malformed discovery facts")
            self._opened = (units, dict(zip(self._names, spans, strict=True)), texts)
        return self._opened

    @property
    def units(self) -> list[list]:
        return self._open()[0]

    @property
    def keys(self) -> dict[str, list[int]]:
        return self._open()[1]

    @property
    def texts(self) -> dict[int, str]:
        return self._open()[2]

    @property
    def names(self):
        return self._open()[1]  # (a dict: its keys, in order)

    def packed(self) -> list:
        if self._names_beside:  # the form written before the key index: today's written
            return DocFacts.packed(self)
        return [self.roles, self.acted, self._detail]


def pack_facts(facts: Mapping[str, DocFacts], raw: bool = False) -> str | bytes:
    """{doc: DocFacts} as one JSON-able text: a CRC of the data, then the data (marshal,
    version 2: no shared references, so equal facts pack the same) in base64. Some ten
    times quicker to write and read back than JSON, and an unchanged article's sentences
    are neither decoded nor encoded again. `raw`: the data alone, as bytes (for a cache
    that keeps bytes beside its JSON with their own CRC: `derived.dump_cache`)."""
    data = marshal.dumps({doc: f.packed() for doc, f in facts.items()}, 2)
    if raw:
        return data
    return f"{zlib.crc32(data):08x}" + binascii.b2a_base64(data, newline=False).decode("ascii")


def unpack_facts(text) -> dict[str, DocFacts]:
    """`pack_facts`'s inverse (either form; bytes are taken as checked by whoever read
    them); rows of the plain JSON form written before it also read. Raises ValueError (or
    TypeError) for anything else: a changed byte included."""
    if isinstance(text, dict):
        return {str(doc): DocFacts.from_row(row) for doc, row in text.items()}
    if isinstance(text, bytes):
        data = text
    elif isinstance(text, str):
        try:
            data = binascii.a2b_base64(text[8:], strict_mode=True)
            if int(text[:8], 16) != zlib.crc32(data):
                raise ValueError("policy cache facts damaged (CRC)")
        except binascii.Error as exc:
            raise ValueError(f"policy cache facts unreadable: {exc!r}") from exc
    else:
        raise ValueError("policy cache facts are not packed")
    try:
        rows = marshal.loads(data)
    except EOFError as exc:
        raise ValueError(f"policy cache facts unreadable: {exc!r}") from exc
    if not isinstance(rows, dict):
        raise ValueError("policy cache facts are not a mapping")
    return {doc: PackedFacts(row) for doc, row in rows.items()}

