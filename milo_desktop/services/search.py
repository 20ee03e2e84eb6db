"""Workspace search: type-ahead over candidates and interviewers, and the SQL filters the big
tables use, behind one interface on both databases.

How a query is answered (the same rules on SQLite and PostgreSQL):

* blank → no filter; only punctuation/symbols → matches nothing (never an error);
* mostly digits ("(214) 555-01", "214-555", "+1 214 555") with at least 3 digits → the digits
  against ``phone_e164``, or the text as typed anywhere (so "2024" still finds "kim2024@…");
* 3 characters or more → case-insensitive substring of name, email or phone: an FTS5 trigram
  index on SQLite, pg_trgm GIN indexes serving ``ILIKE '%q%'`` on PostgreSQL;
* 1 or 2 characters (too short for trigrams) → prefix of the casefolded name (``name_key``)
  on a b-tree index; interviewers by name or slug prefix (a small table).

Ranking is only ever applied to a small set: type-ahead fetches the first few dozen matches in
index order (never ``ORDER BY rank`` over a match set that can hold half the table), adds the
name-prefix matches from the ``name_key`` index, and orders that set in Python.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Integer,
    and_,
    any_,
    column,
    exists,
    false,
    func,
    literal,
    literal_column,
    or_,
    select,
    table,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from milo_desktop.enums import InterviewerStatus
from milo_desktop.models import Candidate, Interviewer
from milo_desktop.services.core.database import Database

log = logging.getLogger(__name__)

__all__ = [
    "CandidateHit",
    "InterviewerHit",
    "SearchResults",
    "SearchService",
    "candidate_match_clause",
    "fts5_phrase",
    "interviewer_match_clause",
    "like_escape",
]


@dataclass(frozen=True)
class CandidateHit:
    id: int
    full_name: str
    email: str | None
    phone_e164: str | None


@dataclass(frozen=True)
class InterviewerHit:
    id: int
    name: str
    slug: str
    status: str


@dataclass(frozen=True)
class SearchResults:
    query: str
    candidates: tuple[CandidateHit, ...] = ()
    interviewers: tuple[InterviewerHit, ...] = ()


Sort = Literal["created_at", "name_key"]

# --------------------------------------------------------------------------------------------
# Query parsing and escaping

TRIGRAM = 3  # trigram indexes cannot answer anything shorter
_PHONE_PUNCTUATION = frozenset(" +-().")
_WHITESPACE = re.compile(r"\s+")
_LIKE_SPECIALS = re.compile(r"([\\%_])")


@dataclass(frozen=True)
class _Query:
    """A user's search text, cleaned once and classified."""

    text: str  # NFC, NUL-free, whitespace collapsed: what substring search looks for
    folded: str  # casefolded, as name_key is stored
    digits: str | None  # the phone digits when the text is phone-like
    searchable: bool  # False: punctuation/symbols only, which matches nothing

    @property
    def short(self) -> bool:
        return len(self.text) < TRIGRAM


def _parse(raw: str) -> _Query | None:
    """None for blank text. NUL is dropped because PostgreSQL text cannot hold it and FTS5
    would read it as the end of the query; NFC because names are stored composed."""
    cleaned = unicodedata.normalize("NFC", raw.replace("\x00", ""))
    cleaned = _WHITESPACE.sub(" ", cleaned).strip()
    if not cleaned:
        return None
    digits = "".join(ch for ch in cleaned if "0" <= ch <= "9")
    phone_like = len(digits) >= TRIGRAM and all(
        "0" <= ch <= "9" or ch in _PHONE_PUNCTUATION for ch in cleaned
    )
    return _Query(
        text=cleaned,
        folded=cleaned.casefold(),
        digits=digits if phone_like else None,
        searchable=any(ch.isalnum() for ch in cleaned),
    )


def fts5_phrase(value: str) -> str:
    """``value`` as one FTS5 string literal: in double quotes, inner quotes doubled, so
    operators (AND, OR, NOT, NEAR, *, ^, -, :, parentheses) are searched for, never parsed."""
    return '"' + value.replace('"', '""') + '"'


def like_escape(value: str) -> str:
    """Escape LIKE's wildcards with backslash (PostgreSQL's default escape character; SQLite
    is given ``ESCAPE '\\'`` explicitly)."""
    return _LIKE_SPECIALS.sub(r"\\\1", value)


