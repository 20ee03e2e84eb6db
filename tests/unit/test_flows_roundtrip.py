"""Compiler -> checks -> simulator -> answers, over many generated receptionists and callers."""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from milo_desktop.enums import LanguageMode, QuestionKind
from milo_desktop.services.flows import (
    AnswerKey,
    CallerAction,
    CustomContext,
    Disclosures,
    Keys,
    QuestionSpec,
    ReceptionistConfig,
    ScriptedCaller,
    Silence,
    Speech,
    answer_widgets,
    check_definition,
    compile_receptionist,
    extract_answers,
    simulate,
)
from milo_desktop.services.flows.liquid import escape, render

# Fragments that break naive templating, quoting and encodings.
AWKWARD = ["{{", "}}", "{%", "%}", "{% endraw %}", '"', "'", "\\", "\n", "😀", "ñ", "&", "<b>", ","]
_plain = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=12
)


def awkward_text(max_size: int) -> st.SearchStrategy[str]:
    """Non-blank text up to ``max_size`` characters mixing plain and awkward fragments."""
    pieces = st.lists(st.sampled_from(AWKWARD) | _plain, min_size=1, max_size=8)
    return pieces.map(lambda p: ("A " + "".join(p))[:max_size])


@st.composite
def questions(draw: st.DrawFn) -> tuple[QuestionSpec, ...]:
    ids = draw(
        st.lists(st.from_regex(r"[A-Za-z0-9_]{1,12}", fullmatch=True), min_size=1,
                 max_size=15, unique_by=str.lower)
    )
    out = []
    for qid in ids:
        kind = draw(st.sampled_from(list(QuestionKind)))
        prompt = draw(awkward_text(300))
        if kind is QuestionKind.YES_NO:
            q = QuestionSpec(qid, kind, prompt, expected_yes=draw(st.booleans()),
                             dealbreaker=draw(st.booleans()))
        elif kind is QuestionKind.MIN_AMOUNT:
            q = QuestionSpec(qid, kind, prompt, min_value=draw(st.floats(0, 50)),
                             unit=draw(st.sampled_from(["years", "months", "lbs", "km"])))
        elif kind is QuestionKind.MULTIPLE_CHOICE:
            n = draw(st.integers(2, 9))
            words = draw(st.lists(awkward_text(20), min_size=n, max_size=n))
            choices = tuple(f"{w} {i}" for i, w in enumerate(words, 1))
            q = QuestionSpec(qid, kind, prompt, choices=choices, accepted_choices=choices[:1])
        else:
            q = QuestionSpec(qid, kind, prompt, weight=draw(st.floats(0, 5)))
        out.append(q)
    return tuple(out)


@st.composite
def configs(draw: st.DrawFn) -> ReceptionistConfig:
    collect = draw(st.booleans())
    enforce = collect and draw(st.booleans())
    return ReceptionistConfig(
        agent_name=draw(awkward_text(60)),
        intro_message=draw(st.one_of(awkward_text(800), st.just("x" * 800))),
        questions=draw(questions()),
        voice=draw(st.sampled_from(["Polly.Joanna", "alice", "Google.en-US-Neural2-F"])),
        language_mode=draw(st.sampled_from(list(LanguageMode))),
        disclosures=Disclosures(draw(st.booleans()), draw(st.booleans()), draw(st.booleans())),
        collect_location=collect,
        enforce_job_location_match=enforce,
        job_locations=("Dallas, TX", "Austin") if enforce else (),
        custom_context=CustomContext(
            open_positions=draw(st.sampled_from(["", "Pickers {{and}} packers"])),
            pay=draw(st.sampled_from(["", "$18/h"])),
        ),
        manual_approval=draw(st.booleans()),
        routing_threshold=draw(st.integers(0, 100)),
        from_number=draw(st.sampled_from([None, "+14155550199"])),
    )


@dataclass
class Script:
    caller: ScriptedCaller
    name: str  # "" when not given
    expected: dict[str, tuple[str, str]]  # question id -> (raw text, widget)
    asked: list[str]  # question ids whose prompt was spoken
    hung_up: bool
    reaches_sms: bool


