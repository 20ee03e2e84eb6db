"""The agency's brand: company name (≤ 25 characters), logo and brand colour.

They sit beside the candidate page address under ``links.ACCOUNT_KEY`` and are used where a
candidate sees the agency: the share poster (its band, headline and logo) and outgoing emails
(a header with the name, a footer). The logo is copied into ``<data dir>/branding/`` (0600,
like every file the app writes) and the account keeps its path; a desktop of a team without
that file simply prints no logo.
"""

from __future__ import annotations

import asyncio
import html
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from milo_desktop.errors import ValidationProblem
from milo_desktop.files import private_dir, write_private
from milo_desktop.services import links
from milo_desktop.services.core.database import Database
from milo_desktop.services.core.events import AccountChanged, EventBus

COMPANY_NAME_MAX = 25  # it must fit the poster's headline and an email's header
DEFAULT_COLOR = "#4f46e5"
LOGO_MAX_BYTES = 1_000_000
LOGO_MAX_SIDE = 4_000  # pixels; a bigger image is a photo, not a logo
LOGO_KINDS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".svg": "SVG"}
_COLOR = re.compile(r"#[0-9a-fA-F]{6}")


@dataclass(frozen=True)
class Branding:
    company_name: str = ""
    brand_color: str = DEFAULT_COLOR
    logo_path: str = ""  # "" : no logo

    @property
    def rgb(self) -> tuple[int, int, int]:
        c = self.brand_color
        return int(c[1:3], 16), int(c[3:5], 16), int(c[5:7], 16)


def check_company_name(name: str) -> str:
    text = " ".join(name.split())
    if len(text) > COMPANY_NAME_MAX:
        raise ValidationProblem(f"The company name is {len(text)} characters; the limit is "
                                f"{COMPANY_NAME_MAX}, so it fits the poster and email headers.")
    return text


def check_color(color: str) -> str:
    if not _COLOR.fullmatch(color.strip()):
        raise ValidationProblem("The brand colour is written #rrggbb, for example #4f46e5.")
    return color.strip().lower()


def check_logo(name: str, data: bytes) -> str:
    """The logo's kind ("PNG", "JPEG", "SVG"), or ValidationProblem saying what is wrong."""
    kind = LOGO_KINDS.get(Path(name).suffix.lower())
    if kind is None:
        raise ValidationProblem("The logo must be a PNG, JPEG or SVG file.")
    if len(data) > LOGO_MAX_BYTES:
        raise ValidationProblem(f"The logo is {len(data) / 1e6:.1f} MB; the limit is "
                                f"{LOGO_MAX_BYTES // 1_000_000} MB.")
    if kind == "SVG":
        head = data[:4096].decode("utf-8", "replace").lower()
        if "<svg" not in head or "<!entity" in head:
            raise ValidationProblem("This file is not an SVG image.")
        return kind
    from PIL import Image, UnidentifiedImageError  # only here: not on the way to the window

    try:
        with Image.open(io.BytesIO(data)) as image:
            found, size = image.format, image.size
    except (UnidentifiedImageError, OSError) as exc:
        raise ValidationProblem(f"This file is not a {kind} image.") from exc
    if found != kind:
        raise ValidationProblem(f"This file is not a {kind} image.")
    if max(size) > LOGO_MAX_SIDE:
        raise ValidationProblem(f"The logo is {size[0]}×{size[1]} pixels; the limit is "
                                f"{LOGO_MAX_SIDE} on each side.")
    return kind


def read_branding(s: Session) -> Branding:
    account: dict[str, Any] = links.account_settings(s)
    color = str(account.get("brand_color") or "")
    return Branding(company_name=str(account.get("company_name") or ""),
                    brand_color=color if _COLOR.fullmatch(color) else DEFAULT_COLOR,
                    logo_path=str(account.get("logo_path") or ""))


def logo_bytes(branding: Branding) -> tuple[str, bytes] | None:
    """The stored logo's kind and bytes, or None (none set, or not on this computer)."""
    if not branding.logo_path:
        return None
    path = Path(branding.logo_path)
    try:
        data = path.read_bytes()
    except OSError:
        return None
    return LOGO_KINDS.get(path.suffix.lower(), "PNG"), data


class BrandingService:
    """Settings → Account's branding. ``data_dir``: where the logo is kept."""

    def __init__(self, db: Database, bus: EventBus | None, data_dir: Path) -> None:
        self.db = db
        self.bus = bus
        self.folder = Path(data_dir) / "branding"

    async def branding(self) -> Branding:
        return await self.db.read(read_branding)

    async def save(self, company_name: str, brand_color: str) -> Branding:
        name, color = check_company_name(company_name), check_color(brand_color)

        def w(s: Session) -> Branding:
            links.set_account(s, company_name=name, brand_color=color)
            return read_branding(s)

        return self._changed(await self.db.write(w))

    async def set_logo(self, source: Path) -> Branding:
        """Check ``source`` and keep a private copy as the logo."""
        data = await asyncio.to_thread(Path(source).read_bytes)
        check_logo(source.name, data)
        target = self.folder / f"logo{Path(source).suffix.lower()}"

        def store() -> None:
            private_dir(self.folder)
            self._delete_logos()
            write_private(target, data)

        await asyncio.to_thread(store)

        def w(s: Session) -> Branding:
            links.set_account(s, logo_path=str(target))
            return read_branding(s)

        return self._changed(await self.db.write(w))

    async def remove_logo(self) -> Branding:
        def w(s: Session) -> Branding:
            links.set_account(s, logo_path="")
            return read_branding(s)

        branding = await self.db.write(w)
        await asyncio.to_thread(self._delete_logos)
        return self._changed(branding)

    def _delete_logos(self) -> None:
        for old in self.folder.glob("logo.*"):
            old.unlink()

    def _changed(self, branding: Branding) -> Branding:
        if self.bus is not None:
            self.bus.publish(AccountChanged())
        return branding


def branded_email(branding: Branding, body: str) -> tuple[str, str]:
    """An outgoing email's plain text and HTML with the company's header and footer; the
    body unchanged and no HTML ("") when no company name is set."""
    name = branding.company_name
    if not name:
        return body, ""
    text = f"{name}\n\n{body.strip()}\n\n—\n{name}\n"
    paragraphs = "".join(
        f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>"
        for p in body.strip().split("\n\n") if p.strip())
    color, esc = branding.brand_color, html.escape(name)
    page = (
        f'<div style="font-family:sans-serif;max-width:600px">'
        f'<div style="background:{color};color:#ffffff;padding:12px 16px;font-weight:bold">'
        f"{esc}</div>"
        f'<div style="padding:16px;color:#1f2430">{paragraphs}</div>'
        f'<div style="border-top:3px solid {color};padding:8px 16px;color:#6b7280;'
        f'font-size:12px">{esc}</div></div>')
    return text, page
