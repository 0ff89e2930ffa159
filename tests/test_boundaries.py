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
    "whoosh": lambda rel: rel.startswith("search/"),
    "spacy": lambda rel: rel.startswith("extraction/"),
    "sqlite3": lambda rel: rel.startswith("store/"),
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


def test_no_module_is_a_big_room():
    """No module over 500 lines: a concept that outgrows that becomes a package."""
    big = {p.relative_to(PKG).as_posix(): n for p in PKG.rglob("*.py")
           if (n := len(p.read_text(encoding="utf-8").splitlines())) > 500}
    assert big == {}


def test_no_dispatch_by_method_name():
    """getattr only with a literal attribute name: callers name what they call."""
    for path in PKG.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "getattr":
                name = node.args[1] if len(node.args) > 1 else None
                assert isinstance(name, ast.Constant), \
                    f"{path.relative_to(PKG)}:{node.lineno} getattr by a computed name"


def test_services_speak_only_domain_types():
    """What a service returns is a type of reader.domain (or a builtin container of them)."""
    import inspect
    import typing

    import reader.domain as domain
    from reader import library

    lib_types = [cls for name, cls in vars(library).items() if name.endswith("Service")]
    assert len(lib_types) == 8
    allowed = {domain.__name__, "builtins", "typing", "collections.abc"}

    def modules(hint):
        origin = typing.get_origin(hint)
        if origin is not None:
            yield getattr(origin, "__module__", "typing")
            for arg in typing.get_args(hint):
                yield from modules(arg)
        elif hint is not None and hint is not type(None):
            yield getattr(hint, "__module__", "builtins")

    for cls in lib_types:
        for name, fn in inspect.getmembers(cls, inspect.isfunction):
            if name.startswith("_"):
                continue
            hints = typing.get_type_hints(fn, vars(inspect.getmodule(fn)) | vars(domain))
            if "return" in hints:
                found = {m.rsplit(".", 1)[0] if m.startswith("reader.domain.") else m
                         for m in modules(hints["return"])}
                assert found <= allowed, f"{cls.__name__}.{name}"


def test_packaging_lists_every_package():
    """pyproject.toml lists the packages (resources/ installs as reader.resources), so a
    non-editable install carries the codebook and lexicons: the list must stay complete."""
    import tomllib

    config = tomllib.loads((PKG.parent / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(PKG.parent).parts) for p in PKG.rglob("__init__.py")}
    assert listed == found | {"reader.resources"}
    assert config["tool"]["setuptools"]["package-dir"] == {"reader.resources": "resources"}
