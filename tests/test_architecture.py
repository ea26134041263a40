"""The shape of the code base, read from the source files: doors, sizes, ignores, citations.

Nothing here imports the code under test; each rule reads the files with ``ast`` or
``tokenize`` and lists every offender with its path and line, so one run shows all the work.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections.abc import Iterator
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Each room's folder and the package it installs as (pyproject.toml's package-dir).
ROOMS = {"sigbot": "sigbot", "handlers": "sigbot.handlers", "scheduler": "sigbot.scheduler"}
CODE = (*ROOMS, "tests", "tools", "benchmarks")
# The wiring: modules (or packages) that build all three rooms and start them together.
WIRING = ("sigbot.app", "sigbot.cli", "sigbot.demo")
GENERATED = "sigbot/migrations/versions/"
MAX_MODULE_LINES = 300
MAX_FUNCTION_LINES = 60
# Which other room each room may not import (the wiring in sigbot/ aside).
CLOSED_DOORS = {
    "sigbot": ("sigbot.handlers", "sigbot.scheduler"),
    "handlers": ("sigbot.scheduler",),
    "scheduler": ("sigbot.handlers",),
}
TYPE_IGNORE = re.compile(r"#\s*type:\s*ignore(?:\[[^\]]*\])?(?P<rest>.*)$")
REASON = re.compile(r"#\s*(?!noqa\b)\S")
OUTSIDE_DOCS = re.compile(r"\bshared/")
TEXT_WITH_HASH_COMMENTS = {".yaml", ".yml", ".po", ".pot"}


def _files(folders: tuple[str, ...], suffixes: set[str] | None = None) -> Iterator[Path]:
    """The project's files under ``folders`` (caches and generated migrations left out)."""
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*")):
            name = _rel(path)
            if (
                path.is_file()
                and path.suffix in (suffixes or {".py"})
                and "__pycache__" not in path.parts
                and not name.startswith(GENERATED)
            ):
                yield path


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


@cache
def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


@cache
def _comments(path: Path) -> tuple[tuple[int, str], ...]:
    """Every ``#`` comment of a Python file with its line number."""
    tokens = tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline)
    return tuple((t.start[0], t.string) for t in tokens if t.type == tokenize.COMMENT)


def _module_name(path: Path) -> str:
    """The dotted name a room's file imports as: handlers/http.py is sigbot.handlers.http."""
    parts = path.relative_to(ROOT).with_suffix("").parts
    names = [*ROOMS[parts[0]].split("."), *parts[1:]]
    return ".".join(names[:-1] if names[-1] == "__init__" else names)


def _imported(node: ast.Import | ast.ImportFrom, path: Path) -> list[str]:
    """The modules an import statement may load, relative imports resolved."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:
        package = _module_name(path).split(".")
        if path.name != "__init__.py":
            package = package[:-1]
        package = package[: len(package) - node.level + 1]
        base = ".".join([*package, *([node.module] if node.module else [])])
    return [base, *(f"{base}.{alias.name}" for alias in node.names)]


def _door_offenders(room: str) -> list[str]:
    offenders = []
    for path in _files((room,)):
        module = _module_name(path)
        if any(module == wiring or module.startswith(wiring + ".") for wiring in WIRING):
            continue
        for node in ast.walk(_tree(path)):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            closed = [
                name
                for name in _imported(node, path)
                for door in CLOSED_DOORS[room]
                if name == door or name.startswith(door + ".")
            ]
            if closed:
                offenders.append(f"{_rel(path)}:{node.lineno}: imports {min(closed, key=len)}")
    return offenders


def _docstring_lines(path: Path) -> Iterator[tuple[int, str]]:
    """Every line of every docstring of a Python file with its line number."""
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            doc = ast.get_docstring(node, clean=False)
            if doc is not None:
                for offset, text in enumerate(doc.splitlines()):
                    yield node.body[0].lineno + offset, text


def test_sigbot_imports_neither_handlers_nor_scheduler() -> None:
    """Only the wiring (sigbot.app, sigbot.cli, sigbot.demo) imports handlers or scheduler."""
    offenders = _door_offenders("sigbot")
    assert not offenders, "\n".join(offenders)


def test_handlers_and_scheduler_do_not_import_each_other() -> None:
    """handlers/ never imports sigbot.scheduler and scheduler/ never imports sigbot.handlers."""
    offenders = _door_offenders("handlers") + _door_offenders("scheduler")
    assert not offenders, "\n".join(offenders)


def test_no_module_is_over_300_lines() -> None:
    """No module is longer than 300 lines (generated migrations aside)."""
    offenders = []
    for path in _files(CODE):
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_MODULE_LINES:
            offenders.append(f"{_rel(path)}: {lines} lines")
    assert not offenders, "\n".join(offenders)


def test_no_function_is_over_60_lines() -> None:
    """No function or method is longer than 60 lines, from its def to its last line."""
    offenders = []
    for path in _files(CODE):
        for node in ast.walk(_tree(path)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = (node.end_lineno or node.lineno) - node.lineno + 1
                if lines > MAX_FUNCTION_LINES:
                    where = f"{_rel(path)}:{node.lineno}"
                    offenders.append(f"{where}: {node.name} is {lines} lines")
    assert not offenders, "\n".join(offenders)


def test_every_type_ignore_says_why() -> None:
    """Every ``# type: ignore`` is followed on its line by a comment giving the reason."""
    offenders = []
    for path in _files(CODE):
        for line, comment in _comments(path):
            found = TYPE_IGNORE.search(comment)
            if found and not REASON.search(found["rest"]):
                offenders.append(f"{_rel(path)}:{line}: {comment}")
    assert not offenders, "\n".join(offenders)


def test_no_docstring_or_comment_cites_documents_outside_the_repository() -> None:
    """Docstrings and comments cite docs/ and README.md, never a folder outside the repository."""
    folders = (*ROOMS, "tests")
    offenders = []
    for path in _files(folders):
        for line, text in [*_docstring_lines(path), *_comments(path)]:
            if OUTSIDE_DOCS.search(text):
                offenders.append(f"{_rel(path)}:{line}: {text.strip()}")
    for path in _files(folders, TEXT_WITH_HASH_COMMENTS):
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            comment = text.partition("#")[2]
            if comment and OUTSIDE_DOCS.search(comment):
                offenders.append(f"{_rel(path)}:{number}: {text.strip()}")
    assert not offenders, "\n".join(offenders)
