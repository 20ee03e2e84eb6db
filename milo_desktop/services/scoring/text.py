"""Text helpers shared by the parsers: folding, tokens, and numbers written as words or digits.

Speech-to-text hands us "twenty-one", "2yrs", "uh-huh", "I don't" or "dont", with or without
punctuation; everything is folded to one lowercase, accent-free token stream first so the
parsers compare like with like ("sí" → "si", "Nope." → "nope").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_CONTRACTIONS = (
    (re.compile(r"\bcan'?t\b"), "can not"),
    (re.compile(r"\bwon't\b"), "will not"),
    (re.compile(r"\bain'?t\b"), "am not"),
    (re.compile(r"n't\b"), " not"),
    (re.compile(r"\bi'?m\b"), "i am"),
    (re.compile(r"'ve\b"), " have"),
    (re.compile(r"\bive\b"), "i have"),
    (re.compile(r"'re\b"), " are"),
    (re.compile(r"'ll\b"), " will"),
    (re.compile(r"'d\b"), " would"),
    (re.compile(r"\b(that|it|there|what|he|she)'s\b"), r"\1 is"),
    (re.compile(r"'s\b"), ""),
)
# Transcripts often drop the apostrophe: "dont", "havent". Only unambiguous words are listed
# ("wont" and "id" are real words).
_BARE_NEGATIONS = {
    w: w[:-2] + " not"
    for w in ("dont", "doesnt", "didnt", "havent", "hasnt", "hadnt", "isnt", "arent",
              "wasnt", "werent", "couldnt", "wouldnt", "shouldnt")
}
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[a-z]+(?:'[a-z]+)?|[$€£+%/]|[.,;!?]")
_DIGIT_RANGE = re.compile(r"(?<=\d)\s*[-–—]\s*(?=\d)")
_DIGIT_LETTER = re.compile(r"(?<=\d)(?=[a-z])|(?<=[a-z])(?=\d)")
BOUNDARY = frozenset({".", ",", ";", "!", "?"})
_VULGAR = {"½": " 1/2 ", "¼": " 1/4 ", "¾": " 3/4 ", "⅓": " 1/3 ", "⅔": " 2/3 "}
MAX_NUMBER = 1e12  # beyond this a "number" is noise (a pasted id), not an amount


def fold(text: str) -> str:
    """Lowercase without accents, with curly quotes straightened: "Sí, claro" → "si, claro"."""
    for glyph, spelled in _VULGAR.items():  # before NFKD, which would glue "2½" into "21⁄2"
        text = text.replace(glyph, spelled)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return text.casefold().replace("’", "'").replace("‘", "'")


def tokens(text: str) -> list[str]:
    """Fold ``text`` and split it into words, numbers, symbols and clause punctuation.

    Contractions are expanded ("don't" → "do not") so negation is always the word "not";
    "2-3" becomes "2 to 3" and other hyphens split words ("twenty-one", "uh-huh").
    """
    text = fold(text)
    for pattern, repl in _CONTRACTIONS:
        text = pattern.sub(repl, text)
    text = _DIGIT_RANGE.sub(" to ", text)
    text = _DIGIT_LETTER.sub(" ", text)
    text = re.sub(r"[-–—_]", " ", text)
    out: list[str] = []
    for tok in _TOKEN.findall(text):
        out.extend(_BARE_NEGATIONS.get(tok, tok).split())
    return out


def words(text: str) -> list[str]:
    """The tokens of ``text`` without punctuation or symbols."""
    return [t for t in tokens(text) if t[0].isalnum()]


def _listed(text: str) -> list[str]:
    """Word lists written as prose, one line of source per row of the table."""
    return text.split()


SMALL = {w: i for i, w in enumerate(_listed(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen"))}
# Spanish basics for the multilingual receptionist ("dos años", "treinta y cinco").
SMALL |= {w: i for i, w in enumerate(_listed(
    "cero uno dos tres cuatro cinco seis siete ocho nueve diez once doce trece catorce quince "
    "dieciseis diecisiete dieciocho diecinueve"))}
SMALL |= {"un": 1, "una": 1}
SMALL |= {"veinti" + w: 20 + SMALL[w]
          for w in _listed("uno dos tres cuatro cinco seis siete ocho nueve")}
TENS = {w: 10 * (i + 2) for i, w in enumerate(
    _listed("twenty thirty forty fifty sixty seventy eighty ninety"))}
TENS |= {w: 10 * (i + 2) for i, w in enumerate(
    _listed("veinte treinta cuarenta cincuenta sesenta setenta ochenta noventa"))}
SCALES = {"hundred": 100, "cien": 100, "ciento": 100, "thousand": 1000, "mil": 1000,
          "k": 1000, "grand": 1000}
# Words that stand for a number on their own; the vague ones make the reading approximate.
QUANTIFIERS = {"couple": (2.0, False), "pair": (2.0, False), "dozen": (12.0, False),
               "few": (3.0, True), "several": (3.0, True), "handful": (4.0, True),
               "half": (0.5, False), "medio": (0.5, False), "media": (0.5, False)}


@dataclass(frozen=True, slots=True)
class NumberRead:
    """A number found at ``tokens[start:end]``; ``approximate`` for "a few", "several"."""

    value: float
    start: int
    end: int
    approximate: bool = False


def _digits_value(tok: str) -> float | None:
    if not tok[0].isdigit():
        return None
    if "," in tok and "." not in tok:
        head, _, tail = tok.rpartition(",")
        # "1,000" is a thousands separator; "1,5" (Spanish) a decimal comma.
        tok = tok.replace(",", "") if len(tail) == 3 else head.replace(",", "") + "." + tail
    else:
        tok = tok.replace(",", "")
    try:
        value = float(tok)
    except ValueError:  # "1.2.3": not a number we can trust
        return None
    return value if value <= MAX_NUMBER else None


def _digit_word(tok: str) -> str | None:
    """A single spoken digit after "point": "five", "oh", "5"."""
    if tok == "oh":
        return "0"
    if tok.isdigit():
        return tok
    value = SMALL.get(tok)
    return str(value) if value is not None and value < 10 else None


def _fraction_after(toks: list[str], j: int, value: float) -> tuple[float, int]:
    """"1/2" right after a number ("2 1/2" → 2.5) or as the number itself ("1/2" → 0.5)."""

    def denominator(k: int) -> float | None:  # "/ 2" at k
        if k + 1 < len(toks) and toks[k] == "/" and toks[k + 1].isdigit():
            return float(toks[k + 1]) or None
        return None

    own = denominator(j)  # "1/2": value was the numerator
    if own is not None and value < own:
        return value / own, j + 2
    if j < len(toks) and toks[j].isdigit():
        mixed = denominator(j + 1)
        if mixed is not None and float(toks[j]) < mixed:  # "2 1/2": a mixed number
            return value + float(toks[j]) / mixed, j + 3
    return value, j


def half_after(toks: list[str], j: int) -> int:
    """Index after "and a half" / "and half" / "y medio" at ``j``, or ``j`` if absent."""
    if j < len(toks) and toks[j] in ("and", "y"):
        k = j + 1
        if k < len(toks) and toks[k] in ("a", "an"):
            k += 1
        if k < len(toks) and toks[k] in ("half", "medio", "media"):
            return k + 1
    return j


def read_number(toks: list[str], i: int) -> NumberRead | None:
    """Read the number that starts at ``toks[i]``, if one does.

    Handles digits ("2.5", "1,000", "10 k"), words ("twenty one", "one hundred and five",
    "treinta y dos"), "point five", "and a half", "a couple (of)", "a few", "half a",
    "a dozen". A bare "a"/"an" is not a number here: "a year" is the amount parser's call.
    """
    n = len(toks)
    tok = toks[i]
    approx = False
    j = i
    if tok in ("a", "an") and i + 1 < n and (toks[i + 1] in QUANTIFIERS or toks[i + 1] in SCALES):
        j = i + 1
        tok = toks[j]
    if tok in QUANTIFIERS and tok not in ("medio", "media"):
        value, approx = QUANTIFIERS[tok]
        j += 1
        if tok == "half" and j < n and toks[j] in ("a", "an"):
            j += 1  # "half a year"
        elif j < n and toks[j] == "of":
            j += 1  # "a couple of years"
        return NumberRead(value, i, j, approx)
    if tok in SCALES and j > i:  # "a hundred", "a thousand"
        value, j = float(SCALES[tok]), j + 1
    elif (value_d := _digits_value(tok)) is not None:
        value, j = value_d, j + 1
        if j < n and toks[j] in SCALES:
            value, j = value * SCALES[toks[j]], j + 1
        value, j = _fraction_after(toks, j, value)
    elif tok in SMALL or tok in TENS:
        value, j = _read_words(toks, j)
    else:
        return None
    if j + 1 < n and toks[j] == "point" and _digit_word(toks[j + 1]) is not None:
        k, digits = j + 1, ""
        while k < n and (d := _digit_word(toks[k])) is not None:
            digits += d
            k += 1
        value, j = float(f"{int(value)}.{digits}"), k
    after = half_after(toks, j)
    if after != j:
        value, j = value + 0.5, after
    return NumberRead(float(value), i, j, approx)


def _read_words(toks: list[str], j: int) -> tuple[float, int]:
    """Read "one hundred and twenty one" style numbers; stops before anything else."""
    total, current, last = 0, 0, ""
    n = len(toks)
    while j < n:
        tok = toks[j]
        if tok in SMALL and (last in ("", "hundred", "thousand")
                             or (last == "tens" and SMALL[tok] < 10 and SMALL[tok] > 0)):
            current += SMALL[tok]
            last = "small"
        elif tok in TENS and last in ("", "hundred", "thousand"):
            current += TENS[tok]
            last = "tens"
        elif tok in ("hundred", "cien", "ciento") and last in ("small", "tens"):
            current *= 100
            last = "hundred"
        elif tok in ("thousand", "mil") and last in ("small", "tens", "hundred"):
            total += current * 1000
            current, last = 0, "thousand"
        elif (tok in ("and", "y") and j + 1 < n and
              ((last in ("hundred", "thousand") and (toks[j + 1] in TENS or toks[j + 1] in SMALL))
               or (tok == "y" and last == "tens" and toks[j + 1] in SMALL))):
            pass  # "one hundred and five", "treinta y dos"; "and a half" is handled after
        else:
            break
        if last == "small" and SMALL.get(tok) == 0:
            j += 1
            break  # "zero" never continues
        j += 1
    return float(total + current), j


_SUFFIXES = ("ingly", "edly", "ments", "ment", "ness", "ings", "ing", "ied", "ies", "ed",
             "es", "ly", "er", "ers", "s")


def stem(word: str) -> str:
    """Light stemming so "operated", "operating" and "operates" meet: strip one suffix."""
    for suffix in _SUFFIXES:
        # Keep at least four letters ("never" is not "nev" + "er"), three for a plural "s".
        if word.endswith(suffix) and len(word) - len(suffix) >= (3 if suffix == "s" else 4):
            word = word[: -len(suffix)]
            if suffix in ("ied", "ies"):
                word += "y"
            break
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiou":
        word = word[:-1]  # "running" → "runn" → "run"
    return word[:-1] if len(word) > 3 and word.endswith("e") else word


def format_number(value: float) -> str:
    """3.0 → "3", 1.5 → "1.5", 2.333 → "2.33", 18000 → "18,000"."""
    if abs(value - round(value)) < 1e-9:
        return f"{round(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def excerpt(text: str, limit: int = 200) -> str:
    """The answer as evidence: whitespace collapsed, cut at a word boundary with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit - 1)
    return text[: cut if cut > limit // 2 else limit - 1] + "…"
