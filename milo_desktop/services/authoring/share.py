"""Sharing an interviewer: its entry points as a printable QR poster (PNG and PDF).

The app runs no web server, so the poster carries what works without one
(``services/entry/points.py``): a QR code per way in — ``sms:+1…?body=KEYWORD`` (text the
keyword), ``tel:+1…`` (call the receptionist), ``mailto:jobs+slug@…`` (email a résumé) and,
only when the workspace hosts a candidate page, its link — each with the words under it
("Text FORKLIFT to +1 214 555 0142") for people who type. The poster is an A4 page: "We're
hiring" ("Northwind Staffing is hiring" with a company name), the position title and the codes,
in the agency's brand colour and with its logo when Settings → Account has them (``PosterBrand``). Pillow draws the PNG (it comes with fpdf2), fpdf2
writes the PDF; both use a system sans-serif font when one is found (DejaVu, Arial,
Helvetica), else the fonts bundled with them.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import segno
from PIL import Image, ImageDraw, ImageFont

from milo_desktop.services.links import LEGACY_KEY, interview_link

LINK_BASE_KEY = LEGACY_KEY  # older workspaces' key, read only while the account has none
HEADLINE = "We're hiring"
CALL_TO_ACTION = "Scan a code to start your screening — on your phone, any time."
NO_WAY_IN = "Ask at the front desk how to apply."
MAX_CODES = 4


@dataclass(frozen=True)
class PosterCode:
    """One QR code on the poster: what it carries and the words printed under it."""

    uri: str
    words: str


@dataclass(frozen=True)
class PosterBrand:
    """Settings → Account's branding as the poster uses it (the defaults: Milo's own)."""

    company_name: str = ""
    color: tuple[int, int, int] = (79, 70, 229)
    logo: tuple[str, bytes] | None = None  # ("PNG" | "JPEG" | "SVG", bytes)

    def headline(self) -> str:
        return f"{self.company_name} is hiring" if self.company_name else HEADLINE
PAGE_PX = (1240, 1754)  # A4 at 150 dpi
INK, MUTED, ACCENT = (31, 36, 48), (107, 114, 128), (79, 70, 229)

_REGULAR = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "C:/Windows/Fonts/arial.ttf",
    "/System/Library/Fonts/Supplemental/Arial.ttf",
    "/Library/Fonts/Arial.ttf",
)
_BOLD = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf",
    "C:/Windows/Fonts/arialbd.ttf",
    "/System/Library/Fonts/Supplemental/Arial Bold.ttf",
    "/Library/Fonts/Arial Bold.ttf",
)


def link_for(base: str | None, slug: str) -> str:
    """The candidate link (``links.interview_link``), "" when the workspace hosts no page."""
    return interview_link(base, slug) if base else ""


@cache
def _font_file(bold: bool) -> str | None:
    return next((p for p in (_BOLD if bold else _REGULAR) if Path(p).is_file()), None)


Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


def _font(size: int, bold: bool = False) -> Font:
    path = _font_file(bold)
    return ImageFont.truetype(path, size) if path else ImageFont.load_default(size)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: Font, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and draw.textlength(f"{lines[-1]} {word}", font=font) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines or [""]


def _wrap_words(draw: ImageDraw.ImageDraw, text: str, font: Font, width: int) -> list[str]:
    """Words under a code: wrapped at spaces; a long address or link at slashes."""
    if " " not in text:
        return _wrap_link(draw, text, font, width)
    return _wrap(draw, text, font, width)


def _wrap_link(draw: ImageDraw.ImageDraw, link: str, font: Font, width: int) -> list[str]:
    """A long link broken after slashes (never inside a word), to fit ``width``."""
    parts = [p + "/" for p in link.split("/")[:-1]] + [link.split("/")[-1]]
    lines = [""]
    for part in parts:
        if lines[-1] and draw.textlength(lines[-1] + part, font=font) > width:
            lines.append(part)
        else:
            lines[-1] += part
    return lines


def qr_png(link: str, scale: int = 10) -> bytes:
    """The QR code of ``link`` alone (medium error correction, quiet zone of 4)."""
    buffer = io.BytesIO()
    segno.make(link, error="m").save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()


def _raster_logo(brand: PosterBrand, height: int) -> Image.Image | None:
    """The logo scaled to ``height`` pixels (PNG / JPEG; Pillow cannot draw SVG)."""
    if brand.logo is None or brand.logo[0] == "SVG":
        return None
    try:
        logo = Image.open(io.BytesIO(brand.logo[1])).convert("RGBA")
    except OSError:
        return None
    scale = height / logo.height
    return logo.resize((max(1, int(logo.width * scale)), height))


def poster_png_bytes(title: str, codes: Sequence[PosterCode],
                     brand: PosterBrand = PosterBrand()) -> bytes:
    width, height = PAGE_PX
    page = Image.new("RGB", PAGE_PX, "white")
    draw = ImageDraw.Draw(page)
    margin = 110
    draw.rectangle((0, 0, width, 26), fill=brand.color)
    y = 150
    logo = _raster_logo(brand, 90)
    if logo is not None:
        page.paste(logo, ((width - logo.width) // 2, 50), logo)
        y = 170
    head = _font(46, bold=True)
    draw.text((width // 2, y), brand.headline().upper(), font=head, fill=brand.color,
              anchor="ma")
    y += 110
    size = 92
    lines = _wrap(draw, title, _font(size, True), width - 2 * margin)
    while len(lines) > 3 and size > 48:  # long titles: smaller, at most three lines
        size -= 8
        lines = _wrap(draw, title, _font(size, True), width - 2 * margin)
    big = _font(size, True)
    for line in lines[:4]:
        draw.text((width // 2, y), line, font=big, fill=INK, anchor="ma")
        y += int(size * 1.2)
    y += 40
    body = _font(34)
    for line in _wrap(draw, CALL_TO_ACTION, body, width - 2 * margin):
        draw.text((width // 2, y), line, font=body, fill=MUTED, anchor="ma")
        y += 46
    shown = list(codes)[:MAX_CODES]
    if not shown:
        for line in _wrap(draw, NO_WAY_IN, body, width - 2 * margin):
            draw.text((width // 2, y + 80), line, font=body, fill=INK, anchor="ma")
            y += 46
    columns = 1 if len(shown) == 1 else 2
    rows = (len(shown) + columns - 1) // columns
    cell_w = (width - 2 * margin) // columns
    room = min(cell_w - 40, (height - y - 120) // max(rows, 1) - 160, 700)
    words_font = _font(30 if columns > 1 else 36)
    y += 50
    for row in range(rows):
        row_codes = shown[row * columns:(row + 1) * columns]
        tallest = 0
        for col, code in enumerate(row_codes):
            x0 = margin + col * cell_w + (cell_w * (columns - len(row_codes))) // 2
            modules = segno.make(code.uri, error="m").symbol_size(scale=1, border=4)[0]
            qr = Image.open(io.BytesIO(qr_png(code.uri, scale=max(1, int(room // modules))))
                            ).convert("RGB")
            page.paste(qr, (x0 + (cell_w - qr.width) // 2, y))
            ty = y + qr.height + 12
            for line in _wrap_words(draw, code.words, words_font, cell_w - 30):
                draw.text((x0 + cell_w // 2, ty), line, font=words_font, fill=INK, anchor="ma")
                ty += 40
            tallest = max(tallest, ty - y)
        y += tallest + 40
    out = io.BytesIO()
    page.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _latin1(text: str) -> str:
    """Text for fpdf2's core fonts (Latin-1 only) when no TTF font is available."""
    text = text.replace("—", "-").replace("’", "'").replace("“", '"').replace("”", '"')
    return text.encode("latin-1", "replace").decode("latin-1")


