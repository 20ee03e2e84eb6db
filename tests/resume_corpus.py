"""A corpus of résumés written by the tests, each with the fields a reader should find.

``generate(folder, count, seed)`` writes ``count`` résumé files (deterministic for a seed)
and returns their ``Expected`` fields. Layouts vary independently of each other: file kind
(one-column PDF, two-column PDF with a sidebar, DOCX paragraphs, DOCX with the experience in a
table, DOCX with the contact block and sidebar in text boxes, TXT in several encodings, RTF),
heading style (UPPERCASE, "Work Experience:", "Professional History", "— Skills —"), how an
entry's title, employer and dates are arranged (fourteen arrangements, five more held out),
date styles (twelve), phone styles per country, names from many languages (accents,
particles, CJK, hyphens, apostrophes). The vocabulary is wide on purpose and was written from job boards, not from
the parser's word lists: some titles and employers carry none of the words the parser
looks for.

Fonts: PDFs use the core Helvetica font, so their text is Windows-1252; names outside it (CJK,
Polish) go to the DOCX / TXT / RTF files.
"""

from __future__ import annotations

import random
import re
import unicodedata
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import phonenumbers

FIRST_LAST = [
    ("Dana", "Lopez"), ("José", "Martínez García"), ("Zoë", "Núñez"), ("Siobhán", "O'Connor"),
    ("Jan", "van der Berg"), ("Anne-Marie", "Dubois"), ("Marie", "de la Cruz"),
    ("Ludwig", "von Haller"), ("Nguyễn", "Thị Lan"), ("Łukasz", "Wróbel"), ("Omar", "al-Farouk"),
    ("Priya", "Raghunathan"), ("Kwame", "Mensah"), ("Søren", "Kierkegård"), ("Ana", "Dos Santos"),
    ("Björn", "Åkesson"), ("Chloé", "Lefèvre"), ("Mateo", "Ruiz"), ("Aisha", "Bello"),
    ("Hiroshi", "Tanaka"), ("Emily", "Chen"), ("Tomás", "Ó Briain"), ("Fatima", "Zahra Idrissi"),
    ("Liam", "MacLeod"), ("Renée", "St. Pierre"), ("Mohammed", "bin Rashid"), ("Olga", "Ivanova"),
    ("Giulia", "Di Stefano"), ("Carlos", "Eduardo Silva"), ("Ngozi", "Okafor"),
]
CJK_NAMES = ["王小明", "李娜", "山田 太郎", "佐藤 花子", "김민준"]
PLACES = [  # (location as written, region, phone formats)
    ("Dallas, TX", "US"), ("Chicago, IL", "US"), ("Portland, OR", "US"), ("Miami, FL", "US"),
    ("Brooklyn, NY", "US"), ("Toronto, ON", "CA"), ("Utrecht, Netherlands", "NL"),
    ("Berlin, Germany", "DE"), ("Lyon, France", "FR"), ("Madrid, Spain", "ES"),
    ("Dublin, Ireland", "IE"), ("Manchester, United Kingdom", "GB"), ("Kraków, Poland", "PL"),
    ("Guadalajara, Mexico", "MX"), ("São Paulo, Brazil", "BR"), ("Osaka, Japan", "JP"),
]
TITLES = [
    "Warehouse Associate", "Forklift Operator", "Customer Service Representative",
    "Registered Nurse", "Line Cook", "Software Engineer", "Data Analyst", "Barista",
    "Bookkeeper", "Paralegal", "Shift Supervisor", "Delivery Driver", "Store Manager",
    "Medical Assistant", "Sous Chef", "Marketing Coordinator", "Payroll Clerk",
    "HVAC Technician", "Account Executive", "Pharmacy Technician", "Cashier",
    "Inventory Control Specialist", "Front Desk Agent", "Dental Hygienist", "Welder",
    "Senior Product Designer", "Logistics Coordinator", "Caregiver", "Electrician",
    "Recruiter", "Teller", "Dispatcher", "Machinist", "Copywriter", "Housekeeper",
    "Merchandiser", "Phlebotomist", "Lifeguard", "Sommelier", "Stylist",
]
EMPLOYERS = [
    "Acme Logistics", "Blue Harbor", "Northwind Traders", "Globex Corporation",
    "St. Mary's Hospital", "Initech LLC", "Umbrella Health", "Contoso Ltd", "Pine & Oak",
    "Fabrikam Inc.", "Sunrise Bakery", "Müller GmbH", "Tailspin Toys", "Woodgrove Bank",
    "Riverbend Clinic", "Lakeside Foods", "Hooli", "Vandelay Industries", "Wayne Enterprises",
    "Alpine Ski Resort", "Café Lumière", "Bluth Company", "Stark Solutions", "Sterling Cooper",
    "Tortuga Grill", "Keller & Söhne", "Red Rock Mining", "City of Springfield",
    "Ollivanders", "Kaiju Studios", "Groupe Orange SA", "Paper Street Soap Co.",
]
SKILLS = [
    "Forklift", "Pallet jack", "RF scanners", "Inventory management", "Excel", "SAP",
    "Customer service", "Cash handling", "Food safety", "Python", "SQL", "Tableau",
    "Scheduling", "First aid", "Bilingual communication", "QuickBooks", "Salesforce",
    "Point of sale", "Phlebotomy", "Welding (MIG/TIG)", "Conflict resolution", "Figma",
]
DEGREES = [
    "B.S. Business Administration, University of Texas, 2014",
    "High School Diploma, Lincoln High School, 2010",
    "Associate of Applied Science, Nursing — Miami Dade College, 2016",
    "MSc Logistics, Erasmus University, 2012",
    "Culinary Arts Certificate, Le Cordon Bleu, 2013",
    "Licenciatura en Administración, UNAM, 2011",
]
CERTS = ["OSHA 10-Hour", "Forklift Operator Certification", "ServSafe Food Handler",
         "CPR/AED (American Heart Association)", "CDL Class A", "PMP", "Certified Nursing Assistant",
         "AWS Certified Cloud Practitioner"]
