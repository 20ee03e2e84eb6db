"""Keywords: the word a candidate texts to an interviewer's number — validated (letters and
digits, not a carrier's STOP/HELP/START word), case-insensitive, unique per number, with a
default from the interviewer's slug."""

from __future__ import annotations

from typing import Any

import pytest

from milo_desktop.errors import ValidationProblem
from milo_desktop.services.entry.keywords import (
    default_keyword,
    keywords_on,
    problem_with,
    set_keyword,
)
from milo_desktop.services.workspace import Workspace
from tests.factories import make_interviewer

NUMBER = "+12145550142"
OTHER = "+12145550143"


@pytest.mark.parametrize("word", ["FORKLIFT", "forklift", "Cook2", "  NIGHTS  ", "A1"])
def test_valid_keywords(word: str) -> None:
    assert problem_with(word) is None


@pytest.mark.parametrize(("word", "says"), [
    ("", "Enter a keyword"),
    ("STOP", "reserve for opting in or out"),
    ("help", "reserve for opting in or out"),
    ("Start", "reserve for opting in or out"),
    ("unsubscribe", "reserve for opting in or out"),
    ("fork-lift", "2 to 20 letters or digits"),
    ("café", "2 to 20 letters or digits"),
    ("X", "2 to 20 letters or digits"),
    ("A" * 21, "2 to 20 letters or digits"),
    ("{{link}}", "2 to 20 letters or digits"),
])
def test_invalid_keywords_say_why(word: str, says: str) -> None:
    problem = problem_with(word)
    assert problem is not None and says in problem


def test_default_keyword_comes_from_the_slug_and_avoids_taken_words() -> None:
    assert default_keyword("forklift-operator-nights") == "FORKLIFT"
    assert default_keyword("the-line-cook") == "LINE"
    assert default_keyword("forklift-dallas", {"FORKLIFT"}) == "FORKLIFT2"
    assert default_keyword("forklift-dallas", {"FORKLIFT", "FORKLIFT2"}) == "FORKLIFT3"
    assert default_keyword("stop-and-go") == "GO"  # never a reserved word
    assert default_keyword("x") == "APPLY"
    assert problem_with(default_keyword("a" * 80)) is None  # cut to fit


def test_keywords_are_unique_per_number_whatever_the_case(workspace: Workspace) -> None:
    forklift = make_interviewer(workspace, "Forklift Operator", slug="forklift")
    cook = make_interviewer(workspace, "Line Cook", slug="line-cook")
    other = make_interviewer(workspace, "Night Cook", slug="night-cook")

    def write(s: Any) -> list[str]:
        words = [set_keyword(s, forklift, NUMBER, "forklift"),
                 set_keyword(s, cook, NUMBER, None)]
        with pytest.raises(ValidationProblem, match="already the keyword of “Forklift "
                                                    "Operator”"):
            set_keyword(s, other, NUMBER, "ForkLift")
        words.append(set_keyword(s, other, OTHER, "FORKLIFT"))  # another number: fine
        with pytest.raises(ValidationProblem, match="reserve"):
            set_keyword(s, other, OTHER, "stop")
        return words

    assert workspace.db.run_sync(write, write=True) == ["FORKLIFT", "LINE", "FORKLIFT"]
    on_number = workspace.db.run_sync(lambda s: keywords_on(s, NUMBER))
    assert [(k.keyword, k.interviewer_name) for k in on_number] == [
        ("FORKLIFT", "Forklift Operator"), ("LINE", "Line Cook")]
    # Changing one's keyword frees the old word for another interviewer.
    workspace.db.run_sync(lambda s: set_keyword(s, forklift, NUMBER, "LIFT"), write=True)
    assert workspace.db.run_sync(lambda s: set_keyword(s, other, NUMBER, "forklift"),
                                 write=True) == "FORKLIFT"
