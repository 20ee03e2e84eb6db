"""interviewer_figures: per-interviewer figures kept current by triggers

The Interviewers table shows each interviewer's candidates, started and completed counts,
CSAT and spend on every page; counting them from a million applications took 270–730 ms
cold. ``interviewer_figures`` holds them, one row per interviewer, and triggers on the
tables they are counted from update it inside the statement that changes them — in the same
transaction, whichever code path writes (ORM, Core, executemany, COPY, foreign-key cascades).
Existing rows are counted once here. The definitions are those of services/figures.py
(started: ``started_at`` set; completed: started, and status completed, or shortlisted /
dismissed after completing without a knock-out) and services/interviewers/csat.py.

The same application triggers keep the global Analytics series per UTC day:
``application_days`` (invited and started per day) and ``completion_days`` (completions per
day completed and day started), so a year of weekly series reads ~365 small rows instead of
walking three indexes of a million entries (services/analytics/queries.py).

Revision ID: 0015_interviewer_figures
Revises: 0014_settings_data
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_interviewer_figures"
down_revision: str | None = "0014_settings_data"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

T = "interviewer_figures"
STATUSES = ("pending", "in_progress", "evaluating", "completed", "shortlisted", "dismissed",
            "knocked_out")
APP_COLUMNS = ("interviewer_id", "status", "created_at", "started_at", "completed_at",
               "knocked_out_stage_id")
NEVER_STARTED = "'0001-01-01'"  # models/figures.py: the started day of a completion never started


def _flag(condition: str) -> str:
    return f"CASE WHEN {condition} THEN 1 ELSE 0 END"


def _app_figures(row: str) -> dict[str, str]:
    """Each application-counted column and what one application ``row`` adds to it."""
    started = f"{row}.started_at IS NOT NULL"
    completed = (f"{started} AND ({row}.status = 'completed' OR ({row}.status IN "
                 f"('shortlisted', 'dismissed') AND {row}.completed_at IS NOT NULL AND "
                 f"{row}.knocked_out_stage_id IS NULL))")
    out = {"candidates": "1", "started": _flag(started), "completed": _flag(completed)}
    out |= {f"status_{st}": _flag(f"{row}.status = '{st}'") for st in STATUSES}
    return out


def _add(key: str, values: dict[str, str], where: str = "") -> str:
    """Add ``values`` to the row of interviewer ``key`` (``where``: a SELECT's WHERE that
    names the row or skips the write), creating the row if it is the interviewer's first."""
    cols = ", ".join(values)
    sets = ", ".join(f"{c} = {T}.{c} + excluded.{c}" for c in values)
    return (f"INSERT INTO {T} (interviewer_id, {cols}) SELECT {key}, {', '.join(values.values())} "
            f"WHERE {where or 'true'} ON CONFLICT (interviewer_id) DO UPDATE SET {sets};")


def _sub(key: str, values: dict[str, str]) -> str:
    """Take ``values`` off interviewer ``key``'s row (it exists: the add made it)."""
    sets = ", ".join(f"{c} = {c} - ({v})" for c, v in values.items())
    return f"UPDATE {T} SET {sets} WHERE interviewer_id = {key};"


def _day(dialect: str, value: str) -> str:
    """The UTC day of a stored time, as the Date columns hold it (SQLite keeps UTC text)."""
    if dialect == "sqlite":
        return f"substr({value}, 1, 10)"
    return f"(({value}) AT TIME ZONE 'UTC')::date"


def _series_completed(row: str) -> str:
    """The Analytics series' completion test (services/figures.py completed_application),
    with a completion time."""
    return (f"{row}.completed_at IS NOT NULL AND ({row}.status = 'completed' OR ({row}.status "
            f"IN ('shortlisted', 'dismissed') AND {row}.knocked_out_stage_id IS NULL))")


def _series_add(d: str, row: str) -> str:
    def day(v: str) -> str:
        return _day(d, v)

    started = f"coalesce({day(row + '.started_at')}, {NEVER_STARTED})"
    return (
        f"INSERT INTO application_days (day, invited, started) SELECT {day(row + '.created_at')}, "
        f"1, 0 WHERE true ON CONFLICT (day) DO UPDATE SET invited = application_days.invited + 1;"
        f"INSERT INTO application_days (day, invited, started) SELECT {day(row + '.started_at')}, "
        f"0, 1 WHERE {row}.started_at IS NOT NULL ON CONFLICT (day) DO UPDATE SET "
        f"started = application_days.started + 1;"
        f"INSERT INTO completion_days (completed_day, started_day, n) SELECT "
        f"{day(row + '.completed_at')}, {started}, 1 WHERE {_series_completed(row)} "
        f"ON CONFLICT (completed_day, started_day) DO UPDATE SET n = completion_days.n + 1;"
    )


