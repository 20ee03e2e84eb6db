"""{{link}} only when the workspace hosts a candidate page (Settings → Account): absent from
what the editor offers and from every message without one, a message that uses it refused
before anything is queued, present with an address; the old placeholder host is never used,
and workspaces' untouched old default templates are brought up to date."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from milo_desktop.enums import Channel, StageKind
from milo_desktop.errors import ValidationProblem
from milo_desktop.models import Application, Message, MessageTemplate, OutboxItem, WorkspaceSetting
from milo_desktop.services.links import link_base, link_for
from milo_desktop.services.outreach import TemplateKind
from milo_desktop.services.outreach.templates import (
    DEFAULTS,
    LINK,
    NO_LINK,
    OLD_DEFAULTS,
    LinkUnavailable,
    offered_placeholders,
    placeholder_values,
    render,
)
from milo_desktop.services.workspace import Workspace
from tests.factories import make_candidate, make_interviewer

SLUG = "line-cook"


def counts(ws: Workspace) -> tuple[int, int, int]:
    def q(s: Any) -> tuple[int, int, int]:
        return (len(s.scalars(select(Application.id)).all()),
                len(s.scalars(select(Message.id)).all()),
                len(s.scalars(select(OutboxItem.id)).all()))
    return ws.db.run_sync(q)


def use_link_in_invitation(ws: Workspace, arun: Any) -> None:
    for row in arun(ws.outreach.templates()):
        if row.kind == TemplateKind.INVITATION and row.channel == Channel.EMAIL:
            arun(ws.outreach.save_template(row.id, row.subject, "Start here: {{link}}"))


def test_render_refuses_link_without_a_value() -> None:
    values = placeholder_values("Ada", "Line Cook", None, "Reply to this email.")
    assert LINK not in values
    with pytest.raises(LinkUnavailable) as caught:
        render("Hi {{candidate_name}}: {{ link }}", values)
    assert caught.value.message == NO_LINK
    assert render("Hi {{candidate_name}}. {{next_step}}", values) == (
        "Hi Ada. Reply to this email.")
    assert LINK not in offered_placeholders(has_link=False)
    assert LINK in offered_placeholders(has_link=True)


def test_without_an_address_nothing_offers_a_link(workspace: Workspace, arun: Any) -> None:
    ws = workspace
    iv = make_interviewer(ws, "Line Cook", slug=SLUG, deadline=None, stages=(StageKind.RESUME,))
    cid = make_candidate(ws, "Ivy Cook", "ivy@example.com")
    assert ws.db.run_sync(link_base) is None
    assert LINK not in arun(ws.outreach.placeholders_for(None))
    preview = arun(ws.outreach.preview(TemplateKind.INVITATION, iv, cid))
    assert "http" not in preview[Channel.EMAIL].body
    assert "Reply to this email with your résumé attached." in preview[Channel.EMAIL].body

    # A template that uses {{link}} is flagged before anything is written.
    use_link_in_invitation(ws, arun)
    with pytest.raises(ValidationProblem, match="no candidate page address is set"):
        arun(ws.outreach.preview(TemplateKind.INVITATION, iv, cid))
    with pytest.raises(ValidationProblem, match="no candidate page address is set"):
        arun(ws.outreach.invite([cid], iv))
    assert counts(ws) == (0, 0, 0)  # nothing sent half-formed


def test_with_an_address_the_link_is_offered_and_sent(workspace: Workspace, arun: Any) -> None:
    ws = workspace
    arun(ws.entry.save_account("https://jobs.agency.example/apply", ""))
    iv = make_interviewer(ws, "Line Cook", slug=SLUG, deadline=None, stages=(StageKind.RESUME,))
    cid = make_candidate(ws, "Ivy Cook", "ivy@example.com")
    use_link_in_invitation(ws, arun)
    assert arun(ws.outreach.placeholders_for(None))[LINK].startswith("https://jobs.agency")
    assert arun(ws.outreach.invite([cid], iv)).queued == 1
    [body] = ws.db.run_sync(lambda s: list(s.scalars(select(Message.body))))
    assert body == "Start here: https://jobs.agency.example/apply/line-cook"


@pytest.mark.parametrize("where", ["policy", "legacy", "account"])
def test_the_old_placeholder_host_is_never_a_link(workspace: Workspace, arun: Any,
                                                  where: str) -> None:
    placeholder = "https://interview.milo.example"

    def write(s: Any) -> None:
        if where == "policy":
            s.add(WorkspaceSetting(key="outreach.policy", value={"link_base": placeholder}))
        elif where == "legacy":
            s.add(WorkspaceSetting(key="interview_link_base", value=placeholder))
        else:
            s.add(WorkspaceSetting(key="account", value={"candidate_page": placeholder}))
    workspace.db.run_sync(write, write=True)
    assert workspace.db.run_sync(lambda s: link_for(s, SLUG)) is None
    with pytest.raises(ValidationProblem, match="placeholder"):
        arun(workspace.entry.save_account(placeholder + "/x", ""))


def test_an_older_policy_address_moves_to_account_on_save(workspace: Workspace,
                                                           arun: Any) -> None:
    workspace.db.run_sync(lambda s: s.add(WorkspaceSetting(
        key="outreach.policy", value={"link_base": "https://careers.northwind.example/"})),
        write=True)
    assert arun(workspace.entry.account()).candidate_page == "https://careers.northwind.example"
    arun(workspace.entry.save_account("", ""))  # cleared here: the older key is history
    assert workspace.db.run_sync(lambda s: link_for(s, SLUG)) is None


def test_untouched_old_defaults_are_updated_and_edited_ones_kept(workspace: Workspace,
                                                                  arun: Any) -> None:
    ws = workspace
    old_email = OLD_DEFAULTS[(TemplateKind.INVITATION, Channel.EMAIL)]
    old_sms = OLD_DEFAULTS[(TemplateKind.INVITATION, Channel.SMS)]

    def write(s: Any) -> None:
        s.add(MessageTemplate(kind="invitation", channel=Channel.EMAIL,
                              name="Invitation (email)", subject=old_email.subject,
                              body=old_email.body))
        s.add(MessageTemplate(kind="invitation", channel=Channel.SMS, name="Invitation (SMS)",
                              subject="", body=old_sms.body + " See you!"))  # edited
    ws.db.run_sync(write, write=True)
    rows = {r.channel: r for r in arun(ws.outreach.templates()) if
            r.kind == TemplateKind.INVITATION}
    new = DEFAULTS[(TemplateKind.INVITATION, Channel.EMAIL)]
    assert (rows[Channel.EMAIL].subject, rows[Channel.EMAIL].body) == (new.subject, new.body)
    assert rows[Channel.SMS].body == old_sms.body + " See you!"  # the recruiter's, kept
