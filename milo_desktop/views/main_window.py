"""The main window: top bar (search, spend, bell), sidebar of sections, status bar."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence, QPainter, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from milo_desktop.enums import NotificationKind

# Only Qt before the first paint: every screen, the top bar's widgets and the services they
# stand on are imported in ``attach`` (the Interviewers screen) or when a section is first
# shown (the others), so the window is on screen before the workspace has even loaded.
if TYPE_CHECKING:
    from PySide6.QtNetwork import QNetworkInformation

    from milo_desktop.services.notifications import NotificationRow
    from milo_desktop.views.analytics import AnalyticsSection
    from milo_desktop.views.ats import AtsSection
    from milo_desktop.views.authoring import AuthoringWizard
    from milo_desktop.views.candidates import DirectorySection
    from milo_desktop.views.context import ViewContext
    from milo_desktop.views.email_intake import EmailIntakeSection
    from milo_desktop.views.outreach import OutreachSection
    from milo_desktop.views.receptionists import PipelineSection, ReceptionistsSection
    from milo_desktop.views.settings import IntegrationsSection

WAITING_COUNT_MS = 300  # the outbox publishes per row: one COUNT per burst

SECTION_ROLE = Qt.ItemDataRole.UserRole + 1
TAB_ROLE = Qt.ItemDataRole.UserRole + 2  # an entry that opens a tab of its section ("archived")
LEVEL_ROLE = Qt.ItemDataRole.UserRole + 3  # 1: drawn indented under the entry above


# The sections built when first shown: their class's name, the key the UI state saves them by.
_LAZY_KEYS = {
    "directory": "DirectorySection:", "pipeline": "PipelineSection:",
    "receptionists": "ReceptionistsSection:", "analytics": "AnalyticsSection:",
    "integrations": "IntegrationsSection:", "ats": "AtsSection:",
    "outreach": "OutreachSection:", "email_intake": "EmailIntakeSection:",
}


def _section_key(widget: QWidget | None) -> str:
    """A section's name in the UI state: its class (and a placeholder's key), so a saved
    section is found again when sections are added before it."""
    if widget is None:
        return ""
    if isinstance(widget, _Pending):
        return widget.section_key
    return f"{type(widget).__name__}:{getattr(widget, 'key', '') or ''}"


class _Pending(QWidget):
    """Holds a section's place in the stack until it is first shown, when it is built: a
    start imports and builds only the screen on view."""

    def __init__(self, slot: str) -> None:
        super().__init__()
        self.slot = slot
        self.section_key = _LAZY_KEYS[slot]


class _Opening(QWidget):
    """What the window shows before the workspace has opened: the top bar and one line with a
    progress bar (opening, migrating, building the demo). The same calls as StartupDialog."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        bar = QWidget(self)
        bar.setObjectName("topBar")
        bar.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        bar.setFixedHeight(56)
        top = QHBoxLayout(bar)
        top.setContentsMargins(16, 8, 12, 8)
        brand = QLabel(self.tr("Milo"), bar)
        brand.setObjectName("brand")
        top.addWidget(brand)
        outer.addWidget(bar)
        body = QVBoxLayout()
        body.setContentsMargins(24, 20, 24, 20)
        self.message = QLabel(self.tr("Opening your workspace…"), self)
        self.message.setObjectName("muted")
        self.bar = QProgressBar(self)
        self.bar.setRange(0, 0)
        self.bar.setTextVisible(False)
        self.bar.setMaximumWidth(420)
        body.addWidget(self.message)
        body.addWidget(self.bar)
        body.addStretch(1)
        outer.addLayout(body, 1)

    def show_message(self, text: str) -> None:
        self.message.setText(text)

    def show_progress(self, stage: str, done: int, total: int) -> None:
        self.message.setText(stage)
        if total > 0:
            self.bar.setRange(0, total)
            self.bar.setValue(done)


