"""Outreach dialogs: Invite and Blast (opened from other screens through ``ctx.windows``; the
Communication and Templates cards are part of Settings)."""

from milo_desktop.views.outreach.blast_dialog import BlastDialog
from milo_desktop.views.outreach.invite_dialog import InviteDialog

__all__ = ["BlastDialog", "InviteDialog"]
