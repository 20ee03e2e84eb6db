"""Section headings of a résumé, in the styles people write them: "EXPERIENCE", "Work
Experience:", "Professional History", "— Skills —", "S K I L L S", "Berufserfahrung",
"Compétences".

A heading is a short line (at most five words) whose words, lower-cased and without
punctuation, name a known section; lines that say more ("Experience with forklifts") are
text, not headings. Each section is named by a canonical key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

EXPERIENCE = "experience"
SKILLS = "skills"
EDUCATION = "education"
CERTIFICATIONS = "certifications"
LANGUAGES = "languages"
SUMMARY = "summary"
CONTACT = "contact"
OTHER = "other"

_HEADINGS: dict[str, tuple[str, ...]] = {
    EXPERIENCE: (
        "experience", "work experience", "professional experience", "employment",
        "employment history", "work history", "professional history", "career history",
        "relevant experience", "career", "experience history", "positions held",
        "work", "professional background", "berufserfahrung", "berufliche erfahrung",
        "expérience professionnelle", "experience professionnelle", "expériences",
        "experiencia", "experiencia laboral", "experiencia profesional", "werkervaring",
        "esperienza", "esperienza lavorativa", "職歴", "工作经历", "工作經歷",
    ),
    SKILLS: (
        "skills", "technical skills", "core skills", "key skills", "core competencies",
        "competencies", "skills and abilities", "skills abilities", "abilities",
        "skill set", "skillset", "areas of expertise", "expertise", "tools",
        "kenntnisse", "fähigkeiten", "compétences", "competences", "habilidades",
        "competencias", "vaardigheden", "competenze", "スキル", "技能",
    ),
    EDUCATION: (
        "education", "education and training", "academic background", "academics",
        "training", "schooling", "education history", "ausbildung", "bildung",
        "formation", "educación", "educacion", "formación", "formacion", "opleiding",
        "istruzione", "学歴", "教育", "教育背景",
    ),
    CERTIFICATIONS: (
        "certifications", "certification", "certificates", "licenses", "licences",
        "licenses and certifications", "certifications and licenses",
        "licenses certifications", "certifications licenses", "credentials",
        "zertifikate", "zertifizierungen", "certificats", "certificaciones",
        "certificeringen", "資格", "证书",
    ),
    LANGUAGES: (
        "languages", "language skills", "language", "sprachen", "sprachkenntnisse",
        "langues", "idiomas", "talen", "lingue", "語学", "语言",
    ),
    SUMMARY: (
        "summary", "profile", "professional summary", "objective", "career objective",
        "about me", "about", "personal statement", "profil", "perfil", "resumen",
        "zusammenfassung",
    ),
    CONTACT: ("contact", "contact information", "contact details", "details",
              "personal details", "personal information", "kontakt", "contacto"),
    OTHER: ("references", "interests", "hobbies", "projects", "awards", "volunteer",
            "volunteering", "volunteer experience", "achievements", "publications",
            "activities", "additional information", "honors", "memberships"),
}
_LOOKUP = {phrase: key for key, phrases in _HEADINGS.items() for phrase in phrases}


def _normal(line: str) -> str:
    text = line.strip().strip("#*_=—–-·•|:[]<> \t").strip()
    text = text.replace("&", " and ").replace("/", " ").replace("+", " and ")
    text = re.sub(r"[^\w\s']", " ", text.lower())
    return re.sub(r"\s+", " ", text).strip()


@dataclass(frozen=True)
class Heading:
    key: str  # EXPERIENCE, SKILLS, …
    line: int  # 0-based index in the text's lines
    text: str


def heading_of(line: str) -> str | None:
    """The section ``line`` names, or None when it is not a heading."""
    raw = line.strip()
    if re.fullmatch(r"(?:\w\s{1,3})+\w", raw) and len(raw) > 4:  # "E X P E R I E N C E"
        raw = " ".join(word.replace(" ", "") for word in re.split(r"\s{2,}", raw))
    if not raw or len(raw) > 48 or len(raw.split()) > 5:
        return None
    text = _normal(raw)
    if text in _LOOKUP:
        return _LOOKUP[text]
    without = re.sub(r"^(?:my|the)\s+", "", text)
    return _LOOKUP.get(without)


def find_headings(lines: list[str]) -> list[Heading]:
    out: list[Heading] = []
    for i, line in enumerate(lines):
        key = heading_of(line)
        if key is not None:
            out.append(Heading(key, i, line.strip()))
    return out
