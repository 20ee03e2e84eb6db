"""Workspace search: type-ahead over candidates and interviewers, and the SQL filters the big
tables use, behind one interface on both databases.

How a query is answered (the same rules on SQLite and PostgreSQL):

* blank → no filter; only punctuation/symbols → matches nothing (never an error);
* mostly digits ("(214) 555-01", "214-555", "+1 214 555") with at least 3 digits → the digits
  against ``phone_e164``, or the text as typed anywhere (so "2024" still finds "kim2024@…");
* 3 characters or more → case-insensitive substring of name, email or phone: an FTS5 trigram
  index on SQLite, pg_trgm GIN indexes serving ``ILIKE '%q%'`` on PostgreSQL;
* 1–2 characters (too short for trigrams) → prefix of the casefolded name (``name_key``) on a
  b-tree index; interviewers by name or slug prefix (a small table).

Ranking is only ever applied to a small set: type-ahead fetches the first few hundred matches in
index order (never ``ORDER BY rank`` over a match set that can hold half the table), adds the
name-prefix matches from the ``name_key`` index, and orders that set in Python.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    and_,
    column,
    false,
    func,
    literal,
    or_,
    select,
    table,
    text,
)
from sqlalchemy.orm import Session

from milo_desktop.enums import InterviewerStatus
from milo_desktop.models import Candidate, Interviewer
from milo_desktop.services.database import Database

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
# SQL building blocks

# The FTS5 tables made by migration 0002 (SQLite only). Not ORM models: they are indexes.
# The hidden column named like the table is what MATCH is applied to (all columns).
_candidates_fts = table(
    "candidates_fts", column("rowid", Integer), column("candidates_fts"), column("phone_e164")
)
_interviewers_fts = table("interviewers_fts", column("rowid", Integer), column("interviewers_fts"))


def _fts_expression(q: _Query, phone_column: str | None) -> str:
    """The FTS5 MATCH expression for a (>= 3 characters) query."""
    phrase = fts5_phrase(q.text)
    if q.digits is not None and phone_column:
        # Column filter + phrase: the digits inside phone_e164 only; OR the text as typed.
        return f"{phone_column} : {fts5_phrase(q.digits)} OR {phrase}"
    return phrase


def _name_key_prefix(dialect: str, folded: str) -> ColumnElement[bool]:
    """``name_key`` starts with ``folded``, in a form the dialect serves from a b-tree.

    SQLite: a range on ix_candidates_name_key (BINARY collation = code point order, exact).
    PostgreSQL: LIKE 'q%' on ix_candidates_name_key_prefix (text_pattern_ops), because a range
    under the database's linguistic collation (en_US…) is not the same as "starts with".
    """
    if dialect == "sqlite":
        upper = _prefix_upper_bound(folded)
        lower_ok = Candidate.name_key >= folded
        return lower_ok if upper is None else and_(lower_ok, Candidate.name_key < upper)
    return Candidate.name_key.like(like_escape(folded) + "%")


def _pg_candidate_substring(value: str) -> ColumnElement[bool]:
    pattern = "%" + like_escape(value) + "%"
    # lower(full_name) exactly as indexed (ix_candidates_name_trgm), or the index is not used.
    return or_(
        func.lower(Candidate.full_name).ilike(pattern),
        Candidate.email.ilike(pattern),
        Candidate.phone_e164.ilike(pattern),
    )


def _candidate_clause(dialect: str, q: _Query) -> ColumnElement[bool]:
    if not q.searchable:
        return false()
    if q.short:
        return _name_key_prefix(dialect, q.folded)
    if dialect == "sqlite":
        match = _candidates_fts.c.candidates_fts.bool_op("MATCH")(
            literal(_fts_expression(q, "phone_e164"))
        )
        return Candidate.id.in_(select(_candidates_fts.c.rowid).where(match))
    clause = _pg_candidate_substring(q.text)
    if q.digits is not None:
        clause = or_(Candidate.phone_e164.like("%" + q.digits + "%"), clause)
    return clause


def candidate_match_clause(dialect: str, text: str) -> ColumnElement[bool] | None:
    """A WHERE clause on ``Candidate`` matching ``text`` the way type-ahead does (name, email,
    phone; short-prefix and phone fallbacks), or None when ``text`` is blank.

    ``dialect`` is ``db.dialect`` ("sqlite" or "postgresql"). It composes with any ORDER BY and
    keyset LIMIT: on SQLite it is ``candidates.id IN (SELECT rowid FROM candidates_fts WHERE
    … MATCH …)``, on PostgreSQL ILIKE ORs the trigram indexes serve. Candidates being erased
    are *not* excluded here: the caller decides whether to show them.
    """
    q = _parse(text)
    return None if q is None else _candidate_clause(dialect, q)


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
        match = _interviewers_fts.c.interviewers_fts.bool_op("MATCH")(
            literal(_fts_expression(q, None))
        )
        return Interviewer.id.in_(select(_interviewers_fts.c.rowid).where(match))
    pattern = "%" + like_escape(q.text) + "%"
    return or_(func.lower(Interviewer.name).ilike(pattern), Interviewer.slug.ilike(pattern))


def interviewer_match_clause(dialect: str, text: str) -> ColumnElement[bool] | None:
    """A WHERE clause on ``Interviewer`` matching ``text`` in name or slug (case-insensitive
    substring; name/slug prefix under 3 characters), or None when ``text`` is blank."""
    q = _parse(text)
    return None if q is None else _interviewer_clause(dialect, q)


# --------------------------------------------------------------------------------------------
# Ranking the small candidate set

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


def _text_tier(value: str, folded: str, base: int) -> int | None:
    if value == folded:
        return base
    if value.startswith(folded):
        return base + 1
    if _word_start(value, folded):
        return base + 2
    if folded in value:
        return base + 3
    return None


def _candidate_sort_key(row: Any, q: _Query) -> tuple[int, str, int]:
    """Phone matches first for phone-like input; then exact name, name prefix, a word of the
    name, anywhere in the name, then email; ties by name."""
    tier = 99
    if q.digits is not None and row.phone_e164 and q.digits in row.phone_e164:
        tier = 0
    else:
        name_tier = _text_tier(row.name_key, q.folded, 10)
        email_tier = _text_tier(row.email or "", q.folded, 20)
        tier = min(t for t in (name_tier, email_tier, 99) if t is not None)
    return (tier, row.name_key, row.id)


def _interviewer_sort_key(row: Any, q: _Query) -> tuple[int, int, str, int]:
    name = row.name.casefold()
    tier = min(
        t
        for t in (_text_tier(name, q.folded, 0), _text_tier(row.slug, q.folded, 10), 99)
        if t is not None
    )
    return (tier, _STATUS_ORDER.get(str(row.status), 9), name, row.id)


def _pool_size(limit: int) -> int:
    """How many matches to fetch before ranking: a few times the page, so a better match a
    little further down the index still surfaces, but bounded so ranking stays cheap."""
    return min(max(limit * 4, 40), 400)


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
        PostgreSQL: REINDEX CONCURRENTLY each trigram index, so other desktops of the team keep
        reading and writing candidates meanwhile (a plain REINDEX would lock them out).
        """
        if self.db.dialect == "sqlite":
            await self.db.write(_rebuild_sqlite)
        else:
            await self.db.read(_reindex_postgres)


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
        # Name-prefix matches come from the name_key b-tree in name order, so the best matches
        # ("ann" → "Ann…") are found however far down the substring matches they would be.
        stmt = select(*_CANDIDATE_COLUMNS).where(_name_key_prefix(dialect, q.folded), live)
        if dialect == "sqlite":
            stmt = stmt.order_by(Candidate.name_key, Candidate.id)
        # PostgreSQL: no ORDER BY, so the LIMIT stops the text_pattern_ops index scan early
        # (ordering by name_key's collation would sort every match); ranked below anyway.
        for row in session.execute(stmt.limit(limit if not q.short else pool)):
            rows[row.id] = row

    if not q.short:
        if dialect == "sqlite":
            # FTS drives the join and streams rowids newest first (FTS5 walks its doclists
            # backwards for ORDER BY rowid DESC without sorting); LIMIT stops it early. An
            # IN (subquery) here would materialise every match first.
            match = _candidates_fts.c.candidates_fts.bool_op("MATCH")(
                literal(_fts_expression(q, "phone_e164"))
            )
            stmt = (
                select(*_CANDIDATE_COLUMNS)
                .select_from(_candidates_fts)
                .join(Candidate, Candidate.id == _candidates_fts.c.rowid)
                .where(match, live)
                .order_by(_candidates_fts.c.rowid.desc())
                .limit(pool)
            )
        else:
            # No ORDER BY: a bitmap scan of the GIN indexes, stopped by the LIMIT.
            stmt = select(*_CANDIDATE_COLUMNS).where(_candidate_clause(dialect, q), live)
            stmt = stmt.limit(pool)
        for row in session.execute(stmt):
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


_FTS_TABLES = ("candidates_fts", "interviewers_fts")
TRIGRAM_INDEXES: Sequence[str] = (
    "ix_candidates_name_trgm",
    "ix_candidates_email_trgm",
    "ix_candidates_phone_trgm",
    "ix_interviewers_name_trgm",
    "ix_interviewers_slug_trgm",
)


def _rebuild_sqlite(session: Session) -> None:
    for fts in _FTS_TABLES:
        session.execute(text(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')"))
        session.execute(text(f"INSERT INTO {fts}({fts}) VALUES ('optimize')"))


def _reindex_postgres(session: Session) -> None:
    # CONCURRENTLY cannot run inside a transaction block: this session's connection is put in
    # autocommit before first use.
    conn = session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
    for name in TRIGRAM_INDEXES:
        try:
            conn.execute(text(f"REINDEX INDEX CONCURRENTLY {name}"))
        except Exception:
            # A failed concurrent rebuild leaves an invalid "<name>_ccnew" copy behind that
            # would slow every write; drop it so a retry starts clean.
            log.exception("rebuilding search index %s failed", name)
            conn.execute(text(f"DROP INDEX CONCURRENTLY IF EXISTS {name}_ccnew"))
            raise
