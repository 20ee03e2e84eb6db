"""ATS connectors: jobs and links, identities at the providers, duplicates and merges

- ats_jobs: every job read from a connected ATS, its link to an interviewer (stage mapping,
  write-back options, auto-invite).
- external_ids: who a candidate / application is at each provider (unique per provider,
  kind and id), with the ATS job and stage of an application.
- possible_duplicates: pairs that share a key under different names (never linked silently).
- merge_log: each merge's snapshot, so Undo restores both people within 30 days.
- candidates.linkedin_url (+ index): the third de-duplication key.
- stage_results.file_sha256 (+ index): a kept file's content hash (no résumé added twice).

Revision ID: 0007_ats
Revises: 0006_screening_ratings
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_ats"
down_revision: str | None = "0006_screening_ratings"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON = sa.JSON().with_variant(sa.dialects.postgresql.JSONB(), "postgresql")
_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _dt() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "ats_jobs",
        sa.Column("id", _ID, primary_key=True),
        sa.Column("provider", sa.String(20), nullable=False),
        sa.Column("external_id", sa.String(80), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("location", sa.String(200)),
        sa.Column("stages", _JSON, nullable=False),
        sa.Column("updated_at", _dt()),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("interviewer_id", sa.BigInteger(), sa.ForeignKey("interviewers.id", ondelete="SET NULL")),
        sa.Column("stage_mapping", _JSON, nullable=False),
        sa.Column("write_back", _JSON, nullable=False),
        sa.Column("auto_invite", sa.Boolean(), nullable=False),
        sa.Column("linked_at", _dt()),
        sa.Column("seen_at", _dt(), nullable=False),
        sa.UniqueConstraint("provider", "external_id", name="uq_ats_jobs_external"),
    )
    op.create_index("ix_ats_jobs_interviewer", "ats_jobs", ["interviewer_id"])
    op.create_table(
        "external_ids",
        sa.Column("id", _ID, primary_key=True),
        sa.Column("provider", sa.String(20), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("external_id", sa.String(80), nullable=False),
        sa.Column("candidate_id", sa.BigInteger(), sa.ForeignKey("candidates.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("application_id", sa.BigInteger(),
                  sa.ForeignKey("applications.id", ondelete="SET NULL")),
        sa.Column("job_external_id", sa.String(80)),
        sa.Column("stage_external_id", sa.String(80)),
        sa.Column("stage_name", sa.String(200)),
        sa.Column("status", sa.String(20)),
        sa.Column("updated_at", _dt()),
        sa.Column("deleted_at", _dt()),
        sa.UniqueConstraint("provider", "kind", "external_id", name="uq_external_ids"),
    )
    op.create_index("ix_external_ids_candidate", "external_ids", ["candidate_id"])
    op.create_index("ix_external_ids_application", "external_ids", ["application_id"])
    op.create_index("ix_external_ids_job", "external_ids", ["provider", "job_external_id"])
    op.create_table(
        "possible_duplicates",
        sa.Column("id", _ID, primary_key=True),
        sa.Column("candidate_id", sa.BigInteger(), sa.ForeignKey("candidates.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("other_id", sa.BigInteger(), sa.ForeignKey("candidates.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("key", sa.String(20), nullable=False),
        sa.Column("reason", sa.String(300), nullable=False),
        sa.Column("source", sa.String(40), nullable=False),
        sa.Column("created_at", _dt(), nullable=False),
        sa.Column("resolved_at", _dt()),
        sa.Column("resolution", sa.String(20)),
        sa.UniqueConstraint("candidate_id", "other_id", name="uq_possible_duplicates"),
    )
    op.create_index("ix_possible_duplicates_open", "possible_duplicates", ["resolved_at"])
    op.create_table(
        "merge_log",
        sa.Column("id", _ID, primary_key=True),
        sa.Column("kept_id", sa.BigInteger(), sa.ForeignKey("candidates.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("merged_id", sa.BigInteger(), nullable=False),
        sa.Column("snapshot", _JSON, nullable=False),
        sa.Column("choices", _JSON, nullable=False),
        sa.Column("actor", sa.String(120), nullable=False),
        sa.Column("created_at", _dt(), nullable=False),
        sa.Column("undone_at", _dt()),
        sa.Column("note", sa.Text(), nullable=False),
    )
    op.create_index("ix_merge_log_kept", "merge_log", ["kept_id"])
    op.add_column("candidates", sa.Column("linkedin_url", sa.String(300), nullable=True))
    op.create_index("ix_candidates_linkedin", "candidates", ["linkedin_url"])
    op.add_column("stage_results", sa.Column("file_sha256", sa.String(64), nullable=True))
    op.create_index("ix_stage_results_file_sha256", "stage_results", ["file_sha256"])


def downgrade() -> None:
    op.drop_index("ix_stage_results_file_sha256", table_name="stage_results")
    with op.batch_alter_table("stage_results") as batch:
        batch.drop_column("file_sha256")
    op.drop_index("ix_candidates_linkedin", table_name="candidates")
    with op.batch_alter_table("candidates") as batch:
        batch.drop_column("linkedin_url")
    for table in ("merge_log", "possible_duplicates", "external_ids", "ats_jobs"):
        op.drop_table(table)
