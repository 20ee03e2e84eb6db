"""Reading a recruiter's CSV file and turning its rows into people (no database here).

Files come from every kind of system and spreadsheet, so nothing about them is assumed:

* the encoding is found from a sample — a BOM (UTF-8, UTF-16), UTF-16 without one (NUL bytes
  on alternate positions), UTF-8, else Windows-1252, else Latin-1 (which reads any byte); the
  counting pass reads the whole file once and falls back the same way if a later byte proves
  the sample wrong, so an import never dies half-way on an accent;
* the delimiter (comma, semicolon, tab, pipe) is the one that splits the sample's rows into the
  same number of fields as the header, most consistently — ``csv.Sniffer`` alone guesses wrong
  on quoted newlines and on one-column files;
* rows are streamed (``iter_rows``): a 100,000-row file is never held in memory.

A column is mapped to a field by its header (``suggest_mapping``: English, French, German,
Spanish, Italian, Portuguese and Dutch spellings); ``header_signature`` names a file layout so
the mapping a recruiter confirmed is offered again for the next export from the same system.
``parse_row`` turns one row into a ``Person`` (keys normalised: lower-cased email, E.164 phone,
LinkedIn profile key) or says why it cannot be one.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from milo_desktop.errors import ValidationProblem
from milo_desktop.services.candidates.identity import Person
from milo_desktop.services.candidates.notes import NOTE_MAX_CHARS
from milo_desktop.services.connectors.ats.records import email_key, linkedin_key
from milo_desktop.services.flows.config import to_e164

SAMPLE_BYTES = 64 * 1024
DELIMITERS = (",", ";", "\t", "|")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}

# The fields a column can be mapped to, in the order the dialog lists them.
NAME, FIRST_NAME, LAST_NAME = "name", "first_name", "last_name"
EMAIL, PHONE, MOBILE, LINKEDIN = "email", "phone", "mobile", "linkedin"
LOCATION, CITY, SOURCE, NOTES = "location", "city", "source", "notes"
FIELDS = (NAME, FIRST_NAME, LAST_NAME, EMAIL, PHONE, MOBILE, LINKEDIN, LOCATION, CITY, SOURCE,
          NOTES)
NAME_FIELDS = frozenset({NAME, FIRST_NAME, LAST_NAME})
CONTACT_FIELDS = frozenset({EMAIL, PHONE, MOBILE})

ColumnMapping = dict[int, str]  # column index → field; unmapped columns are ignored

# Normalised header (accents, case, spaces and punctuation removed) → field.
_EXACT: dict[str, str] = {}
for _field, _words in {
    NAME: "name fullname candidate candidatename applicant applicantname contact contactname "
          "nomcomplet nomprenom nombrecompleto nombreyapellidos vollername vollstandigername "
          "nome nomecompleto naam volledigenaam person",
    FIRST_NAME: "firstname first givenname forename prenom vorname nombre primernombre "
                "voornaam nomeproprio",
    LAST_NAME: "lastname last surname familyname nachname familienname apellido apellidos "
               "cognome sobrenome achternaam",
    EMAIL: "email mail emailaddress email1 primaryemail workemail courriel adressemail "
           "adresseemail correo correoelectronico emailadresse posta postaelettronica "
           "emailadres",
    PHONE: "phone phonenumber telephone tel telefon telefonnummer telefono telefone "
           "telefoonnummer homephone workphone contactnumber phone1 numero",
    MOBILE: "mobile mobilephone mobilenumber cell cellphone mobil handy handynummer movil "
            "celular cellulare portable gsm mobiel telefonemovel",
    LINKEDIN: "linkedin linkedinurl linkedinprofile linkedinprofileurl",
    LOCATION: "location address adresse direccion indirizzo endereco adres region country "
              "pays land pais localisation ubicacion standort",
    CITY: "city town ville stadt ort ciudad localidad citta cidade stad woonplaats",
    SOURCE: "source leadsource origin origine quelle herkunft fuente origen fonte bron channel",
    NOTES: "notes note comments comment remarks bemerkungen notizen notas commentaires "
           "remarques commenti note opmerkingen description",
}.items():
    for _w in _words.split():
        _EXACT.setdefault(_w, _field)

# Then a word inside a longer header ("Candidate e-mail", "Mobile phone"), most telling first.
_CONTAINS = (("linkedin", LINKEDIN), ("mail", EMAIL), ("courriel", EMAIL), ("mobil", MOBILE),
             ("movil", MOBILE), ("cell", MOBILE), ("celular", MOBILE), ("handy", MOBILE), ("portable", MOBILE), ("phone", PHONE), ("telef", PHONE),
             ("firstname", FIRST_NAME), ("prenom", FIRST_NAME), ("vorname", FIRST_NAME),
             ("lastname", LAST_NAME), ("surname", LAST_NAME), ("nachname", LAST_NAME),
             ("name", NAME), ("city", CITY), ("location", LOCATION), ("address", LOCATION),
             ("source", SOURCE), ("note", NOTES), ("comment", NOTES))


def normalise_header(header: str) -> str:
    """"Prénom " → "prenom", "E-mail address" → "emailaddress"."""
    folded = unicodedata.normalize("NFKD", header.casefold())
    return "".join(ch for ch in folded if ch.isalnum() and not unicodedata.combining(ch))


def _field_for(header: str) -> str | None:
    key = normalise_header(header)
    if not key:
        return None
    if key in _EXACT:
        return _EXACT[key]
    for word, field in _CONTAINS:
        if word in key:
            return field
    return None


def suggest_mapping(headers: Sequence[str]) -> ColumnMapping:
    """Each field's first column by header name; a French "Nom" beside "Prénom" is the last
    name, alone it is the whole name."""
    mapping: ColumnMapping = {}
    taken: set[str] = set()
    keys = [normalise_header(h) for h in headers]
    has_first = any(_field_for(h) == FIRST_NAME for h in headers)
    for i, header in enumerate(headers):
        field = LAST_NAME if keys[i] == "nom" and has_first else (
            NAME if keys[i] == "nom" else _field_for(header))
        if field is not None and field not in taken:
            mapping[i] = field
            taken.add(field)
    return mapping


def header_signature(headers: Sequence[str]) -> str:
    """A short stable name for a file layout (its normalised headers, in order)."""
    joined = "\x1f".join(normalise_header(h) or f"#{i}" for i, h in enumerate(headers))
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:24]


def mapping_problem(mapping: ColumnMapping) -> str | None:
    """Why a mapping cannot import anything (None: it can)."""
    fields = list(mapping.values())
    unknown = [f for f in fields if f not in FIELDS]
    if unknown:
        return f"Unknown field: {unknown[0]}"
    doubled = sorted({f for f in fields if fields.count(f) > 1})
    if doubled:
        return f"The same field is chosen for two columns: {doubled[0]}"
    if not set(fields) & (NAME_FIELDS | CONTACT_FIELDS):
        return "Choose a column for the name, or for the email or phone."
    return None


# ----- format ---------------------------------------------------------------------------
@dataclass(frozen=True)
class CsvFormat:
    encoding: str  # a Python codec name
    delimiter: str

    @property
    def delimiter_name(self) -> str:
        return DELIMITER_NAMES.get(self.delimiter, repr(self.delimiter))


def _sample(path: Path) -> bytes:
    with open(path, "rb") as f:
        return f.read(SAMPLE_BYTES)


def sniff_encoding(sample: bytes) -> str:
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    head = sample[:4096]
    if len(head) >= 4:
        odd_nuls = head[1::2].count(0) / max(1, len(head[1::2]))
        even_nuls = head[0::2].count(0) / max(1, len(head[0::2]))
        if odd_nuls > 0.3 and even_nuls < 0.05:
            return "utf-16-le"
        if even_nuls > 0.3 and odd_nuls < 0.05:
            return "utf-16-be"
    for encoding in ("utf-8", "cp1252"):
        try:
            # Not final: the sample may end inside a multi-byte character.
            codecs.getincrementaldecoder(encoding)().decode(sample, final=False)
            return encoding
        except UnicodeDecodeError:
            continue
    return "latin-1"


def _fallback(encoding: str) -> str | None:
    """The next encoding to try when ``encoding`` failed on a later byte of the file."""
    return {"utf-8": "cp1252", "cp1252": "latin-1"}.get(encoding)


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the sample's first rows most consistently into the header's
    number of fields (ties: more fields, then the order of ``DELIMITERS``)."""
    best, best_score = ",", (-1.0, 0)
    lines = text.splitlines(keepends=True)
    body = "".join(lines[:-1]) if len(lines) > 1 else text  # the last line may be cut short
    for delimiter in DELIMITERS:
        try:
            rows = [r for r in csv.reader(body.splitlines(keepends=True)[:200],
                                          delimiter=delimiter) if r][:30]
        except csv.Error:
            continue
        if not rows or len(rows[0]) < 2:
            continue
        width = len(rows[0])
        agree = sum(1 for r in rows if len(r) == width) / len(rows)
        score = (agree, width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


_WORKBOOKS = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")  # .xlsx / .ods (zip), .xls (OLE)


def sniff(path: Path) -> CsvFormat:
    sample = _sample(path)
    if sample.startswith(_WORKBOOKS):
        raise ValidationProblem("This looks like a spreadsheet workbook, not a CSV file. Open "
                                "it in your spreadsheet and save it as CSV, then import that.")
    encoding = sniff_encoding(sample)
    text = codecs.getincrementaldecoder(encoding)(errors="replace").decode(sample, final=False)
    return CsvFormat(encoding, sniff_delimiter(text))


# ----- rows -----------------------------------------------------------------------------
@dataclass(frozen=True)
class RawRow:
    """One record of the file: its number as a spreadsheet shows it (the header is row 1),
    its fields, or why it could not be read."""

    number: int
    fields: list[str]
    error: str | None = None


def iter_rows(path: Path, fmt: CsvFormat) -> Iterator[RawRow]:
    """Every record after the header, streamed. Blank lines are skipped; a record the csv
    module refuses (a value over its 128 KiB limit) comes back with ``error``."""
    with open(path, encoding=fmt.encoding, newline="") as f:
        reader = csv.reader(f, delimiter=fmt.delimiter)
        number = 0
        while True:
            number += 1
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                if number > 1:
                    yield RawRow(number, [], f"This row could not be read ({exc}).")
                continue
            if number == 1 or not any(v.strip() for v in fields):
                continue
            yield RawRow(number, fields)


def read_head(path: Path, fmt: CsvFormat, rows: int) -> tuple[list[str], list[list[str]]]:
    """The header and the first ``rows`` records (undecodable bytes replaced: a preview)."""
    with open(path, encoding=fmt.encoding, errors="replace", newline="") as f:
        reader = csv.reader(f, delimiter=fmt.delimiter)
        headers: list[str] = []
        body: list[list[str]] = []
        try:
            headers = next(reader, [])
            for record in reader:
                if any(v.strip() for v in record):
                    body.append(record)
                if len(body) >= rows:
                    break
        except csv.Error:
            pass
    return [h.strip().lstrip("\ufeff") for h in headers], body


def count_rows(path: Path, fmt: CsvFormat) -> tuple[int, CsvFormat]:
    """How many records follow the header, reading the whole file once; if a later byte is
    not in the sniffed encoding, the next one that reads it (the count is then redone)."""
    while True:
        try:
            return sum(1 for _row in iter_rows(path, fmt)), fmt
        except UnicodeDecodeError:
            nxt = _fallback(fmt.encoding.replace("-sig", ""))
            if nxt is None:
                raise
            fmt = CsvFormat(nxt, fmt.delimiter)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


def hostile_reason(label: str, value: str, limit: int, *, multiline: bool = False) -> str | None:
    """Why a value cannot be stored as it is (None: it can)."""
    if "\x00" in value:
        return f"{label} contains a NUL character (the file may be damaged)."
    if len(value) > limit:
        return f"{label} is longer than {limit:,} characters."
    if _CONTROL.search(value) or (not multiline and ("\n" in value or "\r" in value)):
        return f"{label} contains control characters."
    return None


# ----- one row -------------------------------------------------------------------------
LIMITS = {NAME: 200, FIRST_NAME: 100, LAST_NAME: 100, EMAIL: 254, PHONE: 40,
          MOBILE: 40, LINKEDIN: 300, LOCATION: 120, CITY: 120, SOURCE: 120,
          NOTES: NOTE_MAX_CHARS}
LABELS = {NAME: "Name", FIRST_NAME: "First name", LAST_NAME: "Last name",
          EMAIL: "Email", PHONE: "Phone", MOBILE: "Mobile", LINKEDIN: "LinkedIn",
          LOCATION: "Location", CITY: "City", SOURCE: "Source", NOTES: "Notes"}


@dataclass(frozen=True)
class Parsed:
    number: int
    person: Person
    note: str | None


@dataclass(frozen=True)
class Rejected:
    number: int
    fields: list[str]
    reason: str


def parse_row(row: RawRow, mapping: ColumnMapping, region: str) -> Parsed | Rejected:
    """A file row as a person, or why it cannot be one."""
    if row.error is not None:
        return Rejected(row.number, row.fields, row.error)
    values = {f: row.fields[i].strip() if i < len(row.fields) else "" for i, f in mapping.items()}
    for f, value in values.items():
        reason = hostile_reason(LABELS[f], value, LIMITS[f], multiline=f == NOTES)
        if reason:
            return Rejected(row.number, row.fields, reason)
    name = values.get(NAME) or f"{values.get(FIRST_NAME, '')} {values.get(LAST_NAME, '')}"
    name = " ".join(name.split())
    raw_email = values.get(EMAIL, "")
    email = email_key(raw_email) if raw_email else None
    if raw_email and email is None:
        return Rejected(row.number, row.fields, "The email address is not valid.")
    raw_phones = [p for p in (values.get(PHONE, ""), values.get(MOBILE, "")) if p]
    phone = next((e for e in (to_e164(p, region) for p in raw_phones) if e), None)
    if raw_phones and phone is None and email is None:
        return Rejected(row.number, row.fields,
                        "The phone number could not be read and there is no email address.")
    if not name and email is None and phone is None:
        return Rejected(row.number, row.fields, "No name, email address or phone number.")
    location = ", ".join(v for v in (values.get(CITY, ""), values.get(LOCATION, "")) if v)
    source, notes = values.get(SOURCE, ""), values.get(NOTES, "")
    note = "\n\n".join(t for t in ((f"Source: {source}" if source else ""), notes) if t)
    person = Person(full_name=name, email=email, phone_e164=phone,
                    linkedin_url=linkedin_key(values.get(LINKEDIN, "")),
                    location=location[:120] or None)
    return Parsed(row.number, person, note[:NOTE_MAX_CHARS] or None)


def safe_cell(value: str) -> str:
    """A cell a spreadsheet will show as text: formulas ("=HYPERLINK(…)", "@SUM…") get a
    leading apostrophe; phone numbers such as "+1 555 0100" are left as they are."""
    if value[:1] in ("=", "+", "-", "@", "\t", "\r") and not _looks_numeric(value):
        return "'" + value
    return value


def _looks_numeric(value: str) -> bool:
    return bool(value) and all(ch.isdigit() or ch in "+-() ." for ch in value) and any(
        ch.isdigit() for ch in value)


__all__ = ["CONTACT_FIELDS", "FIELDS", "LABELS", "LIMITS", "NAME_FIELDS", "ColumnMapping",
           "CsvFormat", "Parsed", "RawRow", "Rejected", "count_rows", "header_signature",
           "hostile_reason", "iter_rows", "mapping_problem", "normalise_header", "parse_row",
           "read_head", "safe_cell", "sniff", "suggest_mapping"]
