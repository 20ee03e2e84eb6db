"""The LLM evaluator's settings and the evaluator factory ``ApplicationsService`` uses.

Off by default. The endpoint, model and on/off switch are workspace settings (key
``llm.settings``, so every desktop on a team database scores alike); the API key lives only
in the OS keychain (``llm:api_key``). ``evaluator()`` picks the evaluator for each stage:
the rubric when the LLM is off; the LLM when on; and when on but unusable (no key, locked
keychain) the rubric under the name "rubric (llm unavailable)", so the score says so.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import httpx

from milo_desktop.errors import ValidationProblem
from milo_desktop.services.connectors.twilio.integration import (
    DatabaseSettings,
    SettingsStore,
    check_base_url,
)
from milo_desktop.services.core.credentials import (
    CredentialsLocked,
    CredentialStore,
    CredentialsUnavailable,
)
from milo_desktop.services.core.database import Database
from milo_desktop.services.scoring.llm import FALLBACK, LlmEvaluator
from milo_desktop.services.scoring.rubric import RubricEvaluator
from milo_desktop.services.scoring.spec import Evaluation, Evaluator, FlowQuestionSpec

KEY = "llm:api_key"
SETTING = "llm.settings"
DEFAULT_BASE_URL = "https://api.openai.com/v1"
DEFAULT_MODEL = "gpt-4o-mini"
MODEL_MAX = 36  # "llm:" + model fits the 40-character evaluator column


@dataclass(frozen=True)
class LlmSettings:
    enabled: bool = False
    base_url: str = DEFAULT_BASE_URL
    model: str = DEFAULT_MODEL

    def as_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, value: Any) -> LlmSettings:
        if not isinstance(value, dict):
            return cls()
        return cls(enabled=value.get("enabled") is True,
                   base_url=str(value.get("base_url") or DEFAULT_BASE_URL),
                   model=str(value.get("model") or DEFAULT_MODEL))


class UnavailableRubric:
    """The rubric evaluator standing in for an LLM that is switched on but cannot be used."""

    name = FALLBACK

    def __init__(self, why: str) -> None:
        self.why = why
        self.rubric = RubricEvaluator()

    async def evaluate(self, question: FlowQuestionSpec, answer_text: str) -> Evaluation:
        e = self.rubric.score(question, answer_text)
        return dataclasses.replace(e, evaluator=self.name,
                                   summary=f"{e.summary} (LLM unavailable: {self.why})")


def check_settings(base_url: str, model: str) -> tuple[str, str]:
    url = check_base_url(base_url, "endpoint URL")
    if url is None:
        raise ValidationProblem("Enter the endpoint URL, e.g. https://api.openai.com/v1.")
    model = model.strip()
    if not model:
        raise ValidationProblem("Enter the model name, e.g. gpt-4o-mini.")
    if len(model) > MODEL_MAX or any(c.isspace() for c in model):
        raise ValidationProblem(f"The model name must be one word of at most {MODEL_MAX} "
                                "characters.")
    return url, model


class LlmConfig:
    """Settings card operations and the evaluator factory (``evaluator``)."""

    def __init__(self, settings_store: SettingsStore | Database, credentials: CredentialStore,
                 *, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.settings = (DatabaseSettings(settings_store)
                         if isinstance(settings_store, Database) else settings_store)
        self.credentials = credentials
        self.transport = transport  # tests and proxies; None: real network

    async def load(self) -> LlmSettings:
        return LlmSettings.from_json(await self.settings.get(SETTING))

    async def has_key(self) -> bool:
        try:
            return bool(await self.credentials.get(KEY))
        except (CredentialsLocked, CredentialsUnavailable):
            return False

    async def save(self, settings: LlmSettings, api_key: str | None = None) -> LlmSettings:
        """Store the settings (and the key in the keychain, when given). Switching on without
        any key is refused."""
        url, model = check_settings(settings.base_url, settings.model)
        key = (api_key or "").strip()
        if key:
            await self.credentials.set(KEY, key)
        elif settings.enabled and not await self.has_key():
            raise ValidationProblem("Enter the API key to switch the LLM evaluator on.")
        saved = LlmSettings(settings.enabled, url, model)
        await self.settings.set(SETTING, saved.as_json())
        return saved

    async def forget_key(self) -> None:
        await self.credentials.delete(KEY)
        current = await self.load()
        if current.enabled:
            await self.settings.set(SETTING, dataclasses.replace(current, enabled=False)
                                    .as_json())

    async def test(self, base_url: str, model: str, api_key: str | None = None) -> str:
        """Try the endpoint with the given key (else the stored one); raises AuthFailed,
        Offline, ServiceUnavailable or ValidationProblem with a message for the card."""
        url, model = check_settings(base_url, model)
        key = (api_key or "").strip() or await self.credentials.get(KEY)
        if not key:
            raise ValidationProblem("Enter the API key to test the endpoint.")
        return await LlmEvaluator(url, model, key, transport=self.transport, max_attempts=2,
                                  timeout=20.0).test()

    async def evaluator(self) -> Evaluator:
        """The evaluator factory: see the module's docstring."""
        settings = await self.load()
        if not settings.enabled:
            return RubricEvaluator()
        try:
            key = await self.credentials.get(KEY)
        except (CredentialsLocked, CredentialsUnavailable) as exc:
            return UnavailableRubric(exc.message.split(".")[0].lower())
        if not key:
            return UnavailableRubric("no API key is stored")
        return LlmEvaluator(settings.base_url, settings.model, key, transport=self.transport)