@st.composite
def scripts(draw: st.DrawFn, config: ReceptionistConfig) -> Script:
    answers: dict[str, CallerAction] = {"language_menu": draw(st.sampled_from([Keys("1"), Silence()]))}
    name = draw(st.sampled_from(["", "Jane O'Neil", "José {{Núñez}}"]))
    answers["ask_name"] = Speech(name) if name else Silence()
    answers["ask_callback"] = draw(st.sampled_from([Keys("4155550123#"), Silence(), Keys("12#")]))
    answers["ask_location"] = Speech("I live in Dallas")
    hang_at = draw(st.sampled_from([None, "ask_name", "voicemail", *(f"q_{q.id}" for q in config.questions)]))
    expected: dict[str, tuple[str, str]] = {}
    asked: list[str] = []
    hung = hang_at in ("ask_name",)
    for q in config.questions:
        first, again = answer_widgets(q.id)
        if hung:
            break
        asked.append(q.id)
        if hang_at == first:
            hung = True
            break
        mode = draw(st.sampled_from(["speech", "keys", "retry", "silent"]))
        if q.kind is QuestionKind.YES_NO:
            digits = draw(st.sampled_from(["1", "2"]))
        elif q.kind is QuestionKind.MULTIPLE_CHOICE:
            digits = str(draw(st.integers(1, len(q.choices))))
        else:
            digits = str(draw(st.integers(0, 40)))
        speech = draw(awkward_text(80))
        if mode == "speech":
            answers[first] = Speech(speech)
            expected[q.id] = (speech, first)
        elif mode == "keys":
            answers[first] = Keys(digits + "#")
            expected[q.id] = (digits, first)
        elif mode == "retry":
            answers[first], answers[again] = Silence(), Speech(speech)
            expected[q.id] = (speech, again)
        else:
            answers[first] = answers[again] = Silence()
    answers["voicemail"] = Speech("I can start on Monday")
    reply = draw(st.sampled_from([None, "YES", "my name is Jo"]))
    caller = ScriptedCaller(
        answers=answers, sms_replies={"confirm_sms": reply} if reply else {}, hang_up_at=hang_at
    )
    if hang_at == "voicemail":
        hung = True
    return Script(caller, "" if hang_at == "ask_name" else name, expected, asked,
                  hang_at is not None, hang_at in (None, "voicemail"))


@settings(max_examples=60, deadline=None)
@given(data=st.data(), config=configs())
def test_compile_simulate_extract_round_trip(data: st.DataObject, config: ReceptionistConfig) -> None:
    assert config.validate() == []
    definition = compile_receptionist(config)
    assert check_definition(definition) == []
    assert json.loads(json.dumps(definition)) == definition  # what the Flows API receives
    script = data.draw(scripts(config))

    result = simulate(definition, script.caller)

    steps = result.steps
    assert steps[-1].transitioned_to == "Ended"
    assert all(s.transitioned_to != "Ended" for s in steps[:-1])
    assert all(a.transitioned_to == b.transitioned_from for a, b in itertools.pairwise(steps))
    assert result.outcome == ("hung_up" if script.hung_up else "completed")
    said = result.agent_text()
    assert config.intro_message.strip() in said
    for qid in script.asked:
        prompt = next(q.prompt.strip() for q in config.questions if q.id == qid)
        assert prompt in said

    widgets = result.context["widgets"]
    for text, widget in script.expected.values():
        entry = widgets[widget]
        assert text in (entry["SpeechResult"], entry["Digits"])
    answers = extract_answers(result.context, config)
    got = {a.question_id: (a.text, a.widget) for a in answers if a.key is AnswerKey.QUESTION and a.answered}
    assert got == script.expected
    assert [a.question_id for a in answers if a.key is AnswerKey.QUESTION] == [q.id for q in config.questions]
    name = next(a for a in answers if a.key is AnswerKey.NAME)
    assert name.text == script.name

    sms = widgets.get("confirm_sms")
    assert (sms is not None) == script.reaches_sms
    if sms is not None:
        callback = next(a for a in answers if a.key is AnswerKey.CALLBACK)
        body = sms["outbound"]["Body"]
        assert f"Name: {script.name}\n" in body
        assert (callback.value or "+14155550100") in body
        reply = next(a for a in answers if a.key is AnswerKey.CONFIRMATION)
        assert reply.text == script.caller.sms_replies.get("confirm_sms", "")


@settings(max_examples=60, deadline=None)
@given(text=st.text(alphabet=st.characters(blacklist_categories=("Cs",))) | awkward_text(200))
def test_escaped_text_renders_back_unchanged(text: str) -> None:
    assert render(escape(text), {"widgets": {"x": {"SpeechResult": "boom"}}}) == text