LANGUAGES = ["English", "Spanish", "French", "German", "Dutch", "Portuguese", "Japanese",
             "Mandarin", "Arabic", "Polish", "Vietnamese", "Tagalog"]
HEADINGS = {  # style -> (experience, skills, education, certifications, languages)
    "upper": ("EXPERIENCE", "SKILLS", "EDUCATION", "CERTIFICATIONS", "LANGUAGES"),
    "colon": ("Work Experience:", "Skills:", "Education:", "Certifications:", "Languages:"),
    "words": ("Professional History", "Core Competencies", "Academic Background",
              "Licenses & Certifications", "Language Skills"),
    "dashes": ("— Employment History —", "— Skills —", "— Education —", "— Certificates —",
               "— Languages —"),
    "title": ("Work History", "Key Skills", "Education and Training", "Certifications",
              "Languages"),
    "spaced": ("E X P E R I E N C E", "S K I L L S", "E D U C A T I O N",
               "C E R T I F I C A T I O N S", "L A N G U A G E S"),
    "german": ("Berufserfahrung", "Kenntnisse", "Ausbildung", "Zertifikate", "Sprachen"),
}
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
LONG_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December"]
DATE_STYLES = ["mon", "month", "iso", "slash", "year", "apostrophe", "season", "dash_long",
               "since", "mon_dot", "german", "compact"]
ARRANGEMENTS = ["title_comma_employer/dates", "one_line_pipes", "dates/title/employer",
                "employer_place/title_dates", "title_at_employer_parens", "title/employer/dates",
                "employer_comma_title/dates", "title_parens_employer_dates", "tabbed_dates",
                # the first held-out set: the parser was fixed against these, so they joined
                # the development corpus (docs/performance.md)
                "employer_dates/title", "from_to_lines", "title_pipe_employer_place_dates",
                "dates_colon_title_employer", "title_dash_qualifier/employer/dates"]
# Arrangements kept out of the parser's development: only ``generate(held_out=True)`` uses
# them, and the parser was not changed after seeing its figures on them (docs/performance.md).
HELD_OUT_ARRANGEMENTS = ["dates_pipe_title_comma_employer", "employer_caps/title_tab_dates",
                         "employer_city_dash_title/dates", "title_comma_employer_month_parens",
                         "employer/title_pipe_numbered_dates"]
