"""Settings → AI defaults: what a new interviewer starts with — voice, language, evaluator,
follow-ups per question and questions from the library (services/workspace_settings/
ai_defaults.py). The Create Interviewer wizard applies them to every new draft."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from milo_desktop.services.authoring.draft import LANGUAGES
from milo_desktop.services.workspace_settings.ai_defaults import (
    EVALUATORS,
    MAX_FOLLOW_UPS,
    MAX_QUESTIONS,
    VOICES,
    AiDefaults,
    AiDefaultsService,
)
from milo_desktop.views.context import ViewContext
from milo_desktop.views.widgets.cards import ActionCard, MessageLine
from milo_desktop.views.widgets.page_header import section_title


class AiDefaultsCard(ActionCard):

    def __init__(self, ctx: ViewContext, service: AiDefaultsService,
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("New interviewers start with"), parent)
        self.ctx = ctx
        self.service = service
        self.ready = False  # what is saved has been shown
        self.language_combo = QComboBox(self)
        for key, words in LANGUAGES.items():
            self.language_combo.addItem(self.tr(words), key)
        self.voice_combo = QComboBox(self)
        self.evaluator_combo = QComboBox(self)
        for key, words in EVALUATORS.items():
            self.evaluator_combo.addItem(self.tr(words), key)
        self.follow_ups = QSpinBox(self)
        self.follow_ups.setRange(0, MAX_FOLLOW_UPS)
        self.questions = QTreeWidget(self)
        self.questions.setHeaderHidden(True)
        self.questions.setMinimumHeight(260)
        self.chosen_count = QLabel(self)
        self.chosen_count.setProperty("muted", True)
        self.save_button = QPushButton(self.tr("Save"), self)
        self.save_button.setProperty("primary", True)
        evaluator_hint = QLabel(self.tr("Scores the 1–5 questions. The LLM evaluator needs an "
                                        "endpoint under Integrations."), self)
        evaluator_hint.setProperty("muted", True)
        evaluator_hint.setWordWrap(True)
        follow_hint = QLabel(self.tr("per question, at most"), self)
        follow_hint.setProperty("muted", True)
        follow_row = QHBoxLayout()
        follow_row.addWidget(self.follow_ups)
        follow_row.addWidget(follow_hint, 1)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(self.tr("Language"), self.language_combo)
        form.addRow(self.tr("Voice (phone screenings)"), self.voice_combo)
        evaluator_box = QVBoxLayout()
        evaluator_box.setSpacing(4)
        evaluator_box.addWidget(self.evaluator_combo)
        evaluator_box.addWidget(evaluator_hint)
        form.addRow(self.tr("Evaluator"), evaluator_box)
        form.addRow(self.tr("Follow-ups"), follow_row)
        questions_hint = QLabel(self.tr(
            "Added to the first screening of every new interviewer (up to {n}).").format(
            n=MAX_QUESTIONS), self)
        questions_hint.setProperty("muted", True)
        questions_hint.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.chosen_count, 1)
        buttons.addWidget(self.save_button)
        self.message = MessageLine(self)
        self.body.addLayout(form)
        self.body.addWidget(section_title(self.tr("Default questions from the library"), self))
        self.body.addWidget(questions_hint)
        self.body.addWidget(self.questions)
        self.body.addLayout(buttons)
        self.body.addWidget(self.message)
        self._language_changed()
        self._count()

        self.language_combo.currentIndexChanged.connect(self._language_changed)
        self.questions.itemChanged.connect(lambda *_a: self._count())
        self.save_button.clicked.connect(self.save)

    def action_buttons(self) -> tuple[QWidget, ...]:
        return (self.save_button,)

    def _language_changed(self) -> None:
        keep = self.voice_combo.currentData()
        self.voice_combo.clear()
        for key, words in VOICES[self.language_combo.currentData()]:
            self.voice_combo.addItem(words, key)
        self.voice_combo.setCurrentIndex(max(0, self.voice_combo.findData(keep)))

    def _fill_library(self) -> None:
        """The library's questions by topic, each with a check box (read when first shown:
        the templates are files)."""
        if self.questions.topLevelItemCount():
            return
        self.questions.blockSignals(True)
        for group in self.ctx.workspace.authoring.question_library():
            topic = QTreeWidgetItem([group.topic])
            topic.setFlags(Qt.ItemFlag.ItemIsEnabled)
            for q in group.questions:
                item = QTreeWidgetItem([q.prompt])
                item.setData(0, Qt.ItemDataRole.UserRole, q.prompt)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(0, Qt.CheckState.Unchecked)
                topic.addChild(item)
            self.questions.addTopLevelItem(topic)
        self.questions.blockSignals(False)

    def _question_items(self) -> list[QTreeWidgetItem]:
        items: list[QTreeWidgetItem] = []
        for t in range(self.questions.topLevelItemCount()):
            topic = self.questions.topLevelItem(t)
            assert topic is not None  # t < topLevelItemCount()
            items += [c for c in (topic.child(i) for i in range(topic.childCount())) if c]
        return items

    def chosen(self) -> tuple[str, ...]:
        return tuple(i.data(0, Qt.ItemDataRole.UserRole) for i in self._question_items()
                     if i.checkState(0) == Qt.CheckState.Checked)

    def _count(self) -> None:
        n = len(self.chosen())
        self.chosen_count.setText(self.tr("{n} of {m} questions chosen").format(
            n=n, m=MAX_QUESTIONS))

    def show_defaults(self, d: AiDefaults) -> None:
        self.language_combo.setCurrentIndex(max(0, self.language_combo.findData(d.language)))
        self._language_changed()
        self.voice_combo.setCurrentIndex(max(0, self.voice_combo.findData(d.voice)))
        self.evaluator_combo.setCurrentIndex(max(0, self.evaluator_combo.findData(d.evaluator)))
        self.follow_ups.setValue(d.follow_ups)
        for item in self._question_items():
            item.setCheckState(0, Qt.CheckState.Checked
                               if item.data(0, Qt.ItemDataRole.UserRole) in d.questions
                               else Qt.CheckState.Unchecked)
        self.set_status(self.tr("Applied to new interviewers"), "success")

    def current(self) -> AiDefaults:
        return AiDefaults(voice=self.voice_combo.currentData(),
                          language=self.language_combo.currentData(),
                          evaluator=self.evaluator_combo.currentData(),
                          follow_ups=self.follow_ups.value(), questions=self.chosen())

    def refresh(self) -> None:
        """Load what is saved; the load is this card's only (cancelled if it is destroyed)."""
        self._fill_library()

        async def work() -> None:
            self.show_defaults(await self.service.load())
            self.ready = True

        self.ctx.spawn(work(), "settings.ai_defaults.load", owner=self)

    def save(self) -> None:
        chosen = self.current()

        async def work() -> None:
            self.show_defaults(await self.service.save(chosen))
            self.message.say(self.tr("Saved. New interviewers start with these."), "success")

        self._run(self.tr("Saving…"), work, "settings.ai_defaults.save")