def _prefix_upper_bound(prefix: str) -> str | None:
    """The smallest string above every string that starts with ``prefix``, in code point
    order (SQLite's BINARY collation on UTF-8), or None when there is none.

    Incrementing the last character is exact, unlike ``prefix + '\\uffff'``, which misses names
    continuing with a character beyond the BMP (emoji, rarer CJK).
    """
    chars = list(prefix)
    while chars:
        nxt = ord(chars[-1]) + 1
        if nxt == 0xD800:  # surrogates cannot be encoded: skip the block
            nxt = 0xE000
        if nxt <= 0x10FFFF:
            chars[-1] = chr(nxt)
            return "".join(chars)
        chars.pop()
    return None


# --------------------------------------------------------------------------------------------
# SQL pieces

# The FTS5 tables made by migration 0002 (SQLite only). Not ORM models: they are indexes.
# The hidden column named like the table is what MATCH is applied to (all columns).
_candidates_fts = table("candidates_fts", column("rowid", Integer), column("candidates_fts"))
_interviewers_fts = table("interviewers_fts", column("rowid", Integer), column("interviewers_fts"))


def _fts_expression(q: _Query, phone_column: str | None = None) -> str:
    """The FTS5 MATCH expression for a query of 3 characters or more."""
    phrase = fts5_phrase(q.text)
    if q.digits is not None and phone_column:
        # Column filter + phrase: the digits inside phone_e164 only; OR the text as typed.
        return f"{phone_column} : {fts5_phrase(q.digits)} OR {phrase}"
    return phrase


def _candidates_fts_match(q: _Query) -> ColumnElement[bool]:
    return _candidates_fts.c.candidates_fts.bool_op("MATCH")(
        literal(_fts_expression(q, "phone_e164"))
    )


def _codepoint_prefix_bounds(folded: str) -> list[ColumnElement[bool]]:
    """``name_key`` starts with ``folded``, as a range on ix_candidates_name_key: exact when
    text compares by code point (SQLite's BINARY; PostgreSQL's C, POSIX, C.UTF-8)."""
    upper = _prefix_upper_bound(folded)
    bounds = [Candidate.name_key >= folded]
    if upper is not None:
        bounds.append(Candidate.name_key < upper)
    return bounds


def _name_key_prefix(dialect: str, folded: str) -> ColumnElement[bool]:
    """``name_key`` starts with ``folded``, in a form the dialect serves from a b-tree.

    PostgreSQL: LIKE 'q%' on ix_candidates_name_key_prefix (text_pattern_ops), because a range
    under the database's linguistic collation is not the same as "starts with" (not even a
    lower bound: in Welsh, "ng…" sorts before "n").
    """
    if dialect == "sqlite":
        return and_(*_codepoint_prefix_bounds(folded))
    return Candidate.name_key.like(like_escape(folded) + "%")


def _pg_substring(q: _Query) -> ColumnElement[bool]:
    """Case-insensitive substring of name, email or phone (or the phone digits), in the form
    the trigram GIN indexes serve."""
    pattern = "%" + like_escape(q.text) + "%"
    # lower(full_name) exactly as indexed (ix_candidates_name_trgm), or the index is not used.
    clause = or_(
        func.lower(Candidate.full_name).ilike(pattern),
        Candidate.email.ilike(pattern),
        Candidate.phone_e164.ilike(pattern),
    )
    if q.digits is not None:
        clause = or_(Candidate.phone_e164.like("%" + q.digits + "%"), clause)
    return clause


# --------------------------------------------------------------------------------------------
# Query shapes for "first page ordered by X" (the Candidate Directory)
#
# Neither database knows how many rows a text matches (SQLite has no statistics on an FTS
# match; PostgreSQL's LIKE estimates bottom out around 1% of the table), and the good plan
# depends on it: for rare text, fetch every match and sort; for common text, walk the index
# of the ORDER BY and stop after a page. A wrong guess costs a second on 1M rows either way,
# so when given a session the clause builder asks first, with probes bounded by the limits
# below, and shapes the clause accordingly. Costs measured on 1M candidates: SQLite looks up
# and sorts a match in ~4 µs, adds one to an IN list in ~0.6 µs, walks an index row in ~0.4 µs,
# asks FTS about one row in ~25 µs; PostgreSQL fetches a heap row in ~8 µs.

