"""installers/licences.py: which licences may ship in the closed-source binary, and the
THIRD-PARTY-LICENSES file written from real distributions' metadata (the installed ones, and
small distributions laid out on disk here the way pip installs them)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

_PATH = Path(__file__).resolve().parents[2] / "installers" / "licences.py"
_spec = importlib.util.spec_from_file_location("installer_licences", _PATH)
assert _spec is not None and _spec.loader is not None
licences = importlib.util.module_from_spec(_spec)
sys.modules["installer_licences"] = licences
_spec.loader.exec_module(licences)


@pytest.mark.parametrize(("expression", "allowed"), [
    ("MIT", True),
    ("Apache-2.0 OR BSD-3-Clause", True),
    ("LGPL-3.0-only", True),
    ("LGPL-3.0-only OR GPL-2.0-only OR GPL-3.0-only", True),  # PySide6, shiboken6
    ("GPL-2.0-or-later WITH Classpath-exception-2.0", True),
    ("(MIT OR GPL-3.0-only)", True),
    ("GPL-3.0-only", False),
    ("GPL-2.0-or-later", False),
    ("AGPL-3.0-or-later", False),
    ("MIT AND GPL-3.0-only", False),  # every part of an AND applies
    ("GPL-3.0-only OR AGPL-3.0-only", False),
])
def test_expressions(expression: str, allowed: bool) -> None:
    assert licences.classify(expression, None, []).allowed is allowed
    assert licences.classify(None, expression, []).allowed is allowed  # a one-line License


@pytest.mark.parametrize(("classifiers", "allowed"), [
    (["License :: OSI Approved :: GNU General Public License v3 (GPLv3)"], False),
    (["License :: OSI Approved :: GNU Affero General Public License v3"], False),
    (["License :: OSI Approved :: GNU Lesser General Public License v3 (LGPLv3)"], True),
    (["License :: OSI Approved :: GNU Library or Lesser General Public License (LGPL)"], True),
    (["License :: OSI Approved :: GNU General Public License v2 (GPLv2)",
      "License :: OSI Approved :: MIT License"], True),  # dual licensed
    (["License :: OSI Approved :: MIT License", "Programming Language :: Python"], True),
])
def test_classifiers(classifiers: list[str], allowed: bool) -> None:
    verdict = licences.classify(None, None, classifiers)
    assert verdict.allowed is allowed
    assert "OSI Approved" not in verdict.licence


def test_the_expression_wins_over_classifiers_and_a_licence_text_is_read() -> None:
    gpl = ["License :: OSI Approved :: GNU General Public License v3 (GPLv3)"]
    assert licences.classify("MIT", None, gpl).allowed
    mit_text = "## The MIT License (MIT)\n\nPermission is hereby granted, free of charge..."
    assert licences.classify(None, mit_text, []) == licences.Verdict("The MIT License (MIT)", True)
    gpl_text = "GNU GENERAL PUBLIC LICENSE\nVersion 3, 29 June 2007\n..."
    assert not licences.classify(None, gpl_text, []).allowed
    assert licences.classify(None, None, []) == licences.Verdict("not declared", True)


def test_the_installed_distributions_behind_bundled_modules() -> None:
    dists = licences.distributions_of([
        "PySide6.QtCore", "sqlalchemy.orm.session", "milo_desktop.app.main", "json",
        "PIL/_imaging.cpython-311-x86_64-linux-gnu.so",
    ])
    names = {d.metadata["Name"].lower().replace("_", "-") for d in dists}
    assert {"pyside6-essentials", "sqlalchemy", "pillow"} <= names
    assert "milo-desktop" not in names  # first party: not a third-party notice
    assert licences.refused(dists) == []


def _install(site: Path, name: str, expression: str, licence_text: str) -> None:
    """A distribution as pip leaves it: the package and its .dist-info with a licence file."""
    (site / name).mkdir()
    (site / name / "__init__.py").write_text("")
    info = site / f"{name}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.4\nName: {name}\nVersion: 1.0\nLicense-Expression: {expression}\n")
    (info / "LICENSE").write_text(licence_text)
    (info / "RECORD").write_text(
        f"{name}/__init__.py,,\n{info.name}/METADATA,,\n{info.name}/LICENSE,,\n")


def test_a_gpl_only_distribution_stops_the_build(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "site"
    site.mkdir()
    _install(site, "permissivepkg", "BSD-3-Clause", "Redistribution and use ... permitted.")
    _install(site, "copyleftpkg", "GPL-3.0-only", "GNU GENERAL PUBLIC LICENSE Version 3")
    monkeypatch.syspath_prepend(str(site))
    notice = tmp_path / "THIRD-PARTY-LICENSES"

    licences.write_notice(["permissivepkg.core", "sqlalchemy.orm"], notice)
    text = notice.read_text(encoding="utf-8")
    assert "permissivepkg 1.0  BSD-3-Clause" in text
    assert "Redistribution and use ... permitted." in text  # its licence file, in full
    assert "SQLAlchemy" in text and "Python " in text

    with pytest.raises(licences.GplOnly, match=r"copyleftpkg 1\.0 \(GPL-3\.0-only\)"):
        licences.write_notice(["permissivepkg", "copyleftpkg.module"], tmp_path / "again")
    assert not (tmp_path / "again").exists()