KINDS = ["pdf", "pdf2col", "docx", "docx_table", "docx_textbox", "txt", "rtf"]


@dataclass
class ExpectedJob:
    title: str
    employer: str
    start: str  # YYYY-MM
    end: str  # YYYY-MM or present


@dataclass
class Expected:
    path: Path
    kind: str
    name: str
    email: str
    phone: str  # E.164
    location: str
    jobs: list[ExpectedJob] = field(default_factory=list)
    skills: list[str] = field(default_factory=list)
    education: list[str] = field(default_factory=list)
    certifications: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    layout: str = ""
    arrangement: str = ""  # how an entry's title, employer and dates are laid out
    # the pieces the writers arrange
    contact: list[str] = field(default_factory=list)
    main: list[str] = field(default_factory=list)
    sidebar: list[str] = field(default_factory=list)
    dates_written: list[str] = field(default_factory=list)
    education_heading: str = ""


def _ascii(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if c.isascii() and
                   (c.isalnum() or c in " -'"))


def _latin1(text: str) -> bool:
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def _phone(rng: random.Random, region: str) -> tuple[str, str]:
    """(as written, E.164): a valid number of the region, in one of its usual styles."""
    while True:
        example = phonenumbers.example_number_for_type(region,
                                                       phonenumbers.PhoneNumberType.MOBILE)
        assert example is not None
        digits = str(example.national_number)
        if region in ("US", "CA"):
            area = rng.choice(["214", "312", "503", "305", "718", "416", "647"])
            digits = f"{area}555{rng.randrange(100, 200):04d}"
        else:
            keep = max(2, len(digits) - 5)
            digits = digits[:keep] + "".join(str(rng.randrange(10))
                                             for _ in range(len(digits) - keep))
        number = phonenumbers.parse(digits, region)
        if phonenumbers.is_valid_number(number):
            break
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    style = rng.choice(["national", "international", "dots"])
    if style == "international":
        written = phonenumbers.format_number(number,
                                             phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    elif style == "dots" and region in ("US", "CA"):
        written = f"{digits[:3]}.{digits[3:6]}.{digits[6:]}"
    else:
        written = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return written, e164


def _date_text(style: str, start: tuple[int, int], end: tuple[int, int] | None
               ) -> tuple[str, str, str]:
    """(as written, expected start, expected end) of a range in ``style``."""
    (sy, sm), now_word = start, "Present"
    if style == "year":
        ey = end[0] if end else None
        return (f"{sy} to {ey}" if ey else f"{sy} to present", f"{sy}-01",
                f"{ey}-01" if ey else "present")
    if style == "season":
        season = {3: "Spring", 6: "Summer", 9: "Fall"}.get(sm, "Summer")
        month = {"Spring": 3, "Summer": 6, "Fall": 9}[season]
        ey, em = (sy, month + 3)
        return f"{season} {sy}", f"{sy}-{month:02d}", f"{ey}-{em:02d}"
    if style == "since" and end is None:
        return f"since {MONTHS[sm - 1]} {sy}", f"{sy}-{sm:02d}", "present"
    if style == "german":
        de = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August",
              "September", "Oktober", "November", "Dezember"]
        end_de = f"{de[end[1] - 1]} {end[0]}" if end else "heute"
        return (f"{de[sm - 1]} {sy} – {end_de}", f"{sy}-{sm:02d}",
                f"{end[0]}-{end[1]:02d}" if end else "present")
    if style == "compact":
        end_c = f"{end[1]}/{end[0] % 100:02d}" if end else "Present"
        return (f"{sm}/{sy % 100:02d}–{end_c}", f"{sy}-{sm:02d}",
                f"{end[0]}-{end[1]:02d}" if end else "present")

    def fmt(y: int, m: int) -> str:
        return {"mon": f"{MONTHS[m - 1]} {y}", "month": f"{LONG_MONTHS[m - 1]} {y}",
                "iso": f"{y}-{m:02d}", "slash": f"{m:02d}/{y}",
                "apostrophe": f"{MONTHS[m - 1]}. '{y % 100:02d}",
                "dash_long": f"{MONTHS[m - 1]} {y}", "since": f"{MONTHS[m - 1]} {y}",
                "mon_dot": f"{MONTHS[m - 1]}. {y}"}[style]

    sep = {"mon": " – ", "month": " - ", "iso": " to ", "slash": " - ", "apostrophe": " – ",
           "dash_long": " — ", "since": " – ", "mon_dot": " – "}[style]
    end_text = fmt(*end) if end else rng_now(style, now_word)
    return (f"{fmt(sy, sm)}{sep}{end_text}", f"{sy}-{sm:02d}",
            f"{end[0]}-{end[1]:02d}" if end else "present")


