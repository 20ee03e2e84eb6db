"""The contact fields of a résumé's header: name, email, phone (E.164), location.

- Name: the first line near the top that reads as a person's name — two to six words (not
  counting particles) of letters in any script (accents, CJK, hyphens, apostrophes, particles such as "van der",
  "de la", "bin", "al-"), no digits, no "@", not a section heading, not "Curriculum Vitae";
  or a "Name:" label. A line in CJK script of two to five characters counts too.
- Email: the first address (RFC-ish: local@domain.tld).
- Phone: phonenumbers' matcher (VALID leniency) on each line, with the region the résumé's
  location names (a US state, a Canadian province or a country), else the caller's default
  region; a number written with "+" needs no region. Date ranges are never phone numbers.
- Location: a "Location:" / "Address:" label, or a header segment "City, ST" (US / Canada)
  or "City, Country".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

import phonenumbers

from milo_desktop.services.resume.dates import RANGE
from milo_desktop.services.resume.sections import heading_of

EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,24}(?![\w-])")
_US_STATES = frozenset(["AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY", "DC", "PR"])
_CA_PROVINCES = frozenset(["AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT"])
COUNTRIES: dict[str, str] = {
    "usa": "US", "united states": "US", "u.s.a.": "US", "us": "US", "canada": "CA",
    "mexico": "MX", "méxico": "MX", "united kingdom": "GB", "uk": "GB", "england": "GB",
    "scotland": "GB", "wales": "GB", "ireland": "IE", "germany": "DE", "deutschland": "DE",
    "france": "FR", "spain": "ES", "españa": "ES", "portugal": "PT", "italy": "IT",
    "italia": "IT", "netherlands": "NL", "the netherlands": "NL", "nederland": "NL",
    "belgium": "BE", "switzerland": "CH", "austria": "AT", "österreich": "AT",
    "poland": "PL", "polska": "PL", "sweden": "SE", "norway": "NO", "denmark": "DK",
    "finland": "FI", "czech republic": "CZ", "czechia": "CZ", "hungary": "HU",
    "romania": "RO", "greece": "GR", "turkey": "TR", "türkiye": "TR", "japan": "JP",
    "日本": "JP", "china": "CN", "中国": "CN", "taiwan": "TW", "hong kong": "HK",
    "south korea": "KR", "korea": "KR", "india": "IN", "vietnam": "VN", "viet nam": "VN",
    "philippines": "PH", "singapore": "SG", "australia": "AU", "new zealand": "NZ",
    "brazil": "BR", "brasil": "BR", "argentina": "AR", "chile": "CL", "colombia": "CO",
    "peru": "PE", "nigeria": "NG", "south africa": "ZA", "kenya": "KE", "egypt": "EG",
    "israel": "IL", "united arab emirates": "AE", "uae": "AE", "saudi arabia": "SA",
    "pakistan": "PK", "bangladesh": "BD", "indonesia": "ID", "malaysia": "MY",
    "thailand": "TH", "ukraine": "UA",
}
_PARTICLES = frozenset(["van", "der", "den", "de", "del", "della", "di", "da", "dos", "das", "du", "le", "la", "von", "zu", "bin", "binti", "al", "el", "ibn", "ter", "ten", "y", "e", "st", "st."])
_NOT_NAMES = frozenset(["curriculum", "vitae", "resume", "résumé", "cv", "page", "contact", "phone", "email", "address", "objective", "summary", "profile", "linkedin"])
_SEGMENT_SPLIT = re.compile(r"\s*(?:\||•|·|▪|●|;|\s[-–—]\s|\t)\s*")
LABEL = re.compile(r"^\s*(name|email|e-mail|phone|mobile|cell|tel|telephone|location|address|"
                   r"city|based in)\s*[:：]\s*(.+)$", re.IGNORECASE)


def _is_cjk(ch: str) -> bool:
    return unicodedata.name(ch, "").startswith(("CJK UNIFIED", "HIRAGANA", "KATAKANA",
                                                "HANGUL"))


def looks_like_name(line: str) -> bool:
    text = line.strip()
    if not text or any(ch.isdigit() for ch in text) or "@" in text or len(text) > 90:
        return False
    if heading_of(text) is not None:
        return False
    bare = re.sub(r"\s*\([^)]*\)\s*", " ", text).strip()  # "王小明 (Wang Xiaoming)"
    if bare and all(_is_cjk(c) or c in "・· " for c in bare):
        return 2 <= len(bare.replace(" ", "")) <= 5
    words = text.split()
    core_words = [w for w in words if w.lower().strip(".,") not in _PARTICLES]
    if not 2 <= len(words) <= 10 or not 2 <= len(core_words) <= 6:
        return False
    if {w.lower().strip(".,") for w in words} & _NOT_NAMES:
        return False
    capitals = 0
    for w in words:
        core = w.strip(",.")
        if core.lower() in _PARTICLES:
            continue
        parts = re.split(r"[-'’]", core)
        if not all(p and all(c.isalpha() for c in p) for p in parts if p) or not core:
            return False
        if core[0].isupper() or (len(parts) > 1 and parts[-1][:1].isupper()):
            capitals += 1
    return capitals >= 2


def find_name(lines: Sequence[str], stop: int) -> int | None:
    """The line (0-based) holding the name, among the first ``stop`` lines."""
    for i, line in enumerate(lines[:stop]):
        m = LABEL.match(line)
        if m and m.group(1).lower() == "name" and looks_like_name(m.group(2)):
            return i
    for i, line in enumerate(lines[:stop]):
        segment = _SEGMENT_SPLIT.split(line.strip())[0] if line.strip() else ""
        if looks_like_name(line) or (segment != line.strip() and looks_like_name(segment)):
            return i
    return None


def name_text(line: str) -> str:
    m = LABEL.match(line)
    if m and m.group(1).lower() == "name":
        return m.group(2).strip()
    text = line.strip()
    if not looks_like_name(text):
        text = _SEGMENT_SPLIT.split(text)[0]
    return re.sub(r"\s+", " ", text)


def find_email(lines: Sequence[str]) -> tuple[int, str] | None:
    for i, line in enumerate(lines):
        m = EMAIL.search(line)
        if m:
            return i, m.group(0).rstrip(".")
    return None


def region_of(location: str | None) -> str | None:
    """The ISO region a location names ("Austin, TX" → US, "Lyon, France" → FR)."""
    if not location:
        return None
    parts = [p.strip(" .").lower() for p in re.split(r",|\s[-–]\s", location) if p.strip()]
    for part in reversed(parts):
        if part in COUNTRIES:
            return COUNTRIES[part]
        code = part.upper()
        first = code.split()[0] if code else ""
        if first in _US_STATES and (len(code) == 2 or re.fullmatch(r"[A-Z]{2} \d{5}", code)):
            return "US"
        if code in _CA_PROVINCES:
            return "CA"
    return None


def find_phone(lines: Sequence[str], region: str) -> tuple[int, str] | None:
    """(line, E.164) of the first valid phone number."""
    for i, line in enumerate(lines):
        if sum(c.isdigit() for c in line) < 7:
            continue
        dates = [m.span() for m in RANGE.finditer(line)]
        for match in phonenumbers.PhoneNumberMatcher(line, region,
                                                     leniency=phonenumbers.Leniency.VALID,
                                                     max_tries=20):
            if any(a < match.end and match.start < b for a, b in dates):
                continue
            return i, phonenumbers.format_number(match.number,
                                                 phonenumbers.PhoneNumberFormat.E164)
    return None


def _location_segment(segment: str) -> str | None:
    seg = re.sub(r"^[^\w(+]+", "", segment).strip(" ,.")  # "⌂ Lyon, France", "📍 Austin, TX"
    odd = not seg or "@" in seg or len(seg) > 60 or re.search(r"https?:|www\.|\d{3}", seg)
    if odd and not re.fullmatch(r"[^\d@]+,\s*[A-Z]{2}\s+\d{5}", seg):  # "Austin, TX 78701"
        return None
    parts = [p.strip() for p in seg.split(",")]
    if len(parts) < 2 or not all(parts):
        return seg if seg.lower() in COUNTRIES and len(seg) > 3 else None
    if region_of(seg) is None:
        return None
    if not all(re.fullmatch(r"[^\W\d_][\w .'’-]*", p) or re.fullmatch(r"[A-Z]{2} \d{5}", p)
               for p in parts):
        return None
    return seg


def find_location(lines: Sequence[str], stop: int) -> tuple[int, str] | None:
    for i, line in enumerate(lines[:stop]):
        m = LABEL.match(line)
        if m and m.group(1).lower() in ("location", "address", "city", "based in"):
            return i, m.group(2).strip()
    for i, line in enumerate(lines[:stop]):
        for segment in _SEGMENT_SPLIT.split(line):
            found = _location_segment(segment)
            if found:
                return i, found
    return None