COMMON_MATCHES = 2000  # SQLite: fewer matches than this are fetched and sorted (< 10 ms)
_PROBE_EACH_DENSITY = 0.07  # SQLite: above this share of the table, ask FTS row by row
_BUNCHED_SORT_MAX = 50_000  # SQLite, name order, matches bunched at one name: sort up to this
PG_ID_LIST_MAX = 5000  # PostgreSQL: up to this many matches are handed over as an id list
_PG_FUZZY_LIMIT = 20 * PG_ID_LIST_MAX  # GIN may sample a posting list above this

_Shape = Literal["lookup", "scan", "probe_each"]


def _count_up_to(session: Session, query: Select[Any], cap: int) -> int:
    return int(
        session.execute(select(func.count()).select_from(query.limit(cap).subquery())).scalar_one()
    )


def _sqlite_shape(session: Session, q: _Query, sort: Sort) -> _Shape | list[int]:
    """Every matching rowid when there are fewer than COMMON_MATCHES (so the FTS query is not
    run twice), else how to walk: "scan" (the ORDER BY index against a match list) or
    "probe_each" (the ORDER BY index, asking FTS about each row); "lookup" (fetch and sort
    every match) for ranges and bunched matches."""
    if q.short:
        if sort == "name_key":
            return "lookup"  # the name_key range is already in page order
        prefix = select(literal_column("1", Integer)).where(*_codepoint_prefix_bounds(q.folded))
        common = _count_up_to(session, prefix, COMMON_MATCHES) >= COMMON_MATCHES
        return "scan" if common else "lookup"
    # The newest COMMON_MATCHES matches, walking FTS backwards: if there are fewer, they are
    # all of them; if not, the rowid span they cover estimates the share of the table matching.
    newest = list(
        session.scalars(
            select(_candidates_fts.c.rowid)
            .where(_candidates_fts_match(q))
            .order_by(_candidates_fts.c.rowid.desc())
            .limit(COMMON_MATCHES)
        )
    )
    if len(newest) < COMMON_MATCHES:
        return newest
    top = session.execute(select(func.max(Candidate.id))).scalar_one()
    density = len(newest) / max(top - newest[-1] + 1, len(newest))
    if sort == "name_key" and q.digits is None:
        # Matches at the start of the name ("jennifer", "zoë") sit together in name order, and
        # walking the name index would pass every name before them first: when they are a good
        # part of the matches, sorting the matches is the bounded cost.
        prefix = select(literal_column("1", Integer)).where(*_codepoint_prefix_bounds(q.folded))
        bunched = _count_up_to(session, prefix, COMMON_MATCHES)
        if bunched * 4 >= COMMON_MATCHES and density * top <= _BUNCHED_SORT_MAX:
            return "lookup"
    return "probe_each" if density >= _PROBE_EACH_DENSITY else "scan"


def _sqlite_substring(q: _Query, shape: _Shape | list[int]) -> ColumnElement[bool]:
    if isinstance(shape, list):
        # The probe found them all: hand them over, the planner looks each up and sorts.
        return Candidate.id.in_(shape)
    matches = select(_candidates_fts.c.rowid).where(_candidates_fts_match(q))
    if shape == "probe_each":
        # No match list is built: each row walked is checked. A rowid-bound FTS lookup costs
        # ~25 µs warm and milliseconds cold (0.4 s for "com"'s first page on 1M rows), so
        # ASCII text is tested with LIKE on the row already read (see _ascii_substring).
        probe = exists(
            select(literal_column("1"))
            .select_from(_candidates_fts)
            .where(_candidates_fts_match(q), _candidates_fts.c.rowid == Candidate.id)
        )
        return probe if not _like_exact(q) else _ascii_substring(q, probe)
    if shape == "scan":
        # "id + 0" cannot drive a rowid lookup, so SQLite builds the match list once, walks
        # the ORDER BY index and tests each row against it.
        return (Candidate.id + literal_column("0")).in_(matches)
    return Candidate.id.in_(matches)  # each match looked up by rowid, then sorted


# Code points FTS5's trigram tokenizer folds into ASCII letters (SQLite 3.40: KELVIN SIGN → k,
# LONG S → s; tests/integration/test_figures_search.py checks every code point against the
# SQLite in use). Nothing else outside ASCII can match ASCII text there.
_FOLDS_TO_ASCII = {"k": "\u212a", "s": "\u017f"}
_SEARCHED = (Candidate.full_name, Candidate.email, Candidate.phone_e164)


