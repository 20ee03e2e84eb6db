"""Workspace search on SQLite (FTS5 trigram) and PostgreSQL (pg_trgm): type-ahead, the SQL match
clauses the big tables filter with, and index maintenance."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select, update

from milo_desktop.enums import InterviewerStatus
from milo_desktop.models import Candidate, Interviewer
from milo_desktop.services import search
from milo_desktop.services.search import (
    SearchResults,
    candidate_match_clause,
    fts5_phrase,
    interviewer_match_clause,
    like_escape,
)
from milo_desktop.services.workspace import Workspace
from tests.factories import NOW, make_candidate, make_interviewer

# ------------------------------------------------------------------------------------------------
# A small directory with the awkward cases in it


@dataclass(frozen=True)
class Person:
    name: str
    email: str | None
    phone: str | None


PEOPLE = (
    Person("Natalia Romanova", "nat.romanova@acme.example", "+12145550123"),
    Person("Ali Khan", "ali.khan@contoso.example", "+447700900123"),
    Person("José García", "jose.garcia@example.org", "+34600123456"),
    Person("Anna Smith", "anna@smith.example", None),
    Person("Joann Annison", "jo.annison@acme.example", "+13125550199"),
    Person("Ann", None, None),
    Person("Zoë Ærø", "zoe@ærø.example", "+4520123456"),
    Person("Paul Ng", "paul.ng@acme.example", None),
    Person("Real_Name 100%", "real_name@acme.example", None),
    Person('Dwayne "The Rock" O\'Brien', "rock@acme.example", None),
    Person("Li Wei 李伟", "li.wei@example.cn", "+8613800138000"),
    Person("Stella 🌟 Star", "stella@acme.example", None),
)

IVS = (
    ("Warehouse Associate", "warehouse-associate-dallas", InterviewerStatus.ACTIVE),
    ("Forklift Operator", "forklift-op", InterviewerStatus.ARCHIVED),
    ("Front Desk Receptionist", "front-desk", InterviewerStatus.DRAFT),
    ("Forklift Trainer", "forklift-trainer", InterviewerStatus.ACTIVE),
)


@pytest.fixture
def people(workspace: Workspace) -> dict[str, int]:
    """Name → id; created a minute apart, in PEOPLE order."""
    return {
        p.name: make_candidate(
            workspace,
            p.name,
            p.email,
            phone_e164=p.phone,
            created_at=NOW + dt.timedelta(minutes=i),
        )
        for i, p in enumerate(PEOPLE)
    }


@pytest.fixture
def ivs(workspace: Workspace) -> dict[str, int]:
    return {
        name: make_interviewer(workspace, name, slug=slug, status=status)
        for name, slug, status in IVS
    }


@pytest.fixture
def data(workspace: Workspace, people: dict[str, int], ivs: dict[str, int]) -> Workspace:
    # make_candidate invents an email when given None: put the None back where PEOPLE says so.
    nulls = [people[p.name] for p in PEOPLE if p.email is None]
    workspace.db.run_sync(
        lambda s: s.execute(update(Candidate).where(Candidate.id.in_(nulls)).values(email=None)),
        write=True,
    )
    return workspace


def cand_names(res: SearchResults) -> list[str]:
    return [c.full_name for c in res.candidates]


def iv_names(res: SearchResults) -> list[str]:
    return [i.name for i in res.interviewers]


def ta(ws: Workspace, arun: Any, text: str, limit: int = 8) -> SearchResults:
    return arun(ws.search.typeahead(text, limit=limit))


# ------------------------------------------------------------------------------------------------
# An independent statement of the matching rules (the oracle)


def clean(text: str) -> str:
    text = unicodedata.normalize("NFC", text.replace("\x00", ""))
    return re.sub(r"\s+", " ", text).strip()


def phone_digits(text: str) -> str | None:
    digits = re.sub(r"\D", "", text)
    if len(digits) >= 3 and re.fullmatch(r"[0-9 +\-().]+", text):
        return digits
    return None


def folds(s: str) -> set[str]:
    """The ways a database may fold case: full casefold/lower, or per character (SQLite's
    FTS5 and PostgreSQL's lower() map one character to one character)."""
    return {
        s.casefold(),
        s.lower(),
        "".join(ch.lower()[:1] or ch for ch in s),
        "".join(ch.casefold()[:1] or ch for ch in s),
    }


def ci_contains(hay: str | None, needle: str) -> bool:
    if hay is None:
        return False
    return any(n in h for h in folds(hay) for n in folds(needle))


def expected_person(text: str, p: Person) -> bool:
    """Whether candidate ``p`` should match ``text`` (ASCII-safe folding: used for exact-id
    checks on queries whose case rules every database agrees on)."""
    q = clean(text)
    if not q:
        return True
    if not any(ch.isalnum() for ch in q):
        return False
    if len(q) < 3:
        return p.name.casefold().startswith(q.casefold())
    fields = (p.name.lower(), (p.email or "").lower(), p.phone or "")
    digits = phone_digits(q)
    if digits is not None and p.phone and digits in p.phone:
        return True
    return any(q.lower() in f for f in fields)


# ------------------------------------------------------------------------------------------------
# Type-ahead


def test_substring_in_the_middle_of_a_name(data: Workspace, arun: Any) -> None:
    assert cand_names(ta(data, arun, "ali")) == ["Ali Khan", "Natalia Romanova"]
    assert cand_names(ta(data, arun, "talia")) == ["Natalia Romanova"]


def test_case_insensitive(data: Workspace, arun: Any) -> None:
    for text in ("NATAL", "natal", "nAtAl", "  natal  ", "RoMaNoVa"):
        assert cand_names(ta(data, arun, text)) == ["Natalia Romanova"], text


def test_case_insensitive_beyond_ascii(data: Workspace, arun: Any) -> None:
    assert cand_names(ta(data, arun, "JOSÉ")) == ["José García"]
    assert cand_names(ta(data, arun, "garcía")) == ["José García"]
    assert cand_names(ta(data, arun, "ZOË ÆRØ")) == ["Zoë Ærø"]
    # decomposed input (as some keyboards and pasted text give it) finds the composed name
    assert cand_names(ta(data, arun, unicodedata.normalize("NFD", "José"))) == ["José García"]
    assert cand_names(ta(data, arun, "李伟")) == []  # 2 characters: a name prefix only
    assert cand_names(ta(data, arun, "wei 李伟")) == ["Li Wei 李伟"]


def test_email_substring(data: Workspace, arun: Any) -> None:
    assert cand_names(ta(data, arun, "contoso")) == ["Ali Khan"]
    assert cand_names(ta(data, arun, "@SMITH.EX")) == ["Anna Smith"]
    assert set(cand_names(ta(data, arun, "acme.example", limit=20))) == {
        p.name for p in PEOPLE if p.email and "acme.example" in p.email
    }


def test_phone_digits_with_punctuation(data: Workspace, arun: Any) -> None:
    for text in ("(214) 555-01", "214-555", "+1 214 555", "214.555.0123", "2145550123", "555-0123"):
        assert cand_names(ta(data, arun, text)) == ["Natalia Romanova"], text


def test_phone_digits_only_match_phones(data: Workspace, arun: Any) -> None:
    assert cand_names(ta(data, arun, "(312) 555")) == ["Joann Annison"]
    assert cand_names(ta(data, arun, "555")) == ["Joann Annison", "Natalia Romanova"]
    assert cand_names(ta(data, arun, "(999) 555")) == []


def test_one_and_two_characters_are_a_name_prefix(data: Workspace, arun: Any) -> None:
    assert cand_names(ta(data, arun, "na")) == ["Natalia Romanova"]  # not "Anna", "Joann"
    assert cand_names(ta(data, arun, "An")) == ["Ann", "Anna Smith"]
    assert cand_names(ta(data, arun, "a")) == ["Ali Khan", "Ann", "Anna Smith"]
    assert cand_names(ta(data, arun, "zo")) == ["Zoë Ærø"]
    assert cand_names(ta(data, arun, "É")) == []
    assert iv_names(ta(data, arun, "fo")) == ["Forklift Trainer", "Forklift Operator"]
    assert iv_names(ta(data, arun, "fr")) == ["Front Desk Receptionist"]


def test_exact_and_prefix_name_matches_rank_first(data: Workspace, arun: Any) -> None:
    # exact name, name prefix, a later word of the name, then email only
    assert cand_names(ta(data, arun, "ann")) == ["Ann", "Anna Smith", "Joann Annison"]
    make_candidate(data, "Bob Stone", "bob.ann@x.example")
    make_candidate(data, "Hannah Jo", "hj@x.example")
    assert cand_names(ta(data, arun, "ann", limit=10)) == [
        "Ann",
        "Anna Smith",
        "Joann Annison",  # "annison" starts a word
        "Hannah Jo",  # inside a word of the name
        "Bob Stone",  # the email only
    ]


def test_interviewers_by_name_and_slug(data: Workspace, arun: Any) -> None:
    assert iv_names(ta(data, arun, "house ASSOC")) == ["Warehouse Associate"]
    assert iv_names(ta(data, arun, "dallas")) == ["Warehouse Associate"]  # slug only
    assert iv_names(ta(data, arun, "t-des")) == ["Front Desk Receptionist"]  # slug only
    # name prefix first, then active before draft/expired/archived
    assert iv_names(ta(data, arun, "forklift")) == ["Forklift Trainer", "Forklift Operator"]
    hit = ta(data, arun, "forklift-op").interviewers
    assert [(h.slug, h.status) for h in hit] == [("forklift-op", "archived")]


HOSTILE = [
    '"',
    '""',
    '"""',
    "*",
    "***",
    "AND",
    "OR",
    "NOT",
    "NEAR(a b)",
    "-",
    "--",
    "(",
    ")",
    "()",
    "a:b",
    "name:ali",
    "^ali",
    "ali*",
    '"ali',
    "ali'",
    "o'b",
    "%",
    "_",
    "\\",
    "%%%",
    "___",
    "\\\\\\",
    "{phone_e164}",
    "José",
    "🌟",
    "🌟🌟🌟",
    "Stella 🌟",
    "\x00",
    "ali\x00",
    "\t\n",
    "   ",
    "",
    "a" * 300,
    "Ω≈ç√∫",
    "\u202e\u200b",
    "'; DROP TABLE candidates; --",
]


def test_hostile_input_never_raises(data: Workspace, arun: Any) -> None:
    for text in HOSTILE:
        res = ta(data, arun, text, limit=50)
        assert res.query == text
        if not any(ch.isalnum() for ch in clean(text)):
            assert res == SearchResults(text), text  # blank or punctuation only: nothing
        for hit in res.candidates:
            person = next(p for p in PEOPLE if p.name == hit.full_name)
            assert expected_person(text, person), (text, hit)


def test_quotes_and_operators_are_searched_literally(data: Workspace, arun: Any) -> None:
    assert cand_names(ta(data, arun, '"The Rock"')) == ['Dwayne "The Rock" O\'Brien']
    assert cand_names(ta(data, arun, "o'brien")) == ['Dwayne "The Rock" O\'Brien']
    assert cand_names(ta(data, arun, "Stella 🌟")) == ["Stella 🌟 Star"]
    assert cand_names(ta(data, arun, "AND")) == []
    assert cand_names(ta(data, arun, "ann OR ali")) == []


def test_like_wildcards_are_escaped(data: Workspace, arun: Any) -> None:
    assert cand_names(ta(data, arun, "l_n")) == ["Real_Name 100%"]  # not "Paul Ng"
    assert cand_names(ta(data, arun, "0%")) == []  # 2 characters: prefix "0%", no name has it
    assert cand_names(ta(data, arun, "00%")) == ["Real_Name 100%"]
    assert cand_names(ta(data, arun, "a%n")) == []
    assert cand_names(ta(data, arun, "re")) == ["Real_Name 100%"]
    assert cand_names(ta(data, arun, "r%")) == []


def test_renamed_candidates_are_found_by_their_new_name(data: Workspace, arun: Any) -> None:
    cid = next(c.id for c in ta(data, arun, "natalia").candidates)

    def rename(s: Any) -> None:
        c = s.get(Candidate, cid)
        c.full_name, c.name_key = "Natasha Belova", "natasha belova"
        c.email, c.phone_e164 = "n.belova@acme.example", "+19725550000"

    data.db.run_sync(rename, write=True)
    assert cand_names(ta(data, arun, "belova")) == ["Natasha Belova"]
    assert cand_names(ta(data, arun, "(972) 555")) == ["Natasha Belova"]
    assert cand_names(ta(data, arun, "natas")) == ["Natasha Belova"]
    assert cand_names(ta(data, arun, "natalia")) == []
    assert cand_names(ta(data, arun, "romanova")) == []
    assert cand_names(ta(data, arun, "214-555")) == []


def test_deleted_and_erasing_candidates_are_not_found(
    data: Workspace, people: dict[str, int], arun: Any
) -> None:
    data.db.run_sync(
        lambda s: s.execute(delete(Candidate).where(Candidate.id == people["Ali Khan"])),
        write=True,
    )
    assert cand_names(ta(data, arun, "ali")) == ["Natalia Romanova"]
    assert cand_names(ta(data, arun, "contoso")) == []
    data.db.run_sync(
        lambda s: s.execute(
            update(Candidate)
            .where(Candidate.id == people["Natalia Romanova"])
            .values(erase_requested_at=NOW)
        ),
        write=True,
    )
    assert cand_names(ta(data, arun, "ali")) == []
    assert cand_names(ta(data, arun, "na")) == []
    assert cand_names(ta(data, arun, "214-555")) == []


def test_limit_is_respected(workspace: Workspace, arun: Any) -> None:
    for i in range(15):
        make_candidate(workspace, f"Morgan Example {i:02}", f"m{i}@morgan.example")
        make_interviewer(workspace, f"Morgan Role {i:02}", slug=f"morgan-{i}")
    for text in ("morgan", "mo", "m", "gan ex", "morgan.example"):
        for limit in (1, 5, 8, 40):
            res = ta(workspace, arun, text, limit=limit)
            assert len(res.candidates) == min(limit, 15), (text, limit)
            if "." not in text and " " not in text:
                assert len(res.interviewers) == min(limit, 15), (text, limit)
    assert cand_names(ta(workspace, arun, "mo", limit=3)) == [
        "Morgan Example 00",
        "Morgan Example 01",
        "Morgan Example 02",
    ]
    assert ta(workspace, arun, "morgan", limit=0) == SearchResults("morgan")


def test_rebuild_index_keeps_search_working(data: Workspace, arun: Any) -> None:
    arun(data.search.rebuild_index())
    assert cand_names(ta(data, arun, "ali")) == ["Ali Khan", "Natalia Romanova"]
    assert iv_names(ta(data, arun, "dallas")) == ["Warehouse Associate"]
    make_candidate(data, "Quentin Rebuilt", "q@x.example")
    assert cand_names(ta(data, arun, "rebuil")) == ["Quentin Rebuilt"]


# ------------------------------------------------------------------------------------------------
# The match clauses, in real SELECTs

CLAUSE_QUERIES = [
    "ali",
    "ALI",
    "na",
    "N",
    "ann",
    "acme.example",
    "@acme",
    "(214) 555-01",
    "214-555",
    "+1 214 555",
    "555",
    "jose",
    "josé",
    "l_n",
    "00%",
    "o'b",
    '"The Rock"',
    "zzz",
    "---",
    "🌟🌟🌟",
]


def _ids_in(ws: Workspace, clause: Any, order: Any = (Candidate.id,)) -> list[int]:
    stmt = select(Candidate.id).where(clause).order_by(*order)
    return list(ws.db.run_sync(lambda s: s.scalars(stmt).all()))


@pytest.fixture
def forced_shapes(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Probe thresholds so low that the tiny test directory takes the 'common text' paths."""
    monkeypatch.setattr(search, "COMMON_MATCHES", 1)
    monkeypatch.setattr(search, "PG_ID_LIST_MAX", 1)
    yield


def _ids_with_session(ws: Workspace, text: str, sort: Any) -> list[int]:
    def run(s: Any) -> list[int]:
        c = candidate_match_clause(ws.db.dialect, text, session=s, sort=sort)
        return list(s.scalars(select(Candidate.id).where(c).order_by(Candidate.id)))

    return ws.db.run_sync(run)


def test_candidate_match_clause_selects_exactly_the_matches(
    data: Workspace, people: dict[str, int]
) -> None:
    for text in CLAUSE_QUERIES:
        expected = sorted(people[p.name] for p in PEOPLE if expected_person(text, p))
        clause = candidate_match_clause(data.db.dialect, text)
        assert clause is not None
        assert _ids_in(data, clause) == expected, text
        # with the session (plan probes) and either sort: the same rows
        for sort in ("created_at", "name_key"):
            assert _ids_with_session(data, text, sort) == expected, (text, sort)


def test_candidate_match_clause_common_text_shapes(
    data: Workspace, people: dict[str, int], forced_shapes: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The clause shapes chosen for common text (walk an index against a match list, or ask
    FTS row by row; plain ILIKE on PostgreSQL) select the same rows."""
    monkeypatch.setattr(search, "_BUNCHED_SORT_MAX", 0)
    for density in (0.0, 1.0):
        monkeypatch.setattr(search, "_PROBE_EACH_DENSITY", density)
        for text in CLAUSE_QUERIES:
            expected = sorted(people[p.name] for p in PEOPLE if expected_person(text, p))
            for sort in ("created_at", "name_key"):
                assert _ids_with_session(data, text, sort) == expected, (density, text, sort)


def test_candidate_match_clause_composes_with_order_keyset_and_limit(
    data: Workspace, people: dict[str, int]
) -> None:
    """What the Candidate Directory does: ORDER BY created_at DESC / name_key, keyset, LIMIT."""
    text = "acme"
    matching = [p for p in PEOPLE if expected_person(text, p)]
    newest_first = [people[p.name] for p in reversed(matching)]  # created a minute apart
    by_name = [people[p.name] for p in sorted(matching, key=lambda p: p.name.casefold())]

    def page(s: Any, sort: Any, after: tuple[Any, int] | None) -> list[tuple[Any, int]]:
        c = candidate_match_clause(data.db.dialect, text, session=s, sort=sort)
        if sort == "created_at":
            stmt = select(Candidate.created_at, Candidate.id).order_by(
                Candidate.created_at.desc(), Candidate.id.desc()
            )
            if after:
                stmt = stmt.where(Candidate.created_at < after[0])
        else:
            stmt = select(Candidate.name_key, Candidate.id).order_by(
                Candidate.name_key, Candidate.id
            )
            if after:
                stmt = stmt.where(Candidate.name_key > after[0])
        stmt = stmt.where(c, Candidate.erase_requested_at.is_(None)).limit(2)
        return [(r[0], r[1]) for r in s.execute(stmt)]

    for sort, expected in (("created_at", newest_first), ("name_key", by_name)):
        got: list[int] = []
        after = None
        while True:
            rows = data.db.run_sync(lambda s, sort=sort, after=after: page(s, sort, after))
            if not rows:
                break
            got += [r[1] for r in rows]
            after = rows[-1]
        assert got == expected, sort


def test_candidate_match_clause_blank_and_punctuation(data: Workspace) -> None:
    assert candidate_match_clause(data.db.dialect, "") is None
    assert candidate_match_clause(data.db.dialect, " \t ") is None
    assert interviewer_match_clause(data.db.dialect, "") is None
    for text in ("---", "🌟", '"', "%"):
        clause = candidate_match_clause(data.db.dialect, text)
        assert clause is not None and _ids_in(data, clause) == []


INTERVIEWER_CASES = [
    ("forklift", {"Forklift Operator", "Forklift Trainer"}),
    ("FORK", {"Forklift Operator", "Forklift Trainer"}),
    ("lift-op", {"Forklift Operator"}),
    ("dallas", {"Warehouse Associate"}),
    ("fo", {"Forklift Operator", "Forklift Trainer"}),
    ("f", {"Forklift Operator", "Forklift Trainer", "Front Desk Receptionist"}),
    ("desk", {"Front Desk Receptionist"}),
    ("zzz", set()),
    ("%", set()),
    ("f%", set()),
    ("_o", set()),
]


def test_interviewer_match_clause(data: Workspace, ivs: dict[str, int]) -> None:
    for text, expected in INTERVIEWER_CASES:
        stmt = select(Interviewer.name).where(interviewer_match_clause(data.db.dialect, text))
        assert set(data.db.run_sync(lambda s, stmt=stmt: s.scalars(stmt).all())) == expected, text


# ------------------------------------------------------------------------------------------------
# Escaping helpers


def test_fts5_phrase_and_like_escape() -> None:
    assert fts5_phrase('a"b') == '"a""b"'
    assert fts5_phrase("AND") == '"AND"'
    assert like_escape("100%_\\x") == "100\\%\\_\\\\x"


def test_prefix_upper_bound_is_exact() -> None:
    ub = search._prefix_upper_bound
    assert ub("ab") == "ac"
    assert ub("a\U0010ffff") == "b"
    assert ub("\U0010ffff") is None
    assert ub("a\ud7ff") == "a\ue000"
    for name in ("ab", "ab\uffff", "ab😀", "ab\U0010fffe"):
        assert "ab" <= name < (ub("ab") or "")


# ------------------------------------------------------------------------------------------------
# Property: arbitrary text never raises, and every hit really matches

FIELDS = [f for p in PEOPLE for f in (p.name, p.email, p.phone) if f] + [
    f for name, slug, _ in IVS for f in (name, slug)
]
CASES = [str.lower, str.upper, str.swapcase, str.title, lambda s: s]


@st.composite
def fragments(draw: st.DrawFn) -> str:
    field = draw(st.sampled_from(FIELDS))
    start = draw(st.integers(0, len(field) - 1))
    size = draw(st.integers(1, 9))
    return draw(st.sampled_from(CASES))(field[start : start + size])


QUERIES = st.one_of(
    st.text(max_size=12),
    fragments(),
    st.sampled_from(["(214) 555", "+1 214 555-0", "555", "44 7700", "ann", "an", "🌟"]),
)


def test_arbitrary_text_never_raises_and_every_hit_matches(data: Workspace, arun: Any) -> None:
    @settings(
        max_examples=50,
        deadline=None,
        database=None,  # no .hypothesis directory in the repo
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(text=QUERIES)
    def check(text: str) -> None:
        res = ta(data, arun, text, limit=20)
        q = clean(text)
        digits = phone_digits(q)
        for hit in res.candidates:
            assert (
                ci_contains(hit.full_name, q)
                or ci_contains(hit.email, q)
                or ci_contains(hit.phone_e164, q)
                or (digits is not None and digits in (hit.phone_e164 or ""))
            ), (text, hit)
        for iv in res.interviewers:
            assert ci_contains(iv.name, q) or ci_contains(iv.slug, q), (text, iv)

    check()
