"""Timelines: articles, an entity's mentions or a policy's mentions (by stance) counted per
day on the articles' dates, undated items counted apart, and regrouped per week, month or
year for the zoom levels of a chart."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from reader.corpus import Catalog
from reader.domain import Timeline, TimelineBucket
from reader.errors import BadInput, NotFound
from reader.services.derived import DerivedTables

UNITS = ("day", "week", "month", "year")


class TimelineService:
    """Reads only; each call is one pass over the items (cheap: no article is read)."""

    def __init__(self, catalog: Catalog, tables: DerivedTables):
        self._catalog = catalog
        self._tables = tables
        self._kept: tuple[int, dict[str, str]] | None = None  # see _dates

    def articles(self) -> Timeline:
        """Every article on its date (series "articles")."""
        items = ((doc, date, "articles") for doc, date in self._dates().items())
        return _timeline("articles", "", "Articles", ("articles",), items)

    def entity(self, ref: str) -> Timeline:
        """An entity's mentions on their articles' dates (series "mentions"). Raises
        NotFound."""
        table = self._tables.entities()
        ent = table.find(ref) if table is not None else None
        if ent is None:
            raise NotFound(f"No entity called '{ref}'. See `reader entities`.")
        dates = self._dates()
        items = ((m.doc, dates.get(m.doc, ""), "mentions") for m in ent.mentions)
        return _timeline("entity", ent.id, ent.name, ("mentions",), items)

    def policy(self, ref: str) -> Timeline:
        """A policy's mentions on their articles' dates, one series per stance (in the
        order of STANCES; only the stances that occur). Raises NotFound."""
        from reader.extraction.policies import STANCES

        table = self._tables.policies()
        policies = (table.policies + table.candidates) if table is not None else []
        pol = next((p for p in policies if ref == p.id
                    or ref.lower() in (p.id.lower(), p.label.lower())), None)
        if pol is None:
            raise NotFound(f"No policy '{ref}'. See `reader policies`.")
        dates = self._dates()
        said = {m.stance or "unknown" for m in pol.mentions}
        series = tuple(s for s in STANCES if s in said) + tuple(sorted(said - set(STANCES)))
        items = ((m.doc, dates.get(m.doc, m.date), m.stance or "unknown")
                 for m in pol.mentions)
        return _timeline("policy", pol.id, pol.label, series, items)

    def buckets(self, timeline: Timeline, unit: str) -> list[TimelineBucket]:
        """The timeline's days regrouped per `unit` (one of UNITS), every bucket from the
        first to the last one present (empty ones included, so the axis is continuous).
        Raises BadInput for another unit."""
        if unit not in UNITS:
            raise BadInput(f"Unknown unit '{unit}': use one of {', '.join(UNITS)}.")
        if not timeline.days:
            return []
        grouped: dict[str, list[TimelineBucket]] = defaultdict(list)
        for day in timeline.days:
            grouped[_bucket_start(day.start, unit)].append(day)
        first = _bucket_start(timeline.days[0].start, unit)
        last = _bucket_start(timeline.days[-1].start, unit)
        out = []
        start = first
        while start <= last:
            nxt = _next_start(start, unit)
            end = (dt.date.fromisoformat(nxt) - dt.timedelta(days=1)).isoformat()
            days = grouped.get(start, [])
            counts: dict[str, int] = {}
            for day in days:
                for name, n in day.counts.items():
                    counts[name] = counts.get(name, 0) + n
            docs = tuple(dict.fromkeys(d for day in days for d in day.docs))
            out.append(TimelineBucket(start, end, counts, docs))
            start = nxt
        return out

    def unit_for(self, timeline: Timeline, max_buckets: int = 120) -> str:
        """The finest unit that shows the timeline's span in at most `max_buckets` bars."""
        if not timeline.days:
            return "month"
        first = dt.date.fromisoformat(timeline.days[0].start)
        last = dt.date.fromisoformat(timeline.days[-1].start)
        span = (last - first).days + 1
        for unit, days in (("day", 1), ("week", 7), ("month", 30.4)):
            if span / days <= max_buckets:
                return unit
        return "year"

    def _dates(self) -> dict[str, str]:
        """Article id -> date ("" undated), kept for the catalogue's generation (the
        articles with the user's dates laid on top cost ~10 µs each to list)."""
        generation = self._catalog.generation  # (read before the articles are)
        kept = self._kept
        if kept is not None and kept[0] == generation:
            return kept[1]
        infos = self._catalog.infos() or self._catalog.refresh()
        dates = {info.id: info.date for info in infos}
        self._kept = (generation, dates)  # (one assignment: safe for the worker threads)
        return dates


def _timeline(kind: str, subject: str, label: str, series: tuple[str, ...],
              items: Iterable[tuple[str, str, str]]) -> Timeline:
    """(doc, date, series) items -> a Timeline (an unparseable date counts as undated)."""
    from reader.extraction.entities.state import gc_paused

    with gc_paused():  # many small objects, no cycles: see gc_paused
        return _count(kind, subject, label, series, items)


def _count(kind: str, subject: str, label: str, series: tuple[str, ...],
           items: Iterable[tuple[str, str, str]]) -> Timeline:
    per_day: dict[str, dict[str, int]] = defaultdict(dict)
    day_docs: dict[str, dict[str, None]] = defaultdict(dict)
    undated: dict[str, int] = {}
    undated_docs: dict[str, None] = {}
    for doc, date, name in items:
        day = _iso_day(date)
        if day:
            counts = per_day[day]
            counts[name] = counts.get(name, 0) + 1
            day_docs[day][doc] = None
        else:
            undated[name] = undated.get(name, 0) + 1
            undated_docs[doc] = None
    days = tuple(TimelineBucket(day, day, per_day[day], tuple(day_docs[day]))
                 for day in sorted(per_day))
    return Timeline(kind, subject, label, series, days, undated, tuple(undated_docs))


def _iso_day(date: str) -> str:
    """yyyy-mm-dd of an ISO date ("2005", "2005-03" count from their first day); "" when
    there is none."""
    date = (date or "").strip()
    for text in (date[:10], date[:7] + "-01", date[:4] + "-01-01"):
        try:
            return dt.date.fromisoformat(text).isoformat()
        except ValueError:
            continue
    return ""


def _bucket_start(day: str, unit: str) -> str:
    if unit == "day":
        return day
    if unit == "month":
        return day[:7] + "-01"
    if unit == "year":
        return day[:4] + "-01-01"
    date = dt.date.fromisoformat(day)
    return (date - dt.timedelta(days=date.weekday())).isoformat()  # weeks start on Monday


def _next_start(start: str, unit: str) -> str:
    date = dt.date.fromisoformat(start)
    if unit == "day":
        return (date + dt.timedelta(days=1)).isoformat()
    if unit == "week":
        return (date + dt.timedelta(days=7)).isoformat()
    if unit == "month":
        return (date.replace(year=date.year + 1, month=1) if date.month == 12
                else date.replace(month=date.month + 1)).isoformat()
    return date.replace(year=date.year + 1).isoformat()
