"""The table of Apply via Email: one row per interviewer taking candidates — its name, its
apply address and how many applications came by email in the period. The list is short (the
interviewers taking candidates) and arrives whole, so it is a RowsTableModel."""

from __future__ import annotations

from milo_desktop.services.email_intake.overview import PERIOD_DAYS, ApplyAddressRow
from milo_desktop.views.widgets.formatting import count_text
from milo_desktop.views.widgets.rows_model import RowsTableModel

NAME, ADDRESS, APPLICATIONS = "name", "address", "applications"


class ApplyAddressModel(RowsTableModel[ApplyAddressRow]):
    COLUMNS = ((NAME, "Interviewer", 380), (ADDRESS, "Apply address", 420),
               (APPLICATIONS, f"Applications by email ({PERIOD_DAYS} days)", 290))
    RIGHT_ALIGNED = frozenset({APPLICATIONS})

    def cell(self, row: ApplyAddressRow, key: str) -> str:
        if key == NAME:
            return row.name
        if key == ADDRESS:
            return row.address or "—"
        return count_text(row.applications)

    def tooltip(self, row: ApplyAddressRow, key: str) -> str | None:
        if key == ADDRESS and row.address is None:
            return self.tr("No address for this interviewer: with aliases, give it one under "
                           "Integrations → Email → Mailbox.")
        if key == ADDRESS:
            return self.tr("{address}\nDouble-click or Copy to paste it in a job ad").format(
                address=row.address)
        if key == NAME:
            return row.slug
        return None

    def row_for(self, interviewer_id: int) -> int | None:
        for i in range(self.rowCount()):
            row = self.row_at(i)
            if row is not None and row.interviewer_id == interviewer_id:
                return i
        return None
