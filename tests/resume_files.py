"""Real résumé files for tests, written with fpdf2 / python-docx / plain bytes."""

from __future__ import annotations

from pathlib import Path

RESUME_LINES = [
    "Dana Lopez",
    "dana.lopez@example.com - Dallas, TX",
    "Warehouse Associate, Acme Logistics",
    "Jan 2020 - Present",
    "- Operated sit-down and reach forklifts in a 200,000 sq ft distribution center.",
    "- Loaded and unloaded trucks; cycle counts with RF scanners.",
    "Cashier, FoodMart",
    "2017 - 2019",
    "- Customer service at the register; handled returns and resolved complaints.",
    "Certifications",
    "Forklift certified (OSHA), 2021.",
]


def write_pdf(path: Path, lines: list[str] = RESUME_LINES, *, pages: int = 1,
              password: str | None = None) -> Path:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("helvetica", size=11)
    for _ in range(pages):
        pdf.add_page()
        for line in lines:
            pdf.cell(0, 7, line, new_x="LMARGIN", new_y="NEXT")
    if password is not None:
        pdf.set_encryption(owner_password="owner-" + password, user_password=password)
    pdf.output(str(path))
    return path


def write_image_only_pdf(path: Path) -> Path:
    """A "scanned" résumé: drawn shapes, no text layer."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    for i in range(20):
        pdf.rect(10, 10 + i * 12, 150, 8, style="F")
    pdf.output(str(path))
    return path


def write_docx(path: Path, lines: list[str] = RESUME_LINES, *, table: bool = True) -> Path:
    import docx

    document = docx.Document()
    for line in lines[:-2]:
        document.add_paragraph(line)
    if table:  # the certifications in a table, as many templates do
        grid = document.add_table(rows=1, cols=2)
        grid.rows[0].cells[0].text = lines[-2]
        grid.rows[0].cells[1].text = lines[-1]
    document.save(str(path))
    return path


def write_text(path: Path, lines: list[str] = RESUME_LINES, encoding: str = "utf-8") -> Path:
    data = "\r\n".join(lines).encode(encoding)
    if encoding == "utf-16":
        assert data[:2] in (b"\xff\xfe", b"\xfe\xff")  # Python writes the BOM
    path.write_bytes(data)
    return path
