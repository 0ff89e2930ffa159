"""The views' operations on the task runner: a timeline, the network with its layout (the
layout is the slow part: it never runs on the GUI thread) and a link's evidence sentences."""

from __future__ import annotations

from reader.domain import MentionContext, NetworkEdge
from reader.errors import NotFound


def load_timeline(runner, lib, kind: str, ref: str, *, done, failed=None,
                  lane: str = "timeline"):
    """The Timeline of every article ("articles"), an entity or a policy."""
    def work(ctx):
        if kind == "entity":
            return lib.timeline.entity(ref)
        if kind == "policy":
            return lib.timeline.policy(ref)
        return lib.timeline.articles()

    return runner.submit(lane, work, done=done, failed=failed)


def load_network(runner, lib, filters: dict, *, done, failed=None):
    """(Network, positions) for the filters (see NetworkService.graph); the layout stops
    early when a newer request supersedes this one."""
    def work(ctx):
        network = lib.network.graph(**filters)
        if ctx.cancelled():
            return None
        return network, lib.network.layout(network, cancelled=ctx.cancelled)

    return runner.submit("network", work, done=done, failed=failed)


def prewarm_network(runner, lib, *, done, failed):
    """The default network and its layout computed ahead (kept by the network service), so
    the Network view's first opening only draws; reports whether there was anything to do."""
    return runner.submit("network-prewarm", lambda ctx: lib.network.prewarm(ctx.cancelled),
                         done=done, failed=failed)


def load_evidence(runner, lib, edge: NetworkEdge, *, done):
    """The edge's evidence sentences as MentionContexts (the source entity's mention in
    bold), in the edge's order (earliest articles first)."""
    def work(ctx):
        try:
            mentions = lib.entities.get(edge.source).mentions
        except NotFound:
            mentions = ()
        out = []
        for ev in edge.evidence:
            try:
                info = lib.articles.info(ev.doc)
            except NotFound:
                continue
            s0, sentence = lib.entities.sentence_at(ev.doc, ev.start, ev.end)
            inside = next((m for m in mentions
                           if m.doc == ev.doc and m.field == "body"
                           and ev.start <= m.start < ev.end), None)
            start, end = (inside.start, inside.end) if inside else (s0, s0)
            out.append(MentionContext(doc=ev.doc, title=info.title, date=info.date,
                                      start=start, end=end, text=sentence[start - s0:end - s0],
                                      sentence=sentence, sentence_start=s0))
        return out

    return runner.submit("evidence", work, done=done)
