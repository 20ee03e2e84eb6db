"""Reading order of a résumé's text: PDF text boxes by column, DOCX text boxes and tables.

PDF (pdfminer.six layout analysis): each page's text boxes are put in reading order.
Two-column résumés (a sidebar, or two equal columns) would come out interleaved line by
line if read top to bottom, so a page is cut into horizontal bands at the boxes that span
its whole width (a header with the name, a full-width section), and inside a band at the
widest vertical gutter no box crosses: the left column is read to its end before the right
one starts.

DOCX (python-docx): the body is walked in document order — paragraphs, the text boxes
anchored in them (``w:txbxContent``, which python-docx's ``paragraphs`` skips; a text box
stored twice, as DrawingML and as its VML fallback, is read once) and tables (a row's cells
joined with " | ", merged cells once) — then the page headers.

Blocking: call from a worker thread.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

GUTTER_MIN = 12.0  # points: narrower white space between boxes is not a gutter


@dataclass(frozen=True)
class Box:
    """A text box on a page: its bounds (PDF points, y upwards) and its text."""

    x0: float
    y0: float
    x1: float
    y1: float
    text: str


_DATED = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)|\b(?:present|current)\b", re.IGNORECASE)


def _dates_only(boxes: Sequence[Box], top: float) -> bool:
    """Most lines of these boxes below ``top`` (where both columns run) are short and dated
    ("Jan 2019 – Present"): a column of dates."""
    lines = [line for b in boxes if b.y1 <= top + 1 for line in b.text.splitlines()
             if line.strip()]
    dated = sum(1 for line in lines if len(line.strip()) <= 40 and _DATED.search(line))
    return bool(lines) and dated * 5 >= len(lines) * 3


def _gutter(boxes: Sequence[Box], left: float, right: float) -> float | None:
    """Where the second column starts: a left edge between ``left`` and ``right`` that two
    boxes or more share (columns are aligned), with text on both sides — at least 1/40
    of the characters left of it (a narrow sidebar counts) and a quarter right of it,
    neither side mostly dates (a column of dates beside each entry is read row by row) —
    that the fewest boxes cross, at most a quarter of them (a
    header, a full-width section). None when the page is one column."""
    chars = sum(len(b.text) for b in boxes) or 1
    edges: dict[int, int] = {}
    for b in boxes:
        edges[round(b.x0 / 4)] = edges.get(round(b.x0 / 4), 0) + 1
    best: tuple[int, int, float] | None = None  # (crossing, -aligned, x)
    for key, aligned in edges.items():
        x = min(b.x0 for b in boxes if round(b.x0 / 4) == key) - 1
        if aligned < 2 or not left <= x <= right:
            continue
        lefts = [b for b in boxes if b.x1 <= x + 1]
        rights = [b for b in boxes if b.x0 >= x]
        if sum(len(b.text) for b in lefts) < chars / 40 \
                or sum(len(b.text) for b in rights) < chars / 4:
            continue
        top = min(max(b.y1 for b in lefts), max(b.y1 for b in rights))
        if _dates_only(lefts, top) or _dates_only(rights, top):
            continue  # a column of dates beside the entries: read row by row
        if lefts and x - max(b.x1 for b in lefts) < GUTTER_MIN / 2:
            continue  # no white strip before it: words of one line, not a column
        crossing = len(boxes) - len(lefts) - len(rights)
        if crossing <= max(1, len(boxes) // 4):
            candidate = (crossing, -aligned, x)
            best = candidate if best is None or candidate < best else best
    return None if best is None else best[2]


def order_boxes(boxes: Sequence[Box], width: float) -> list[Box]:
    """The page's boxes in reading order (see the module's docstring)."""
    top_down = sorted(boxes, key=lambda b: (-b.y1, b.x0))
    # A gutter is looked for between a fifth and four fifths of the page's width.
    gutter = _gutter(top_down, width * 0.2, width * 0.8)
    if gutter is None:
        return top_down
    out: list[Box] = []
    band: list[Box] = []

    def flush() -> None:
        left_col = [b for b in band if b.x1 <= gutter]
        right_col = [b for b in band if b.x1 > gutter]
        if not left_col or not right_col:
            out.extend(band)
        else:
            # What lies above the lower of the two columns' tops (a name beside nothing)
            # comes first; then the left column, then the right one.
            cut = min(max(b.y1 for b in left_col), max(b.y1 for b in right_col))
            first = [b for b in band if b.y0 >= cut - 1]
            out.extend(first)
            out.extend(b for b in left_col if b not in first)
            out.extend(b for b in right_col if b not in first)
        band.clear()

    for box in top_down:
        if box.x0 < gutter < box.x1:  # full width: ends the band above it
            flush()
            out.append(box)
        else:
            band.append(box)
    flush()
    return out


def merge_rows(boxes: Sequence[Box]) -> list[Box]:
    """Boxes read one after the other that are single lines on the same baseline, the second
    to the right of the first (words a justified line spread apart, a date set right of its
    title), joined into one line."""
    out: list[Box] = []
    for b in boxes:
        last = out[-1] if out else None
        if last is not None and "\n" not in last.text.strip() and "\n" not in b.text.strip() \
                and abs(last.y1 - b.y1) < 2 and abs(last.y0 - b.y0) < 2 and b.x0 >= last.x1:
            gap = "\t" if b.x0 - last.x1 > GUTTER_MIN * 2 else " "
            out[-1] = Box(last.x0, min(last.y0, b.y0), b.x1, max(last.y1, b.y1),
                          f"{last.text.rstrip()}{gap}{b.text.strip()}\n")
        else:
            out.append(b)
    return out


def pdf_pages(path: Path, max_pages: int) -> Iterator[list[Box]]:
    """Each page's text boxes in reading order (pdfminer.six layout analysis)."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTTextBox

    params = LAParams(line_margin=0.5, char_margin=2.0, word_margin=0.1, boxes_flow=None)
    for page in extract_pages(str(path), laparams=params, maxpages=max_pages):
        boxes = [Box(el.x0, el.y0, el.x1, el.y1, el.get_text())
                 for el in page if isinstance(el, LTTextBox) and el.get_text().strip()]
        yield merge_rows(order_boxes(boxes, page.width))


