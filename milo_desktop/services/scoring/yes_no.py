"""Yes/no intents from speech or keypad: "yeah I do", "nope", "not really", "sí", keypad 1/2.

The answer is scanned left to right for the longest known phrase at each position
("i do not" beats "i do", "not sure" beats "not"). Each phrase says yes, no or unsure, and
whether it is a strong signal. Hedges ("maybe", "not sure", "yes and no") make the answer
unknown; a leading "yes"/"no" decides when the rest disagrees ("No, I have a car" is a no);
anything else that disagrees, or says nothing we know, is unknown and goes to review.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import product

from milo_desktop.services.scoring.text import tokens

_YES, _NO, _UNSURE, _NEUTRAL = "yes", "no", "unsure", "neutral"

# Uncertainty that also spoils an amount ("maybe three years"): shared with the amount parser.
UNCERTAIN = ("not sure", "unsure", "maybe", "perhaps", "possibly", "do not know", "dunno",
             "no idea", "no clue", "not certain", "hard to say", "can not remember",
             "do not remember", "not exactly sure", "no se", "tal vez", "quizas", "quiza",
             "no estoy seguro", "no estoy segura", "no me acuerdo", "no recuerdo")
_HEDGES = ("it depends", "depends", "sometimes", "kind of", "kinda", "sort of", "sorta",
           "yes and no", "yes or no", "more or less", "somewhat", "a little", "partly",
           "not exactly", "pardon", "repeat", "say that again", "a veces", "depende",
           "mas o menos", "si y no")
_YES_STRONG = ("yes", "yeah", "yea", "yep", "yup", "ya", "yah", "yeh", "yes sir", "yes maam",
               "sure", "absolutely", "definitely", "certainly", "of course", "correct", "right",
               "that is right", "that is correct", "affirmative", "indeed", "totally",
               "uh huh", "mhm", "mhmm", "mm hmm", "mmhmm", "you bet", "for sure", "sure thing",
               "positive", "true", "exactly", "without a doubt", "no doubt", "no problem",
               "not a problem", "no question", "you got it", "most definitely", "i am sure",
               "i am positive", "i do not mind", "yes please", "si", "claro", "claro que si",
               "por supuesto", "correcto", "cierto", "asi es", "desde luego", "tengo",
               "puedo", "si tengo", "si puedo")
_YES_WEAK = ("ok", "okay", "alright", "all right", "i think so", "i guess", "i guess so",
             "i believe so", "probably", "i suppose", "i suppose so", "pretty much", "mostly",
             "why not", "i would say so", "creo que si")
_NO_STRONG = ("no", "nope", "nah", "naw", "negative", "never", "no way", "not really",
              "not at all", "no sir", "no maam", "absolutely not", "definitely not",
              "certainly not", "of course not", "not yet", "not anymore", "not currently",
              "not right now", "incorrect", "wrong", "false", "uh uh", "not correct",
              "not right", "not true", "none", "nothing", "not me", "i do not think so",
              "no thanks", "no thank you", "i am afraid not", "afraid not", "unfortunately not",
              "sadly not", "not a chance", "not at the moment", "not at this time",
              "nunca", "para nada", "no gracias", "no tengo",
              "no puedo", "todavia no", "aun no", "tampoco")
_NO_WEAK = ("probably not", "i guess not", "i suppose not", "i do not believe so",
            "not that i know", "creo que no")
_NEUTRAL_PHRASES = ("right now", "no matter", "not only", "or not", "whether or not",
                    "i am afraid", "unfortunately", "to be honest", "honestly",
                    "you know", "i mean", "no one", "so far", "well", "um", "uh", "like")

_SUBJECTS = ("i", "we")
_ADVERBS = ("", "do", "really", "definitely", "certainly", "sure", "absolutely", "already",
            "still", "actually", "currently", "also", "totally")
_AUX = ("do", "have", "am", "can", "did", "will", "was", "would", "could", "got", "have got",
        "had", "should", "might")

INTERJECTIONS = frozenset({"yes", "yeah", "yea", "yep", "yup", "ya", "yah", "yeh", "sure",
                           "absolutely", "definitely", "of course", "correct", "no", "nope",
                           "nah", "naw", "negative", "si", "claro", "yes sir", "no sir"})


def _lexicon() -> dict[tuple[str, ...], tuple[str, bool]]:
    lex: dict[tuple[str, ...], tuple[str, bool]] = {}
    for polarity, strong, phrases in (
        (_YES, True, _YES_STRONG), (_YES, False, _YES_WEAK), (_NO, True, _NO_STRONG),
        (_NO, False, _NO_WEAK), (_UNSURE, False, UNCERTAIN + _HEDGES),
        (_NEUTRAL, False, _NEUTRAL_PHRASES),
    ):
        for phrase in phrases:
            lex[tuple(phrase.split())] = (polarity, strong)
    # "i do", "we really can", "i still have not", "i have never", "i have no"
    for subject, adverb, aux in product(_SUBJECTS, _ADVERBS, _AUX):
        base = (subject, *adverb.split(), *aux.split())
        lex.setdefault(base, (_YES, True))
        for negation in ("not", "never", "no"):
            lex[(*base, negation)] = (_NO, True)
        lex.setdefault((subject, *aux.split(), "not", *adverb.split()), (_NO, True))
    for aux in _AUX:  # "can't", "don't": the subject dropped
        lex.setdefault((*aux.split(), "not"), (_NO, True))
    return lex


_LEXICON = _lexicon()
_LONGEST = max(len(p) for p in _LEXICON)
_UNCERTAIN_KEYS = frozenset(tuple(p.split()) for p in UNCERTAIN)


@dataclass(frozen=True, slots=True)
class YesNo:
    """A yes/no intent: ``answer`` None when unknown; ``matched`` the phrase that decided."""

    answer: bool | None
    confident: bool
    matched: str = ""


def _scan(toks: list[str]) -> list[tuple[str, bool, str, int]]:
    """(polarity, strong, phrase, end) for each known phrase, longest match first."""
    found: list[tuple[str, bool, str, int]] = []
    i = 0
    while i < len(toks):
        for size in range(min(_LONGEST, len(toks) - i), 0, -1):
            key = tuple(toks[i:i + size])
            if key in _LEXICON:
                polarity, strong = _LEXICON[key]
                end = i + size
                if polarity == _NO and key[-1] in ("not", "never") and end < len(toks) \
                        and toks[end] == "not":
                    # "I don't not have one": a double negative, a yes; worth a second look.
                    polarity, strong, end = _YES, False, end + 1
                if polarity != _NEUTRAL:
                    found.append((polarity, strong, " ".join(toks[i:end]), end))
                i = end
                break
        else:
            i += 1
    return found


def has_uncertainty(toks: list[str]) -> bool:
    """Whether the folded tokens contain "not sure", "maybe", "no idea" or the like."""
    for size in {len(k) for k in _UNCERTAIN_KEYS}:
        for i in range(len(toks) - size + 1):
            if tuple(toks[i:i + size]) in _UNCERTAIN_KEYS:
                return True
    return False


def _keypad(digits: str | None, toks: list[str]) -> YesNo | None:
    keyed = "".join(c for c in (digits or "") if c.isdigit())
    if keyed:
        if keyed in ("1", "2"):
            return YesNo(keyed == "1", True, f"pressed {keyed}")
        return YesNo(None, False, f"pressed {keyed}")
    # A transcript of just "1" / "press two": the caller spoke the keypad choice.
    rest = [t for t in toks if t not in ("press", "pressed", "number", "option", "the", "i",
                                          ".", ",", "!")]
    if len(rest) == 1 and rest[0] in ("1", "one", "2", "two", "y", "n"):
        # "Y"/"N" are SMS replies; on their own they are not Spanish "y" (and).
        return YesNo(rest[0] in ("1", "one", "y"), True, " ".join(toks))
    return None


def parse_yes_no(answer: str, digits: str | None = None) -> YesNo:
    """The caller's yes/no intent from speech (``answer``) or keypad (1 = yes, 2 = no).

    Never raises: text we cannot read comes back ``YesNo(None, confident=False)``.
    """
    toks = tokens(answer or "")
    keyed = _keypad(digits, toks)
    if keyed is not None:
        return keyed
    if has_uncertainty(toks):  # checked everywhere: "i do not know" must not read as "i do not"
        return YesNo(None, False, "unsure")
    signals = _scan(toks)
    unsure = [s for s in signals if s[0] == _UNSURE]
    if unsure:
        return YesNo(None, False, unsure[0][2])
    if not signals:
        return YesNo(None, False, "")
    first = signals[0]
    agreeing = [s for s in signals if s[0] == first[0]]
    if len(agreeing) == len(signals):
        return YesNo(first[0] == _YES, any(s[1] for s in signals), first[2])
    # They disagree. A leading "yes"/"no" is the answer and the rest explains it
    # ("No, I have a car"), unless another interjection contradicts it ("yeah, no").
    opposing_interjection = any(s[2] in INTERJECTIONS for s in signals if s[0] != first[0])
    if first[1] and first[2] in INTERJECTIONS and not opposing_interjection:
        return YesNo(first[0] == _YES, True, first[2])
    return YesNo(None, False, " / ".join(s[2] for s in signals[:3]))
