"""Dates stated in text ("17 April 2014", "Nov 13 2013", "2012-06-30") -> ISO, never a guess."""

from __future__ import annotations

import re
from datetime import date

_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
         ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
         ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
         ("december", "dec")]
    )
    for m in names
}
MONTH_RE = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
            r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
# "17 April 2014", "1 Feb 11", "Monday 17 April 2014"
_DMY = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({MONTH_RE})\s*,?\s+(\d{{4}}|\d{{2}})\b",
                  re.I)
# "November 13, 2013", "Nov 13 2013"
_MDY = re.compile(rf"\b({MONTH_RE})\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.I)
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})(?!\d)")
WEEKDAY_RE = r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+)?"


def parse_date(text: str) -> str:
    """The first plausible date in `text` as ISO yyyy-mm-dd, or "" (never a guess)."""
    candidates = []
    for rx, kind in ((_DMY, "dmy"), (_MDY, "mdy"), (_ISO, "iso")):
        m = rx.search(text)
        if m:
            candidates.append((m.start(), kind, m))
    for _, kind, m in sorted(candidates, key=lambda c: c[0]):
        try:
            if kind == "dmy":
                day, month, year = int(m[1]), _MONTHS[m[2].lower().rstrip(".")], m[3]
            elif kind == "mdy":
                month, day, year = _MONTHS[m[1].lower().rstrip(".")], int(m[2]), m[3]
            else:
                year, month, day = m[1], int(m[2]), int(m[3])
            y = int(year)
            if len(year) == 2:
                y += 2000 if y < 70 else 1900
            return date(y, month, day).isoformat()
        except (ValueError, KeyError):
            continue
    return ""
