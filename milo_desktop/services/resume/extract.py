"""Résumé text from PDF (pdfminer.six layout, pypdf), DOCX (python-docx), RTF (striprtf) and
plain text files.

Blocking (parsing a PDF takes a while): call it from a worker thread. Every file it cannot
read raises ``ValidationProblem`` with a message that says what to ask the candidate for;
it never returns garbage silently. The kind is decided by the file's first bytes, not its
name, so a PDF renamed ".txt" is still read as a PDF.

PDFs are opened with pypdf first (encryption, page count: cheap checks with clear messages),
then read with pdfminer.six's layout analysis so two-column résumés come out column by column
(layout.py); pypdf's text is the fallback when pdfminer cannot read a file pypdf could.
DOCX text includes text boxes (``w:txbxContent``) and tables, in document order.
"""

from __future__ import annotations

import codecs
import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from milo_desktop.errors import ValidationProblem

MAX_BYTES = 10 * 1024 * 1024  # 10 MB: any real résumé is far smaller
MAX_PAGES = 50
MAX_DOCX_UNPACKED = 60 * 1024 * 1024  # a DOCX unpacking to more is a zip bomb, not a résumé
MAX_CHARS = 200_000  # text kept for scoring; the rest is boilerplate at best
MIN_TEXT_CHARS = 40  # less than this from a PDF: a scanned image
TEXT_SUFFIXES = frozenset({".txt", ".text", ".md", ".rtf"})
SCANNED = "This PDF has no text layer — scanned? Ask for a DOCX or text résumé."
MAX_RTF_BYTES = 5 * 1024 * 1024  # striprtf is pure Python: bigger RTFs are images anyway


@dataclass(frozen=True)
class ResumeText:
    """What was read: the text, its kind ("pdf", "docx", "txt") and some facts about it."""

    text: str
    kind: str
    pages: int | None = None
    encoding: str | None = None
    truncated: bool = False


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def sniff(head: bytes, suffix: str) -> str:
    """"pdf", "docx", "doc", "txt" or "unknown" from the first bytes (and the name)."""
    if head.startswith(b"%PDF-") or b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "docx"  # checked for word/document.xml when opened
    if head.lstrip()[:5] == b"{\\rtf":
        return "rtf"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "doc"  # the old binary Word format (OLE)
    if suffix in TEXT_SUFFIXES or suffix == "":
        return "txt"
    if suffix in (".pdf", ".docx"):
        return "broken-" + suffix[1:]
    return "unknown"


def extract_text(path: str | Path, *, name: str | None = None) -> ResumeText:
    """Read ``path``; raises ValidationProblem for missing, huge, unsupported or unreadable
    files, with a message for the recruiter naming the file ``name`` (default: its own)."""
    path = Path(path)
    name = name or path.name
    try:
        size = os.stat(path).st_size
        with open(path, "rb") as f:
            head = f.read(2048)
    except FileNotFoundError as exc:
        raise ValidationProblem(f"The file {name} no longer exists.") from exc
    except (IsADirectoryError, PermissionError, OSError) as exc:
        raise ValidationProblem(f"The file {name} cannot be opened ({exc.strerror}).") \
            from exc
    if size > MAX_BYTES:
        raise ValidationProblem(f"{name} is {_mb(size)}; résumés up to "
                                f"{_mb(MAX_BYTES)} can be read. Ask for a smaller file.")
    if size == 0:
        raise ValidationProblem(f"{name} is empty.")
    kind = sniff(head, path.suffix.lower())
    if kind == "pdf":
        found = _pdf(path, name)
    elif kind == "docx":
        found = _docx(path, name)
    elif kind == "txt":
        found = _txt(path, name)
    elif kind == "rtf":
        found = _rtf(path, name, size)
    elif kind == "doc":
        raise ValidationProblem(f"{name} is an old Word (.doc) file, which cannot be read. "
                                "Save it as DOCX or PDF and attach it again.")
    elif kind.startswith("broken-"):
        raise ValidationProblem(f"{name} is not a readable {kind[7:].upper()} file: it "
                                "may be damaged or have the wrong extension.")
    else:
        raise ValidationProblem(f"{name} is not a résumé format Milo can read. Attach a "
                                "PDF, DOCX or text file.")
    text = _tidy(found.text)
    if not text:
        raise ValidationProblem(f"{name} contains no text.")
    truncated = len(text) > MAX_CHARS
    return ResumeText(text[:MAX_CHARS], found.kind, found.pages, found.encoding, truncated)


def _tidy(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    text = re.sub(r"[ \t\u00a0]+", " ", text)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(line.strip() for line in text.split("\n"))).strip()


# ----------------------------------------------------------------------------- PDF