def _like_exact(q: _Query) -> bool:
    """Whether LIKE (ASCII case-insensitive) finds exactly the rows FTS5's trigram index
    does for this text: ASCII text, not read as phone digits."""
    return q.digits is None and q.text.isascii()


def _ascii_substring(q: _Query, probe: ColumnElement[bool]) -> ColumnElement[bool]:
    """The trigram match of ASCII text, tested on the row: LIKE on each column, plus the FTS
    probe for the rare row holding a character that FTS5 folds into one of the text's
    letters ("ſ" for "s")."""
    pattern = "%" + like_escape(q.text) + "%"
    clause = or_(*(c.like(pattern, escape="\\") for c in _SEARCHED))
    folding = [ch for letter, ch in _FOLDS_TO_ASCII.items() if letter in q.text.lower()]
    if not folding:
        return clause
    glob = "*[" + "".join(folding) + "]*"
    return or_(clause, and_(or_(*(c.op("GLOB")(glob) for c in _SEARCHED)), probe))


def _sqlite_short(q: _Query, shape: _Shape) -> ColumnElement[bool]:
    bounds = _codepoint_prefix_bounds(q.folded)
    if shape == "scan":
        # likelihood() tells SQLite the range holds most of the table, so ORDER BY created_at
        # walks ix_candidates_created and stops after a page instead of sorting 60,000 "j…"
        # names. (Untyped on purpose: a Boolean-typed function renders as "… = 1", which the
        # planner cannot use as a range at all.)
        return and_(*(func.likelihood(b, literal_column("0.9")) for b in bounds))
    return and_(*bounds)


class _PgPlannerSettings:
    """Transaction-local planner settings for one statement, put back afterwards.

    ``enable_seqscan=off``: with LIMIT and a LIKE estimate of ~1% PostgreSQL expects a
    sequential scan to stop early, and for rare text reads the whole table (1.7 s on 1M
    rows); trigram GIN bitmap scans cost what the matches cost. ``gin_fuzzy_search_limit``
    lets GIN return a sample of a huge single-trigram posting list ("com": 800,000 entries,
    150 ms) when any matches will do.
    """

    def __init__(self, session: Session, fuzzy_limit: int = 0) -> None:
        self.session = session
        self.fuzzy_limit = fuzzy_limit

    def __enter__(self) -> None:
        self.saved = self.session.execute(
            text(
                "SELECT current_setting('enable_seqscan'), "
                "current_setting('gin_fuzzy_search_limit')"
            )
        ).one()
        self._set("off", str(self.fuzzy_limit))

    def __exit__(self, exc_type: object, *_exc: object) -> None:
        # After an error the transaction is aborted and SET LOCAL dies with it.
        if exc_type is None:
            self._set(*self.saved)

    def _set(self, seqscan: str, fuzzy: str) -> None:
        self.session.execute(
            text(
                "SELECT set_config('enable_seqscan', :s, true), "
                "set_config('gin_fuzzy_search_limit', :f, true)"
            ),
            {"s": seqscan, "f": fuzzy},
        )


def _single_trigram(q: _Query) -> bool:
    """pg_trgm extracts exactly one trigram per column from '%q%' (so GIN sampling cannot
    thin an intersection of posting lists to nothing): three ASCII letters or digits."""
    return len(q.text) == TRIGRAM and q.text.isascii() and q.text.isalnum()


def _pg_codepoint_collation(session: Session) -> bool:
    """Whether the database's default collation compares text by code point (C, POSIX,
    C.UTF-8): every linguistic collation puts "a" before "B"."""
    return bool(session.execute(text("SELECT 'B' < 'a' AND 'Z' < 'a'")).scalar_one())


