"""Outreach screens: the Invite and Blast dialogs and the Communication / Templates cards."""

from milo_desktop.views.outreach.blast_dialog import BlastDialog
from milo_desktop.views.outreach.invite_dialog import InviteDialog
from milo_desktop.views.outreach.policy_card import CommunicationCard
from milo_desktop.views.outreach.templates_card import TemplatesCard

__all__ = ["BlastDialog", "CommunicationCard", "InviteDialog", "TemplatesCard"]
