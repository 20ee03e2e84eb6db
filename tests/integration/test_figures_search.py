"""A search matching a large share of the directory tests ASCII text with LIKE on each row
walked instead of asking FTS5 row by row (services/search.py, ``_ascii_substring``): the
rows must be exactly those the trigram index matches, including the two characters outside
ASCII that FTS5 folds into ASCII letters."""

from __future__ import annotations

import sqlite3
import string
from typing import Any

import pytest
from sqlalchemy import select

from milo_desktop.models import Candidate
from milo_desktop.services import search
from milo_desktop.services.search import candidate_match_clause
from milo_desktop.services.workspace import Workspace
from tests.factories import make_candidate


def test_only_the_listed_characters_fold_into_ascii_letters() -> None:
    """Every code point, through the trigram tokenizer of the SQLite in use: those found by
    an ASCII letter are exactly ``_FOLDS_TO_ASCII`` (a newer SQLite with more folds fails
    here, not in a user's search)."""
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize='trigram')")
    db.executemany("INSERT INTO t(rowid, x) VALUES (?, ?)",
                   ((cp, chr(cp) + "qq") for cp in range(128, 0x110000)
                    if not 0xD800 <= cp < 0xE000))
    found: dict[str, str] = {}
    for letter in string.ascii_lowercase + string.digits:
        for (cp,) in db.execute("SELECT rowid FROM t WHERE t MATCH ?", (f'"{letter}qq"',)):
            found[letter] = found.get(letter, "") + chr(cp)
    assert found == search._FOLDS_TO_ASCII


@pytest.fixture
def walked(monkeypatch: pytest.MonkeyPatch) -> None:
    """Thresholds that make the tiny directory take the row-by-row path."""
    monkeypatch.setattr(search, "COMMON_MATCHES", 1)
    monkeypatch.setattr(search, "_PROBE_EACH_DENSITY", 0.0)
    monkeypatch.setattr(search, "_BUNCHED_SORT_MAX", 0)


def _found(ws: Workspace, text: str, sort: Any) -> set[int]:
    def run(s: Any) -> set[int]:
        c = candidate_match_clause(ws.db.dialect, text, session=s, sort=sort)
        return set(s.scalars(select(Candidate.id).where(c)))

    return ws.db.run_sync(run)


def test_walked_search_finds_what_the_index_finds(sqlite_workspace: Workspace,
                                                  walked: None) -> None:
    ws = sqlite_workspace
    people = {
        "upper": make_candidate(ws, "COMFORT OSEI", "c.osei@mail.test"),
        "email": make_candidate(ws, "Ann Lee", "ann@company.test"),
        "long_s": make_candidate(ws, "Jameſ Moſs", "jm@mail.test"),  # ſ folds to s
        "kelvin": make_candidate(ws, "\u212aim Park", "kp@mail.test"),  # K folds to k
        "accent": make_candidate(ws, "Zoë Müller", "zm@mail.test"),
        "wild": make_candidate(ws, "Pat 100%_sure", "p@mail.test"),
        "none": make_candidate(ws, "Bo Chen", "bo@mail.test"),
    }
    cases = {"com": {"upper", "email"}, "moss": {"long_s"}, "kim": {"kelvin"},
             "MÜL": {"accent"}, "0%_": {"wild"}, "00%": {"wild"}, "zzz": set()}
    for text, names in cases.items():
        want = {people[n] for n in names}
        for sort in ("created_at", "name_key"):
            assert _found(ws, text, sort) == want, (text, sort)
