"""Settings screens: Integrations (Twilio, sync status and the Sync issues panel)."""

from milo_desktop.views.settings.integrations import IntegrationsSection
from milo_desktop.views.settings.sync_issues import SyncIssuesPanel

__all__ = ["IntegrationsSection", "SyncIssuesPanel"]
