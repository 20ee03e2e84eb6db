"""The workspace's privacy settings: the erasure grace period, the retention rule, the
exports folder. One ``workspace_settings`` row (``privacy``), read with defaults, so a
workspace that never opened Settings → Privacy behaves as the defaults say.

The retention rule is off until the user turns it on after seeing its dry run: erasing
people by inactivity is irreversible, so nobody is erased by a default.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

from sqlalchemy.orm import Session

from milo_desktop.errors import ValidationProblem
from milo_desktop.models.system import WorkspaceSetting

SETTINGS_KEY = "privacy"
DEFAULT_GRACE_DAYS = 60
MIN_GRACE_DAYS, MAX_GRACE_DAYS = 30, 180
DEFAULT_RETENTION_MONTHS = 24
MIN_RETENTION_MONTHS, MAX_RETENTION_MONTHS = 1, 120


@dataclass(frozen=True)
class PrivacySettings:
    grace_days: int = DEFAULT_GRACE_DAYS
    retention_months: int = DEFAULT_RETENTION_MONTHS
    retention_on: bool = False
    exports_dir: str = ""  # empty: <data dir>/exports

    def checked(self) -> PrivacySettings:
        """Itself when valid; raises ValidationProblem with the user's words otherwise."""
        if not MIN_GRACE_DAYS <= self.grace_days <= MAX_GRACE_DAYS:
            raise ValidationProblem(f"The grace period is {MIN_GRACE_DAYS} to {MAX_GRACE_DAYS} "
                                    "days.")
        if not MIN_RETENTION_MONTHS <= self.retention_months <= MAX_RETENTION_MONTHS:
            raise ValidationProblem(f"Inactivity is counted in months, {MIN_RETENTION_MONTHS} "
                                    f"to {MAX_RETENTION_MONTHS}.")
        return self


def _int(value: Any, default: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def load_settings(s: Session) -> PrivacySettings:
    row = s.get(WorkspaceSetting, SETTINGS_KEY)
    raw = row.value if row is not None and isinstance(row.value, dict) else {}
    found = PrivacySettings(
        grace_days=_int(raw.get("grace_days"), DEFAULT_GRACE_DAYS),
        retention_months=_int(raw.get("retention_months"), DEFAULT_RETENTION_MONTHS),
        retention_on=raw.get("retention_on") is True,
        exports_dir=str(raw.get("exports_dir") or ""),
    )
    try:
        return found.checked()
    except ValidationProblem:  # edited by hand or by a newer version: the defaults hold
        return replace(PrivacySettings(), exports_dir=found.exports_dir)


def save_settings(s: Session, settings: PrivacySettings) -> PrivacySettings:
    settings.checked()
    row = s.get(WorkspaceSetting, SETTINGS_KEY)
    if row is None:
        s.add(WorkspaceSetting(key=SETTINGS_KEY, value=asdict(settings)))
    else:
        row.value = asdict(settings)
    return settings
