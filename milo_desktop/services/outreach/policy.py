"""The communication policy: when and how often Milo may contact candidates.

Stored as one JSON value in ``workspace_settings`` (key ``outreach.policy``), so every desktop
sharing a team database follows the same rules. Business hours are wall-clock times in the
policy's time zone (zoneinfo, DST-aware); outside them nothing is dropped — rows are queued
with ``next_try_at`` at the next open time.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from dataclasses import asdict, dataclass, field, replace
from typing import Any
from urllib.parse import urlsplit

from milo_desktop.errors import ValidationProblem
from milo_desktop.services.links import interview_link as _interview_link

SETTING_KEY = "outreach.policy"
ALL_DAYS = frozenset(range(7))  # Monday = 0
MAX_COOLDOWN_HOURS = 24 * 30
MAX_NUDGES = 10
SEARCH_DAYS = 400  # how far ahead an open time is looked for
E164_RE = re.compile(r"^\+[1-9]\d{6,14}$")
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


class _LocalZone(dt.tzinfo):
    """This computer's time zone with its daylight-saving rules: every moment gets the offset
    in force at that moment (the operating system's rules), never today's offset."""

    @staticmethod
    def _moment(d: dt.datetime) -> dt.datetime:
        return d.replace(tzinfo=None).astimezone()  # a naive time is read as local time

    def utcoffset(self, d: dt.datetime | None) -> dt.timedelta | None:
        return None if d is None else self._moment(d).utcoffset()

    def dst(self, d: dt.datetime | None) -> dt.timedelta | None:
        return None

    def tzname(self, d: dt.datetime | None) -> str | None:
        return None if d is None else self._moment(d).tzname()

    def fromutc(self, d: dt.datetime) -> dt.datetime:
        local = d.replace(tzinfo=dt.UTC).astimezone()
        wall = local.replace(tzinfo=self)
        # The repeated hour when clocks go back: the second pass has fold=1.
        return wall if wall.utcoffset() == local.utcoffset() else wall.replace(fold=1)


LOCAL_ZONE = _LocalZone()


@dataclass(frozen=True)
class CommunicationPolicy:
    enabled: bool = True  # the master switch: off → nothing goes out, everything waits
    nudge_cooldown_hours: int = 48  # since the invitation or the last nudge
    max_nudges: int = 3  # the last one uses the "final nudge" template
    hours: tuple[dt.time, dt.time] | None = None  # business hours; None: any time of day
    days: frozenset[int] = ALL_DAYS  # weekdays messages may go out
    blackout_dates: tuple[dt.date, ...] = ()  # holidays: nothing goes out
    timezone: str = ""  # IANA name; "" = this computer's time zone
    sms_enabled: bool = False  # invitations and nudges also by SMS when a phone is known
    sms_from: str = ""  # the Twilio number SMS come from (else the interviewer's number)
    # An older home of the candidate page address (now Settings → Account, services/links.py),
    # read there while the account has none; "" = no candidate page.
    link_base: str = ""
    extra: dict[str, Any] = field(default_factory=dict, compare=False)  # unknown keys, kept

    # ----- time ----------------------------------------------------------------------------
    def zone(self) -> dt.tzinfo:
        if self.timezone:
            return zoneinfo.ZoneInfo(self.timezone)
        return LOCAL_ZONE

    def next_open(self, now: dt.datetime) -> dt.datetime:
        """``now`` when messages may go out now, else the next moment they may (UTC)."""
        tz = self.zone()
        local = now.astimezone(tz)
        blackout = set(self.blackout_dates)
        for _ in range(SEARCH_DAYS):
            day = local.date()
            if day.weekday() in self.days and day not in blackout:
                if self.hours is None:
                    return local.astimezone(dt.UTC)
                start = dt.datetime.combine(day, self.hours[0], tz)
                end = dt.datetime.combine(day, self.hours[1], tz)
                if local < start:
                    return start.astimezone(dt.UTC)
                if local < end:
                    return local.astimezone(dt.UTC)
            local = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tz)
        raise ValidationProblem("The communication policy leaves no time at all to send "
                                "messages. Allow at least one weekday outside the blackout "
                                "dates.")

    def is_open(self, now: dt.datetime) -> bool:
        return self.next_open(now) <= now

    # ----- links ---------------------------------------------------------------------------
    def interview_link(self, slug: str) -> str | None:
        """The link with this policy's base, or None without one (services/links.py)."""
        return _interview_link(self.link_base, slug) if self.link_base.strip() else None

    # ----- storage -------------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("extra")
        data["hours"] = ([t.strftime("%H:%M") for t in self.hours] if self.hours else None)
        data["days"] = sorted(self.days)
        data["blackout_dates"] = [d.isoformat() for d in self.blackout_dates]
        return {**self.extra, **data}

    @classmethod
    def from_json(cls, raw: Any) -> CommunicationPolicy:
        """The stored value, tolerant of missing or malformed keys (defaults are used)."""
        if not isinstance(raw, dict):
            return cls()
        base = cls()
        known = {f for f in base.__dataclass_fields__ if f != "extra"}
        values: dict[str, Any] = {}
        for key, value in raw.items():
            if key not in known:
                continue
            try:
                values[key] = _parse(key, value)
            except (TypeError, ValueError, KeyError):
                continue  # a hand-edited or older value: keep the default
        extra = {k: v for k, v in raw.items() if k not in known}
        return replace(base, extra=extra, **values)


def _parse(key: str, value: Any) -> Any:
    if key in ("enabled", "sms_enabled"):
        return bool(value)
    if key in ("nudge_cooldown_hours", "max_nudges"):
        return int(value)
    if key == "hours":
        if value is None:
            return None
        start, end = (dt.time.fromisoformat(str(v)) for v in value)
        return (start, end)
    if key == "days":
        return frozenset(int(d) for d in value if 0 <= int(d) <= 6)
    if key == "blackout_dates":
        return tuple(sorted(dt.date.fromisoformat(str(d)) for d in value))
    if key == "timezone":
        if value:
            zoneinfo.ZoneInfo(str(value))  # an unknown zone raises (KeyError)
        return str(value)
    return str(value)


def check_policy(p: CommunicationPolicy) -> CommunicationPolicy:
    """The policy as it will be stored, or ValidationProblem naming what is wrong."""
    problems = []
    if not 0 <= p.nudge_cooldown_hours <= MAX_COOLDOWN_HOURS:
        problems.append(f"The nudge cooldown must be between 0 and {MAX_COOLDOWN_HOURS} hours.")
    if not 0 <= p.max_nudges <= MAX_NUDGES:
        problems.append(f"The maximum number of nudges must be between 0 and {MAX_NUDGES}.")
    if p.hours is not None and not p.hours[0] < p.hours[1]:
        problems.append("Business hours must end after they start (e.g. 09:00 to 17:00).")
    if not p.days:
        problems.append("Choose at least one weekday on which messages may be sent.")
    if p.timezone:
        try:
            zoneinfo.ZoneInfo(p.timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            problems.append(f"“{p.timezone}” is not a time zone this computer knows "
                            "(e.g. America/Chicago).")
    sms_from = p.sms_from.strip()
    if sms_from and not E164_RE.match(sms_from):
        problems.append("The SMS sender must be a phone number in international format, "
                        "e.g. +15551234567.")
    link = p.link_base.strip()
    parts = urlsplit(link)
    if link and (parts.scheme not in ("http", "https") or not parts.netloc):
        problems.append("The interview link address must be a web address such as "
                        "https://jobs.example.com/interview.")
    if problems:
        raise ValidationProblem(" ".join(problems))
    return replace(p, sms_from=sms_from, link_base=link.rstrip("/"))


def hours_text(p: CommunicationPolicy) -> str:
    """"Mon–Fri 09:00–17:00 (America/Chicago)" for summaries."""
    days = ", ".join(WEEKDAYS[d] for d in sorted(p.days)) if p.days != ALL_DAYS else "Every day"
    hours = (f" {p.hours[0].strftime('%H:%M')}–{p.hours[1].strftime('%H:%M')}"
             if p.hours else ", any time")
    return f"{days}{hours} ({p.timezone or 'this computer’s time zone'})"