def _same(text: str) -> str:
    return text


def poster_pdf_bytes(title: str, codes: Sequence[PosterCode],
                     brand: PosterBrand = PosterBrand()) -> bytes:
    from fpdf import FPDF  # here: fpdf2 costs ~0.6 s to import, and start-up never needs it

    pdf = FPDF(format="A4", unit="mm")
    pdf.set_title(title)
    pdf.set_creator("Milo Desktop")
    pdf.set_auto_page_break(False)
    pdf.add_page()
    regular, bold = _font_file(False), _font_file(True)
    if regular and bold:
        pdf.add_font("Poster", "", regular)
        pdf.add_font("Poster", "B", bold)
        family, clean = "Poster", _same
    else:
        family, clean = "Helvetica", _latin1
    pdf.set_fill_color(*brand.color)
    pdf.rect(0, 0, 210, 4, style="F")
    pdf.set_y(28)
    if brand.logo is not None:
        try:
            pdf.image(io.BytesIO(brand.logo[1]), x=90, y=10, h=15, keep_aspect_ratio=True,
                      w=30)
            pdf.set_y(30)
        except Exception:
            pass
    pdf.set_text_color(*brand.color)
    pdf.set_font(family, "B", 16)
    pdf.cell(0, 10, clean(brand.headline().upper()), align="C", new_x="LMARGIN",
             new_y="NEXT")
    pdf.ln(6)
    pdf.set_text_color(*INK)
    pdf.set_font(family, "B", 32 if len(title) <= 40 else 24)
    pdf.multi_cell(0, 14, clean(title), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_text_color(*MUTED)
    pdf.set_font(family, "", 13)
    pdf.multi_cell(0, 7, clean(CALL_TO_ACTION), align="C", new_x="LMARGIN", new_y="NEXT")
    shown = list(codes)[:MAX_CODES]
    if not shown:
        pdf.ln(20)
        pdf.set_text_color(*INK)
        pdf.multi_cell(0, 8, clean(NO_WAY_IN), align="C", new_x="LMARGIN", new_y="NEXT")
        return bytes(pdf.output())
    columns = 1 if len(shown) == 1 else 2
    cell_w = 180 / columns
    side = 100 if columns == 1 else 62
    top = pdf.get_y() + 8
    pdf.set_text_color(*INK)
    pdf.set_font(family, "", 13 if columns == 1 else 11)
    for index, code in enumerate(shown):
        col, row = index % columns, index // columns
        x0 = 15 + col * cell_w
        y0 = top + row * (side + 26)
        pdf.image(io.BytesIO(qr_png(code.uri)), x=x0 + (cell_w - side) / 2, y=y0, w=side,
                  h=side)
        pdf.set_xy(x0, y0 + side + 2)
        pdf.multi_cell(cell_w, 6, clean(code.words), align="C")
    return bytes(pdf.output())
