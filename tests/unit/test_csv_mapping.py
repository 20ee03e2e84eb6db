"""Reading CSV files of any common dialect and encoding, suggesting a mapping from the headers,
and turning a row into a person or a reason (services/candidates/csv_mapping.py)."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from milo_desktop.errors import ValidationProblem
from milo_desktop.services.candidates import csv_mapping as m

ROW = ["José Müller-Öztürk", "jose@example.com", "São Paulo"]


def _write(path: Path, text: str, encoding: str, bom: bytes = b"") -> Path:
    path.write_bytes(bom + text.encode(encoding))
    return path


@pytest.mark.parametrize(("encoding", "bom", "expected"), [
    ("utf-8", b"", "utf-8"),
    ("utf-8", codecs.BOM_UTF8, "utf-8-sig"),
    ("utf-16", b"", "utf-16"),  # Python writes a BOM
    ("utf-16-le", b"", "utf-16-le"),
    ("utf-16-be", b"", "utf-16-be"),
    ("cp1252", b"", "cp1252"),
])
def test_encodings_are_recognised_and_read_exactly(tmp_path: Path, encoding: str, bom: bytes,
                                                   expected: str) -> None:
    text = "Name,Email,City\r\n" + ",".join(ROW) + "\r\n"
    path = _write(tmp_path / "people.csv", text, encoding, bom)
    fmt = m.sniff(path)
    assert fmt == m.CsvFormat(expected, ",")
    headers, rows = m.read_head(path, fmt, 5)
    assert headers == ["Name", "Email", "City"]
    assert rows == [ROW]
    assert [r.fields for r in m.iter_rows(path, fmt)] == [ROW]


@pytest.mark.parametrize("magic", [b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"])
def test_a_workbook_is_refused_with_what_to_do(tmp_path: Path, magic: bytes) -> None:
    path = tmp_path / "people.csv"
    path.write_bytes(magic + b"\x00" * 100)
    with pytest.raises(ValidationProblem, match="save it as CSV"):
        m.sniff(path)


def test_bytes_no_windows_code_page_knows_fall_back_to_latin_1(tmp_path: Path) -> None:
    # 0x81 and 0x8d are undefined in cp1252; Latin-1 reads every byte.
    path = tmp_path / "odd.csv"
    path.write_bytes(b"Name,Email\nA\x81b\x8dc,a@example.com\n")
    fmt = m.sniff(path)
    assert fmt.encoding == "latin-1"
    assert [r.fields for r in m.iter_rows(path, fmt)] == [["A\x81b\x8dc", "a@example.com"]]


def test_a_non_utf8_byte_past_the_sample_switches_the_encoding_when_counting(
        tmp_path: Path) -> None:
    lines = ["Name,Email"] + [f"Person {i},p{i}@example.com" for i in range(4000)]
    lines.append("Zoë Renée,zoe@example.com")
    path = tmp_path / "late.csv"
    path.write_bytes(("\n".join(lines) + "\n").encode("cp1252"))
    assert path.stat().st_size > m.SAMPLE_BYTES
    fmt = m.sniff(path)
    assert fmt.encoding == "utf-8"  # the first 64 KiB are plain ASCII
    total, fmt = m.count_rows(path, fmt)
    assert (total, fmt.encoding) == (4001, "cp1252")
    assert list(m.iter_rows(path, fmt))[-1].fields == ["Zoë Renée", "zoe@example.com"]


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiters_are_sniffed_with_quoted_newlines_and_delimiters(tmp_path: Path,
                                                                     delimiter: str) -> None:
    d = delimiter
    text = (f"Name{d}Email{d}Notes\n"
            f'"Doe{d} Jane"{d}jane@example.com{d}"first line\nsecond{d} line"\n'
            f"Bob Stone{d}bob@example.com{d}\n")
    path = _write(tmp_path / "d.csv", text, "utf-8")
    fmt = m.sniff(path)
    assert fmt.delimiter == d
    rows = list(m.iter_rows(path, fmt))
    assert [r.fields for r in rows] == [[f"Doe{d} Jane", "jane@example.com",
                                         f"first line\nsecond{d} line"],
                                        ["Bob Stone", "bob@example.com", ""]]
    assert [r.number for r in rows] == [2, 3]  # row numbers as a spreadsheet shows them


def test_blank_lines_are_skipped_and_an_oversized_field_is_a_row_error(tmp_path: Path) -> None:
    huge = "x" * 200_000
    text = f'Name,Email\n\nAnn,ann@example.com\n,\nBig,"{huge}"\nCid,cid@example.com\n'
    path = _write(tmp_path / "b.csv", text, "utf-8")
    rows = list(m.iter_rows(path, m.CsvFormat("utf-8", ",")))
    assert [r.fields for r in rows if r.error is None] == [["Ann", "ann@example.com"],
                                                          ["Cid", "cid@example.com"]]
    errors = [r for r in rows if r.error]
    assert len(errors) == 1 and "could not be read" in (errors[0].error or "")


@pytest.mark.parametrize(("headers", "expected"), [
    (["Full Name", "E-mail Address", "Mobile Phone", "LinkedIn URL", "Location", "Notes",
      "Salary"],
     {0: "name", 1: "email", 2: "mobile", 3: "linkedin", 4: "location", 5: "notes"}),
    (["First name", "Last name", "Email", "Phone", "City", "Source"],
     {0: "first_name", 1: "last_name", 2: "email", 3: "phone", 4: "city", 5: "source"}),
    (["Prénom", "Nom", "Courriel", "Téléphone portable", "Ville", "Commentaires"],
     {0: "first_name", 1: "last_name", 2: "email", 3: "mobile", 4: "city", 5: "notes"}),
    (["Nom", "Téléphone"], {0: "name", 1: "phone"}),
    (["Vorname", "Nachname", "E-Mail-Adresse", "Handy", "Telefon", "Stadt", "Quelle"],
     {0: "first_name", 1: "last_name", 2: "email", 3: "mobile", 4: "phone", 5: "city",
      6: "source"}),
    (["Nombre", "Apellidos", "Correo electrónico", "Teléfono", "Ciudad", "Notas"],
     {0: "first_name", 1: "last_name", 2: "email", 3: "phone", 4: "city", 5: "notes"}),
    (["candidate_name", "email", "work_email"], {0: "name", 1: "email"}),  # a field once
])
def test_mapping_is_suggested_from_header_names(headers: list[str],
                                                expected: dict[int, str]) -> None:
    assert m.suggest_mapping(headers) == expected


def test_header_signature_ignores_case_accents_and_spacing_but_not_order() -> None:
    assert m.header_signature(["Prénom", "E-mail"]) == m.header_signature(["prenom ", "EMAIL"])
    assert m.header_signature(["Prénom", "E-mail"]) != m.header_signature(["E-mail", "Prénom"])


def test_mapping_problem_needs_a_name_or_a_way_to_reach_them() -> None:
    assert m.mapping_problem({0: "city", 1: "notes"}) is not None
    assert m.mapping_problem({0: "email", 1: "email"}) is not None
    assert m.mapping_problem({0: "bogus"}) is not None
    assert m.mapping_problem({3: "phone"}) is None
    assert m.mapping_problem({0: "first_name"}) is None


MAPPING = {0: "first_name", 1: "last_name", 2: "email", 3: "phone", 4: "mobile", 5: "linkedin",
           6: "city", 7: "location", 8: "source", 9: "notes"}


def _row(*cells: str, number: int = 7) -> m.RawRow:
    return m.RawRow(number, list(cells) + [""] * (10 - len(cells)))


def test_a_good_row_becomes_a_person_with_normalised_keys() -> None:
    got = m.parse_row(_row("  Ana ", "Silva", " Ana.Silva@Example.COM ", "not a phone",
                           "020 7946 0958", "https://www.linkedin.com/in/Ana-Silva/?trk=1",
                           "London", "UK", "Referral", "Met at the fair"), MAPPING, "GB")
    assert isinstance(got, m.Parsed)
    p = got.person
    assert (p.full_name, p.email, p.phone_e164, p.linkedin_url, p.location) == (
        "Ana Silva", "ana.silva@example.com", "+442079460958", "linkedin.com/in/ana-silva",
        "London, UK")
    assert got.note == "Source: Referral\n\nMet at the fair"
    assert got.number == 7


def test_the_region_reads_national_numbers() -> None:
    us = m.parse_row(_row("Al", "Ng", "", "(212) 555-2368"), MAPPING, "US")
    assert isinstance(us, m.Parsed) and us.person.phone_e164 == "+12125552368"
    gb = m.parse_row(_row("Al", "Ng", "", "(212) 555-2368"), MAPPING, "GB")
    assert isinstance(gb, m.Rejected)


@pytest.mark.parametrize(("cells", "reason"), [
    (("Bob", "", "bob@", ""), "The email address is not valid."),
    (("", "", "", ""), "No name, email address or phone number."),
    (("", "", "", "", "", "https://linkedin.com/in/x"), "No name, email address or phone"),
    (("Bob", "", "", "12"), "The phone number could not be read and there is no email"),
    (("Bo\x00b", "", "bob@example.com"), "First name contains a NUL character"),
    (("Bob\x1b[31m", "", "bob@example.com"), "First name contains control characters."),
    (("Bob", "\u202eevil", "bob@example.com"), "Last name contains control characters."),
    (("B" * 101, "", "bob@example.com"), "First name is longer than 100 characters."),
    (("Bob", "", "bob@example.com", "", "", "", "", "", "", "n" * 5001),
     "Notes is longer than 5,000 characters."),
])
def test_bad_rows_say_why(cells: tuple[str, ...], reason: str) -> None:
    got = m.parse_row(_row(*cells), MAPPING, "US")
    assert isinstance(got, m.Rejected)
    assert got.reason.startswith(reason)
    assert got.number == 7 and got.fields[: len(cells)] == list(cells)


def test_an_unreadable_phone_is_dropped_when_an_email_reaches_them() -> None:
    got = m.parse_row(_row("Bob", "", "bob@example.com", "12"), MAPPING, "US")
    assert isinstance(got, m.Parsed) and got.person.phone_e164 is None


def test_formula_looking_cells_are_stored_as_text() -> None:
    got = m.parse_row(_row("=HYPERLINK(\"http://x\")", "@SUM(A1)", "f@example.com"), MAPPING,
                      "US")
    assert isinstance(got, m.Parsed)
    assert got.person.full_name == '=HYPERLINK("http://x") @SUM(A1)'


@pytest.mark.parametrize(("cell", "safe"), [
    ("=1+2", "'=1+2"), ("@SUM(A1)", "'@SUM(A1)"), ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
    ("+1 (212) 555-2368", "+1 (212) 555-2368"), ("Ann", "Ann"), ("", ""),
])
def test_exported_cells_never_run_as_formulas(cell: str, safe: str) -> None:
    assert m.safe_cell(cell) == safe
