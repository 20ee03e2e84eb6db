"""The Waiting to send table: one row per outbox item not yet sent, paged from SQL
(``workspace.waiting.page``), with who, what, since when and why it waits."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor

from milo_desktop.services.core.paging import PageQuery
from milo_desktop.services.outreach.waiting import WaitingRow, WaitReason
from milo_desktop.views import theme
from milo_desktop.views.widgets.formatting import QT_TRANSLATE_NOOP, ago_text, local_datetime
from milo_desktop.views.widgets.paged_model import Column, Fetch, PagedTableModel, Spawn

PAGE = 100
# Waiting on the user (connect, reconnect, switch on) or the network: amber; an error: red.
NEEDS_YOU = frozenset({WaitReason.NOT_CONNECTED, WaitReason.RECONNECT,
                       WaitReason.SWITCHED_OFF})


def _tr(text: str) -> str:
    return QCoreApplication.translate("WaitingModel", text)


class WaitingModel(PagedTableModel[WaitingRow]):
    COLUMNS = (
        Column("candidate", QT_TRANSLATE_NOOP("WaitingModel", "Candidate"), 180),
        Column("what", QT_TRANSLATE_NOOP("WaitingModel", "Message"), 390),
        Column("since", QT_TRANSLATE_NOOP("WaitingModel", "Waiting since"), 120),
        Column("why", QT_TRANSLATE_NOOP("WaitingModel", "Why it waits"), 420),
    )

    def __init__(self, fetch: Fetch, spawn: Spawn, parent: Any = None) -> None:
        super().__init__(fetch, spawn, PageQuery(sort="id", limit=PAGE), parent)

    def headerData(self, section: int, orientation: Any, role: int = 0) -> Any:
        value = super().headerData(section, orientation, role)
        return _tr(value) if isinstance(value, str) else value

    def display(self, row: WaitingRow, column: Column) -> Any:
        if column.key == "candidate":
            return row.candidate_name or _tr("—")
        if column.key == "what":
            return _tr(row.what)
        if column.key == "since":
            return ago_text(row.since)
        return _tr(row.words)

    def tooltip(self, row: WaitingRow, column: Column) -> Any:
        if column.key == "since":
            return local_datetime(row.since)
        if column.key == "why":
            lines = [_tr(row.words)]
            if row.last_error and row.last_error not in row.words:
                lines.append(_tr("Last error: {error}").format(error=row.last_error))
            if row.attempts:
                lines.append(_tr("Tried {n} times").format(n=row.attempts))
            return "\n".join(lines)
        if column.key == "what":
            return _tr(row.what)
        return None

    def foreground(self, row: WaitingRow, column: Column) -> Any:
        if column.key != "why":
            return None
        palette = theme.current()
        if row.reason == WaitReason.RETRYING:
            return QColor(palette.danger)
        if row.reason in NEEDS_YOU or row.reason in (WaitReason.OFFLINE,
                                                      WaitReason.RATE_LIMITED):
            return QColor(palette.warning)
        return None
