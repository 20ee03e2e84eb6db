"""The LLM evaluator against a fake OpenAI-compatible endpoint on a real local socket:
success, 401, 429 then success, malformed replies, offline — and the settings + factory that
pick it for a stage, on SQLite and PostgreSQL."""

from __future__ import annotations

import email.utils
import json
import socket
from typing import Any

import pytest
from sqlalchemy import select

from milo_desktop.enums import QuestionKind, StageKind
from milo_desktop.errors import ValidationProblem
from milo_desktop.models import Answer, StageResult, WorkspaceSetting
from milo_desktop.services.applications import ApplicationsService
from milo_desktop.services.connectors import AuthFailed
from milo_desktop.services.core.credentials import CredentialStore
from milo_desktop.services.scoring import RUBRIC, QuestionSpec, RubricEvaluator
from milo_desktop.services.scoring.llm import FALLBACK, LlmEvaluator, _retry_after
from milo_desktop.services.scoring.llm_config import KEY, LlmConfig, LlmSettings
from milo_desktop.services.workspace import Workspace
from tests.factories import make_application, make_candidate, make_interviewer
from tests.fake_llm import Reply, completion, fake_llm
from tests.integration.test_applications_service import add_questions
from tests.keychains import LockedKeychain, MemoryKeychain

QUESTION = QuestionSpec("7", QuestionKind.SCORED, "Tell us about your forklift experience",
                        rubric_low="never drove one", rubric_high="years on reach forklifts")
ANSWER = "I drove reach forklifts for four years. I kept a clean safety record."


class Waits:
    """Records the back-off waits instead of sleeping through them."""

    def __init__(self) -> None:
        self.seconds: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.seconds.append(seconds)


def evaluator(base_url: str, waits: Waits | None = None, **kw: Any) -> LlmEvaluator:
    return LlmEvaluator(base_url, "fake-model", "sk-test-123", sleep=waits or Waits(), **kw)


def test_success(arun: Any) -> None:
    with fake_llm() as server:
        e = arun(evaluator(server.base_url).evaluate(QUESTION, ANSWER))
    assert (e.score, e.evaluator, e.confident) == (4, "llm:fake-model", True)
    assert e.summary == "LLM 4/5: Judged by the fake endpoint."
    assert e.evidence == "I drove reach forklifts for four years"
    (request,) = server.requests
    assert request["path"] == "/v1/chat/completions"
    assert request["authorization"] == "Bearer sk-test-123"
    body = request["json"]
    assert body["model"] == "fake-model" and body["response_format"] == {"type": "json_object"}
    user = body["messages"][-1]["content"]
    assert "years on reach forklifts" in user and "never drove one" in user and ANSWER in user


@pytest.mark.expect_log_warnings
def test_401_falls_back_to_the_rubric_once(arun: Any) -> None:
    refused = Reply(401, {"error": {"message": "Incorrect API key"}})
    with fake_llm([refused, refused]) as server:
        llm = evaluator(server.base_url)
        first = arun(llm.evaluate(QUESTION, ANSWER))
        second = arun(llm.evaluate(QUESTION, "Never drove one, sorry."))
        assert len(server.requests) == 1  # a refused key is not tried again per answer
        with pytest.raises(AuthFailed, match="refused the API key"):
            arun(evaluator(server.base_url).test())
    rubric = RubricEvaluator().score(QUESTION, ANSWER)
    assert first.evaluator == second.evaluator == FALLBACK
    assert first.score == rubric.score
    assert first.summary.endswith("(LLM unavailable: the API key was refused)")


def test_429_honours_retry_after_then_succeeds(arun: Any) -> None:
    waits = Waits()
    busy = Reply(429, {"error": {"message": "Rate limit"}}, {"Retry-After": "3"})
    with fake_llm([busy, Reply(503, "oops")]) as server:
        e = arun(evaluator(server.base_url, waits).evaluate(QUESTION, ANSWER))
    assert e.evaluator == "llm:fake-model" and e.score == 4
    assert len(server.requests) == 3
    assert waits.seconds == [3.0, 2.0]  # the header's 3 s, then back-off for the 503


def test_still_busy_or_too_long_a_wait_falls_back(arun: Any) -> None:
    waits = Waits()
    busy = [Reply(429, {}, {"Retry-After": "1"}) for _ in range(3)]
    with fake_llm(busy) as server:
        e = arun(evaluator(server.base_url, waits, max_attempts=3).evaluate(QUESTION, ANSWER))
    assert e.evaluator == FALLBACK and "stayed busy" in e.summary
    assert waits.seconds == [1.0, 1.0]
    with fake_llm([Reply(429, {}, {"Retry-After": "3600"})]) as server:
        e = arun(evaluator(server.base_url, waits).evaluate(QUESTION, ANSWER))
    assert e.evaluator == FALLBACK and len(server.requests) == 1


