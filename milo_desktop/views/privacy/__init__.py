"""Settings → Privacy (``PrivacyPanel``, hosted by the Settings section) and the profile's
"Erase personal data…" dialog."""

from milo_desktop.views.privacy.erase_dialog import EraseDialog
from milo_desktop.views.privacy.panel import PrivacyPanel

__all__ = ["EraseDialog", "PrivacyPanel"]
