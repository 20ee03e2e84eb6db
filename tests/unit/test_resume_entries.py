"""How the résumé parser reads a work-history entry, one general rule at a time: a date range
split over two lines, labels around the dates, a qualifier kept with its title, the layout of
the other entries settling an ambiguous one, and where an entry's header may come from."""

from __future__ import annotations

import datetime as dt

import pytest

from milo_desktop.services.resume.dates import find_spans, find_spans_across
from milo_desktop.services.resume.experience import find_entries
from milo_desktop.services.resume.parse import Job, parse_text

NOW = dt.date(2026, 12, 7)


def _jobs(text: str) -> list[tuple[str | None, str | None, str, str]]:
    return [(j.title.value if j.title else None, j.employer.value if j.employer else None,
             j.start, j.end) for j in parse_text(text, now=NOW).jobs]


# ----------------------------------------------------------------------------- dates


def test_a_range_split_over_from_and_to_lines_is_one_range_on_its_first_line() -> None:
    text = "\n".join([
        "EXPERIENCE",            # 1
        "Line Cook",             # 2
        "Blue Harbor",           # 3
        "From: Mar 2019",        # 4
        "To: Present",           # 5
        "- Ran the grill.",      # 6
        "",                      # 7
        "Barista",               # 8
        "Sunrise Bakery",        # 9
        "From: Jun 2016",        # 10
        "Until: Feb 2019",       # 11
    ])
    parsed = parse_text(text, now=NOW)
    assert _jobs(text) == [("Line Cook", "Blue Harbor", "2019-03", "present"),
                           ("Barista", "Sunrise Bakery", "2016-06", "2019-02")]
    dates = parsed.jobs[0].dates
    assert (dates.line, dates.value) == (4, "Mar 2019 To: Present")
    assert dates.source == "From: Mar 2019\nTo: Present"  # both lines it was read from


def test_a_split_range_is_experience_too() -> None:
    """Requirements ("2 years of …") count it, and find it by the dates the parse reports."""
    text = "EXPERIENCE\nForklift Operator\nAcme Logistics\nFrom: Mar 2019\nTo: Mar 2021\n- Drove."
    (entry,) = find_entries(text, now=NOW)
    assert entry.months == 24 and "- Drove." in entry.text
    assert entry.dates == parse_text(text, now=NOW).jobs[0].dates.value
    (same_line,) = find_entries("Cook, Hooli, Jan 2019 To: Jan 2020", now=NOW)
    assert same_line.months == 12


def test_two_lone_points_on_two_lines_are_not_a_range() -> None:
    """Joining takes a separator or a label between the points."""
    assert find_spans_across(["2014", "2016"], now=NOW) == {}
    assert find_spans_across(["Jan 2019", "Present"], now=NOW) == {}
    assert find_spans_across(["Since 2019 I ran the", "2021 audit."], now=NOW) == {
        0: find_spans("Since 2019 I ran the", now=NOW)}


def test_a_range_wrapped_by_the_layout_is_read_whole() -> None:
    text = ("EXPERIENCE\nInventory Control Specialist | Sterling Cooper | Dallas, TX | 2022 to\n"
            "2024\n- Counted stock.\nWelder | Hooli | Dallas, TX | Mar 2020 –\nOct 2021\n")
    assert _jobs(text) == [
        ("Inventory Control Specialist", "Sterling Cooper", "2022-01", "2024-01"),
        ("Welder", "Hooli", "2020-03", "2021-10")]


@pytest.mark.parametrize("written,start,end", [
    ("Since: March 2020", "2020-03", "present"),
    ("Start: 2019 End: 2021", "2019-01", "2021-01"),
    ("Jan 2019 To: Present", "2019-01", "present"),
    ("2015 hasta 2018", "2015-01", "2018-01"),
])
def test_labelled_points(written: str, start: str, end: str) -> None:
    assert [(s.start, s.end) for s in find_spans(written, now=NOW)] == [(start, end)]


@pytest.mark.parametrize("line", ["Dates: 2015 - 2018 | Cashier | Hooli",
                                  "Cashier | Hooli | From 2015 to 2018",
                                  "Cashier | Hooli | Period: 2015 - 2018"])
def test_a_label_before_the_dates_is_not_a_title_or_employer(line: str) -> None:
    assert _jobs(f"EXPERIENCE\n{line}") == [("Cashier", "Hooli", "2015-01", "2018-01")]


def test_a_label_before_a_lone_season() -> None:
    assert _jobs("EXPERIENCE\nLifeguard, Hooli\nFrom: Summer 2014") == [
        ("Lifeguard", "Hooli", "2014-06", "2014-09")]


# ----------------------------------------------------------------------------- titles


@pytest.mark.parametrize("title", ["Payroll Clerk - Seasonal", "Stylist – Night Shift",
                                   "Line Cook (Part-time)", "Teller - Contract",
                                   "Caregiver — PRN / Weekends"])
