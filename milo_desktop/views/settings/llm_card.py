"""The LLM evaluator card: endpoint, model, API key, on/off, Test and Save.

Off by default: the built-in rubric scores answers offline. The key goes to the keychain on
Save and leaves the field; the field then only says a key is stored.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from milo_desktop.errors import EnvironmentProblem
from milo_desktop.services.connectors import AuthFailed, Offline, ServiceUnavailable
from milo_desktop.services.scoring.llm import MalformedReply
from milo_desktop.services.scoring.llm_config import (
    DEFAULT_BASE_URL,
    DEFAULT_MODEL,
    LlmConfig,
    LlmSettings,
)
from milo_desktop.views.context import ViewContext
from milo_desktop.views.widgets.cards import ActionCard, MessageLine


class LlmCard(ActionCard):

    def __init__(self, ctx: ViewContext, config: LlmConfig,
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("LLM evaluator"), parent)
        self.ctx = ctx
        self.config = config
        self.current: LlmSettings | None = None
        self.key_stored = False
        intro = QLabel(self.tr(
            "Optionally score answers to scored questions with an OpenAI-compatible model. When "
            "it is off, or cannot be reached, the built-in rubric scores them offline; every "
            "score says which evaluator made it."), self)
        intro.setWordWrap(True)
        intro.setProperty("muted", True)
        self.enabled_box = QCheckBox(self.tr("Use the LLM evaluator for scored questions"), self)
        self.url_edit = QLineEdit(self)
        self.url_edit.setPlaceholderText(DEFAULT_BASE_URL)
        self.model_edit = QLineEdit(self)
        self.model_edit.setPlaceholderText(DEFAULT_MODEL)
        self.model_edit.setMaxLength(36)
        self.key_edit = QLineEdit(self)
        self.key_edit.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(self.tr("Endpoint URL"), self.url_edit)
        form.addRow(self.tr("Model"), self.model_edit)
        form.addRow(self.tr("API key"), self.key_edit)
        self.test_button = QPushButton(self.tr("Test"), self)
        self.save_button = QPushButton(self.tr("Save"), self)
        self.save_button.setProperty("primary", True)
        hint = QLabel(self.tr("Answers are sent to this endpoint when it is on. The key is kept "
                              "in your keychain, never on disk."), self)
        hint.setWordWrap(True)
        hint.setProperty("muted", True)
        buttons = QHBoxLayout()
        buttons.addWidget(hint, 1)
        buttons.addWidget(self.test_button)
        buttons.addWidget(self.save_button)
        self.message = MessageLine(self)
        column = QVBoxLayout()
        column.setSpacing(10)
        column.addWidget(intro)
        column.addWidget(self.enabled_box)
        column.addLayout(form)
        column.addLayout(buttons)
        column.addWidget(self.message)
        self.body.addLayout(column)
        self._show_key_state()
        self.set_status(self.tr("Checking…"))

        self.test_button.clicked.connect(self.test)
        self.save_button.clicked.connect(self.save)

    # ----- state ----------------------------------------------------------------------------
    def _show_key_state(self) -> None:
        self.key_edit.setPlaceholderText(
            self.tr("Stored in your keychain (type to replace)") if self.key_stored
            else "sk-…")

    def show_settings(self, settings: LlmSettings, key_stored: bool) -> None:
        self.current, self.key_stored = settings, key_stored
        self.enabled_box.setChecked(settings.enabled)
        self.url_edit.setText(settings.base_url)
        self.model_edit.setText(settings.model)
        self._show_key_state()
        if not settings.enabled:
            self.set_status(self.tr("Off — rubric scoring"))
        elif key_stored:
            self.set_status(self.tr("On — {model}").format(model=settings.model), "success")
        else:
            self.set_status(self.tr("On — no API key"), "warning")

    def _form(self) -> LlmSettings:
        return LlmSettings(self.enabled_box.isChecked(),
                           self.url_edit.text().strip() or DEFAULT_BASE_URL,
                           self.model_edit.text().strip() or DEFAULT_MODEL)

    # ----- actions --------------------------------------------------------------------------
    def action_buttons(self) -> tuple[QWidget, ...]:
        return (self.test_button, self.save_button)

    def problem_text(self, exc: EnvironmentProblem) -> str:
        if isinstance(exc, AuthFailed):
            return self.tr("The endpoint refused this API key. Check the key (and that it "
                           "belongs to this endpoint).")
        if isinstance(exc, Offline):
            return self.tr("The endpoint cannot be reached. Check the URL and the internet "
                           "connection.")
        if isinstance(exc, MalformedReply):
            return self.tr("The endpoint answered, but not with a usable score: {detail} Check "
                           "the model name.").format(detail=exc.message)
        if isinstance(exc, ServiceUnavailable):
            return self.tr("The endpoint is busy (rate-limited). Try again in a minute.")
        return exc.message  # keychain problems, bad input: their own sentence

    def refresh(self) -> None:
        async def work() -> None:
            self.show_settings(await self.config.load(), await self.config.has_key())
            self.message.clear_message()

        self._run(self.tr("Loading…"), work, "integrations.llm.load")

    def test(self) -> None:
        form, key = self._form(), self.key_edit.text()

        async def work() -> None:
            line = await self.config.test(form.base_url, form.model, key or None)
            self.message.say(self.tr("It works: {line}").format(line=line), "success")

        self._run(self.tr("Testing the endpoint…"), work, "integrations.llm.test")

    def save(self) -> None:
        form, key = self._form(), self.key_edit.text()

        async def work() -> None:
            saved = await self.config.save(form, key or None)
            self.key_edit.clear()  # the keychain has it now
            self.show_settings(saved, await self.config.has_key())
            self.message.say(self.tr("Saved. New stage results are scored with {what}.").format(
                what=(saved.model if saved.enabled else self.tr("the rubric"))), "success")

        self._run(self.tr("Saving…"), work, "integrations.llm.save")
