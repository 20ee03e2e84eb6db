"""Outreach: the section (Waiting to send, templates, sender and numbers, policy — the
Communication and Templates cards are made by views/settings and handed in by the main window)
and the Invite and Blast dialogs (opened from other screens through ``ctx.windows``)."""

from milo_desktop.views.outreach.blast_dialog import BlastDialog
from milo_desktop.views.outreach.invite_dialog import InviteDialog
from milo_desktop.views.outreach.section import OutreachSection

__all__ = ["BlastDialog", "InviteDialog", "OutreachSection"]