@pytest.mark.parametrize("content", [
    "I would give this a 4.",
    '{"score": 9, "summary": "too high"}',
    '{"score": "four"}',
    "[4]",
    '{"summary": "no score"',
    '{"score": NaN}',
    '{"score": "Infinity"}',
    '{"score": 1e400}',
])
def test_malformed_reply_falls_back(arun: Any, content: str) -> None:
    with fake_llm([Reply(200, completion(content))]) as server:
        e = arun(evaluator(server.base_url).evaluate(QUESTION, ANSWER))
    assert e.evaluator == FALLBACK
    assert "(LLM unavailable: its reply could not be read)" in e.summary


@pytest.mark.parametrize("reply", [
    Reply(200, {"choices": []}),
    Reply(200, "<html>gateway</html>"),
    Reply(404, {"error": "no such model"}),
])
def test_not_a_completion_falls_back(arun: Any, reply: Reply) -> None:
    with fake_llm([reply]) as server:
        assert arun(evaluator(server.base_url).evaluate(QUESTION, ANSWER)).evaluator == FALLBACK


def test_json_inside_prose_and_servers_without_json_mode(arun: Any) -> None:
    fenced = "Sure!\n```json\n{\"score\": 5, \"summary\": \"Strong.\", " \
             "\"evidence\": \"not in the answer\"}\n```"
    no_json_mode = Reply(400, {"error": {"message": "response_format is not supported"}})
    with fake_llm([no_json_mode, Reply(200, completion(fenced))]) as server:
        e = arun(evaluator(server.base_url).evaluate(QUESTION, ANSWER))
    assert (e.score, e.evaluator) == (5, "llm:fake-model")
    assert e.evidence == ANSWER  # a "quote" not in the answer is replaced by the answer
    assert "response_format" not in server.requests[1]["json"]


def test_offline_falls_back(arun: Any) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed once we leave: nobody listens there
    e = arun(evaluator(f"http://127.0.0.1:{port}/v1", timeout=3).evaluate(QUESTION, ANSWER))
    assert e.evaluator == FALLBACK and "could not be reached" in e.summary


def test_retry_after_forms() -> None:
    assert _retry_after("7", 0) == 7.0
    when = email.utils.formatdate(1_000_030, usegmt=True)
    assert _retry_after(when, 1_000_000) == pytest.approx(30.0)
    assert _retry_after("soon", 0) is None and _retry_after(None, 0) is None


# ----------------------------------------------------------------------------- settings


def test_settings_and_factory_pick_the_evaluator(workspace: Workspace, arun: Any) -> None:
    keychain = MemoryKeychain()
    config = LlmConfig(workspace.db, CredentialStore(keychain))
    assert arun(config.load()) == LlmSettings()  # off by default
    assert isinstance(arun(config.evaluator()), RubricEvaluator)
    with fake_llm() as server:
        on = LlmSettings(True, server.base_url + "/", "fake-model")
        with pytest.raises(ValidationProblem, match="API key"):
            arun(config.save(on))
        with pytest.raises(ValidationProblem, match="endpoint URL"):
            arun(config.save(LlmSettings(True, "ftp://x", "m"), "sk-1"))
        assert arun(config.test(server.base_url, "fake-model", "sk-live")).startswith(
            "fake-model answered")
        saved = arun(config.save(on, "sk-live"))
        assert saved.base_url == server.base_url  # trailing slash dropped
        assert keychain.items[("Milo Desktop", KEY)] == "sk-live"
        stored = workspace.db.run_sync(lambda s: s.get(WorkspaceSetting, "llm.settings").value)
        assert "sk-live" not in json.dumps(stored)

        iv = make_interviewer(workspace, stages=(StageKind.VOICE,))
        stage, (key,) = add_questions(workspace, iv, 0, dict(
            kind=QuestionKind.SCORED, prompt="Forklift experience?", weight=1.0,
            rubric_low="none", rubric_high="years on forklifts"))
        app = make_application(workspace, make_candidate(workspace, "Ann Lee"), iv)
        service = ApplicationsService(workspace.db, workspace.bus, config.evaluator)
        advance = arun(service.complete_stage(app, stage, {key: "Five years on a forklift."}))
    assert advance.completed and advance.score == 75.0  # the fake's 4/5

    def stored_names(s: Any) -> tuple[str | None, list[str | None]]:
        result = s.scalar(select(StageResult).where(StageResult.application_id == app))
        return result.evaluator, list(s.scalars(select(Answer.evaluator)))

    assert workspace.db.run_sync(stored_names) == ("llm:fake-model", ["llm:fake-model"])

    arun(config.forget_key())
    assert arun(config.load()).enabled is False


def test_switched_on_without_a_usable_key_says_so(workspace: Workspace, arun: Any) -> None:
    keychain = LockedKeychain()
    keychain.locked = False
    config = LlmConfig(workspace.db, CredentialStore(keychain))
    arun(config.save(LlmSettings(True, "http://127.0.0.1:9/v1", "m"), "sk-1"))
    keychain.locked = True
    chosen = arun(config.evaluator())
    assert chosen.name == FALLBACK
    e = arun(chosen.evaluate(QUESTION, ANSWER))
    assert e.evaluator == FALLBACK and "LLM unavailable" in e.summary
    assert e.score == RubricEvaluator().score(QUESTION, ANSWER).score
    assert RUBRIC != FALLBACK