def _series_sub(d: str, row: str) -> str:
    def day(v: str) -> str:
        return _day(d, v)

    started = f"coalesce({day(row + '.started_at')}, {NEVER_STARTED})"
    return (
        f"UPDATE application_days SET invited = invited - 1 WHERE day = {day(row + '.created_at')};"
        f"UPDATE application_days SET started = started - 1 WHERE day = {day(row + '.started_at')};"
        f"UPDATE completion_days SET n = n - 1 WHERE completed_day = {day(row + '.completed_at')} "
        f"AND started_day = {started} AND {_series_completed(row)};"
    )


def _stage_owner(row: str) -> str:
    return f"(SELECT interviewer_id FROM stages WHERE id = {row}.stage_id)"


def _rating(row: str) -> dict[str, str]:
    return {"rating_count": "1", "rating_sum": f"{row}.rating"}


_RECOUNT_RATINGS = (
    f"UPDATE {T} SET rating_count = (SELECT count(r.rating) FROM stage_results r JOIN stages s "
    f"ON s.id = r.stage_id WHERE s.interviewer_id = {T}.interviewer_id), rating_sum = "
    f"(SELECT coalesce(sum(r.rating), 0) FROM stage_results r JOIN stages s ON s.id = r.stage_id "
    f"WHERE s.interviewer_id = {T}.interviewer_id) WHERE interviewer_id = OLD.interviewer_id;"
)


def _bodies(d: str) -> dict[str, tuple[str, str, str]]:
    """name → (table, event, body) on dialect ``d``. ``OLD`` / ``NEW`` as both spell them."""
    rated_old, rated_new = "OLD.rating IS NOT NULL", "NEW.rating IS NOT NULL"
    rating_sub = (f"UPDATE {T} SET rating_count = rating_count - 1, rating_sum = rating_sum - "
                  f"OLD.rating WHERE interviewer_id = {_stage_owner('OLD')} AND {rated_old};")
    rating_add = _add(_stage_owner("NEW"), _rating("NEW"),
                      f"{rated_new} AND {_stage_owner('NEW')} IS NOT NULL")
    spend_sub = (f"UPDATE {T} SET spend_micros = spend_micros - OLD.amount_micros "
                 f"WHERE interviewer_id = OLD.interviewer_id;")
    spend_add = _add("NEW.interviewer_id", {"spend_micros": "NEW.amount_micros"},
                     "NEW.interviewer_id IS NOT NULL")
    return {
        "figures_applications_ai": ("applications", "INSERT",
                                    _add("NEW.interviewer_id", _app_figures("NEW"))
                                    + _series_add(d, "NEW")),
        "figures_applications_ad": ("applications", "DELETE",
                                    _sub("OLD.interviewer_id", _app_figures("OLD"))
                                    + _series_sub(d, "OLD")),
        "figures_applications_au": ("applications", f"UPDATE OF {', '.join(APP_COLUMNS)}",
                                    _sub("OLD.interviewer_id", _app_figures("OLD"))
                                    + _add("NEW.interviewer_id", _app_figures("NEW"))
                                    + _series_sub(d, "OLD") + _series_add(d, "NEW")),
        "figures_ratings_ai": ("stage_results", "INSERT", rating_add),
        "figures_ratings_ad": ("stage_results", "DELETE", rating_sub),
        "figures_ratings_au": ("stage_results", "UPDATE OF rating, stage_id",
                               rating_sub + rating_add),
        # A stage deleted with rated results: its results' own triggers may run before or
        # after the stage is gone (cascade order differs), so the interviewer is recounted.
        "figures_stages_ad": ("stages", "DELETE", _RECOUNT_RATINGS),
        "figures_spend_ai": ("spend", "INSERT", spend_add),
        "figures_spend_ad": ("spend", "DELETE", spend_sub),
        "figures_spend_au": ("spend", "UPDATE OF interviewer_id, amount_micros",
                             spend_sub + spend_add),
    }


