"""What a demo candidate said: a finished stage's answers with scores and evidence, its
transcript (a call, a text exchange or a form), and the candidate's 1–5 rating of it.

Pure functions of an rng and the stage, so ``people`` can give them to the applications it
details (a bounded number: see ``people.DETAILED_CANDIDATES``) without slowing the hot loop.
The transcripts are shaped like the real ones: a call like ``call_evaluation.transcript``
writes it ("Agent: …" / "Caller: …"), a text screening with "(text)" speakers, a form like
the kiosk's "Q: … / A: …".
"""

from __future__ import annotations

from dataclasses import dataclass
from random import Random

from milo_desktop.services.demo import data
from milo_desktop.services.demo.base import StageInfo

RATED_KINDS = frozenset({"voice", "sms", "form"})  # stages that end with the optional rating
RATED_SHARE = 0.45  # of the finished rated stages, how many candidates gave a rating


@dataclass(frozen=True, slots=True)
class DemoAnswer:
    question_id: int
    prompt: str
    text: str
    score: float | None  # 1–5, scored questions
    passed: bool | None  # structured questions
    summary: str
    evidence: str


def rating(rng: Random, target: float | None) -> int | None:
    """A candidate's rating of a finished stage around the interviewer's ``target`` mean, or
    None (skipped; or ``target`` None: the stage does not ask)."""
    if target is None or rng.random() >= RATED_SHARE:
        return None
    return min(5, max(1, round(rng.gauss(target, 0.75))))


def answers(rng: Random, st: StageInfo, quality: float, passed: int,
            knocked_out: bool) -> list[DemoAnswer]:
    """One answer per question: scored ones near ``quality`` (0–100), structured ones passing
    ``passed`` of them; a knocked-out stage fails its first dealbreaker."""
    fails = st.n_structured - passed
    breaker = next((q["id"] for q in st.questions if q["dealbreaker"]), None) \
        if knocked_out else None
    reserved = breaker is not None  # one failure is the dealbreaker's, still to come
    out = []
    for q in st.questions:
        if q["kind"] == "scored":
            points = float(min(5, max(1, round(quality / 20 + rng.gauss(0, 0.6)))))
            ok, result = points >= 3, None
            summary = ("Specific, relevant and well explained." if points >= 4 else
                       "Relevant but thin on detail." if ok else "Vague; no example.")
            score: float | None = points
        else:
            if q["id"] == breaker:
                ok, reserved = False, False
            else:
                ok = not (fails - reserved > 0 and not q["dealbreaker"])
            fails -= not ok
            score, result = None, ok
            summary = ("Meets the requirement." if ok else
                       "Dealbreaker not met: the screening ended here." if q["id"] == breaker
                       else "Does not meet the requirement.")
        text = data.sample_answer(q, ok, rng)
        out.append(DemoAnswer(q["id"], q["prompt"], text, score, result, summary, text[:160]))
    return out


def transcript(kind: str, first: str, title: str, said: list[DemoAnswer], asked_rating: bool,
               given: int | None, rng: Random) -> str:
    """The stage's transcript as the app would have stored it ("" for a résumé)."""
    if kind == "form":
        lines = [f"Q: {a.prompt}\nA: {a.text}" for a in said]
        if asked_rating:
            lines.append(f"Q: How would you rate this form?\nA: {given or '(skipped)'}")
        return "\n\n".join(lines)
    if kind == "sms":
        out = [f"Agent (text): Hi {first}! This is the hiring team for the {title} position. "
               "Please answer a few short questions by replying to each text."]
        for a in said:
            out += [f"Agent (text): {a.prompt}", f"Caller (text): {a.text}"]
        if asked_rating:
            out.append("Agent (text): That was the last question, thank you! Optional: how "
                       "would you rate this screening from 1 (poor) to 5 (excellent)? Reply "
                       "with a number, or SKIP.")
            if given is not None:
                out += [f"Caller (text): {given}", "Agent (text): Thank you! We have your "
                        "answers. The hiring team will be in touch."]
        else:
            out.append("Agent (text): Thank you! We have your answers. The hiring team will be "
                       "in touch.")
        return "\n".join(out)
    if kind != "voice":
        return ""
    n = len(said)
    out = [f"Agent: Hi {first}. This is an automated call from the hiring team about your "
           f"application for the {title} position. I have {n} short question"
           f"{'s' if n != 1 else ''}. Just so you know, I am an automated AI assistant, not a "
           "person. This call is recorded for quality and hiring purposes."]
    for a in said:
        out += [f"Agent: {a.prompt}", f"Caller: {a.text}"]
    if asked_rating:
        out.append("Agent: Thank you for your answers. One optional thing before you go: how "
                   "would you rate this call, from 1 for poor to 5 for excellent? Say or press "
                   "a number, or say skip.")
        out.append("Caller: (no answer)" if given is None else
                   f"Caller: [keypad] {given}" if rng.random() < 0.6 else f"Caller: {given}")
    out.append("Agent: Thank you, that was my last question. The hiring team will review your "
               "answers and be in touch. Goodbye.")
    return "\n".join(out)
