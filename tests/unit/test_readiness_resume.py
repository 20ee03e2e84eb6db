"""The Résumé stage's readiness note: "attached by hand" only while no apply mailbox brings
résumés in by email."""

from __future__ import annotations

from typing import Any

from milo_desktop.enums import StageKind
from milo_desktop.models.system import WorkspaceSetting
from milo_desktop.services.email_intake.addresses import MAILBOX_KEY
from milo_desktop.services.readiness import (
    RESUME_BY_HAND,
    Means,
    StageNeeds,
    decide,
    workspace_means,
)

RESUME = [StageNeeds(StageKind.RESUME, "Résumé")]


def test_by_hand_only_without_a_mailbox() -> None:
    assert decide(RESUME, None, Means()).has(RESUME_BY_HAND)
    assert not decide(RESUME, None, Means(mailbox_connected=True)).has(RESUME_BY_HAND)


def test_the_workspace_knows_its_mailbox(workspace: Any) -> None:
    assert not workspace.db.run_sync(workspace_means).mailbox_connected

    def save(s: Any, value: dict[str, Any]) -> None:
        row = s.get(WorkspaceSetting, MAILBOX_KEY)
        if row is None:
            s.add(WorkspaceSetting(key=MAILBOX_KEY, value=value))
        else:
            row.value = value
    # an address alone is not a connected mailbox
    workspace.db.run_sync(lambda s: save(s, {"address": "jobs@agency.example"}), write=True)
    assert not workspace.db.run_sync(workspace_means).mailbox_connected
    workspace.db.run_sync(lambda s: save(s, {"address": "jobs@agency.example",
                                             "imap": {"host": "imap.agency.example"}}),
                          write=True)
    assert workspace.db.run_sync(workspace_means).mailbox_connected
