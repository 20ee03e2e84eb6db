"""baseline: the whole product data model

Revision ID: 0001_baseline
Revises: 
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0001_baseline'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('audit_log',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=120), nullable=False),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('entity', sa.String(length=40), nullable=False),
    sa.Column('entity_id', sa.BigInteger(), nullable=True),
    sa.Column('detail', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_log_at'), ['at'], unique=False)

    op.create_table('candidates',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('name_key', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('phone_e164', sa.String(length=20), nullable=True),
    sa.Column('location', sa.String(length=120), nullable=True),
    sa.Column('source', sa.Enum('ats', 'email', 'phone', 'directory', 'manual', name='candidatesource', native_enum=False, length=32), nullable=False),
    sa.Column('ats_provider', sa.String(length=20), nullable=True),
    sa.Column('ats_candidate_id', sa.String(length=80), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('erase_requested_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_candidates'))
    )
    with op.batch_alter_table('candidates', schema=None) as batch_op:
        batch_op.create_index('ix_candidates_created', ['created_at', 'id'], unique=False)
        batch_op.create_index('ix_candidates_email', ['email'], unique=False)
        batch_op.create_index('ix_candidates_name_key', ['name_key', 'id'], unique=False)
        batch_op.create_index('ix_candidates_phone', ['phone_e164'], unique=False)

    op.create_table('interviewers',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('position_title', sa.String(length=120), nullable=False),
    sa.Column('job_description', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'active', 'expired', 'archived', name='interviewerstatus', native_enum=False, length=32), nullable=False),
    sa.Column('language', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('activated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('archived_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('deadline', sa.DateTime(timezone=True), nullable=True),
    sa.Column('days_to_complete', sa.Integer(), nullable=False),
    sa.Column('retakes', sa.Integer(), nullable=False),
    sa.Column('budget_kind', sa.Enum('none', 'all_time', 'daily', name='budgetkind', native_enum=False, length=32), nullable=False),
    sa.Column('budget_cents', sa.Integer(), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('est_cost_per_interview_cents', sa.Integer(), nullable=True),
    sa.Column('phone_number', sa.String(length=20), nullable=True),
    sa.Column('email_template', sa.String(length=60), nullable=True),
    sa.Column('report_to_candidate', sa.Boolean(), nullable=False),
    sa.Column('ats_provider', sa.String(length=20), nullable=True),
    sa.Column('ats_job_id', sa.String(length=80), nullable=True),
    sa.Column('ats_synced_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('csat', sa.Float(), nullable=True),
    sa.Column('settings', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.CheckConstraint('budget_cents IS NULL OR budget_cents >= 0', name=op.f('ck_interviewers_budget_positive')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_interviewers')),
    sa.UniqueConstraint('slug', name=op.f('uq_interviewers_slug'))
    )
    with op.batch_alter_table('interviewers', schema=None) as batch_op:
        batch_op.create_index('ix_interviewers_status_created', ['status', 'created_at'], unique=False)

    op.create_table('labels',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('color', sa.String(length=9), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_labels')),
    sa.UniqueConstraint('name', name=op.f('uq_labels_name'))
    )
    op.create_table('message_templates',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('channel', sa.Enum('email', 'sms', 'voice', name='channel', native_enum=False, length=32), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_message_templates')),
    sa.UniqueConstraint('name', name=op.f('uq_message_templates_name'))
    )
    op.create_table('quarantine',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('service', sa.String(length=40), nullable=False),
    sa.Column('resource', sa.String(length=60), nullable=False),
    sa.Column('external_id', sa.String(length=80), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quarantine'))
    )
    op.create_table('sync_cursors',
    sa.Column('service', sa.String(length=40), nullable=False),
    sa.Column('resource', sa.String(length=60), nullable=False),
    sa.Column('cursor', sa.Text(), nullable=False),
    sa.Column('last_success_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('service', 'resource', name=op.f('pk_sync_cursors'))
    )
    op.create_table('teammates',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('role', sa.Enum('admin', 'recruiter', 'viewer', name='teamrole', native_enum=False, length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_teammates')),
    sa.UniqueConstraint('email', name=op.f('uq_teammates_email'))
    )
    op.create_table('workspace_settings',
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('value', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_workspace_settings'))
    )
    op.create_table('interviewer_labels',
    sa.Column('interviewer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('label_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['interviewer_id'], ['interviewers.id'], name=op.f('fk_interviewer_labels_interviewer_id_interviewers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['label_id'], ['labels.id'], name=op.f('fk_interviewer_labels_label_id_labels'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('interviewer_id', 'label_id', name=op.f('pk_interviewer_labels'))
    )
    with op.batch_alter_table('interviewer_labels', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_interviewer_labels_label_id'), ['label_id'], unique=False)

    op.create_table('interviewer_subscribers',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('interviewer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.ForeignKeyConstraint(['interviewer_id'], ['interviewers.id'], name=op.f('fk_interviewer_subscribers_interviewer_id_interviewers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_interviewer_subscribers'))
    )
    with op.batch_alter_table('interviewer_subscribers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_interviewer_subscribers_interviewer_id'), ['interviewer_id'], unique=False)

    op.create_table('receptionists',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('agent_name', sa.String(length=60), nullable=False),
    sa.Column('voice', sa.String(length=60), nullable=False),
    sa.Column('phone_number', sa.String(length=20), nullable=True),
    sa.Column('intro_message', sa.String(length=800), nullable=False),
    sa.Column('language_mode', sa.Enum('english', 'multilingual', name='languagemode', native_enum=False, length=32), nullable=False),
    sa.Column('manual_approval', sa.Boolean(), nullable=False),
    sa.Column('disclosures', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('custom_context', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('routing_threshold', sa.Integer(), nullable=False),
    sa.Column('default_interviewer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('status', sa.Enum('live', 'inactive', name='receptioniststatus', native_enum=False, length=32), nullable=False),
    sa.Column('flow_sid', sa.String(length=34), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['default_interviewer_id'], ['interviewers.id'], name=op.f('fk_receptionists_default_interviewer_id_interviewers'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_receptionists')),
    sa.UniqueConstraint('phone_number', name=op.f('uq_receptionists_phone_number'))
    )
    op.create_table('stages',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('interviewer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('voice', 'sms', 'form', 'resume', name='stagekind', native_enum=False, length=32), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('min_score', sa.Integer(), nullable=True),
    sa.Column('flow_sid', sa.String(length=34), nullable=True),
    sa.Column('settings', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.ForeignKeyConstraint(['interviewer_id'], ['interviewers.id'], name=op.f('fk_stages_interviewer_id_interviewers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stages'))
    )
    with op.batch_alter_table('stages', schema=None) as batch_op:
        batch_op.create_index('ix_stages_interviewer_position', ['interviewer_id', 'position'], unique=False)

    op.create_table('applications',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('candidate_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('interviewer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('status', sa.Enum('pending', 'in_progress', 'evaluating', 'completed', 'shortlisted', 'dismissed', 'knocked_out', name='applicationstatus', native_enum=False, length=32), nullable=False),
    sa.Column('source', sa.Enum('ats', 'email', 'phone', 'directory', 'manual', name='candidatesource', native_enum=False, length=32), nullable=False),
    sa.Column('score', sa.Float(), nullable=True),
    sa.Column('knocked_out_stage_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('has_notes', sa.Boolean(), nullable=False),
    sa.Column('nudges_sent', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_engaged_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['candidate_id'], ['candidates.id'], name=op.f('fk_applications_candidate_id_candidates'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['interviewer_id'], ['interviewers.id'], name=op.f('fk_applications_interviewer_id_interviewers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['knocked_out_stage_id'], ['stages.id'], name=op.f('fk_applications_knocked_out_stage_id_stages'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_applications')),
    sa.UniqueConstraint('interviewer_id', 'candidate_id', name=op.f('uq_applications_interviewer_id_candidate_id'))
    )
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.create_index('ix_applications_candidate', ['candidate_id'], unique=False)
        batch_op.create_index('ix_applications_interviewer_created', ['interviewer_id', 'created_at', 'id'], unique=False)
        batch_op.create_index('ix_applications_interviewer_status', ['interviewer_id', 'status'], unique=False)

    op.create_table('inbound_calls',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('receptionist_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('call_sid', sa.String(length=34), nullable=True),
    sa.Column('execution_sid', sa.String(length=34), nullable=True),
    sa.Column('caller_name', sa.String(length=200), nullable=False),
    sa.Column('from_e164', sa.String(length=20), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('location', sa.String(length=120), nullable=True),
    sa.Column('status', sa.Enum('awaiting_confirmation', 'confirmed', 'processing', 'evaluated', name='callstatus', native_enum=False, length=32), nullable=False),
    sa.Column('review', sa.Enum('pending', 'needs_review', 'approved', 'rejected', name='callreview', native_enum=False, length=32), nullable=False),
    sa.Column('score', sa.Float(), nullable=True),
    sa.Column('duration_s', sa.Integer(), nullable=True),
    sa.Column('evaluations', sa.Integer(), nullable=False),
    sa.Column('recording_sid', sa.String(length=34), nullable=True),
    sa.Column('recording_path', sa.String(length=400), nullable=True),
    sa.Column('transcript', sa.Text(), nullable=False),
    sa.Column('candidate_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('routed_interviewer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['candidate_id'], ['candidates.id'], name=op.f('fk_inbound_calls_candidate_id_candidates'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['receptionist_id'], ['receptionists.id'], name=op.f('fk_inbound_calls_receptionist_id_receptionists'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['routed_interviewer_id'], ['interviewers.id'], name=op.f('fk_inbound_calls_routed_interviewer_id_interviewers'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inbound_calls')),
    sa.UniqueConstraint('call_sid', name=op.f('uq_inbound_calls_call_sid')),
    sa.UniqueConstraint('execution_sid', name=op.f('uq_inbound_calls_execution_sid'))
    )
    with op.batch_alter_table('inbound_calls', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inbound_calls_candidate_id'), ['candidate_id'], unique=False)
        batch_op.create_index('ix_inbound_calls_receptionist', ['receptionist_id', 'started_at'], unique=False)
        batch_op.create_index('ix_inbound_calls_review', ['review', 'started_at'], unique=False)
        batch_op.create_index('ix_inbound_calls_started', ['started_at', 'id'], unique=False)

    op.create_table('questions',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('stage_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('receptionist_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('scored', 'yes_no', 'min_amount', 'multiple_choice', name='questionkind', native_enum=False, length=32), nullable=False),
    sa.Column('prompt', sa.Text(), nullable=False),
    sa.Column('weight', sa.Float(), nullable=False),
    sa.Column('rubric_low', sa.Text(), nullable=False),
    sa.Column('rubric_high', sa.Text(), nullable=False),
    sa.Column('expected_yes', sa.Boolean(), nullable=True),
    sa.Column('min_value', sa.Float(), nullable=True),
    sa.Column('unit', sa.String(length=20), nullable=True),
    sa.Column('choices', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('accepted_choices', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('dealbreaker', sa.Boolean(), nullable=False),
    sa.Column('follow_ups', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.CheckConstraint('(stage_id IS NULL) <> (receptionist_id IS NULL)', name=op.f('ck_questions_one_owner')),
    sa.CheckConstraint('weight >= 0', name=op.f('ck_questions_weight_positive')),
    sa.ForeignKeyConstraint(['receptionist_id'], ['receptionists.id'], name=op.f('fk_questions_receptionist_id_receptionists'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['stage_id'], ['stages.id'], name=op.f('fk_questions_stage_id_stages'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_questions'))
    )
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_questions_receptionist_id'), ['receptionist_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_questions_stage_id'), ['stage_id'], unique=False)

    op.create_table('receptionist_interviewers',
    sa.Column('receptionist_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('interviewer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['interviewer_id'], ['interviewers.id'], name=op.f('fk_receptionist_interviewers_interviewer_id_interviewers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['receptionist_id'], ['receptionists.id'], name=op.f('fk_receptionist_interviewers_receptionist_id_receptionists'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('receptionist_id', 'interviewer_id', name=op.f('pk_receptionist_interviewers'))
    )
    op.create_table('spend',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('service', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.Enum('call', 'sms', 'recording', 'email', 'llm', name='spendkind', native_enum=False, length=32), nullable=False),
    sa.Column('provider_sid', sa.String(length=64), nullable=False),
    sa.Column('amount_micros', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('interviewer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('stage_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('receptionist_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['interviewer_id'], ['interviewers.id'], name=op.f('fk_spend_interviewer_id_interviewers'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['receptionist_id'], ['receptionists.id'], name=op.f('fk_spend_receptionist_id_receptionists'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['stage_id'], ['stages.id'], name=op.f('fk_spend_stage_id_stages'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_spend')),
    sa.UniqueConstraint('service', 'provider_sid', name=op.f('uq_spend_service_provider_sid'))
    )
    with op.batch_alter_table('spend', schema=None) as batch_op:
        batch_op.create_index('ix_spend_interviewer', ['interviewer_id', 'occurred_at'], unique=False)
        batch_op.create_index('ix_spend_occurred', ['occurred_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_spend_receptionist_id'), ['receptionist_id'], unique=False)

    op.create_table('candidate_notes',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('candidate_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('application_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('author', sa.String(length=120), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_candidate_notes_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['candidate_id'], ['candidates.id'], name=op.f('fk_candidate_notes_candidate_id_candidates'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_candidate_notes'))
    )
    with op.batch_alter_table('candidate_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_candidate_notes_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_candidate_notes_candidate_id'), ['candidate_id'], unique=False)

    op.create_table('messages',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('candidate_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('application_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('channel', sa.Enum('email', 'sms', 'voice', name='channel', native_enum=False, length=32), nullable=False),
    sa.Column('direction', sa.Enum('outbound', 'inbound', name='direction', native_enum=False, length=32), nullable=False),
    sa.Column('purpose', sa.String(length=30), nullable=False),
    sa.Column('to_addr', sa.String(length=254), nullable=False),
    sa.Column('from_addr', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('queued', 'sent', 'delivered', 'failed', 'bounced', 'opened', 'received', name='messagestatus', native_enum=False, length=32), nullable=False),
    sa.Column('provider_sid', sa.String(length=64), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_messages_application_id_applications'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['candidate_id'], ['candidates.id'], name=op.f('fk_messages_candidate_id_candidates'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_messages')),
    sa.UniqueConstraint('provider_sid', name=op.f('uq_messages_provider_sid'))
    )
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_messages_application_id'), ['application_id'], unique=False)
        batch_op.create_index('ix_messages_candidate_created', ['candidate_id', 'created_at'], unique=False)

    op.create_table('notifications',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.Enum('completed', 'score_ready', 'caller_needs_review', 'email_application', 'deadline_near', 'sync_failed', name='notificationkind', native_enum=False, length=32), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('candidate_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('interviewer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('inbound_call_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['candidate_id'], ['candidates.id'], name=op.f('fk_notifications_candidate_id_candidates'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['inbound_call_id'], ['inbound_calls.id'], name=op.f('fk_notifications_inbound_call_id_inbound_calls'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['interviewer_id'], ['interviewers.id'], name=op.f('fk_notifications_interviewer_id_interviewers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications'))
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index('ix_notifications_read_created', ['read_at', 'created_at'], unique=False)

    op.create_table('stage_results',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('application_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('stage_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('status', sa.Enum('not_started', 'in_progress', 'completed', 'knocked_out', name='stagestatus', native_enum=False, length=32), nullable=False),
    sa.Column('score', sa.Float(), nullable=True),
    sa.Column('structured_passed', sa.Integer(), nullable=False),
    sa.Column('structured_total', sa.Integer(), nullable=False),
    sa.Column('evaluator', sa.String(length=40), nullable=True),
    sa.Column('transcript', sa.Text(), nullable=False),
    sa.Column('recording_path', sa.String(length=400), nullable=True),
    sa.Column('external_sid', sa.String(length=40), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_stage_results_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['stage_id'], ['stages.id'], name=op.f('fk_stage_results_stage_id_stages'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stage_results')),
    sa.UniqueConstraint('application_id', 'stage_id', name=op.f('uq_stage_results_application_id_stage_id'))
    )
    with op.batch_alter_table('stage_results', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stage_results_external_sid'), ['external_sid'], unique=False)
        batch_op.create_index(batch_op.f('ix_stage_results_stage_id'), ['stage_id'], unique=False)

    op.create_table('answers',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('stage_result_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('inbound_call_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('question_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('question_text', sa.Text(), nullable=False),
    sa.Column('answer_text', sa.Text(), nullable=False),
    sa.Column('score', sa.Float(), nullable=True),
    sa.Column('passed', sa.Boolean(), nullable=True),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('evidence', sa.Text(), nullable=False),
    sa.Column('evaluator', sa.String(length=40), nullable=True),
    sa.ForeignKeyConstraint(['inbound_call_id'], ['inbound_calls.id'], name=op.f('fk_answers_inbound_call_id_inbound_calls'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_answers_question_id_questions'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['stage_result_id'], ['stage_results.id'], name=op.f('fk_answers_stage_result_id_stage_results'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_answers'))
    )
    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_answers_inbound_call_id'), ['inbound_call_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_answers_stage_result_id'), ['stage_result_id'], unique=False)

    op.create_table('outbox',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('payload', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('idempotency_key', sa.String(length=80), nullable=False),
    sa.Column('status', sa.Enum('pending', 'sending', 'done', 'failed', name='outboxstatus', native_enum=False, length=32), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_try_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('provider_ref', sa.String(length=64), nullable=True),
    sa.Column('message_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['message_id'], ['messages.id'], name=op.f('fk_outbox_message_id_messages'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_outbox_idempotency_key'))
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_status_next', ['status', 'next_try_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_status_next')

    op.drop_table('outbox')
    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_answers_stage_result_id'))
        batch_op.drop_index(batch_op.f('ix_answers_inbound_call_id'))

    op.drop_table('answers')
    with op.batch_alter_table('stage_results', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stage_results_stage_id'))
        batch_op.drop_index(batch_op.f('ix_stage_results_external_sid'))

    op.drop_table('stage_results')
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_notifications_read_created')

    op.drop_table('notifications')
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_index('ix_messages_candidate_created')
        batch_op.drop_index(batch_op.f('ix_messages_application_id'))

    op.drop_table('messages')
    with op.batch_alter_table('candidate_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_candidate_notes_candidate_id'))
        batch_op.drop_index(batch_op.f('ix_candidate_notes_application_id'))

    op.drop_table('candidate_notes')
    with op.batch_alter_table('spend', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_spend_receptionist_id'))
        batch_op.drop_index('ix_spend_occurred')
        batch_op.drop_index('ix_spend_interviewer')

    op.drop_table('spend')
    op.drop_table('receptionist_interviewers')
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_questions_stage_id'))
        batch_op.drop_index(batch_op.f('ix_questions_receptionist_id'))

    op.drop_table('questions')
    with op.batch_alter_table('inbound_calls', schema=None) as batch_op:
        batch_op.drop_index('ix_inbound_calls_started')
        batch_op.drop_index('ix_inbound_calls_review')
        batch_op.drop_index('ix_inbound_calls_receptionist')
        batch_op.drop_index(batch_op.f('ix_inbound_calls_candidate_id'))

    op.drop_table('inbound_calls')
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_index('ix_applications_interviewer_status')
        batch_op.drop_index('ix_applications_interviewer_created')
        batch_op.drop_index('ix_applications_candidate')

    op.drop_table('applications')
    with op.batch_alter_table('stages', schema=None) as batch_op:
        batch_op.drop_index('ix_stages_interviewer_position')

    op.drop_table('stages')
    op.drop_table('receptionists')
    with op.batch_alter_table('interviewer_subscribers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_interviewer_subscribers_interviewer_id'))

    op.drop_table('interviewer_subscribers')
    with op.batch_alter_table('interviewer_labels', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_interviewer_labels_label_id'))

    op.drop_table('interviewer_labels')
    op.drop_table('workspace_settings')
    op.drop_table('teammates')
    op.drop_table('sync_cursors')
    op.drop_table('quarantine')
    op.drop_table('message_templates')
    op.drop_table('labels')
    with op.batch_alter_table('interviewers', schema=None) as batch_op:
        batch_op.drop_index('ix_interviewers_status_created')

    op.drop_table('interviewers')
    with op.batch_alter_table('candidates', schema=None) as batch_op:
        batch_op.drop_index('ix_candidates_phone')
        batch_op.drop_index('ix_candidates_name_key')
        batch_op.drop_index('ix_candidates_email')
        batch_op.drop_index('ix_candidates_created')

    op.drop_table('candidates')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_at'))

    op.drop_table('audit_log')