def _pg_probe(session: Session, q: _Query) -> list[int] | None:
    """Every matching id when there are at most PG_ID_LIST_MAX, else None (common text).

    A GIN bitmap scan is forced (see _PgPlannerSettings). For single-trigram text GIN may
    sample a posting list predicted above _PG_FUZZY_LIMIT ("com": 800,000 entries, 150 ms to
    read whole); a sample keeps ~_PG_FUZZY_LIMIT of them, and even if GIN's prediction (leaf
    pages × items on the first) were 10x too high that is twice PG_ID_LIST_MAX: a sampled
    probe always reads as common, so an id list is always complete.
    """
    fuzzy = _PG_FUZZY_LIMIT if _single_trigram(q) else 0
    stmt = select(Candidate.id).where(_pg_substring(q)).limit(PG_ID_LIST_MAX + 1)
    with _PgPlannerSettings(session, fuzzy):
        found = list(session.scalars(stmt))
    return found if len(found) <= PG_ID_LIST_MAX else None


# --------------------------------------------------------------------------------------------
# Public clauses


def _candidate_clause(
    dialect: str, q: _Query, session: Session | None = None, sort: Sort = "created_at"
) -> ColumnElement[bool]:
    if not q.searchable:
        return false()
    if dialect == "sqlite":
        shape = _sqlite_shape(session, q, sort) if session is not None else "lookup"
        if q.short:
            return _sqlite_short(q, "lookup" if isinstance(shape, list) else shape)
        return _sqlite_substring(q, shape)
    if q.short:
        if session is not None and sort == "name_key" and _pg_codepoint_collation(session):
            # A range on ix_candidates_name_key is then exact, and already in page order
            # (LIKE's text_pattern_ops index is not: 140,000 "j…" names would be sorted).
            return and_(*_codepoint_prefix_bounds(q.folded))
        return _name_key_prefix(dialect, q.folded)  # PostgreSQL's prefix estimates are good
    if session is not None:
        ids = _pg_probe(session, q)
        if ids is not None:
            # The exact ids, so the planner looks them up and sorts them. "id + 0 = id" is always
            # true, but PostgreSQL estimates it at 0.5%: with a few thousand ids it would still
            # expect to find a page early by walking the ORDER BY index and filtering, which
            # costs seconds when the matches sit together in that order ("jennifer…" by name).
            return and_(
                Candidate.id == any_(literal(ids, ARRAY(BigInteger))),
                Candidate.id + literal_column("0") == Candidate.id,
            )
    return _pg_substring(q)


def candidate_match_clause(
    dialect: str, text: str, *, session: Session | None = None, sort: Sort = "created_at"
) -> ColumnElement[bool] | None:
    """A WHERE clause on ``Candidate`` matching ``text`` the way type-ahead does (name, email,
    phone; short-prefix and phone fallbacks), or None when ``text`` is blank.

    ``dialect`` is ``db.dialect`` ("sqlite" or "postgresql"). The clause composes with any
    ORDER BY and keyset LIMIT: on SQLite it is ``candidates.id IN (SELECT rowid FROM
    candidates_fts WHERE candidates_fts MATCH …)`` (or a name_key range), on PostgreSQL ILIKE
    ORs the trigram indexes serve.

    Pass the ``session`` the query will run in and the column the page is ordered by
    (``sort``) whenever you can: bounded probes (a few thousand index entries) then shape the
    clause so that "first page ordered by created_at / name_key" stays fast on a million rows
    both for text matching half the table and for rare text. Without them the clause matches
    the same rows but can take a second on very common (SQLite) or rare (PostgreSQL) text.
    What the probes found is part of the clause (rare text becomes its list of ids), so build
    it for the query at hand rather than once for later pages. Candidates being erased are
    *not* excluded: the caller decides whether to show them.
    """
    q = _parse(text)
    return None if q is None else _candidate_clause(dialect, q, session, sort)


def _interviewer_clause(dialect: str, q: _Query) -> ColumnElement[bool]:
    if not q.searchable:
        return false()
    if q.short:
        # Interviewers are a small table: a scan is fine. (On SQLite, LIKE folds ASCII only.)
        pattern = like_escape(q.text) + "%"
        return or_(
            Interviewer.name.ilike(pattern, escape="\\"),
            Interviewer.slug.ilike(pattern, escape="\\"),
        )
    if dialect == "sqlite":
        match = _interviewers_fts.c.interviewers_fts.bool_op("MATCH")(literal(_fts_expression(q)))
        return Interviewer.id.in_(select(_interviewers_fts.c.rowid).where(match))
    pattern = "%" + like_escape(q.text) + "%"
    return or_(func.lower(Interviewer.name).ilike(pattern), Interviewer.slug.ilike(pattern))


