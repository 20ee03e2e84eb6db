"""Whether two names are the same person's, give or take case, accents, punctuation, a middle
name and initials: the rule every source's linking uses (pipeline/matching.py for callers,
candidates/identity.py for everyone else)."""

from __future__ import annotations

import unicodedata


def _words(name: str) -> list[str]:
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return "".join(c if c.isalnum() else " " for c in plain).split()


def _same_word(x: str, y: str) -> bool:
    # An initial stands for the word it starts ("R." for "Ruiz").
    return x == y or (len(x) == 1 and y.startswith(x)) or (len(y) == 1 and x.startswith(y))


def names_agree(a: str, b: str) -> bool:
    """The same person's name, give or take case, accents, punctuation, a middle name and
    initials: first and last words agree ("Keisha Haddad" / "keisha m. haddad" /
    "Keisha H."). An empty name agrees with nothing."""
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return False
    if len(wa) == 1 or len(wb) == 1:
        return wa == wb
    return _same_word(wa[0], wb[0]) and _same_word(wa[-1], wb[-1])


__all__ = ["names_agree"]