def rng_now(style: str, word: str) -> str:
    return {"iso": "now", "slash": "Current", "month": "Present"}.get(style, word)


def _entry_lines(rng: random.Random, arrangement: str, job: ExpectedJob, dates: str,
                 place: str, bullet: str) -> list[str]:
    duties = [f"{bullet}{d}" for d in rng.sample([
        "Trained four new hires on safety procedures and daily routines.",
        "Kept records accurate across two shifts and weekly audits.",
        "Handled customer questions by phone and email with a 98% satisfaction score.",
        "Cut waste by 12% by reorganising the storage area.",
        "Worked with the team lead to schedule deliveries for 30 stores.",
        "Prepared reports for management every Monday.",
    ], 2)]
    t, e = job.title, job.employer
    if arrangement == "title_comma_employer/dates":
        return [f"{t}, {e}", dates, *duties]
    if arrangement == "one_line_pipes":
        return [f"{t} | {e} | {dates}", *duties]
    if arrangement == "dates/title/employer":
        return [dates, t, f"{e}, {place}", *duties]
    if arrangement == "employer_place/title_dates":
        return [f"{e} — {place}", f"{t}    {dates}", *duties]
    if arrangement == "title_at_employer_parens":
        return [f"{t} at {e} ({dates})", *duties]
    if arrangement == "employer_comma_title/dates":
        return [f"{e}, {t}", dates, *duties]
    if arrangement == "title_parens_employer_dates":
        return [f"{t} ({e}), {dates}", *duties]
    if arrangement == "tabbed_dates":
        return [f"{t}\t{dates}", e, *duties]
    if arrangement == "employer_dates/title":
        return [f"{e} ({dates})", t, *duties]
    if arrangement == "from_to_lines":
        parts = re.split(r"\s(?:–|-|—|to)\s", dates, maxsplit=1)
        start, end = (parts[0], parts[1]) if len(parts) == 2 else (dates, "")
        return [t, e, f"From: {start}", *([f"To: {end}"] if end else []), *duties]
    if arrangement == "title_pipe_employer_place_dates":
        return [f"{t} | {e} | {place} | {dates}", *duties]
    if arrangement == "dates_colon_title_employer":
        return [f"{dates}: {t}, {e}", *duties]
    if arrangement == "title_dash_qualifier/employer/dates":
        job.title = f"{t} - {rng.choice(['Night Shift', 'Part-time', 'Contract', 'Seasonal'])}"
        return [job.title, e, dates, *duties]
    if arrangement == "dates_pipe_title_comma_employer":
        return [f"{dates} | {t}, {e}", *duties]
    if arrangement == "employer_caps/title_tab_dates":  # dates in a right-aligned column
        return [e.upper(), f"{t}\t{dates}", *duties]
    if arrangement == "employer_city_dash_title/dates":
        return [f"{e} ({place.split(',')[0]}) — {t}", dates, *duties]
    if arrangement == "title_comma_employer_month_parens":
        return [f"{t}, {e} ({_month_year(job.start)} – {_month_year(job.end)})", *duties]
    if arrangement == "employer/title_pipe_numbered_dates":
        return [e, f"{t} | {_numbered(job.start)} - {_numbered(job.end)}", *duties]
    return [t, e, dates, *duties]


def _month_year(point: str) -> str:
    """"2019-03" as "Mar 2019", "present" as "Present"."""
    return "Present" if point == "present" else f"{MONTHS[int(point[5:]) - 1]} {point[:4]}"


def _numbered(point: str) -> str:
    """"2019-03" as "03/2019", "present" as "Present"."""
    return "Present" if point == "present" else f"{point[5:]}/{point[:4]}"


