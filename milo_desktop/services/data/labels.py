"""Interviewer labels (department, client, location): create, rename, colour, delete.

Labels already live in ``labels`` / ``interviewer_labels`` (the Interviewers table filters by
them); this is where they are managed. Every list says how many interviewers use each label,
so deleting one can say what it takes off ("used by 3 interviewers"). Names are unique
whatever their case ("Dallas" and "dallas" would read as one label in the filter)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from milo_desktop.errors import ValidationProblem
from milo_desktop.models import InterviewerLabel, Label
from milo_desktop.services.core.database import Database
from milo_desktop.services.core.events import EventBus, InterviewersChanged

LABEL_KINDS: dict[str, str] = {"department": "Department", "client": "Client",
                               "location": "Location"}
NAME_MAX = 60  # = labels.name
_COLOR = re.compile(r"#[0-9a-fA-F]{6}")


@dataclass(frozen=True)
class LabelUse:
    id: int
    name: str
    color: str
    kind: str
    interviewers: int  # how many interviewers carry it


def check_name(name: str) -> str:
    text = " ".join(name.split())
    if not text:
        raise ValidationProblem("Give the label a name.")
    if len(text) > NAME_MAX:
        raise ValidationProblem(f"The label name is {len(text)} characters; the limit is "
                                f"{NAME_MAX}.")
    return text


def check_color(color: str) -> str:
    if not _COLOR.fullmatch(color.strip()):
        raise ValidationProblem("A colour is written #rrggbb, for example #4f46e5.")
    return color.strip().lower()


def _check_kind(kind: str) -> str:
    if kind not in LABEL_KINDS:
        raise ValidationProblem("A label is a department, a client or a location.")
    return kind


def _taken(s: Session, name: str, exclude: int | None) -> None:
    stmt = select(Label.name).where(func.lower(Label.name) == name.casefold())
    if exclude is not None:
        stmt = stmt.where(Label.id != exclude)
    existing = s.scalar(stmt)
    if existing is not None:
        raise ValidationProblem(f"There is already a label “{existing}”.")


def _users(s: Session, label_id: int) -> tuple[int, ...]:
    return tuple(s.scalars(select(InterviewerLabel.interviewer_id)
                           .where(InterviewerLabel.label_id == label_id)))


def _label(s: Session, label_id: int) -> Label:
    label = s.get(Label, label_id)
    if label is None:
        raise ValidationProblem("That label was deleted meanwhile.")
    return label


def list_labels(s: Session) -> list[LabelUse]:
    used = (select(InterviewerLabel.label_id, func.count().label("n"))
            .group_by(InterviewerLabel.label_id).subquery())
    rows = s.execute(
        select(Label.id, Label.name, Label.color, Label.kind, func.coalesce(used.c.n, 0))
        .outerjoin(used, used.c.label_id == Label.id)
        .order_by(func.lower(Label.name)))
    return [LabelUse(i, n, c, k, int(u)) for i, n, c, k, u in rows]


class LabelService:
    """Labels for the Data section; changes publish InterviewersChanged for the interviewers
    that carry the label, so the Interviewers table repaints their chips."""

    def __init__(self, db: Database, bus: EventBus | None = None) -> None:
        self.db = db
        self.bus = bus

    async def labels(self) -> list[LabelUse]:
        return await self.db.read(list_labels)

    async def create(self, name: str, color: str, kind: str = "department") -> LabelUse:
        name, color, kind = check_name(name), check_color(color), _check_kind(kind)

        def w(s: Session) -> LabelUse:
            _taken(s, name, None)
            label = Label(name=name, color=color, kind=kind)
            s.add(label)
            s.flush()
            return LabelUse(label.id, name, color, kind, 0)

        return await self.db.write(w)

    async def update(self, label_id: int, *, name: str | None = None, color: str | None = None,
                     kind: str | None = None) -> LabelUse:
        """Rename, recolour or re-kind a label (whichever are given)."""
        name = check_name(name) if name is not None else None
        color = check_color(color) if color is not None else None
        kind = _check_kind(kind) if kind is not None else None

        def w(s: Session) -> tuple[LabelUse, tuple[int, ...]]:
            label = _label(s, label_id)
            if name is not None:
                _taken(s, name, label_id)
                label.name = name
            label.color = color or label.color
            label.kind = kind or label.kind
            users = _users(s, label_id)
            return LabelUse(label.id, label.name, label.color, label.kind, len(users)), users

        label, users = await self.db.write(w)
        self._changed(users)
        return label

    async def delete(self, label_id: int) -> int:
        """Delete the label (taken off every interviewer); how many interviewers had it."""
        def w(s: Session) -> tuple[int, ...]:
            label = _label(s, label_id)
            users = _users(s, label_id)
            s.query(InterviewerLabel).filter(InterviewerLabel.label_id == label_id).delete()
            s.delete(label)
            return users

        users = await self.db.write(w)
        self._changed(users)
        return len(users)

    def _changed(self, ids: tuple[int, ...]) -> None:
        if self.bus is not None and ids:
            self.bus.publish(InterviewersChanged(ids))