def _pdf(path: Path, name: str) -> ResumeText:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

    try:
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted:
            try:
                opened: int = reader.decrypt("")  # many PDFs only restrict printing/copying
            except (DependencyError, NotImplementedError):
                opened = 0
            if not opened:
                raise ValidationProblem(f"{name} is password-protected. Ask the candidate for "
                                        "a copy without a password.")
        count = len(reader.pages)
        if count > MAX_PAGES:
            raise ValidationProblem(f"{name} has {count} pages; résumés up to {MAX_PAGES} "
                                    "pages can be read.")
        text = _pdf_layout_text(path, count)
        if text is None:
            text = "\n".join((page.extract_text() or "") for page in reader.pages)
    except ValidationProblem:
        raise
    except FileNotDecryptedError as exc:
        raise ValidationProblem(f"{name} is password-protected. Ask the candidate for a copy "
                                "without a password.") from exc
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError,
            AssertionError, RecursionError, OSError, zipfile.BadZipFile) as exc:
        # pypdf signals damage with a spread of exception types; all mean "unreadable".
        raise ValidationProblem(f"{name} is damaged and cannot be read as a PDF. Ask for a "
                                "new copy, or a DOCX or text résumé.", detail=repr(exc)) from exc
    if len(re.sub(r"\s+", "", text)) < MIN_TEXT_CHARS:
        raise ValidationProblem(f"{name}: {SCANNED}")
    return ResumeText(text, "pdf", pages=count)


def _pdf_layout_text(path: Path, pages: int) -> str | None:
    """The PDF's text in column order (pdfminer.six), or None when pdfminer cannot read it."""
    from milo_desktop.services.resume.layout import pdf_text

    try:
        return pdf_text(path, max(1, pages))
    except Exception:  # pdfminer signals damage and unsupported crypto with many types
        return None


# ----------------------------------------------------------------------------- DOCX


def _docx(path: Path, name: str) -> ResumeText:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            unpacked = sum(i.file_size for i in z.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise ValidationProblem(f"{name} is damaged and cannot be read as a DOCX file.") from exc
    if "word/document.xml" not in names:
        raise ValidationProblem(f"{name} is a ZIP archive, not a Word document. Attach a PDF, "
                                "DOCX or text résumé.")
    if unpacked > MAX_DOCX_UNPACKED:
        raise ValidationProblem(f"{name} unpacks to {_mb(unpacked)}, too big for a résumé.")
    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise ValidationProblem(f"{name} is damaged and cannot be read as a DOCX file.",
                                detail=repr(exc)) from exc
    except Exception as exc:  # lxml's XMLSyntaxError and friends: a broken document part
        if type(exc).__module__.startswith("lxml"):
            raise ValidationProblem(f"{name} is damaged and cannot be read as a DOCX file.",
                                    detail=repr(exc)) from exc
        raise
    from milo_desktop.services.resume.layout import docx_text

    return ResumeText(docx_text(document), "docx")


# ----------------------------------------------------------------------------- RTF


def _rtf(path: Path, name: str, size: int) -> ResumeText:
    from striprtf.striprtf import rtf_to_text

    if size > MAX_RTF_BYTES:
        raise ValidationProblem(f"{name} is an RTF file of {_mb(size)}; RTF résumés up to "
                                f"{_mb(MAX_RTF_BYTES)} can be read. Ask for a PDF or DOCX.")
    raw, _ = decode_text(path.read_bytes())
    try:
        text = str(rtf_to_text(raw, errors="replace"))  # type: ignore[no-untyped-call]
    except (ValueError, IndexError, RecursionError) as exc:
        raise ValidationProblem(f"{name} is damaged and cannot be read as an RTF file.",
                                detail=repr(exc)) from exc
    return ResumeText(text, "rtf", encoding="rtf")


# ----------------------------------------------------------------------------- text


def decode_text(data: bytes) -> tuple[str, str]:
    """(text, encoding): a BOM decides (UTF-8, UTF-16 LE/BE); else UTF-8; else UTF-16 without
    a BOM when every other byte is NUL; else Windows-1252, the usual Windows "ANSI"."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(encoding, errors="replace"), encoding
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    sample = data[:4000]
    if len(sample) >= 4:
        if sample[1::2].count(0) > len(sample) // 4 and sample[0::2].count(0) == 0:
            return data.decode("utf-16-le", errors="replace"), "utf-16-le"
        if sample[0::2].count(0) > len(sample) // 4 and sample[1::2].count(0) == 0:
            return data.decode("utf-16-be", errors="replace"), "utf-16-be"
    return data.decode("cp1252", errors="replace"), "cp1252"


def _txt(path: Path, name: str) -> ResumeText:
    data = path.read_bytes()
    text, encoding = decode_text(data)
    controls = sum(1 for c in text[:4000] if ord(c) < 32 and c not in "\n\r\t\f")
    if "\x00" in text or controls > max(8, len(text[:4000]) // 50):
        raise ValidationProblem(f"{name} is not a text file. Attach a PDF, DOCX or text "
                                "résumé.")
    return ResumeText(text, "txt", encoding=encoding)
