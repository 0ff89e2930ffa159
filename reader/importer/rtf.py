"""Rich Text Format (.rtf) through striprtf: the text, one paragraph per line; title and
author from the {\\info} group."""

from __future__ import annotations

import re

from reader.errors import BadInput
from reader.importer.rules import Extracted

_INFO = re.compile(r"{\\(title|author)\s+((?:[^{}\\]|\\[^{}])*)}")


def read_rtf(raw: bytes, name: str) -> Extracted:
    from striprtf.striprtf import rtf_to_text

    if not raw.lstrip().startswith(b"{\\rtf"):
        raise BadInput(f"{name}: not an RTF document (no {{\\rtf header)")
    markup = raw.decode("cp1252", errors="replace")  # RTF is 7-bit; \'xx escapes carry the rest
    try:
        text = rtf_to_text(markup, errors="replace")
    except Exception as exc:  # noqa: BLE001 - striprtf fails with index and value errors
        raise BadInput(f"{name}: not a readable RTF document ({exc})") from None
    meta = {}
    for key, value in _INFO.findall(markup):
        meta[key] = " ".join(rtf_to_text(value).split())
    paras = [" ".join(line.split()) for line in text.splitlines()]
    return Extracted("\n\n".join(p for p in paras if p), meta)
