"""THIRD-PARTY-LICENSES for a frozen build, and the rule that keeps GPL-only code out of it.

The spec (installers/milo_desktop.spec) hands over the modules PyInstaller bundled; they are
mapped to their distributions with ``importlib.metadata`` (so the notice lists exactly what
ships, not what happens to be installed), and each distribution's name, version, licence and
shipped licence files are written out. A closed-source binary may link LGPL code (PySide6, Qt,
psycopg, fpdf2: dynamically, replaceable) and permissive code, but not code whose only licence
is the GPL or AGPL: such a distribution stops the build (``GplOnly``). The decisions:

* an SPDX expression is read first (``License-Expression``, or a one-line ``License`` field):
  ``A OR B`` is acceptable when one alternative is; ``A AND B`` when every part is;
* a part is refused when it names the GPL or AGPL, unless it is the LGPL ("Lesser", "Library")
  or carries an exception (``GPL-2.0-or-later WITH Classpath-exception-2.0``, "linking
  exception");
* without an expression, the ``License ::`` classifiers are read as alternatives (several
  classifiers are how a dual licence is declared): refused only when every one is GPL/AGPL;
* a distribution without any licence metadata is listed as "not declared" and does not stop
  the build (the notice shows it, for a person to check).
"""

from __future__ import annotations

import importlib.metadata as md
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

FIRST_PARTY = {"milo-desktop"}
_GPL = re.compile(r"\bA?GPL|General Public License", re.IGNORECASE)
_LESSER = re.compile(r"LGPL|Lesser|Library", re.IGNORECASE)
_EXCEPTION = re.compile(r"\bWITH\b|exception", re.IGNORECASE)
_LICENCE_FILE = re.compile(r"(^|/)(LICEN[CS]E|COPYING|NOTICE)[^/]*$", re.IGNORECASE)


class GplOnly(SystemExit):
    """A bundled distribution may only be used under the GPL/AGPL: the build must stop."""


@dataclass(frozen=True)
class Verdict:
    licence: str  # what the metadata says, in one line
    allowed: bool


def _part_allowed(part: str) -> bool:
    return not _GPL.search(part) or bool(_LESSER.search(part)) or bool(_EXCEPTION.search(part))


def expression_allowed(expression: str) -> bool:
    """An SPDX-like expression: any OR alternative whose AND parts are all acceptable.
    Parentheses are dropped (none of our dependencies nests OR inside AND)."""
    flat = expression.replace("(", " ").replace(")", " ")
    alternatives = re.split(r"\s+OR\s+|\s*/\s*", flat, flags=re.IGNORECASE)
    return any(
        all(_part_allowed(p) for p in re.split(r"\s+AND\s+", alt, flags=re.IGNORECASE))
        for alt in alternatives if alt.strip()
    )


def classify(expression: str | None, licence_field: str | None,
             classifiers: Iterable[str]) -> Verdict:
    """The licence of one distribution, from its metadata fields (module docstring: rules)."""
    field = (licence_field or "").strip()
    spdx = (expression or "").strip() or (field if field and "\n" not in field
                                          and len(field) <= 100 else "")
    if spdx:
        return Verdict(spdx, expression_allowed(spdx))
    names = [c.split("::")[-1].strip() for c in classifiers if c.startswith("License ::")]
    names = [n for n in names if n != "OSI Approved"]
    if names:
        return Verdict(" OR ".join(names), any(_part_allowed(n) for n in names))
    if field:  # a whole licence text in the License field
        return Verdict(field.splitlines()[0].strip("# ").strip(), _part_allowed(field[:400]))
    return Verdict("not declared", True)


def distributions_of(modules: Iterable[str]) -> list[md.Distribution]:
    """The installed distributions that provide these bundled module names (``pkg.mod`` or a
    binary's ``pkg/lib.so``), first party left out, sorted by name."""
    owners = md.packages_distributions()
    names: set[str] = set()
    for module in modules:
        top = re.split(r"[./\\]", module, maxsplit=1)[0]
        names.update(owners.get(top, ()))
    dists = {}
    for name in names:
        dist = md.distribution(name)
        key = dist.metadata["Name"].lower().replace("_", "-")
        if key not in FIRST_PARTY:
            dists[key] = dist
    return [dists[k] for k in sorted(dists)]


def verdict_of(dist: md.Distribution) -> Verdict:
    meta = dist.metadata
    return classify(meta.get("License-Expression"), meta.get("License"),
                    meta.get_all("Classifier") or [])


def _licence_texts(dist: md.Distribution) -> list[tuple[str, str]]:
    texts = []
    for file in dist.files or []:
        if _LICENCE_FILE.search(str(file)) and ".dist-info/" in str(file).replace("\\", "/"):
            path = Path(str(file.locate()))
            if path.is_file():
                texts.append((path.name, path.read_text(encoding="utf-8", errors="replace")))
    return texts


def _python_entry() -> str:
    text = Path(sys.base_prefix, "lib", f"python{sys.version_info[0]}.{sys.version_info[1]}",
                "LICENSE.txt")
    body = text.read_text(encoding="utf-8", errors="replace") if text.is_file() else (
        "Python Software Foundation License Version 2 (https://docs.python.org/3/license.html)")
    return f"Python {sys.version.split()[0]} — PSF-2.0\n\n{body.strip()}\n"


def notice_text(dists: list[md.Distribution]) -> str:
    """The whole THIRD-PARTY-LICENSES text: a summary table, then each licence in full."""
    rows = [(d.metadata["Name"], d.version, verdict_of(d).licence) for d in dists]
    lines = ["Milo Desktop includes the following third-party software.", "",
             f"Python {sys.version.split()[0]}  PSF-2.0"]
    lines += [f"{name} {version}  {licence}" for name, version, licence in rows]
    sections = [_python_entry()]
    for dist, (name, version, licence) in zip(dists, rows, strict=True):
        body = "\n\n".join(f"--- {file} ---\n{text.strip()}" for file, text in _licence_texts(dist))
        sections.append(f"{name} {version} — {licence}\n\n{body or '(no licence file shipped)'}\n")
    rule = "\n" + "=" * 78 + "\n"
    return "\n".join(lines) + "\n" + rule + rule.join(sections)


def refused(dists: list[md.Distribution]) -> list[str]:
    return [f"{d.metadata['Name']} {d.version} ({verdict_of(d).licence})"
            for d in dists if not verdict_of(d).allowed]


def write_notice(modules: Iterable[str], path: Path) -> None:
    """Write THIRD-PARTY-LICENSES for the bundled modules; raise ``GplOnly`` (the build stops
    with a message) when a bundled distribution is GPL-only."""
    dists = distributions_of(modules)
    bad = refused(dists)
    if bad:
        raise GplOnly("GPL-only distributions would be bundled: " + "; ".join(bad))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(notice_text(dists), encoding="utf-8")


def project_version(root: Path) -> str:
    """The version pyproject.toml declares (``milo_desktop.__version__``), read without
    importing the app."""
    source = (root / "milo_desktop" / "__init__.py").read_text(encoding="utf-8")
    match = re.search(r'^__version__\s*=\s*["\']([^"\']+)["\']', source, re.MULTILINE)
    if match is None:
        raise SystemExit("milo_desktop/__init__.py has no __version__")
    return match.group(1)