def interviewer_match_clause(dialect: str, text: str) -> ColumnElement[bool] | None:
    """A WHERE clause on ``Interviewer`` matching ``text`` in name or slug (case-insensitive
    substring; name/slug prefix under 3 characters), or None when ``text`` is blank."""
    q = _parse(text)
    return None if q is None else _interviewer_clause(dialect, q)


# --------------------------------------------------------------------------------------------
# Ranking the small set

_STATUS_ORDER = {
    InterviewerStatus.ACTIVE.value: 0,
    InterviewerStatus.DRAFT.value: 1,
    InterviewerStatus.EXPIRED.value: 2,
    InterviewerStatus.ARCHIVED.value: 3,
}


def _word_start(haystack: str, needle: str) -> bool:
    """``needle`` begins a word of ``haystack`` ("smi" in "john smith", "o'b" in "o'brien")."""
    start = haystack.find(needle)
    while start != -1:
        if start == 0 or not haystack[start - 1].isalnum():
            return True
        start = haystack.find(needle, start + 1)
    return False


def _text_tier(value: str, folded: str, base: int) -> int:
    if value == folded:
        return base
    if value.startswith(folded):
        return base + 1
    if _word_start(value, folded):
        return base + 2
    if folded in value:
        return base + 3
    return 99


def _candidate_sort_key(row: Any, q: _Query) -> tuple[int, str, int]:
    """Phone matches first for phone-like input; then exact name, name prefix, a word of the
    name, anywhere in the name, then the same for email; ties by name."""
    if q.digits is not None and row.phone_e164 and q.digits in row.phone_e164:
        tier = 0
    else:
        tier = min(
            _text_tier(row.name_key, q.folded, 10), _text_tier(row.email or "", q.folded, 20)
        )
    return (tier, row.name_key, row.id)


def _interviewer_sort_key(row: Any, q: _Query) -> tuple[int, int, str, int]:
    name = row.name.casefold()
    tier = min(_text_tier(name, q.folded, 0), _text_tier(row.slug, q.folded, 10))
    return (tier, _STATUS_ORDER.get(str(row.status), 9), name, row.id)


def _pool_size(limit: int) -> int:
    """How many matches to fetch before ranking: twice the page (at least 24), so a better
    match a little further down the index still surfaces, but bounded so fetching and ranking
    stay cheap (name-prefix matches, the best ones, come from their own index anyway)."""
    return min(max(limit * 2, 24), 200)


# --------------------------------------------------------------------------------------------
# The service


