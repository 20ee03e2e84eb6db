"""Settings → Account's Brand card: company name (≤ 25 characters, counted as you type), logo
(PNG, JPEG or SVG, checked and kept privately in the data folder) and brand colour (a colour
picker). The share poster and outgoing emails use them (services/workspace_settings/branding.py)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QColor, QPixmap
from PySide6.QtWidgets import (
    QColorDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from milo_desktop.errors import ValidationProblem
from milo_desktop.services.workspace_settings.branding import (
    COMPANY_NAME_MAX,
    LOGO_MAX_BYTES,
    Branding,
    BrandingService,
    check_company_name,
)
from milo_desktop.views import theme
from milo_desktop.views.context import ViewContext
from milo_desktop.views.widgets.cards import ActionCard, MessageLine

LOGO_HEIGHT = 56


class BrandCard(ActionCard):

    def __init__(self, ctx: ViewContext, service: BrandingService,
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Brand"), parent)
        self.ctx = ctx
        self.service = service
        self.current = Branding()
        self.ready = False  # what is saved has been shown
        self.color = self.current.brand_color
        self.name_edit = QLineEdit(self)
        self.name_edit.setPlaceholderText(self.tr("e.g. Northwind Staffing"))
        self.name_count = QLabel(self)
        self.name_count.setProperty("muted", True)
        self.name_error = QLabel(self)
        self.name_error.setObjectName("nameError")
        self.name_error.setWordWrap(True)
        self.name_error.hide()  # takes room only when it has something to say
        self.logo_view = QLabel(self)
        self.logo_view.setMinimumWidth(LOGO_HEIGHT)
        self.logo_view.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.logo_button = QPushButton(self.tr("Choose logo…"), self)
        self.remove_logo_button = QPushButton(self.tr("Remove"), self)
        self.color_button = QPushButton(self)
        self.color_button.setToolTip(self.tr("Choose the brand colour"))
        self.save_button = QPushButton(self.tr("Save"), self)
        self.save_button.setProperty("primary", True)

        name_row = QHBoxLayout()
        name_row.addWidget(self.name_edit, 1)
        name_row.addWidget(self.name_count)
        name_box = QVBoxLayout()
        name_box.setSpacing(4)
        name_box.addLayout(name_row)
        name_box.addWidget(self.name_error)
        logo_row = QHBoxLayout()
        logo_row.addWidget(self.logo_view, 1)
        logo_row.addWidget(self.logo_button)
        logo_row.addWidget(self.remove_logo_button)
        logo_hint = QLabel(self.tr("PNG, JPEG or SVG, up to {mb} MB. Printed on the share "
                                   "poster.").format(mb=LOGO_MAX_BYTES // 1_000_000), self)
        logo_hint.setProperty("muted", True)
        logo_box = QVBoxLayout()
        logo_box.setSpacing(4)
        logo_box.addLayout(logo_row)
        logo_box.addWidget(logo_hint)
        color_row = QHBoxLayout()
        color_row.addWidget(self.color_button)
        color_hint = QLabel(self.tr("The poster's band and headline, the header of your "
                                    "emails."), self)
        color_hint.setProperty("muted", True)
        color_row.addWidget(color_hint, 1)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(self.tr("Company name"), name_box)
        form.addRow(self.tr("Logo"), logo_box)
        form.addRow(self.tr("Brand colour"), color_row)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        self.message = MessageLine(self)
        self.body.addLayout(form)
        self.body.addLayout(buttons)
        self.body.addWidget(self.message)
        self.set_status(self.tr("Loading…"))
        self._name_changed()
        self.show_color(self.color)
        self.show_logo("")

        self.name_edit.textChanged.connect(self._name_changed)
        self.color_button.clicked.connect(self.choose_color)
        self.logo_button.clicked.connect(self.choose_logo)
        self.remove_logo_button.clicked.connect(self.remove_logo)
        self.save_button.clicked.connect(self.save)

    def action_buttons(self) -> tuple[QWidget, ...]:
        return (self.save_button, self.logo_button, self.remove_logo_button)

    def _set_busy(self, busy: bool) -> None:
        super()._set_busy(busy)
        self.remove_logo_button.setEnabled(bool(self.current.logo_path) and not busy)

    # ----- showing ------------------------------------------------------------------------
    def show_branding(self, branding: Branding) -> None:
        self.current = branding
        self.name_edit.setText(branding.company_name)
        self.show_color(branding.brand_color)
        self.show_logo(branding.logo_path)
        self.set_status(self.tr("Set") if branding.company_name else self.tr("No company name"),
                        "success" if branding.company_name else "muted")

    def show_color(self, color: str) -> None:
        self.color = color
        text = "#ffffff" if QColor(color).lightness() < 170 else "#1f2430"
        self.color_button.setText(color)
        self.color_button.setStyleSheet(f"background: {color}; color: {text};")

    def show_logo(self, path: str) -> None:
        pixmap = QPixmap()
        if path:
            try:
                data = Path(path).read_bytes()
            except OSError:
                data = b""
            pixmap.loadFromData(QByteArray(data))
        if pixmap.isNull():
            self.logo_view.setText(self.tr("No logo") if not path else
                                   self.tr("The logo file is not on this computer."))
            self.logo_view.setProperty("muted", True)
            # As tall as the buttons beside it: the words sit on the "Logo" label's line.
            self.logo_view.setFixedHeight(self.logo_button.sizeHint().height())
        else:
            self.logo_view.setFixedHeight(LOGO_HEIGHT)
            self.logo_view.setPixmap(pixmap.scaledToHeight(
                LOGO_HEIGHT, Qt.TransformationMode.SmoothTransformation))
        self.current = replace(self.current, logo_path=path)
        self.remove_logo_button.setEnabled(bool(path) and not self.is_busy())

    def _name_changed(self) -> None:
        n = len(" ".join(self.name_edit.text().split()))
        self.name_count.setText(f"{n}/{COMPANY_NAME_MAX}")
        try:
            check_company_name(self.name_edit.text())
            self.name_error.setText("")
            self.name_error.hide()
        except ValidationProblem as exc:
            self.name_error.setText(exc.message)
            self.name_error.show()
        self.name_error.setStyleSheet(f"color: {theme.current().danger};")

    # ----- actions ------------------------------------------------------------------------
    def refresh(self) -> None:
        """Load what is saved; the load is this card's only (cancelled if it is destroyed)."""
        async def work() -> None:
            self.show_branding(await self.service.branding())
            self.ready = True

        self.ctx.spawn(work(), "settings.brand.load", owner=self)

    def choose_color(self) -> None:
        chosen = QColorDialog.getColor(QColor(self.color), self, self.tr("Brand colour"))
        if chosen.isValid():
            self.show_color(chosen.name())

    def choose_logo(self) -> None:
        name, _f = QFileDialog.getOpenFileName(
            self, self.tr("Choose your logo"), str(Path.home()),
            self.tr("Images (*.png *.jpg *.jpeg *.svg)"))
        if name:
            self.set_logo(Path(name))

    def set_logo(self, source: Path) -> None:
        async def work() -> None:
            saved = await self.service.set_logo(source)  # a refused file: said by _run
            self.show_logo(saved.logo_path)
            self.message.say(self.tr("Logo saved."), "success")

        self._run(self.tr("Checking the logo…"), work, "settings.brand.logo")

    def remove_logo(self) -> None:
        async def work() -> None:
            self.show_logo((await self.service.remove_logo()).logo_path)
            self.message.say(self.tr("Logo removed."), "success")

        self._run(self.tr("Removing…"), work, "settings.brand.remove_logo")

    def save(self) -> None:
        name, color = self.name_edit.text(), self.color
        try:
            check_company_name(name)
        except ValidationProblem as exc:
            self.message.say(exc.message, "danger")
            return

        async def work() -> None:
            saved = await self.service.save(name, color)
            self.show_branding(saved)
            self.message.say(self.tr("Saved. The share poster and your emails use it."),
                             "success")

        self._run(self.tr("Saving…"), work, "settings.brand.save")
