"""The layering contracts and the linter, as part of the test run (CI runs them too); every
third-party import declared as a dependency; no product file or class named like a test."""

from __future__ import annotations

import ast
import importlib.metadata
import re
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PRODUCT = ROOT / "milo_desktop"
FIRST_PARTY = {"milo_desktop", "tests"}


def _tool(name: str) -> str:
    found = BIN / name
    if found.exists():
        return str(found)
    which = shutil.which(name)
    if which is None:
        pytest.fail(f"{name} is not installed; install the test extras: pip install -e '.[test]'")
    return which


def test_import_contracts_are_kept() -> None:
    """views never import sqlalchemy/httpx/twilio/keyring; services and models never import Qt."""
    result = subprocess.run(
        [_tool("lint-imports")], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    contracts = _pyproject()["tool"]["importlinter"]["contracts"]
    assert f"{len(contracts)} kept, 0 broken" in result.stdout


def test_ruff_is_clean() -> None:
    result = subprocess.run(
        [_tool("ruff"), "check", "."], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout[-4000:]


# ----- declared dependencies ---------------------------------------------------------------------
def _pyproject() -> dict[str, object]:
    with (ROOT / "pyproject.toml").open("rb") as f:
        return tomllib.load(f)


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement_names(requirements: Iterable[str]) -> set[str]:
    """``"psycopg[binary]>=3.1"`` → ``"psycopg"`` (PEP 508 names, normalised)."""
    names = set()
    for requirement in requirements:
        match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
        assert match is not None, f"unreadable requirement {requirement!r}"
        names.add(_normalise(match.group(1)))
    return names


def _python_files(root: Path) -> Iterator[Path]:
    yield from (p for p in sorted(root.rglob("*.py")) if "__pycache__" not in p.parts)


def _imported_top_names(path: Path) -> set[str]:
    """The first component of every absolute import in ``path``, wherever it stands (lazy
    imports inside functions and TYPE_CHECKING blocks count too)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name.partition(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.partition(".")[0])
    return names


def _undeclared(root: Path, allowed: set[str]) -> list[str]:
    """``file: name (distribution)`` for each third-party import whose distribution is not in
    ``allowed`` (normalised names)."""
    distributions = importlib.metadata.packages_distributions()
    third_party = sys.stdlib_module_names | FIRST_PARTY | {"__future__"}
    problems = []
    for path in _python_files(root):
        for name in sorted(_imported_top_names(path) - third_party):
            found = distributions.get(name, [])
            if not {_normalise(d) for d in found} & allowed:
                where = path.relative_to(ROOT)
                from_ = ", ".join(found) or "no installed distribution"
                problems.append(f"{where}: {name} ({from_})")
    return problems


def test_product_code_imports_only_declared_dependencies() -> None:
    """Every third-party package milo_desktop imports is in [project].dependencies: an import
    that only works because something else pulled it in breaks the next install."""
    project = _pyproject()["project"]
    declared = _requirement_names(project["dependencies"])  # type: ignore[index]
    assert _undeclared(PRODUCT, declared) == []


def test_tests_import_only_declared_dependencies() -> None:
    """The tests may also use the ``test`` extras (pytest, hypothesis, aiosmtpd…)."""
    project = _pyproject()["project"]
    declared = _requirement_names(project["dependencies"])  # type: ignore[index]
    declared |= _requirement_names(project["optional-dependencies"]["test"])  # type: ignore[index]
    assert _undeclared(ROOT / "tests", declared) == []


# ----- nothing in the product looks like a test --------------------------------------------------
def test_product_code_has_no_file_or_class_named_like_a_test() -> None:
    """pytest would collect them, and a reader would take product code for a test."""
    named = [str(p.relative_to(ROOT)) for p in _python_files(PRODUCT)
             if p.name.startswith("test_") or p.stem.endswith("_test")]
    classes = [f"{p.relative_to(ROOT)}: {node.name}"
               for p in _python_files(PRODUCT)
               for node in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
               if isinstance(node, ast.ClassDef) and node.name.startswith("Test")]
    assert named == []
    assert classes == []
