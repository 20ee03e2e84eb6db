"""Turns service events into Qt signals on the GUI thread.

Widgets connect to these signals instead of subscribing to the bus, so a widget that goes away
takes its connections with it (Qt disconnects destroyed receivers).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from milo_desktop.services.core.events import (
    ApplicationsChanged,
    AtsChanged,
    CallUpdated,
    CandidatesChanged,
    ConnectivityChanged,
    EventBus,
    InterviewersChanged,
    MessagesChanged,
    NotificationAdded,
    NotificationsRead,
    SpendChanged,
    Subscription,
    SyncProgress,
    TaskFailed,
    WorkerStateChanged,
)
from milo_desktop.services.sync.engine import SyncStatusChanged


class EventBridge(QObject):
    candidatesChanged = Signal(tuple)  # ids; empty tuple: reload everything
    interviewersChanged = Signal(tuple)
    applicationsChanged = Signal(tuple)  # application ids; empty tuple: reload everything
    messagesChanged = Signal(tuple)  # candidate ids whose contact history changed
    callUpdated = Signal(int)
    notificationAdded = Signal(int)
    notificationsRead = Signal()
    spendChanged = Signal()
    syncProgress = Signal(str, int, object)
    connectivityChanged = Signal(bool)
    taskFailed = Signal(str, object)  # task name, exception
    syncStatusChanged = Signal(str)  # service
    workerStateChanged = Signal(str)  # supervised worker's name
    atsChanged = Signal(str)  # ATS service ("" for any): connections, jobs or links changed

    def __init__(self, bus: EventBus, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._subs: list[Subscription] = [
            bus.subscribe(CandidatesChanged, lambda e: self.candidatesChanged.emit(e.ids)),
            bus.subscribe(InterviewersChanged, lambda e: self.interviewersChanged.emit(e.ids)),
            bus.subscribe(ApplicationsChanged, lambda e: self.applicationsChanged.emit(e.ids)),
            bus.subscribe(MessagesChanged, lambda e: self.messagesChanged.emit(e.candidate_ids)),
            bus.subscribe(CallUpdated, lambda e: self.callUpdated.emit(e.id)),
            bus.subscribe(NotificationAdded, lambda e: self.notificationAdded.emit(e.id)),
            bus.subscribe(NotificationsRead, lambda e: self.notificationsRead.emit()),
            bus.subscribe(SpendChanged, lambda e: self.spendChanged.emit()),
            bus.subscribe(
                SyncProgress, lambda e: self.syncProgress.emit(e.service, e.done, e.total)
            ),
            bus.subscribe(ConnectivityChanged, lambda e: self.connectivityChanged.emit(e.online)),
            bus.subscribe(TaskFailed, lambda e: self.taskFailed.emit(e.name, e.error)),
            bus.subscribe(SyncStatusChanged, lambda e: self.syncStatusChanged.emit(e.service)),
            bus.subscribe(WorkerStateChanged, lambda e: self.workerStateChanged.emit(e.name)),
            bus.subscribe(AtsChanged, lambda e: self.atsChanged.emit(e.service)),
        ]

    def close(self) -> None:
        for sub in self._subs:
            sub.close()
        self._subs.clear()