def pdf_text(path: Path, max_pages: int) -> str:
    pages = ["".join(b.text if b.text.endswith("\n") else b.text + "\n" for b in boxes)
             for boxes in pdf_pages(path, max_pages)]
    return "\n".join(pages)


# ----------------------------------------------------------------------------- DOCX

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


def _paragraph_text(p: Any) -> str:
    """A paragraph's own text: its runs (tabs and breaks as spaces), not its text boxes'."""
    parts: list[str] = []
    for node in p.iter():
        if node.tag == _W + "txbxContent":
            continue
        if node.tag == _W + "t" and not _inside_textbox(node, p):
            parts.append(node.text or "")
        elif node.tag in (_W + "tab", _W + "br", _W + "cr") and not _inside_textbox(node, p):
            parts.append(" ")
    return "".join(parts)


def _inside_textbox(node: Any, stop: Any) -> bool:
    parent = node.getparent()
    while parent is not None and parent is not stop:
        if parent.tag == _W + "txbxContent":
            return True
        parent = parent.getparent()
    return False


def _textboxes(p: Any) -> Iterator[Any]:
    """The text boxes anchored in paragraph ``p``, outermost only, VML fallbacks skipped."""
    for box in p.iter(_W + "txbxContent"):
        ancestors = []
        parent = box.getparent()
        while parent is not None and parent is not p:
            ancestors.append(parent.tag)
            parent = parent.getparent()
        if _MC_FALLBACK in ancestors or _W + "txbxContent" in ancestors:
            continue
        yield box


def _block_lines(element: Any) -> Iterator[str]:
    for child in element.iterchildren():
        if child.tag == _W + "p":
            yield _paragraph_text(child)
            for box in _textboxes(child):
                yield from _block_lines(box)
        elif child.tag == _W + "tbl":
            for row in child.iterchildren(_W + "tr"):
                cells: list[str] = []
                for cell in row.iterchildren(_W + "tc"):
                    text = "\n".join(line for line in _block_lines(cell) if line.strip())
                    if text not in cells:  # merged cells repeat their text
                        cells.append(text)
                if any(len(c.split("\n")) > 1 for c in cells):
                    yield from (line for c in cells for line in c.split("\n"))
                else:
                    yield " | ".join(cells)
        elif child.tag == _W + "sdt":  # content controls hold ordinary blocks
            content = child.find(_W + "sdtContent")
            if content is not None:
                yield from _block_lines(content)


def docx_text(document: Any) -> str:
    """A python-docx Document's text in reading order (see the module's docstring)."""
    lines = list(_block_lines(document.element.body))
    for section in document.sections:
        lines.extend(p.text for p in section.header.paragraphs)
    return "\n".join(lines)
