"""Conventions the code must keep: one library per module, Qt only under reader/ui/."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parent.parent / "reader"
README = PKG.parent / "README.md"

# top-level module -> where it may be imported (paths relative to reader/)
ALLOWED = {
    "PySide6": lambda rel: rel.startswith("ui/"),
    "whoosh": lambda rel: rel == "search.py",
    "spacy": lambda rel: rel.startswith("extraction/"),
    "sqlite3": lambda rel: rel == "store.py",
}


def _imports(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name.split(".")[0], node.lineno
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module.split(".")[0], node.lineno


@pytest.mark.parametrize("path", sorted(PKG.rglob("*.py")), ids=lambda p: str(p.relative_to(PKG)))
def test_import_boundaries(path):
    rel = path.relative_to(PKG).as_posix()
    for module, line in _imports(path):
        if module in ALLOWED:
            assert ALLOWED[module](rel), f"{rel}:{line} imports {module}"


def test_every_module_has_a_docstring():
    for path in PKG.rglob("*.py"):
        if path.name == "__main__.py":
            continue
        assert ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))), path


def test_every_cli_command_is_in_the_readme():
    from reader.cli.parser import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    readme = README.read_text(encoding="utf-8")
    for name in sub.choices:
        assert re.search(rf"reader {name}\b", readme), f"`reader {name}` missing from README"