def test_a_qualifier_after_a_dash_or_in_brackets_stays_with_the_title(title: str) -> None:
    assert _jobs(f"EXPERIENCE\n{title}\nOllivanders\nJan 2019 - Mar 2021") == [
        (title, "Ollivanders", "2019-01", "2021-03")]
    assert _jobs(f"EXPERIENCE\n{title} | Ollivanders | 2019 - 2021") == [
        (title, "Ollivanders", "2019-01", "2021-01")]


def test_a_qualifier_after_a_comma_stays_with_the_title() -> None:
    assert _jobs("EXPERIENCE\nDispatcher, Night Shift, Ollivanders\n2019 - 2021") == [
        ("Dispatcher, Night Shift", "Ollivanders", "2019-01", "2021-01")]


def test_a_place_after_a_dash_is_still_a_location() -> None:
    (job,) = parse_text("EXPERIENCE\nOllivanders — Dallas, TX\nMachinist    2019 - 2021",
                        now=NOW).jobs
    assert (job.title and job.title.value, job.employer and job.employer.value) == (
        "Machinist", "Ollivanders")
    assert job.location is not None and job.location.value == "Dallas, TX"


@pytest.mark.parametrize("entries", [
    # employer (dates) over the title; the middle entry has no word either way
    ["Ollivanders (Oct 2024 - Present)", "Senior Product Designer",
     "Alpine Ski Resort (Jul 2023 - Jun 2024)", "Phlebotomist",
     "Riverbend Clinic (2019 - 2023)", "Registered Nurse"],
    # "Employer, Title" over the dates
    ["Sunrise Bakery, Dental Hygienist", "2022-11 to now",
     "Tailspin Toys, Phlebotomist", "03/2020 - 08/2022",
     "Blue Harbor, Store Manager", "2017 - 2020"],
])
def test_the_other_entries_layout_settles_an_entry_its_words_cannot(
        entries: list[str]) -> None:
    text = "EXPERIENCE\n" + "\n".join(
        f"{line}\n- Kept the shop running." if n % 2 else line
        for n, line in enumerate(entries))
    assert [(t, e) for t, e, _, _ in _jobs(text)][1] == ("Phlebotomist",
                                                        entries[2].split(" (")[0].split(",")[0])


def test_words_still_win_over_the_layout() -> None:
    """The layout only breaks ties: an entry whose words say which is which keeps them."""
    text = ("EXPERIENCE\nOllivanders, Senior Product Designer\n2022 - 2024\n- Drew.\n"
            "Line Cook, Riverbend Hospital\n2019 - 2021\n- Cooked.\n")
    assert [(t, e) for t, e, _, _ in _jobs(text)] == [
        ("Senior Product Designer", "Ollivanders"), ("Line Cook", "Riverbend Hospital")]


# ----------------------------------------------------------------------------- header lines


def test_contact_details_above_an_unheaded_entry_are_not_its_header() -> None:
    text = ("Tomás Ó Briain\nEmail: tomas@example.net\nPhone: +1 647-555-0101\n"
            "Location: Toronto, ON\n\nBlue Harbor (Jul 2023 – Apr 2026)\nPharmacy Technician\n"
            "• Counted pills.\n\nRed Rock Mining (2022 to 2023)\nBarista\n• Made coffee.\n")
    assert _jobs(text) == [("Pharmacy Technician", "Blue Harbor", "2023-07", "2026-04"),
                           ("Barista", "Red Rock Mining", "2022-01", "2023-01")]


def test_a_place_alone_above_the_dates_leaves_the_title_below() -> None:
    text = ("Nguyễn Thị Lan\n☎ (647) 555-0128\n⌂ Toronto, ON\n\n"
            "Tailspin Toys (Aug 2022 – Present)\nElectrician\n* Wired.\n")
    (job,) = parse_text(text, now=NOW).jobs
    assert _roles(job) == ("Electrician", "Tailspin Toys")
    assert job.title is not None and (job.title.line, job.title.source) == (6, "Electrician")


def test_separators_do_not_make_a_header_line_long() -> None:
    """A header wrapped before its dates is a header, not a description line: its "|" and
    "&" are not words."""
    text = ("EXPERIENCE\nPharmacy Technician | Pine & Oak | Manchester, United Kingdom |\n"
            "Dezember 2023 – Januar 2025\n- Counted pills.\n")
    (job,) = parse_text(text, now=NOW).jobs
    assert _roles(job) == ("Pharmacy Technician", "Pine & Oak")
    assert job.location is not None and job.location.value == "Manchester, United Kingdom"


def _roles(job: Job) -> tuple[str | None, str | None]:
    return (job.title.value if job.title else None,
            job.employer.value if job.employer else None)