class SearchService:
    """Type-ahead and index maintenance; the same answers on SQLite and PostgreSQL."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def typeahead(self, text: str, limit: int = 8) -> SearchResults:
        """Up to ``limit`` candidates and ``limit`` interviewers matching ``text``, best first.

        Never raises for odd input (quotes, FTS operators, emoji, NUL): such text is searched
        for literally, and text with no letters or digits finds nothing. Candidates whose
        erasure was requested are left out.
        """
        q = _parse(text)
        if q is None or not q.searchable or limit <= 0:
            return SearchResults(text)
        dialect = self.db.dialect

        def work(session: Session) -> SearchResults:
            return SearchResults(
                text,
                candidates=_find_candidates(session, dialect, q, limit),
                interviewers=_find_interviewers(session, dialect, q, limit),
            )

        return await self.db.read(work)

    async def rebuild_index(self) -> None:
        """Rebuild the search indexes from the tables (Data → "Rebuild search index").

        SQLite: FTS5 'rebuild' of both tables, then 'optimize' (one segment: fastest queries).
        PostgreSQL: REINDEX CONCURRENTLY each search index, so other desktops of the team keep
        reading and writing candidates meanwhile (a plain REINDEX would block them).
        """
        if self.db.dialect == "sqlite":
            await self.db.write(_rebuild_sqlite)
        else:
            await self.db.read(reindex_postgres)


_CANDIDATE_COLUMNS = (
    Candidate.id,
    Candidate.full_name,
    Candidate.name_key,
    Candidate.email,
    Candidate.phone_e164,
)


def _find_candidates(
    session: Session, dialect: str, q: _Query, limit: int
) -> tuple[CandidateHit, ...]:
    live = Candidate.erase_requested_at.is_(None)
    pool = _pool_size(limit)
    rows: dict[int, Any] = {}

    if q.digits is None:
        # Name-prefix matches come from the name_key b-tree, so the best matches ("ann" →
        # "Ann…") are found however far down the substring matches they would be.
        stmt = select(*_CANDIDATE_COLUMNS).where(_name_key_prefix(dialect, q.folded), live)
        if dialect == "sqlite":
            # Index order is name order: the first `limit` are the best prefix matches.
            stmt = stmt.order_by(Candidate.name_key, Candidate.id).limit(limit)
        else:
            # No ORDER BY, so the LIMIT stops the text_pattern_ops index scan early (ordering
            # by name_key's collation would sort every match); a pool, ranked below.
            stmt = stmt.limit(pool if q.short else limit)
        for row in session.execute(stmt):
            rows[row.id] = row

    if not q.short:
        if dialect == "sqlite":
            # FTS drives the join and streams rowids newest first (FTS5 walks its doclists
            # backwards for ORDER BY rowid DESC, no sorting); the LIMIT stops it early. An
            # IN (subquery) here would materialise every match first.
            stmt = (
                select(*_CANDIDATE_COLUMNS)
                .select_from(_candidates_fts)
                .join(Candidate, Candidate.id == _candidates_fts.c.rowid)
                .where(_candidates_fts_match(q), live)
                .order_by(_candidates_fts.c.rowid.desc())
                .limit(pool)
            )
            found = session.execute(stmt).all()
        else:
            # A GIN bitmap scan, no ORDER BY, stopped by the LIMIT; any matches will do, so a
            # huge single-trigram posting list may be sampled.
            stmt = select(*_CANDIDATE_COLUMNS).where(_pg_substring(q), live).limit(pool)
            with _PgPlannerSettings(session, pool * 10 if _single_trigram(q) else 0):
                found = session.execute(stmt).all()
        for row in found:
            rows.setdefault(row.id, row)

    ranked = sorted(rows.values(), key=lambda r: _candidate_sort_key(r, q))[:limit]
    return tuple(CandidateHit(r.id, r.full_name, r.email, r.phone_e164) for r in ranked)


def _find_interviewers(
    session: Session, dialect: str, q: _Query, limit: int
) -> tuple[InterviewerHit, ...]:
    stmt = (
        select(Interviewer.id, Interviewer.name, Interviewer.slug, Interviewer.status)
        .where(_interviewer_clause(dialect, q))
        .limit(_pool_size(limit))
    )
    ranked = sorted(session.execute(stmt), key=lambda r: _interviewer_sort_key(r, q))[:limit]
    return tuple(InterviewerHit(r.id, r.name, r.slug, str(r.status)) for r in ranked)


# --------------------------------------------------------------------------------------------
# Index maintenance

_FTS_TABLES = ("candidates_fts", "interviewers_fts")
PG_SEARCH_INDEXES = (
    "ix_candidates_name_trgm",
    "ix_candidates_email_trgm",
    "ix_candidates_phone_trgm",
    "ix_candidates_name_key_prefix",
    "ix_interviewers_name_trgm",
    "ix_interviewers_slug_trgm",
)


def _rebuild_sqlite(session: Session) -> None:
    for fts in _FTS_TABLES:
        session.execute(text(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')"))
        session.execute(text(f"INSERT INTO {fts}({fts}) VALUES ('optimize')"))


def reindex_postgres(session: Session,
                     step: Callable[[int, int], None] | None = None) -> None:
    """Rebuild the trigram indexes one by one (``step(done, total)`` after each; it may raise
    to stop before the next one)."""
    # CONCURRENTLY cannot run inside a transaction block: this session's connection is put in
    # autocommit before its first use.
    conn = session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
    total = len(PG_SEARCH_INDEXES)
    if step is not None:
        step(0, total)
    for done, name in enumerate(PG_SEARCH_INDEXES, start=1):
        try:
            conn.execute(text(f"REINDEX INDEX CONCURRENTLY {name}"))
        except Exception:
            # A failed concurrent rebuild leaves an invalid "<name>_ccnew" copy that every
            # write would still maintain; drop it so a retry starts clean.
            log.exception("rebuilding search index %s failed", name)
            conn.execute(text(f"DROP INDEX CONCURRENTLY IF EXISTS {name}_ccnew"))
            raise
        if step is not None:
            step(done, total)