def build(rng: random.Random, index: int, held_out: bool = False) -> Expected:
    kind = KINDS[index % len(KINDS)]
    pdf = kind.startswith("pdf")
    style = rng.choice(list(HEADINGS))
    heads = HEADINGS[style]
    if not pdf and rng.random() < 0.15:
        name = rng.choice(CJK_NAMES)
        email_user = f"candidate{index}"
    else:
        while True:
            first, last = rng.choice(FIRST_LAST)
            name = f"{first} {last}"
            if not pdf or _latin1(name):
                break
        if rng.random() < 0.1:
            name = name.upper()
        email_user = f"{_ascii(first).lower()}.{_ascii(last).lower().replace(' ', '')}" \
            .replace("'", "")
    location, region = rng.choice([p for p in PLACES if not pdf or _latin1(p[0])])
    phone_written, e164 = _phone(rng, region)
    email = f"{email_user}{rng.choice(['', '', str(index)])}@" \
            f"{rng.choice(['example.com', 'mail.example.org', 'example.net'])}"
    jobs: list[ExpectedJob] = []
    dated: list[str] = []
    year, month = 2026, rng.randrange(1, 12)
    ongoing = rng.random() < 0.7
    for n in range(rng.randrange(2, 5)):
        length = rng.randrange(8, 50)
        end = None if (n == 0 and ongoing) else (year, month)
        total = year * 12 + month - 1 - length
        start = (total // 12, total % 12 + 1)
        date_style = rng.choice(DATE_STYLES)
        if date_style == "since" and end is not None:
            date_style = "mon"
        if date_style == "season" and end is None:
            date_style = "month"
        text, s, e = _date_text(date_style, start, end)
        if date_style == "season":
            year, month = start[0] - 1, 11  # a season job: the one before ends earlier
        else:
            gap = rng.randrange(0, 6)
            total = start[0] * 12 + start[1] - 1 - gap
            year, month = total // 12, total % 12 + 1
        jobs.append(ExpectedJob(rng.choice(TITLES), rng.choice(EMPLOYERS), s, e))
        dated.append(text)
    skills = rng.sample(SKILLS, rng.randrange(3, 8))
    education = rng.sample(DEGREES, rng.randrange(1, 3))
    certs = rng.sample(CERTS, rng.randrange(0, 3))
    languages = rng.sample(LANGUAGES, rng.randrange(1, 4))
    arrangement = rng.choice(HELD_OUT_ARRANGEMENTS if held_out else ARRANGEMENTS)
    bullet = rng.choice(["- ", "• ", "* "]) if not pdf else rng.choice(["- ", "* "])
    contact_style = rng.choice(["one_line", "lines", "labels"])
    if contact_style == "one_line":
        contact = [f"{email} | {phone_written} | {location}"]
    elif contact_style == "lines":
        contact = [location, phone_written, email]
    else:
        contact = [f"Email: {email}", f"Phone: {phone_written}", f"Location: {location}"]
    # Real-world mess, each now and then (the parser was not fitted to these; see
    # docs/performance.md): several roles under one employer, a headline under the name, a
    # summary that mentions years, a dated volunteer entry that is not a job, icons before
    # contact details, no heading over the experience.
    mess = [m for m, chance in (("multi_role", 0.25), ("headline", 0.35), ("summary", 0.35),
                                ("volunteer", 0.3), ("icons", 0.3), ("no_heading", 0.3))
            if rng.random() < chance]
    if "icons" in mess and not pdf and contact_style != "one_line":
        contact = [f"{icon} {line.split(': ', 1)[-1]}" for icon, line in
                   zip(("✉", "☎", "⌂") if contact_style == "labels" else ("⌂", "☎", "✉"),
                       contact, strict=True)]
    experience: list[str] = []
    pairs = list(zip(jobs, dated, strict=True))
    if "multi_role" in mess and len(jobs) >= 2 and kind != "docx_table":
        (a, da), (b, db) = pairs[:2]
        b.employer = a.employer
        experience += [a.employer, f"{a.title}, {da}", f"{bullet}Promoted after one year.",
                       f"{b.title}, {db}", f"{bullet}Opened the second site.", ""]
        pairs = pairs[2:]
    for job, dates in pairs:
        experience += _entry_lines(rng, arrangement, job, dates, location, bullet)
        experience.append("")
    skill_lines = rng.choice([[", ".join(skills)], [" • ".join(skills) if not pdf
                                                     else " | ".join(skills)],
                              [f"{bullet}{s}" for s in skills]])
    sidebar = [heads[1], *skill_lines, "", heads[4], ", ".join(languages)]
    if certs:
        sidebar += ["", heads[3], *certs]
    main = [heads[0], *experience, heads[2], *education]
    if "no_heading" in mess and kind == "txt":
        main = main[1:]
    if "summary" in mess and kind != "docx_table":
        first_year = min(int(j.start[:4]) for j in jobs)
        summary = {"upper": "SUMMARY", "colon": "Profile:", "words": "Professional Summary",
                   "dashes": "— Profile —", "title": "About Me", "spaced": "S U M M A R Y",
                   "german": "Profil"}[style]
        main = [summary, f"Since {first_year} I have worked in operations and service, most "
                         f"recently as {jobs[0].title}.", "", *main]
    if "volunteer" in mess:
        main += ["", "VOLUNTEER" if style == "upper" else "Volunteer Experience",
                 f"Food Bank Helper, Northside Pantry, {rng.randrange(2012, 2020)} – "
                 f"{rng.randrange(2020, 2024)}"]
    expected = Expected(Path(), kind, name, email, e164, location, jobs, skills, education,
                        certs, languages, layout=f"{kind}/{style}/{arrangement}/"
                        f"{contact_style}")
    if "headline" in mess:
        contact = [f"{jobs[0].title} · {rng.randrange(3, 15)} years of experience", *contact]
    expected.layout += "".join(f"+{m}" for m in mess)
    expected.arrangement = "table" if kind == "docx_table" else arrangement
    expected.lines = [name, *contact, "", *main, "", *sidebar]
    expected.contact, expected.main, expected.sidebar = contact, main, sidebar
    expected.dates_written, expected.education_heading = dated, heads[2]
    return expected


# ----------------------------------------------------------------------------- writers


def _write_pdf(path: Path, lines: list[str]) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.core_fonts_encoding = "windows-1252"  # dashes, bullets, curly quotes
    pdf.set_auto_page_break(True, 15)
    pdf.add_page()
    pdf.set_font("helvetica", size=10)
    for line in lines:
        if "\t" in line:  # dates right-aligned on the title's line
            left, right = line.split("\t", 1)
            pdf.cell(120, 5.5, left)
            pdf.cell(0, 5.5, right, align="R", new_x="LMARGIN", new_y="NEXT")
        else:
            pdf.cell(0, 5.5, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))


