"""Privacy & compliance: erasure requests with a grace period, the retention rule, and a
person's data export (Settings → Privacy, the profile's actions, ``milo-desktop erase``)."""

from milo_desktop.services.privacy.erase import Erased
from milo_desktop.services.privacy.retention import DryRun, Inactive
from milo_desktop.services.privacy.service import (
    PRIVACY_WORKER,
    PendingErasure,
    PrivacyJob,
    PrivacyService,
    data_dir_of,
    privacy_worker,
)
from milo_desktop.services.privacy.settings import (
    MAX_GRACE_DAYS,
    MIN_GRACE_DAYS,
    PrivacySettings,
)

__all__ = ["MAX_GRACE_DAYS", "MIN_GRACE_DAYS", "PRIVACY_WORKER", "DryRun", "Erased", "Inactive",
           "PendingErasure", "PrivacyJob", "PrivacyService", "PrivacySettings", "data_dir_of",
           "privacy_worker"]
