"""A merge's journal, and rows as JSON: what ``merge.py`` writes into the merge log so that
Undo can put every row back.

Rows are kept with every column (datetimes as ISO text, enums as their value) and decoded by
their columns' types. The journal lists, in order, the rows re-pointed (``set``: ids and
``column: [old, new]``) and the rows deleted (``del``: whole rows); ``unwind`` undoes it
backwards, so every step meets the state it left.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping, Sequence
from typing import Any, cast

from sqlalchemy import Enum, Table, delete, insert, select, update
from sqlalchemy.orm import Session

from milo_desktop.models import (
    Answer,
    Application,
    Candidate,
    CandidateNote,
    ExternalIdentity,
    InboundCall,
    MergeLog,
    Message,
    Notification,
    OutboxItem,
    PossibleDuplicate,
    StageResult,
)
from milo_desktop.models.base import UTCDateTime


def t_of(model: Any) -> Table:
    """A mapped class's table (typed: ``__table__`` is a FromClause to the stubs)."""
    return cast(Table, model.__table__)


TABLES: dict[str, Table] = {t_of(m).name: t_of(m) for m in (
    Candidate, Application, StageResult, Answer, CandidateNote, Message, Notification,
    InboundCall, ExternalIdentity, PossibleDuplicate, MergeLog, OutboxItem)}


def encode(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    return value


def decode(table: Table, row: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in row.items():
        col = table.c[name]
        if value is not None and isinstance(col.type, UTCDateTime):
            value = dt.datetime.fromisoformat(value)
        elif value is not None and isinstance(col.type, Enum) and col.type.enum_class:
            value = col.type.enum_class(value)
        out[name] = value
    return out


def row_of(s: Session, table: Table, row_id: int) -> dict[str, Any] | None:
    """Every column of one row, JSON-ready (datetimes as ISO text, enums as their value)."""
    found = s.execute(select(table).where(table.c.id == row_id)).mappings().first()
    return None if found is None else {k: encode(v) for k, v in found.items()}


def rows(s: Session, table: Table, *where: Any) -> list[dict[str, Any]]:
    return [{k: encode(v) for k, v in r.items()}
            for r in s.execute(select(table).where(*where).order_by(table.c.id)).mappings()]


class Journal:
    """What the merge did, in order: rows re-pointed (``set``) and rows deleted (``del``).
    Undo walks it backwards, so every step meets the state it left (an application deleted
    for a conflict comes back only after the one that replaced it has moved away again)."""

    def __init__(self) -> None:
        self.ops: list[dict[str, Any]] = []

    def repoint(self, s: Session, table: Table, ids: Sequence[int],
                values: Mapping[str, tuple[Any, Any]]) -> None:
        """Set ``column: (old, new)`` on ``ids`` (rows that have every old value)."""
        if not ids:
            return
        s.execute(update(table).where(table.c.id.in_(list(ids)),
                                      *(table.c[c] == old for c, (old, _n) in values.items()))
                  .values({c: new for c, (_o, new) in values.items()}))
        self.ops.append({"op": "set", "t": table.name, "ids": list(ids),
                         "set": {c: [old, new] for c, (old, new) in values.items()}})

    def remove(self, s: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
        if not rows:
            return
        self.ops.append({"op": "del", "t": table.name, "rows": list(rows)})
        s.execute(delete(table).where(table.c.id.in_([r["id"] for r in rows])))


def unwind(s: Session, ops: Sequence[Mapping[str, Any]]) -> None:
    """Undo ``ops`` backwards. A deleted row whose id SQLite has since handed to a new row
    (the highest id + 1 is reused) comes back under a fresh id, and the rows restored after
    it, and the references set back to it, follow (``remap``)."""
    remap: dict[tuple[str, int], int] = {}
    for op in reversed(ops):
        t = TABLES[op["t"]]
        if op["op"] == "del":
            for r in op["rows"]:
                row = {k: _follow(t, k, v, remap) for k, v in decode(t, r).items()}
                if s.scalar(select(t.c.id).where(t.c.id == row["id"])) is None:
                    s.execute(insert(t).values(row))
                    continue
                old_id = row.pop("id")
                remap[(t.name, old_id)] = s.execute(
                    insert(t).values(row).returning(t.c.id)).scalar_one()
            continue
        cols = op["set"]
        s.execute(update(t).where(t.c.id.in_(op["ids"]),
                                  *(t.c[col] == new for col, (_o, new) in cols.items()))
                  .values({col: _follow(t, col, old, remap) for col, (old, _n) in cols.items()}))


def _follow(t: Table, column: str, value: Any, remap: Mapping[tuple[str, int], int]) -> Any:
    """``value`` of a foreign key column, moved to the fresh id its row came back under."""
    for fk in t.c[column].foreign_keys:
        return remap.get((fk.column.table.name, value), value)
    return value


__all__ = ["TABLES", "Journal", "decode", "encode", "row_of", "rows", "t_of", "unwind"]