def write_two_column_pdf(path: Path, header: list[str], left: list[str],
                         right: list[str]) -> None:
    """A full-width header, then a narrow left column and a wide right one, side by side."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.core_fonts_encoding = "windows-1252"
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.set_font("helvetica", "B", 16)
    pdf.cell(0, 9, header[0], new_x="LMARGIN", new_y="NEXT", align="C")
    pdf.set_font("helvetica", size=10)
    for line in header[1:]:
        pdf.cell(0, 5.5, line, new_x="LMARGIN", new_y="NEXT", align="C")
    top = pdf.get_y() + 6
    for x, width, lines in ((10, 60, left), (80, 120, right)):
        pdf.set_xy(x, top)
        for line in lines:
            pdf.set_x(x)
            pdf.multi_cell(width, 5.5, line.replace("\t", "    ") or " ", new_x="LEFT",
                           new_y="NEXT")
    pdf.output(str(path))


def _write_docx(path: Path, lines: list[str]) -> None:
    import docx

    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    document.save(str(path))


def _write_docx_table(path: Path, e: Expected, rng: random.Random) -> None:
    """The experience as a table: one row per job (dates | title | employer), or (title |
    employer | dates)."""
    import docx

    document = docx.Document()
    for line in [e.name, *e.contact, ""]:
        document.add_paragraph(line)
    main = e.main
    document.add_paragraph(main[0])
    order = rng.choice(["dates_first", "dates_last"])
    table = document.add_table(rows=0, cols=3)
    for job in e.jobs:
        dates = _written_dates(e, job)
        cells = [dates, job.title, job.employer] if order == "dates_first" \
            else [job.title, job.employer, dates]
        row = table.add_row().cells
        for cell, text in zip(row, cells, strict=True):
            cell.text = text
    tail = main[main.index(e.education_heading):]
    document.add_paragraph("")
    for line in [*tail, "", *e.sidebar]:
        document.add_paragraph(line)
    e.layout += f"/table-{order}"
    document.save(str(path))


def _written_dates(e: Expected, job: ExpectedJob) -> str:
    return e.dates_written[e.jobs.index(job)]


def _textbox(paragraph: object, lines: list[str], width_emu: int = 2400000) -> None:
    """Anchor a DrawingML text box holding ``lines`` in ``paragraph`` (w:txbxContent), with
    the VML fallback Word writes beside it (the same text again, which must be read once)."""
    from docx.oxml import parse_xml

    def body() -> str:
        from xml.sax.saxutils import escape

        return "".join(f"<w:p><w:r><w:t xml:space=\"preserve\">{escape(line)}</w:t></w:r></w:p>"
                       for line in lines)

    shape_id = zlib.crc32("|".join(lines).encode()) % 10000 + 1
    ns = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
          'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
          'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
          'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
          'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
          'xmlns:v="urn:schemas-microsoft-com:vml"')
    run = parse_xml(
        f'<w:r {ns}><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>'
        f'<wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" relativeHeight="1" '
        f'behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1">'
        f'<wp:simplePos x="0" y="0"/><wp:positionH relativeFrom="page"><wp:posOffset>400000'
        f'</wp:posOffset></wp:positionH><wp:positionV relativeFrom="page"><wp:posOffset>'
        f'400000</wp:posOffset></wp:positionV><wp:extent cx="{width_emu}" cy="3000000"/>'
        f'<wp:wrapSquare wrapText="bothSides"/><wp:docPr id="{shape_id}"'
        f' name="Text Box"/><a:graphic><a:graphicData '
        f'uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:wsp>'
        f'<wps:cNvSpPr txBox="1"/><wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext '
        f'cx="{width_emu}" cy="3000000"/></a:xfrm><a:prstGeom prst="rect"/></wps:spPr>'
        f'<wps:txbx><w:txbxContent>{body()}</w:txbxContent></wps:txbx><wps:bodyPr/>'
        f'</wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>'
        f'<mc:Fallback><w:pict><v:shape style="width:180pt;height:240pt"><v:textbox>'
        f'<w:txbxContent>{body()}</w:txbxContent></v:textbox></v:shape></w:pict>'
        f'</mc:Fallback></mc:AlternateContent></w:r>')
    paragraph._p.append(run)  # type: ignore[attr-defined]


def write_docx_textboxes(path: Path, header: list[str], box: list[str],
                         body: list[str]) -> None:
    """Header paragraphs, a text box (a sidebar: skills, languages…) and body paragraphs."""
    import docx

    document = docx.Document()
    for line in header:
        document.add_paragraph(line)
    _textbox(document.add_paragraph(), box)
    for line in body:
        document.add_paragraph(line)
    document.save(str(path))


def _rtf_escape(text: str) -> str:
    out = []
    for ch in text:
        if ch in "\\{}":
            out.append("\\" + ch)
        elif ch == "\t":
            out.append("\\tab ")
        elif ord(ch) < 128:
            out.append(ch)
        else:
            code = ord(ch)
            if code > 32767:
                code -= 65536
            out.append(f"\\u{code}?")
    return "".join(out)


def _write_rtf(path: Path, lines: list[str]) -> None:
    body = "\\par\n".join(_rtf_escape(line) for line in lines)
    path.write_text("{\\rtf1\\ansi\\deff0{\\fonttbl{\\f0 Calibri;}}\\f0\\fs22\n" + body +
                    "\\par\n}", encoding="ascii")


def write(folder: Path, e: Expected, rng: random.Random, index: int) -> Expected:
    stem = f"resume-{index:03d}"
    kind = e.kind
    if kind == "pdf":
        e.path = folder / f"{stem}.pdf"
        _write_pdf(e.path, e.lines)
    elif kind == "pdf2col":
        e.path = folder / f"{stem}.pdf"
        write_two_column_pdf(e.path, [e.name, *e.contact], e.sidebar, e.main)
    elif kind == "docx":
        e.path = folder / f"{stem}.docx"
        _write_docx(e.path, e.lines)
    elif kind == "docx_table":
        e.path = folder / f"{stem}.docx"
        _write_docx_table(e.path, e, rng)
    elif kind == "docx_textbox":
        e.path = folder / f"{stem}.docx"
        write_docx_textboxes(e.path, [e.name, *e.contact], e.sidebar, e.main)
    elif kind == "txt":
        e.path = folder / f"{stem}.txt"
        encoding = rng.choice(["utf-8", "utf-8-sig", "utf-16"])
        text = "\r\n".join(e.lines)
        try:
            data = text.encode(encoding)
        except UnicodeEncodeError:
            data = text.encode("utf-8")
        e.path.write_bytes(data)
    else:
        e.path = folder / f"{stem}.rtf"
        _write_rtf(e.path, e.lines)
    return e


def generate(folder: Path, count: int = 42, seed: int = 12,
             held_out: bool = False) -> list[Expected]:
    """``count`` résumés in ``folder`` with what each should yield (same seed, same files);
    ``held_out``: entries arranged only in the ways the parser was never fitted to."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    out: list[Expected] = []
    for index in range(count):
        e = build(rng, index, held_out)
        out.append(write(folder, e, rng, index))
    return out


