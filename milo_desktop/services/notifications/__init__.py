"""Notifications: the center's rows and preferences (``service``), the jobs that raise them
from time and sync states (``jobs``), and the emails sent to an interviewer's subscribers
(``subscriber_emails``)."""

from milo_desktop.services.notifications.service import (
    KINDS_KEY,
    NotificationRow,
    NotificationService,
    clip,
    kind_switches,
    record,
)

__all__ = ["KINDS_KEY", "NotificationRow", "NotificationService", "clip", "kind_switches",
           "record"]