def _create_triggers(dialect: str) -> None:
    for name, (table, event, body) in _bodies(dialect).items():
        if dialect == "sqlite":
            op.execute(f"CREATE TRIGGER {name} AFTER {event} ON {table} "
                       f"FOR EACH ROW BEGIN {body} END")
            continue
        op.execute(f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
                   f"BEGIN {body} RETURN NULL; END $$")
        op.execute(f"CREATE TRIGGER {name} AFTER {event} ON {table} "
                   f"FOR EACH ROW EXECUTE FUNCTION {name}()")


def _backfill(d: str) -> None:
    """Count the rows already there, as the triggers would have."""
    figures = _app_figures("a")
    sums = ", ".join(f"sum({v})" for v in figures.values())
    op.execute(f"INSERT INTO {T} (interviewer_id, {', '.join(figures)}) "
               f"SELECT a.interviewer_id, {sums} FROM applications a GROUP BY a.interviewer_id")
    op.execute(
        f"INSERT INTO {T} (interviewer_id, rating_count, rating_sum) SELECT s.interviewer_id, "
        f"count(r.rating), sum(r.rating) FROM stage_results r JOIN stages s ON s.id = r.stage_id "
        f"WHERE r.rating IS NOT NULL GROUP BY s.interviewer_id ON CONFLICT (interviewer_id) DO "
        f"UPDATE SET rating_count = excluded.rating_count, rating_sum = excluded.rating_sum")
    op.execute(
        f"INSERT INTO {T} (interviewer_id, spend_micros) SELECT interviewer_id, "
        f"sum(amount_micros) FROM spend WHERE interviewer_id IS NOT NULL GROUP BY interviewer_id "
        f"ON CONFLICT (interviewer_id) DO UPDATE SET spend_micros = excluded.spend_micros")
    created, started = _day(d, "created_at"), _day(d, "started_at")
    op.execute(
        f"INSERT INTO application_days (day, invited, started) SELECT day, sum(i), sum(st) FROM "
        f"(SELECT {created} AS day, 1 AS i, 0 AS st FROM applications UNION ALL SELECT "
        f"{started}, 0, 1 FROM applications WHERE started_at IS NOT NULL) AS days GROUP BY day")
    op.execute(
        f"INSERT INTO completion_days (completed_day, started_day, n) SELECT "
        f"{_day(d, 'a.completed_at')}, coalesce({_day(d, 'a.started_at')}, {NEVER_STARTED}), "
        f"count(*) FROM applications a WHERE {_series_completed('a')} GROUP BY 1, 2")


def upgrade() -> None:
    zero = sa.text("0")
    counts = [sa.Column(c, sa.Integer(), nullable=False, server_default=zero)
              for c in ("candidates", "started", "completed",
                        *(f"status_{st}" for st in STATUSES), "rating_count")]
    op.create_table(
        T,
        sa.Column("interviewer_id", sa.BigInteger(), nullable=False),
        *counts,
        sa.Column("rating_sum", sa.BigInteger(), nullable=False, server_default=zero),
        sa.Column("spend_micros", sa.BigInteger(), nullable=False, server_default=zero),
        sa.ForeignKeyConstraint(["interviewer_id"], ["interviewers.id"],
                                name=op.f(f"fk_{T}_interviewer_id_interviewers"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("interviewer_id", name=op.f(f"pk_{T}")),
    )
    op.create_table(
        "application_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("invited", sa.Integer(), nullable=False, server_default=zero),
        sa.Column("started", sa.Integer(), nullable=False, server_default=zero),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_application_days")),
    )
    op.create_table(
        "completion_days",
        sa.Column("completed_day", sa.Date(), nullable=False),
        sa.Column("started_day", sa.Date(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False, server_default=zero),
        sa.PrimaryKeyConstraint("completed_day", "started_day", name=op.f("pk_completion_days")),
    )
    dialect = op.get_context().dialect.name
    _backfill(dialect)
    _create_triggers(dialect)


def downgrade() -> None:
    dialect = op.get_context().dialect.name
    for name, (table, _event, _body) in _bodies(dialect).items():
        op.execute(f"DROP TRIGGER IF EXISTS {name}" + ("" if dialect == "sqlite" else f" ON {table}"))
        if dialect != "sqlite":
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
    for table in (T, "application_days", "completion_days"):
        op.drop_table(table)