# ----------------------------------------------------------------------------- scoring

FIELDS = ("name", "email", "phone", "location", "title", "employer", "dates", "skills",
          "education", "certifications", "languages")


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).lower().replace("’", "'").split())


def expected_sets(e: Expected) -> dict[str, set[str]]:
    return {
        "name": {_norm(e.name)}, "email": {_norm(e.email)}, "phone": {e.phone},
        "location": {_norm(e.location)},
        "title": {f"{i}:{_norm(j.title)}" for i, j in enumerate(e.jobs)},
        "employer": {f"{i}:{_norm(j.employer)}" for i, j in enumerate(e.jobs)},
        "dates": {f"{j.start}/{j.end}" for j in e.jobs},
        "skills": {_norm(s) for s in e.skills},
        "education": {_norm(s) for s in e.education},
        "certifications": {_norm(s) for s in e.certifications},
        "languages": {_norm(s) for s in e.languages},
    }


def found_sets(parsed: object) -> dict[str, set[str]]:
    """The same sets from a ParsedResume (titles and employers keyed by the job's position,
    so a title given to the wrong entry counts as wrong)."""
    p: object = parsed

    def one(v: object) -> set[str]:
        return {_norm(str(v.value))} if v is not None else set()  # type: ignore[attr-defined]

    jobs = list(p.jobs)  # type: ignore[attr-defined]
    return {
        "name": one(p.name), "email": one(p.email),  # type: ignore[attr-defined]
        "phone": {p.phone.value} if p.phone else set(),  # type: ignore[attr-defined]
        "location": one(p.location),  # type: ignore[attr-defined]
        "title": {f"{i}:{_norm(j.title.value)}" for i, j in enumerate(jobs) if j.title},
        "employer": {f"{i}:{_norm(j.employer.value)}" for i, j in enumerate(jobs)
                     if j.employer},
        "dates": {f"{j.start}/{j.end}" for j in jobs},
        "skills": {_norm(v.value) for v in p.skills},  # type: ignore[attr-defined]
        "education": {_norm(v.value) for v in p.education},  # type: ignore[attr-defined]
        "certifications": {_norm(v.value) for v in p.certifications},  # type: ignore[attr-defined]
        "languages": {_norm(v.value) for v in p.languages},  # type: ignore[attr-defined]
    }


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, want: set[str], got: set[str]) -> None:
        self.tp += len(want & got)
        self.fp += len(got - want)
        self.fn += len(want - got)

    def figures(self) -> dict[str, float]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f1, 3)}


def score(pairs: list[tuple[Expected, object]]) -> dict[str, Tally]:
    tallies = {name: Tally() for name in FIELDS}
    for e, parsed in pairs:
        want, got = expected_sets(e), found_sets(parsed)
        for name in FIELDS:
            tallies[name].add(want[name], got[name])
    return tallies