class MainWindow(QMainWindow):
    closing = Signal()
    _outboxChanged = Signal()

    def __init__(self, ctx: ViewContext | None = None, *, settings: Any = None) -> None:
        """With ``ctx``, the whole window. Without, the frame the app paints at once
        (``opening`` says what is happening), filled by ``attach`` when the workspace has
        opened; ``settings`` (the UI state) gives the frame last session's size and place."""
        super().__init__()
        self.persist_state = (
            True  # off for --screenshot runs: they must not change the user's layout
        )
        self.setWindowTitle(self.tr("Milo Desktop"))
        self.setMinimumSize(1000, 640)
        self._following_tab = False
        self._quitting = False
        self._built: dict[str, QWidget] = {}  # slot → section, once built
        self._sync_engine: Any = None
        self.opening: _Opening | None = None
        if ctx is None:
            self._restore_geometry(settings)
            self.opening = _Opening(self)
            self.setCentralWidget(self.opening)
        else:
            self.attach(ctx)

    def attach(self, ctx: ViewContext) -> None:
        """Build the window on its workspace: the top bar, the sidebar, the status bar and the
        Interviewers screen; every other section waits in the stack until first shown."""
        from milo_desktop.views.data import DataSection
        from milo_desktop.views.interviewers import InterviewersSection
        from milo_desktop.views.later_sections import LaterSection
        from milo_desktop.views.widgets.alerts import DesktopAlerts
        from milo_desktop.views.workspace_settings import SettingsSection

        self.ctx = ctx
        self.interviewers = InterviewersSection(ctx)
        self.interviewers.openCandidate.connect(self.open_candidate)
        self._built["interviewers"] = self.interviewers
        # (title, slot): Ctrl+1… count these, in the order users learnt them.
        self.sections: list[tuple[str, str]] = [
            (self.tr("Interviewers"), "interviewers"),
            (self.tr("Candidate Directory"), "directory"),
            (self.tr("Inbound via Phone"), "pipeline"),
            (self.tr("Receptionists"), "receptionists"),
            (self.tr("Analytics"), "analytics"),
        ]
        if ctx.workspace.integrations is not None:  # built by app.py (it needs the keychain)
            self.sections.append((self.tr("Integrations"), "integrations"))
        # The rest of product.md's map: visible in the sidebar, each saying it comes later.
        # Workspace → Data and → Settings; the Sourcing Engine comes later.
        self.later: dict[str, Any] = {"sourcing": LaterSection("sourcing"),
                                      "data": DataSection(ctx), "settings": SettingsSection(ctx)}
        # After them: Source Candidates → From ATS, Workspace → Outreach (Waiting to send,
        # templates, sender and numbers, the policy) and Source Candidates → Apply via Email;
        # real screens without a Ctrl+N of their own.
        slots = [slot for _t, slot in self.sections] + list(self.later) + [
            "ats", "outreach", "email_intake"]
        self._slots = {slot: index for index, slot in enumerate(slots)}

        central = QWidget(self)
        outer = QVBoxLayout(central)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(self._build_top_bar())
        self.splitter = QSplitter(Qt.Orientation.Horizontal, central)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setHandleWidth(1)
        self.sidebar = self._build_sidebar()
        self.stack = QStackedWidget(self.splitter)
        for slot in slots:
            self.stack.addWidget(self._built.get(slot) or self.later.get(slot) or _Pending(slot))
        self.stack.currentChanged.connect(self._build_current)
        self.splitter.addWidget(self.sidebar)
        self.splitter.addWidget(self.stack)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([210, 1200])
        outer.addWidget(self.splitter, 1)
        self.setCentralWidget(central)  # the opening frame, if any, goes with it

        self.alerts = DesktopAlerts(ctx, self)
        self.bell.countChanged.connect(self.alerts.set_unread)
        self.alerts.activated.connect(self.bring_to_front)
        self.alerts.quitRequested.connect(self.quit)
        self.alerts.openRequested.connect(self.bell.choose)  # a clicked desktop notification

        self.interviewers.list_page.tabs.currentChanged.connect(
            lambda _i: self._follow_interviewers_tab())
        self._build_status_bar()
        self._build_menus_and_shortcuts()
        if self.opening is None:
            self._restore_geometry(ctx.settings)
        self.opening = None
        self.restore_state()

    # ----- the sections, built when first shown ---------------------------------------------
    @property
    def directory(self) -> DirectorySection:
        return self._section("directory")

    @property
    def pipeline(self) -> PipelineSection:
        return self._section("pipeline")

    @property
    def receptionists(self) -> ReceptionistsSection:
        return self._section("receptionists")

    @property
    def analytics(self) -> AnalyticsSection:
        return self._section("analytics")

    @property
    def integrations(self) -> IntegrationsSection | None:
        return self._section("integrations") if "integrations" in self._slots else None

    @property
    def ats(self) -> AtsSection:
        return self._section("ats")

    @property
    def outreach(self) -> OutreachSection:
        return self._section("outreach")

    @property
    def email_intake(self) -> EmailIntakeSection:
        return self._section("email_intake")

    def _section(self, slot: str) -> Any:
        """The section in ``slot``, built (and its UI state restored) on first use, in its
        place in the stack; on screen straight away if its place was."""
        widget = self._built.get(slot)
        if widget is not None:
            return widget
        widget = self._make_section(slot)
        self._built[slot] = widget
        widget.restore_state()  # type: ignore[attr-defined]
        index = self._slots[slot]
        pending = self.stack.widget(index)
        assert pending is not None  # every slot holds a widget from attach() on
        on_screen = self.stack.currentIndex() == index
        self.stack.insertWidget(index, widget)
        if on_screen:
            self.stack.setCurrentIndex(index)
        self.stack.removeWidget(pending)
        pending.deleteLater()
        return widget

    def _build_current(self, index: int) -> None:
        pending = self.stack.widget(index)
        if isinstance(pending, _Pending):
            self._section(pending.slot)

    def _make_section(self, slot: str) -> QWidget:
        ctx = self.ctx
        if slot == "directory":
            from milo_desktop.views.candidates import DirectorySection
            return DirectorySection(ctx)
        if slot == "pipeline":
            from milo_desktop.views.receptionists import PipelineSection
            return PipelineSection(ctx)
        if slot == "receptionists":
            from milo_desktop.views.receptionists import ReceptionistsSection
            return ReceptionistsSection(ctx)
        if slot == "analytics":
            from milo_desktop.views.analytics import AnalyticsSection
            return AnalyticsSection(ctx)
        if slot == "integrations":
            from milo_desktop.views.settings import IntegrationsSection
            assert ctx.workspace.integrations is not None
            integrations = IntegrationsSection(ctx, ctx.workspace.integrations)
            if self._sync_engine is not None:
                integrations.set_sync_engine(self._sync_engine)
            return integrations
        if slot == "ats":
            from milo_desktop.views.ats import AtsSection
            return AtsSection(ctx)
        if slot == "outreach":
            # Its cards come from Settings; screens never import each other.
            from milo_desktop.views.outreach import OutreachSection
            from milo_desktop.views.settings.policy_card import CommunicationCard
            from milo_desktop.views.settings.templates_card import TemplatesCard
            outreach = OutreachSection(
                ctx, templates=TemplatesCard(ctx, ctx.workspace.outreach),
                policy=CommunicationCard(ctx, ctx.workspace.outreach))
            outreach.integrationsRequested.connect(self.open_integrations)
            outreach.waiting.countChanged.connect(self._show_waiting)
            return outreach
        if slot == "email_intake":
            from milo_desktop.views.email_intake import EmailIntakeSection
            email = EmailIntakeSection(ctx)
            email.integrationsRequested.connect(self.open_mailbox_settings)
            email.issuesRequested.connect(self.open_email_issues)
            return email
        raise KeyError(slot)

    def set_sync_engine(self, engine: Any) -> None:
        """The background's sync engine, for Integrations' Sync card (now, or once built)."""
        self._sync_engine = engine
        integrations = self._built.get("integrations")
        if integrations is not None:
            integrations.set_sync_engine(engine)  # type: ignore[attr-defined]

    # ----- building ------------------------------------------------------------------------
    def _build_top_bar(self) -> QWidget:
        from milo_desktop.views.widgets.bell import NotificationBell
        from milo_desktop.views.widgets.global_search import GlobalSearch
        from milo_desktop.views.widgets.spend_chip import SpendChip

        bar = QWidget(self)
        bar.setObjectName("topBar")
        bar.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        bar.setFixedHeight(56)
        layout = QHBoxLayout(bar)
        layout.setContentsMargins(16, 8, 12, 8)
        brand = QLabel(self.tr("Milo"), bar)
        brand.setObjectName("brand")
        brand.setFixedWidth(178)
        self.search = GlobalSearch(self.ctx, bar)
        self.search.candidateChosen.connect(self.open_candidate)
        self.search.interviewerChosen.connect(self.open_interviewer)
        self.spend = SpendChip(self.ctx, bar)
        self.bell = NotificationBell(self.ctx, bar)
        self.bell.notificationChosen.connect(self._notification_chosen)
        layout.addWidget(brand)
        layout.addWidget(self.search, 1)
        layout.addStretch(1)
        self.create_button = QPushButton(self.tr("Create Interviewer"), bar)
        self.create_button.setProperty("primary", True)
        self.create_button.clicked.connect(lambda: self.open_create_interviewer())
        layout.addWidget(self.create_button)
        layout.addWidget(self.spend)
        layout.addWidget(self.bell)
        return bar

    def sidebar_entries(self) -> list[tuple[str | None, str, int, str | None, int]]:
        """product.md's map, in order: (group header, title, stack index, tab, level). Each
        real section's first entry has Ctrl+1…, in this order; sections that come later and
        entries that open a tab have no shortcut."""
        later = {key: len(self.sections) + i for i, key in enumerate(self.later)}
        entries: list[tuple[str | None, str, int, str | None, int]] = [
            (None, self.sections[0][0], 0, None, 0),
            (None, self.tr("Archived"), 0, "archived", 1),
            (self.tr("SOURCE CANDIDATES"), self.sections[1][0], 1, None, 0),
            (None, self.sections[2][0], 2, None, 0),
            (None, self.sections[3][0], 3, None, 1),  # Receptionists, of Inbound via Phone
        ]
        entries.append((None, self.tr("From ATS"), self.ats_index(), None, 0))
        entries += [(None, self.tr("Apply via Email"), self.email_index(), None, 0),
                    (None, self.later["sourcing"].title, later["sourcing"], None, 0)]
        entries += [(self.tr("WORKSPACE"), self.sections[4][0], 4, None, 0),
                    (None, self.tr("Outreach"), self.outreach_index(), None, 0)]
        if "integrations" in self._slots:
            entries.append((None, self.sections[5][0], 5, None, 0))
        entries += [(None, self.later[k].title, later[k], None, 0) for k in ("data", "settings")]
        return entries

    def _build_sidebar(self) -> QListWidget:
        sidebar = QListWidget(self)
        sidebar.setObjectName("sidebar")
        sidebar.setMinimumWidth(170)
        sidebar.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        sidebar.setItemDelegate(_SidebarDelegate(sidebar))
        for header, title, index, tab, level in self.sidebar_entries():
            if header:
                item = QListWidgetItem(header)
                item.setFlags(Qt.ItemFlag.NoItemFlags)
                sidebar.addItem(item)
            item = QListWidgetItem(title)
            item.setData(SECTION_ROLE, index)
            item.setData(TAB_ROLE, tab)
            item.setData(LEVEL_ROLE, level)
            sidebar.addItem(item)
        sidebar.currentItemChanged.connect(self._sidebar_changed)
        return sidebar

    def _build_status_bar(self) -> None:
        status = self.statusBar()
        info = self.ctx.workspace.db.info
        if info.is_team:
            text = self.tr("Team database (PostgreSQL) · %1").replace("%1", info.location)
        else:
            text = self.tr("Local database (SQLite) · %1").replace("%1", info.location)
        self.db_label = QLabel(text)
        self.db_label.setToolTip(info.location)
        self.online_label = QLabel()
        self.sync_label = QLabel()
        # "3 waiting to send" whenever something waits; a click opens the list.
        self.waiting_button = QPushButton(self)
        self.waiting_button.setObjectName("waitingToSend")
        self.waiting_button.setFlat(True)
        self.waiting_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.waiting_button.setToolTip(self.tr("Open Outreach → Waiting to send"))
        self.waiting_button.hide()
        self.waiting_button.clicked.connect(self.show_waiting_to_send)
        status.addWidget(self.db_label, 1)
        status.addPermanentWidget(self.waiting_button)
        status.addPermanentWidget(self.sync_label)
        status.addPermanentWidget(self.online_label)
        self._watch_connectivity()
        self.ctx.bridge.syncStatusChanged.connect(lambda _service: self.show_sync_status())
        self.ctx.bridge.workerStateChanged.connect(lambda _name: self.show_sync_status())
        self._sync_timer = QTimer(self, interval=15_000)  # keeps "synced 20 s ago" true
        self._sync_timer.timeout.connect(self.show_sync_status)
        self._sync_timer.start()
        self.show_sync_status()
        self._waiting_timer = QTimer(self, singleShot=True, interval=WAITING_COUNT_MS)
        self._waiting_timer.timeout.connect(self.count_waiting)
        changed = self._outboxChanged
        from milo_desktop.services.sync.outbox import OutboxChanged

        sub = self.ctx.workspace.bus.subscribe(OutboxChanged, lambda _e: changed.emit())
        self.destroyed.connect(lambda *_a: sub.close())
        for signal in (self._outboxChanged, self.ctx.bridge.messagesChanged):
            signal.connect(lambda *_a: self._waiting_timer.start())
        self._sync_timer.timeout.connect(self.count_waiting)  # a teammate's queue, too

    def count_waiting(self) -> None:
        """Recount what waits to send (one COUNT in the background) for the status bar."""
        async def count() -> None:
            n = await self.ctx.workspace.waiting.count()
            if isValid(self):
                self._show_waiting(n)
        self.ctx.spawn(count(), "outreach.waiting.status")

    def _show_waiting(self, n: int) -> None:
        self.waiting_button.setText(self.tr("%n waiting to send", "", n))
        self.waiting_button.setVisible(n > 0)

    def show_sync_status(self) -> None:
        """Last sync per service, in the status bar ("Twilio: synced 2 min ago"), and any
        background worker restarting after an error (a running one says nothing)."""
        from milo_desktop.views.widgets.sync_status import sync_status_text, worker_status_text

        engine = self.ctx.workspace.sync
        supervisor = self.ctx.workspace.supervisor  # None until the background starts
        syncs = engine.statuses() if engine is not None else []
        workers = supervisor.statuses() if supervisor is not None else []
        restarting = [(worker_status_text(w), w.last_error) for w in workers]
        restarting = [(text, error) for text, error in restarting if text]
        parts = [sync_status_text(st) for st in syncs] + [text for text, _ in restarting]
        self.sync_label.setText("   ".join(parts))
        tips = [st.message for st in syncs if st.message]
        tips += [f"{text} ({error})" if error else text for text, error in restarting]
        self.sync_label.setToolTip("\n".join(tips))

    def _watch_connectivity(self) -> None:
        from PySide6.QtNetwork import QNetworkInformation

        net = _network_information()
        if net is None and QNetworkInformation.loadDefaultBackend():
            net = _network_information()
        if net is None:
            self.online_label.setText(self.tr("● Online status unknown"))
            return
        net.reachabilityChanged.connect(self._show_reachability)
        self._show_reachability(net.reachability())

    def _show_reachability(self, reach: QNetworkInformation.Reachability) -> None:
        from PySide6.QtNetwork import QNetworkInformation

        online = reach in (
            QNetworkInformation.Reachability.Online,
            QNetworkInformation.Reachability.Unknown,
        )
        self.online_label.setText(
            self.tr("● Online") if online else self.tr("● Offline — working from this computer")
        )
        self.online_label.setStyleSheet(f"color: {'#15803d' if online else '#b45309'};")

    def _build_menus_and_shortcuts(self) -> None:
        from milo_desktop.views.widgets.media import audio_output_problem

        file_menu = self.menuBar().addMenu(self.tr("&File"))
        sound = QAction(self.tr("Play a &sound for new notifications"), self, checkable=True)
        sound.setChecked(self.alerts.sound_enabled)
        sound.toggled.connect(self.alerts.set_sound_enabled)
        file_menu.addAction(sound)
        file_menu.setToolTipsVisible(True)

        def show_sound() -> None:
            # Settings → Notifications changes the same preference: show it as it is now, and
            # say why no sound will play where this computer cannot play one.
            sound.setChecked(self.alerts.sound_enabled)
            problem = audio_output_problem()
            sound.setToolTip(self.tr("Sounds are unavailable on this computer: {why}.").format(
                why=problem) if problem else sound.text().replace("&", ""))

        file_menu.aboutToShow.connect(show_sound)
        if self.alerts.tray is not None:
            keep = QAction(self.tr("Keep running in the &tray when closed"), self, checkable=True)
            keep.setChecked(self.alerts.keep_running_in_tray)
            keep.toggled.connect(self.alerts.set_keep_running_in_tray)
            file_menu.addAction(keep)
        file_menu.addSeparator()
        quit_action = QAction(self.tr("&Quit"), self,
                              shortcut=QKeySequence(QKeySequence.StandardKey.Quit))
        quit_action.triggered.connect(self.quit)
        file_menu.addAction(quit_action)

        self.view_menu = self.menuBar().addMenu(self.tr("&View"))
        self.view_menu.aboutToShow.connect(self._fill_view_menu)

        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        about = QAction(self.tr("&About Milo Desktop"), self)
        about.triggered.connect(self._about)
        help_menu.addAction(about)

        QShortcut(QKeySequence("Ctrl+K"), self, self.focus_search)
        self._build_section_actions()

    def _build_section_actions(self) -> None:
        """One checkable action per sidebar entry, made once: the View menu lists them and
        they carry Ctrl+1… (the only registration of those keys: a second one, say a
        QShortcut beside a menu action, makes Qt call the key ambiguous and do nothing)."""
        self.section_actions = QActionGroup(self)
        self.section_actions.setExclusive(True)
        number = 0
        for row in range(self.sidebar.count()):
            item = self.sidebar.item(row)
            index = item.data(SECTION_ROLE)
            if index is None:
                continue
            title = item.text()
            if item.data(TAB_ROLE) == "archived":
                title = self.tr("Archived Interviewers")
            action = QAction(title, self, checkable=True)
            action.setData(row)
            if index < len(self.sections) and item.data(TAB_ROLE) is None and number < 9:
                number += 1
                action.setShortcut(QKeySequence(f"Ctrl+{number}"))
                keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
                item.setToolTip(f"{item.text()}  ({keys})")
            action.triggered.connect(lambda _c=False, row=row: self.sidebar.setCurrentRow(row))
            self.section_actions.addAction(action)
            self.addAction(action)  # its shortcut works while the menu bar is hidden too
            self.view_menu.addAction(action)
        self._view_extras: list[QAction] = []
        self._check_section_action()

    def _check_section_action(self) -> None:
        row = self.sidebar.currentRow()
        for action in self.section_actions.actions():
            if action.data() == row:
                action.setChecked(True)

    def _fill_view_menu(self) -> None:
        """The section actions stay; what follows them (the columns of the table on screen)
        is made afresh each time the menu opens."""
        menu: QMenu = self.view_menu
        for action in self._view_extras:
            menu.removeAction(action)
            if action.menu() is not None:
                action.menu().deleteLater()
        self._view_extras = []
        self._check_section_action()
        columns: QMenu | None = None
        directory = self._built.get("directory")
        if directory is not None and self.stack.currentWidget() is directory:
            columns = QMenu(self.tr("Columns"), menu)
            directory.populate_view_menu(columns)  # type: ignore[attr-defined]
        elif (self.stack.currentWidget() is self.interviewers
              and self.interviewers.current_page() is self.interviewers.detail_page):
            columns = QMenu(self.tr("Columns"), menu)
            self.interviewers.detail_page.columns.populate(columns)
        if columns is not None:
            self._view_extras = [menu.addSeparator(), menu.addMenu(columns)]

    # ----- navigation ----------------------------------------------------------------------
    def show_section(self, index: int) -> None:
        """Show a section by its place in ``sections`` (the Interviewers entry that matches
        the list's tab: Archived while the archived interviewers are listed)."""
        tab = "archived" if index == 0 and self._interviewers_tab() == "archived" else None
        for row in range(self.sidebar.count()):
            item = self.sidebar.item(row)
            if item.data(SECTION_ROLE) == index and item.data(TAB_ROLE) == tab:
                self.sidebar.setCurrentRow(row)
                return
        if 0 <= index < self.stack.count():  # a section with no entry of its own
            self.stack.setCurrentIndex(index)

    def later_index(self, key: str) -> int:
        """The place in the stack of a section listed in ``later`` ("data", "settings")."""
        return len(self.sections) + list(self.later).index(key)

    def show_data(self) -> None:
        self.show_section(self.later_index("data"))

    def show_settings(self) -> None:
        """Settings (Account first; the candidate page and company information live there)."""
        self.show_section(self.later_index("settings"))

    def ats_index(self) -> int:
        """From ATS's place in the stack (after the sections and those that come later)."""
        return len(self.sections) + len(self.later)

    def show_ats(self) -> None:
        self.show_section(self.ats_index())

    def outreach_index(self) -> int:
        """Outreach's place in the stack (after From ATS)."""
        return self.ats_index() + 1

    def email_index(self) -> int:
        """Apply via Email's place in the stack (after Outreach)."""
        return self.outreach_index() + 1

    def show_email_intake(self) -> None:
        self.show_section(self.email_index())

    def show_waiting_to_send(self) -> None:
        """Outreach → Waiting to send (the status bar's "3 waiting to send")."""
        self.outreach.show_waiting()
        self.show_section(self.outreach_index())

    def open_integrations(self) -> None:
        if "integrations" in self._slots:
            self.show_section(self._slots["integrations"])

    def open_mailbox_settings(self) -> None:
        """Integrations → Email, scrolled to the card with the mailbox (Apply via Email)."""
        if self.integrations is None:
            return
        self.open_integrations()
        integrations = self.integrations
        QTimer.singleShot(0, integrations, lambda: integrations.scroll_area.ensureWidgetVisible(
            integrations.email, 0, 16))

    def open_email_issues(self) -> None:
        """Integrations with Sync issues open (the mail the intake kept aside)."""
        if self.integrations is None:
            return
        self.open_integrations()
        self.integrations.open_sync_issues("email")

    def _interviewers_tab(self) -> str:
        return self.interviewers.list_page.current_tab()

    def current_section(self) -> QWidget:
        section = self.stack.currentWidget()
        assert section is not None  # the stack holds every section from the start
        return section

    def _sidebar_changed(self, current: QListWidgetItem | None, _prev: object) -> None:
        if current is None or current.data(SECTION_ROLE) is None:
            return
        index = int(current.data(SECTION_ROLE))
        self.stack.setCurrentIndex(index)
        if hasattr(self, "section_actions"):
            self._check_section_action()
        if index == 0 and not self._following_tab:
            tab = current.data(TAB_ROLE)
            if tab is not None:
                self.interviewers.show_tab(tab)
            elif self._interviewers_tab() == "archived":  # "Interviewers": the active ones
                self.interviewers.show_tab("active")

    def _follow_interviewers_tab(self) -> None:
        """Choosing the Archived tab in the list selects the Archived entry, and back."""
        if self.stack.currentWidget() is not self.interviewers:
            return
        self._following_tab = True
        try:
            self.show_section(0)
        finally:
            self._following_tab = False

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def open_candidate(self, candidate_id: int, application_id: int | None = None) -> None:
        """The candidate's profile; with ``application_id``, on that interview."""
        from milo_desktop.views.candidates import open_candidate_profile
        from milo_desktop.views.candidates.profile import ProfileDialog

        dialog = open_candidate_profile(self.ctx, candidate_id, self,
                                        application_id=application_id)
        if (application_id is not None and isinstance(dialog, ProfileDialog)
                and dialog.application_id != application_id):  # open on another interview
            dialog.set_context(None, application_id)  # no longer walking a Candidates tab

    def open_create_interviewer(self) -> AuthoringWizard:
        """The Create Interviewer wizard; the new interviewer opens once it is created."""
        from milo_desktop.views.authoring import AuthoringWizard

        wizard = AuthoringWizard(self.ctx, self)
        wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        wizard.created.connect(self.open_interviewer)
        wizard.open()
        return wizard

    def open_interviewer(self, interviewer_id: int) -> None:
        self.show_section(0)
        self.interviewers.open_interviewer(interviewer_id)

    def open_call(self, call_id: int) -> None:
        self.show_section(2)
        self.pipeline.open_call(call_id)

    def open_sync_settings(self) -> None:
        """Settings → Integrations at the Sync card."""
        if self.integrations is None:
            return
        self.show_section(self._slots["integrations"])
        self.integrations.reveal_sync()

    def _notification_chosen(self, row: NotificationRow) -> None:
        """Jump to the notification's record: the call, the candidate on that application,
        the interviewer (deadlines), or the Sync card (sync failures)."""
        if row.inbound_call_id is not None:
            self.open_call(row.inbound_call_id)
        elif row.candidate_id is not None:
            self.open_candidate(row.candidate_id, row.application_id)
        elif row.interviewer_id is not None:
            self.open_interviewer(row.interviewer_id)
        elif row.kind == NotificationKind.SYNC_FAILED:
            self.open_sync_settings()

    def _about(self) -> None:
        """Help → About: version, licences, the data and log folders (views/about.py)."""
        from milo_desktop.views.about import AboutDialog

        AboutDialog.for_context(self.ctx, self).exec()

    # ----- state ----------------------------------------------------------------------------
    def start(self) -> None:
        """Kick off the first loads (after the window exists, never in the constructor's caller's way)."""
        self.bell.refresh()
        self.spend.refresh()
        self.count_waiting()

    def _restore_geometry(self, settings: Any) -> None:
        geometry = settings.value("window/geometry") if settings is not None else None
        if isinstance(geometry, QByteArray | bytes) and geometry:
            self.restoreGeometry(QByteArray(geometry))
        else:
            self.resize(1440, 900)

    def restore_state(self) -> None:
        """The splitter, the open section and the Interviewers screen's state (the window's
        size and place were restored first, before it was shown)."""
        s = self.ctx.settings
        splitter = s.value("window/splitter")
        if isinstance(splitter, QByteArray | bytes) and splitter:
            self.splitter.restoreState(QByteArray(splitter))
        # The section by its key (stable when sections are added); else the older file's
        # place in the stack.
        keys = [_section_key(self.stack.widget(i)) for i in range(self.stack.count())]
        saved = str(s.value("window/section_key", "") or "")
        if saved in keys:
            section = keys.index(saved)
        else:
            try:
                section = int(str(s.value("window/section", 0)))
            except ValueError:  # ui-state.ini edited by hand: the first section
                section = 0
        self.show_section(section)  # builds that section, restoring its own state
        self.interviewers.restore_state()

    def save_state(self) -> None:
        s = self.ctx.settings
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/splitter", self.splitter.saveState())
        s.setValue("window/section", self.stack.currentIndex())
        s.setValue("window/section_key", _section_key(self.stack.currentWidget()))
        for section in self._built.values():  # one never built kept its saved state
            section.save_state()  # type: ignore[attr-defined]
        s.sync()

    def quit(self) -> None:
        """Really quit (closing the window may only hide it to the tray)."""
        self._quitting = True
        self.close()

    def bring_to_front(self) -> None:
        self.showNormal()
        self.raise_()
        self.activateWindow()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.opening is not None:  # closed before the workspace opened: nothing to keep
            self.closing.emit()
            super().closeEvent(event)
            return
        if not self._quitting and self.alerts.keep_running_in_tray:
            # A front desk closes the window but must still hear about callers.
            event.ignore()
            self.hide()
            if self.alerts.tray is not None:
                self.alerts.last_shown = None  # a click on this message opens no record
                self.alerts.tray.showMessage(
                    self.tr("Milo Desktop is still running"),
                    self.tr(
                        "New calls and completions will appear here. Quit from this icon's menu."
                    ),
                )
            return
        self.alerts.hide()
        if self.persist_state:
            self.save_state()
        for section in self._built.values():
            section.close()  # stops their timers before the workspace goes away
        self.closing.emit()
        super().closeEvent(event)


def _network_information() -> QNetworkInformation | None:
    """The reachability backend, None until one is loaded (PySide6's stub says never None)."""
    from PySide6.QtNetwork import QNetworkInformation

    return QNetworkInformation.instance()


class _SidebarDelegate(QStyledItemDelegate):
    """Draws an entry that belongs to the one above it (Archived, Receptionists) indented."""

    INDENT = 14

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        if index.data(LEVEL_ROLE):
            option = QStyleOptionViewItem(option)
            option.rect.setLeft(option.rect.left() + self.INDENT)
        super().paint(painter, option, index)
