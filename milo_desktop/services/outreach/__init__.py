"""Outreach: invitations, nudges and blasts through the outbox; the communication policy, the
message templates, the SMTP connection, and the outbox handlers that send email and SMS."""

from milo_desktop.services.outreach.handlers import (
    EmailHandler,
    InvitationHandler,
    SmsHandler,
    outreach_handlers,
)
from milo_desktop.services.outreach.policy import CommunicationPolicy, hours_text
from milo_desktop.services.outreach.report import REASONS, OutreachReport
from milo_desktop.services.outreach.service import (
    BLAST_EMAIL_BODY_MAX,
    InterviewerChoice,
    OutreachService,
    check_blast,
)
from milo_desktop.services.outreach.settings import (
    EmailConnectionChanged,
    EmailIntegration,
    EmailState,
    EmailStatus,
    check_settings,
)
from milo_desktop.services.outreach.templates import (
    PLACEHOLDERS,
    SMS_BODY_MAX,
    SUBJECT_MAX,
    TemplateKind,
    TemplateRow,
    TemplateText,
    default_name,
)

__all__ = [
    "BLAST_EMAIL_BODY_MAX",
    "PLACEHOLDERS",
    "REASONS",
    "SMS_BODY_MAX",
    "SUBJECT_MAX",
    "CommunicationPolicy",
    "EmailConnectionChanged",
    "EmailHandler",
    "EmailIntegration",
    "EmailState",
    "EmailStatus",
    "InterviewerChoice",
    "InvitationHandler",
    "OutreachReport",
    "OutreachService",
    "SmsHandler",
    "TemplateKind",
    "TemplateRow",
    "TemplateText",
    "check_blast",
    "check_settings",
    "default_name",
    "hours_text",
    "outreach_handlers",
]
