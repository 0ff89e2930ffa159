"""The CLI's outputs on the bundled corpus, byte for byte, against `tests/golden/cli.json`.

A refactoring must not change what a user sees. This replays a fixed script of commands
(index, listings, search, entities, corrections, policies, notes and their export) on a
fresh data dir and compares every stdout with the recorded one. Note timestamps and uids are
the only things masked. After an intended change of output, re-record with
`READER_GOLDEN=record pytest tests/test_golden_cli.py` and review the diff.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from reader.cli import main

pytestmark = pytest.mark.spacy

GOLDEN = Path(__file__).parent / "golden" / "cli.json"

SCRIPT: list[list[str]] = [
    ["index", "--json"],
    ["list", "--json"],
    ["list"],
    ["search", "outsourcing", "--json"],
    ["search", '"serious case reviews"', "--json"],
    ["search", "munro OR loughton", "--limit", "3"],
    ["search", "outsorcing~", "--json"],
    ["search", 'entity:"Michael Gove"', "--json"],
    ["search", "policy:outsourcing date:[2011 TO 2014]", "--json"],
    ["search", "inspectoin", "--json"],
    ["entities", "--json"],
    ["entities"],
    ["entities", "--type", "org", "--json"],
    ["entities", "related", "Michael Gove", "--json"],
    ["policies", "--json"],
    ["policies"],
    ["policies", "show", "outsourcing"],
    ["policies", "proposals", "--json"],
    ["entities", "merge", "Gove", "Tim Loughton"],
    ["entities", "--json"],
    ["entities", "undo"],
    ["entities", "retype", "Munro", "org"],
    ["entities", "--type", "Organisation", "--json"],
    ["entities", "undo"],
    ["policies", "add", "Early help", "--pattern", "early help", "--json"],
    ["policies", "--json"],
    ["notes", "add", "--doc", "@0", "--quote", "@quote", "--text", "**Key** claim [[Michael Gove]]",
     "--tag", "claim", "--json"],
    ["notes", "add", "--doc", "@1", "--text", "Whole article note", "--json"],
    ["notes", "list", "--json"],
    ["notes", "export", "--format", "md"],
    ["notes", "export", "--format", "json"],
    ["search", "claim", "--json"],
    ["show", "000_683c173d2dad4951"],  # its headline names the Tories
    ["show", "000_683c173d2dad4951", "--json"],
]

_MASKS = [
    (re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:[+-]\d\d:\d\d|Z)?"), "<time>"),
    (re.compile(r"\b[0-9a-f]{32}\b|\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f-]{14,}\b"), "<uid>"),
    (re.compile(r"urn:uuid:[0-9a-f-]+"), "urn:uuid:<uid>"),
    (re.compile(r"(Noted|Edited) \d{4}-\d\d-\d\d"), r"\1 <date>"),  # the day the test runs
]


def _mask(text: str) -> str:
    for pattern, repl in _MASKS:
        text = pattern.sub(repl, text)
    return text


def _replay(capsys) -> dict[str, str]:
    out: dict[str, str] = {}
    docs: list[str] = []
    quote = ""
    for n, argv in enumerate(SCRIPT):
        argv = list(argv)
        if "@0" in argv or "@1" in argv:
            argv = [docs[0] if a == "@0" else docs[1] if a == "@1" else a for a in argv]
        if "@quote" in argv:
            argv = [quote if a == "@quote" else a for a in argv]
        code = main(argv)
        captured = capsys.readouterr()
        out[f"{n:02d} {' '.join(SCRIPT[n])}"] = f"exit {code}\n{_mask(captured.out)}"
        if argv[:2] == ["list", "--json"]:
            docs = [a["id"] for a in json.loads(captured.out)]
            assert main(["show", docs[0], "--json"]) == 0
            body = json.loads(capsys.readouterr().out)["body"]
            quote = body.split(". ")[1][:60]
    return out


def test_cli_outputs_match_the_recording(data_dir, monkeypatch, capsys):
    monkeypatch.setenv("READER_DATA_DIR", str(data_dir))
    monkeypatch.delenv("READER_CORPUS", raising=False)
    got = _replay(capsys)
    if os.environ.get("READER_GOLDEN") == "record":
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(json.dumps(got, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        pytest.skip("recorded")
    want = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert list(got) == list(want)
    for key in want:
        assert got[key] == want[key], key
