"""Résumé text from real PDF / DOCX / text files, and clear messages for the bad ones."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from milo_desktop.errors import ValidationProblem
from milo_desktop.services.resume import MAX_BYTES, MAX_PAGES, SCANNED, extract_text
from milo_desktop.services.resume.experience import find_entries, union_months
from milo_desktop.services.resume.extract import decode_text
from tests.resume_files import (
    RESUME_LINES,
    write_docx,
    write_image_only_pdf,
    write_pdf,
    write_text,
)


def _has_everything(text: str) -> None:
    for needle in ("Dana Lopez", "Jan 2020 - Present", "reach forklifts",
                   "Forklift certified (OSHA)"):
        assert needle in text, needle


def test_pdf(tmp_path: Path) -> None:
    found = extract_text(write_pdf(tmp_path / "cv.pdf", pages=2))
    assert found.kind == "pdf" and found.pages == 2
    _has_everything(found.text)


def test_pdf_encrypted_with_an_empty_user_password_opens(tmp_path: Path) -> None:
    found = extract_text(write_pdf(tmp_path / "cv.pdf", password=""))
    _has_everything(found.text)


def test_docx_with_a_table(tmp_path: Path) -> None:
    found = extract_text(write_docx(tmp_path / "cv.docx"))
    assert found.kind == "docx"
    _has_everything(found.text)
    assert "Certifications | Forklift certified (OSHA), 2021." in found.text


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252"])
def test_text_encodings(tmp_path: Path, encoding: str) -> None:
    lines = [*RESUME_LINES, "Résumé of Zoë Núñez – “quoted”"]
    found = extract_text(write_text(tmp_path / "cv.txt", lines, encoding))
    assert found.kind == "txt"
    _has_everything(found.text)
    assert "Résumé of Zoë Núñez – “quoted”" in found.text
    assert "\r" not in found.text


def test_kind_comes_from_the_bytes_not_the_name(tmp_path: Path) -> None:
    pdf = write_pdf(tmp_path / "cv.pdf")
    renamed = pdf.rename(tmp_path / "cv.txt")
    assert extract_text(renamed).kind == "pdf"


BAD: list[tuple[str, str]] = [
    ("corrupt.pdf", "is damaged and cannot be read as a PDF"),
    ("locked.pdf", "is password-protected"),
    ("scan.pdf", SCANNED),
    ("long.pdf", f"has {MAX_PAGES + 1} pages"),
    ("huge.txt", "MB; résumés up to 10.0 MB"),
    ("empty.txt", "is empty"),
    ("blank.txt", "contains no text"),
    ("binary.txt", "is not a text file"),
    ("old.doc", "old Word (.doc) file"),
    ("photo.jpg", "not a résumé format"),
    ("archive.docx", "is a ZIP archive, not a Word document"),
    ("broken.docx", "is not a readable DOCX file"),
    ("missing.pdf", "no longer exists"),
]


def make_bad(tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    if name == "corrupt.pdf":
        good = write_pdf(tmp_path / "good.pdf").read_bytes()
        path.write_bytes(good[:40] + b"\x00garbage" * 50)
    elif name == "locked.pdf":
        write_pdf(path, password="s3cret")
    elif name == "scan.pdf":
        write_image_only_pdf(path)
    elif name == "long.pdf":
        write_pdf(path, ["Page of a very long document with enough text on it."],
                  pages=MAX_PAGES + 1)
    elif name == "huge.txt":
        with open(path, "wb") as f:
            f.truncate(MAX_BYTES + 1)  # sparse: no 10 MB written
    elif name == "empty.txt":
        path.write_bytes(b"")
    elif name == "blank.txt":
        path.write_bytes(b" \r\n\t \n")
    elif name == "binary.txt":
        path.write_bytes(bytes(range(256)) * 8)
    elif name == "old.doc":
        path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    elif name == "photo.jpg":
        path.write_bytes(b"\xff\xd8\xff\xe0" + b"JFIF" * 100)
    elif name == "archive.docx":
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("notes.txt", "hello")
    elif name == "broken.docx":
        path.write_bytes(b"this is not a zip at all" * 20)
    return path


@pytest.mark.parametrize(("name", "message"), BAD, ids=[b[0] for b in BAD])
def test_bad_files_give_clear_messages(tmp_path: Path, name: str, message: str) -> None:
    path = make_bad(tmp_path, name)
    with pytest.raises(ValidationProblem) as err:
        extract_text(path, name="Candidate CV")
    assert message in err.value.message
    assert err.value.message.startswith(("Candidate CV", "The file Candidate CV"))


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=3000))
def test_decoding_never_raises(data: bytes) -> None:
    text, encoding = decode_text(data)
    assert isinstance(text, str) and encoding


RANGES = [
    ("Acme\n2019–2022\nPicking", 36),
    ("Acme Jan 2020 - Present", 82),  # today is Nov 2026 in these tests
    ("Acme January 2020 – March 2022", 26),
    ("Acme 03/2018 - 06/2019", 15),
    ("Acme 2018-03 – 2019-06", 15),
    ("Acme Sept. 2021 to current", 62),
    ("Acme 2022 - 2019", 0),  # backwards: a typo, not experience
    ("A 2018 - 2020\nB 2019 - 2021", 36),  # overlaps count once
    ("Phone 214-555-0199 and zip 75201", 0),
]


@pytest.mark.parametrize(("text", "months"), RANGES)
def test_date_ranges(text: str, months: int) -> None:
    entries = find_entries(text, now=dt.date(2026, 11, 22))
    assert union_months(entries) == months
