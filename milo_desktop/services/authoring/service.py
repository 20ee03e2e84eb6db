"""``AuthoringService``: what the Create Interviewer wizard calls (no Qt).

Plan (template, job description, job-posting URL) → validate → create / load / update, plus
the question library, reuse from other interviewers, the cost estimate and sharing.
Cloning is ``InterviewerService.clone`` (services/interviewers/actions.py).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable
from functools import cached_property

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from milo_desktop.enums import BudgetKind, InterviewerStatus
from milo_desktop.errors import ValidationProblem
from milo_desktop.models import Interviewer, Label, Question, Stage
from milo_desktop.models.base import utcnow
from milo_desktop.services import links
from milo_desktop.services.authoring import share, store
from milo_desktop.services.authoring.cost import CostEstimate, estimate
from milo_desktop.services.authoring.draft import (
    DEFAULT_DEADLINE_DAYS,
    InterviewerDraft,
    StageDraft,
    slugify,
)
from milo_desktop.services.authoring.fetch import (
    CONNECT_TIMEOUT_S,
    READ_TIMEOUT_S,
    fetch_posting,
)
from milo_desktop.services.authoring.planner import plan
from milo_desktop.services.authoring.templates import (
    LibraryGroup,
    RoleTemplate,
    build_library,
    load_templates,
)
from milo_desktop.services.authoring.validation import (
    DESCRIPTION_MAX,
    FieldProblem,
    slug_format_problem,
    static_problems,
)
from milo_desktop.services.budget_check import check_not_below_spent, spent_cents
from milo_desktop.services.core.database import Database
from milo_desktop.services.core.events import EventBus, InterviewersChanged
from milo_desktop.services.entry.points import (
    EntryPoints,
    draft_points,
    entry_points,
)
from milo_desktop.services.readiness import (
    Means,
    Readiness,
    decide,
    needs_of,
    workspace_means,
)
from milo_desktop.services.receptionists.types import InterviewerChoice
from milo_desktop.services.workspace_settings import ai_defaults, branding


class AuthoringService:
    def __init__(self, db: Database, bus: EventBus,
                 clock: Callable[[], dt.datetime] = utcnow) -> None:
        self.db = db
        self.bus = bus
        self.clock = clock  # tests pin time here
        # (connect, read) seconds for job-posting fetches; tests shorten them.
        self.fetch_timeouts: tuple[float, float] = (CONNECT_TIMEOUT_S, READ_TIMEOUT_S)
        # What new drafts start with (Settings → AI defaults; AiDefaultsService keeps it).
        self.ai_defaults = ai_defaults.AiDefaults()

    # ----- planning -----------------------------------------------------------------------
    @cached_property
    def _templates(self) -> tuple[RoleTemplate, ...]:
        return load_templates()

    def templates(self) -> tuple[RoleTemplate, ...]:
        """The bundled role templates, by title (read once from resources/templates)."""
        return self._templates

    def _finish(self, draft: InterviewerDraft) -> InterviewerDraft:
        draft.deadline = draft.deadline or self.default_deadline()
        draft.slug = draft.slug or slugify(draft.position_title)
        return ai_defaults.apply(draft, self.ai_defaults, self._library)

    def default_deadline(self) -> dt.datetime:
        """A month from now, at the end of that day (UTC)."""
        day = (self.clock() + dt.timedelta(days=DEFAULT_DEADLINE_DAYS)).date()
        return dt.datetime.combine(day, dt.time(23, 59), tzinfo=dt.UTC)

    def draft_from_template(self, key: str) -> InterviewerDraft:
        template = next((t for t in self._templates if t.key == key), None)
        if template is None:
            raise ValidationProblem(f"There is no role template “{key}”.")
        draft = template.draft()
        draft.plan_notes = [f"Started from the “{template.title}” template: "
                            f"{draft.workflow()}, {draft.question_count()} questions."]
        return self._finish(draft)

    def draft_from_description(self, text: str) -> InterviewerDraft:
        """Plan from a pasted job description (see planner.py); ValidationProblem when the
        text is empty, too short or too long."""
        return self._finish(plan(text, self._templates))

    async def draft_from_url(self, url: str) -> InterviewerDraft:
        """Fetch a job posting and plan from its text. Offline → EnvironmentProblem "You're
        offline — paste the job description instead"; 404, a file, a huge page →
        ValidationProblem."""
        connect_s, read_s = self.fetch_timeouts
        posting = await fetch_posting(url, connect_s=connect_s, read_s=read_s)
        draft = await asyncio.to_thread(plan, posting.for_planner()[:DESCRIPTION_MAX], self._templates)
        draft.source_url = posting.url
        draft.plan_notes.insert(0, f"Read the job posting at {posting.url}.")
        return self._finish(draft)

    def blank_draft(self) -> InterviewerDraft:
        """A draft with defaults and no stages (the wizard's "start from scratch")."""
        return self._finish(InterviewerDraft())

    # ----- validation ---------------------------------------------------------------------
    async def slug_problem(self, slug: str, exclude_id: int | None = None) -> str | None:
        """Why ``slug`` can't be used (format, or taken by another interviewer), or None."""
        problem = slug_format_problem(slug)
        if problem:
            return problem
        taken = await self.db.read(lambda s: store.slug_taken(s, slug, exclude_id))
        return store.slug_taken_message(slug) if taken else None

    def static_problems(self, draft: InterviewerDraft) -> list[FieldProblem]:
        """Every problem that needs no database (the wizard shows these as you type)."""
        return static_problems(draft, self.clock())

    async def validate(self, draft: InterviewerDraft, exclude_id: int | None = None
                       ) -> list[FieldProblem]:
        """Every problem: the static ones, a taken slug, a receptionist's phone number, an
        email template that no longer exists."""
        problems = static_problems(draft, self.clock())

        def read(s: Session) -> list[FieldProblem]:
            out = []
            if not any(p.field == "slug" for p in problems) and store.slug_taken(
                    s, draft.slug, exclude_id):
                out.append(FieldProblem("slug", store.slug_taken_message(draft.slug)))
            if draft.phone_number and (owner := store.number_owner(s, draft.phone_number)):
                out.append(FieldProblem("phone_number", owner))
            if draft.email_template and draft.email_template not in \
                    store.invitation_templates(s):
                out.append(FieldProblem("email_template", f"The email template "
                                        f"“{draft.email_template}” no longer exists."))
            return out

        return problems + await self.db.read(read)

    async def _checked(self, draft: InterviewerDraft, exclude_id: int | None) -> None:
        problems = await self.validate(draft, exclude_id)
        if problems:
            raise ValidationProblem(" ".join(p.message for p in problems))

    # ----- writing ------------------------------------------------------------------------
    async def workspace_means(self) -> Means:
        """What the workspace provides every interviewer (a default sender, an email
        account), for ``readiness`` while the wizard edits."""
        return await self.db.read(workspace_means)

    def readiness(self, draft: InterviewerDraft, means: Means) -> Readiness:
        """What stops ``draft`` from progressing once live (services/readiness.py: the same
        decision the interviewer's page, activation and invitations use)."""
        return decide(needs_of(draft.stages), draft.phone_number, means)

    async def create(self, draft: InterviewerDraft) -> int:
        """Store the draft as an active interviewer (stages, questions, labels, subscribers,
        an audit entry) and publish InterviewersChanged; returns its id. One that cannot
        progress yet (``readiness``: a Voice or SMS stage with no number) is saved as a
        draft, to activate once that is fixed."""
        await self._checked(draft, None)
        now, cents = self.clock(), estimate(draft).per_completed_interview_cents
        live = self.readiness(draft, await self.workspace_means()).ready
        try:
            new_id = await self.db.write(
                lambda s: store.create_interviewer(s, draft, now, cents, live=live))
        except IntegrityError as exc:  # another desktop took the slug a moment ago
            raise ValidationProblem(store.slug_taken_message(draft.slug)) from exc
        self.bus.publish(InterviewersChanged((new_id,)))
        return new_id

    async def load_draft(self, interviewer_id: int) -> InterviewerDraft:
        """The stored interviewer as a draft (stage and question ids kept, for update)."""
        return await self.db.read(lambda s: store.draft_of(s, interviewer_id))

    async def update(self, interviewer_id: int, draft: InterviewerDraft, *,
                     confirm_budget: bool = False) -> list[str]:
        """Save an edited draft. Changes apply to new candidates only: existing answers keep
        the question text they were asked with, stages with results can't be removed, and a
        changed Voice/SMS stage is republished for the next candidate (details in
        store.py). Returns what changed; publishes InterviewersChanged. A live interviewer
        is not saved into a state that cannot progress (readiness); a changed budget below
        what is already spent raises BudgetBelowSpent unless ``confirm_budget``."""
        await self._checked(draft, interviewer_id)
        now, cents = self.clock(), estimate(draft).per_completed_interview_cents
        readiness = self.readiness(draft, await self.workspace_means())

        def write(s: Session) -> list[str]:
            iv = s.get(Interviewer, interviewer_id)
            if iv is not None and iv.status == InterviewerStatus.ACTIVE and not readiness.ready:
                raise ValidationProblem(f"“{iv.name}” is live, so this change can't be saved: "
                                        f"{readiness.reason()}")
            if iv is not None and (iv.budget_kind, iv.budget_cents) != (
                    draft.budget_kind, draft.budget_cents):
                check_not_below_spent(s, iv.id, iv.name, draft.budget_kind, draft.budget_cents,
                                      now, currency=iv.currency, confirmed=confirm_budget)
            return store.apply_update(s, interviewer_id, draft, now, cents)

        try:
            changed = await self.db.write(write)
        except IntegrityError as exc:
            raise ValidationProblem(store.slug_taken_message(draft.slug)) from exc
        self.bus.publish(InterviewersChanged((interviewer_id,)))
        return changed

    async def spent_cents(self, interviewer_id: int, kind: BudgetKind | str) -> float:
        """What the interviewer has spent in a budget's window (budget_check.py), for the
        Settings step to say when a budget is below it."""
        now = self.clock()
        return await self.db.read(lambda s: spent_cents(s, interviewer_id, kind, now))

    # ----- questions from elsewhere -------------------------------------------------------
    @cached_property
    def _library(self) -> tuple[LibraryGroup, ...]:
        return build_library(self._templates)

    def question_library(self) -> tuple[LibraryGroup, ...]:
        """Built-in questions from every template, once each, grouped by topic."""
        return self._library

    async def interviewer_choices(self) -> list[InterviewerChoice]:
        """Interviewers that have questions to reuse, by name."""

        def read(s: Session) -> list[InterviewerChoice]:
            rows = s.execute(
                select(Interviewer.id, Interviewer.name)
                .where(select(func.count(Question.id)).join(Stage, Question.stage_id == Stage.id)
                       .where(Stage.interviewer_id == Interviewer.id)
                       .scalar_subquery() > 0)
                .order_by(Interviewer.name, Interviewer.id)).all()
            return [InterviewerChoice(i, n) for i, n in rows]

        return await self.db.read(read)

    async def questions_of(self, interviewer_id: int) -> list[StageDraft]:
        """Another interviewer's stages with their questions, as new (id-less) copies."""

        def read(s: Session) -> list[StageDraft]:
            iv = s.get(Interviewer, interviewer_id)
            stages = [store.stage_draft_of(st) for st in iv.stages] if iv else []
            for st in stages:
                st.id = None
                st.questions = [q.fresh_copy() for q in st.questions]
            return stages

        return await self.db.read(read)

    async def email_templates(self) -> list[str]:
        """Names of the email invitation templates (Settings step)."""
        return await self.db.read(store.invitation_templates)

    async def label_names(self) -> list[str]:
        """Existing labels, for suggestions."""
        return await self.db.read(lambda s: list(s.scalars(select(Label.name)
                                                           .order_by(Label.name))))

    # ----- cost and sharing ---------------------------------------------------------------
    def estimate(self, draft: InterviewerDraft) -> CostEstimate:
        """Estimated cost per completed interview and the budget's capacity (cost.py)."""
        return estimate(draft)

    async def link_base(self) -> str | None:
        """The workspace's candidate page address, None when it hosts none
        (services/links.py)."""
        return await self.db.read(links.link_base)

    async def interview_link(self, slug: str) -> str | None:
        """The candidate link, as every producer builds it (services/links.py)."""
        return await self.db.read(lambda s: links.link_for(s, slug))

    async def entry_points(self, draft: InterviewerDraft,
                           interviewer_id: int | None = None) -> EntryPoints:
        """How candidates will start with this (possibly unsaved) interviewer: its keyword
        text, the receptionist's number, its apply address, the candidate page
        (services/entry/points.py)."""
        return await self.db.read(lambda s: draft_points(
            s, interviewer_id, draft.position_title, draft.slug, draft.phone_number))

    async def _title_and_codes(self, interviewer_id: int) -> tuple[str, list[share.PosterCode]]:
        points = await self.db.write(lambda s: entry_points(s, interviewer_id))
        return points.title, poster_codes(points)

    async def poster_brand(self) -> share.PosterBrand:
        """Settings → Account's company name, brand colour and logo, for the poster."""
        brand = await self.db.read(branding.read_branding)
        logo = await asyncio.to_thread(branding.logo_bytes, brand)
        return share.PosterBrand(brand.company_name, brand.rgb, logo)

    async def poster_png(self, interviewer_id: int) -> bytes:
        """An A4 poster (PNG, 150 dpi): title, a QR code per entry point, their words."""
        return await asyncio.to_thread(share.poster_png_bytes,
                                       *await self._title_and_codes(interviewer_id),
                                       await self.poster_brand())

    async def poster_pdf(self, interviewer_id: int) -> bytes:
        return await asyncio.to_thread(share.poster_pdf_bytes,
                                       *await self._title_and_codes(interviewer_id),
                                       await self.poster_brand())

    async def render_poster(self, title: str, points: EntryPoints, kind: str) -> bytes:
        """A poster for an interviewer not saved yet (the wizard's Share step): kind "png" or
        "pdf"."""
        make = share.poster_pdf_bytes if kind == "pdf" else share.poster_png_bytes
        return await asyncio.to_thread(make, title, poster_codes(points),
                                       await self.poster_brand())


def poster_codes(points: EntryPoints) -> list[share.PosterCode]:
    """The poster's QR codes: one per entry point, in the order they are offered."""
    return [share.PosterCode(p.uri, p.words) for p in points.points]
