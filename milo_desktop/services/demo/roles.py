"""The demo workspace around its candidates: interviewers with their workflows, receptionists
and their calls, spend, notifications, templates, the team and a little audit history.

These tables are small, so they go through SQLAlchemy Core inserts (column types and JSON
handled for us); only the candidate tables need the raw bulk path (see ``demo_people``).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from milo_desktop.services.demo import data
from milo_desktop.services.demo.base import IvInfo, StageInfo, Writer
from milo_desktop.services.demo.data import DAY, sid
from milo_desktop.services.demo.details import RATED_KINDS
from milo_desktop.services.demo.people import ANSWER_COLS
from milo_desktop.services.flows.rating import SETTING as RATING_SETTING

if TYPE_CHECKING:
    from milo_desktop.services.demo.people import People

# 4 draft, 22 active, 8 expired, 6 archived; the three long names (last in ROLES) stay active
# so the elision is visible on the default tab.
STATUS_MIX = ["draft"] * 4 + ["active"] * 19 + ["expired"] * 8 + ["archived"] * 6
NEAR_DEADLINES = 6  # active interviewers with under 7 days left (the warning state)
ATS = ("greenhouse", "lever", "workable", "bullhorn")
# (scored min, max), (structured min, max) questions per stage kind: 2-5 questions in all.
QUESTION_MIX = {"voice": ((1, 3), (0, 2)), "resume": ((1, 2), (1, 2)),
                "sms": ((1, 1), (1, 3)), "form": ((1, 2), (1, 3))}
CLIENT_CONTACTS = ("ops.manager@northwind-logistics.example", "hiring@lakeside-hotels.example",
                   "don.reyes@sunrise-living.example")
# Every CallStatus and every CallReview: only evaluated calls have a review decision.
# Seeded calls are all finished and evaluated: a call still in flight (awaiting confirmation,
# confirmed) or being evaluated (processing) only moves on when its execution is read from
# Twilio, and the sandbox has no execution for a made-up one — such a call would sit there
# for good. The demo's live simulated callers show those states as they really pass.
CALL_MIX = ([("evaluated", "needs_review")] * 22 + [("evaluated", "approved")] * 22
            + [("evaluated", "rejected")] * 16)
CALL_SCORES = {"approved": (72, 96), "rejected": (18, 58), "needs_review": (52, 78)}


class Roles:
    def __init__(self, b: Writer) -> None:
        self.b = b
        self.interviewers: list[IvInfo] = []
        self.calls: list[tuple[int, str, int, int, str | None, float, str]] = []
        self.rec_links: dict[int, list[int]] = {}
        self.n_call_answers = 0
        self.q_id = 0

    def open_interviewers(self) -> list[IvInfo]:
        return [iv for iv in self.interviewers if iv.status != "draft"]

    def question(self, spec: dict[str, Any], position: int, *, stage_id: int | None = None,
                 receptionist_id: int | None = None, follow_up: bool = False) -> dict[str, Any]:
        self.q_id += 1
        return {
            "id": self.q_id, "stage_id": stage_id, "receptionist_id": receptionist_id,
            "position": position, "kind": spec["kind"], "prompt": spec["prompt"],
            "weight": spec.get("weight", 1.0), "rubric_low": spec.get("rubric_low", ""),
            "rubric_high": spec.get("rubric_high", ""), "expected_yes": spec.get("expected_yes"),
            "min_value": spec.get("min_value"), "unit": spec.get("unit"),
            "choices": spec.get("choices", []),
            "accepted_choices": spec.get("accepted_choices", []),
            "dealbreaker": spec.get("dealbreaker", False),
            "follow_ups": ["Can you give me a specific example?"] if follow_up else [],
        }

    def _window(self, status: str, n_active: int) -> tuple[float, float | None, float | None,
                                                           float | None]:
        """created, activated, deadline, archived (POSIX seconds) for one interviewer."""
        b, rng, now = self.b, self.b.rng, self.b.now_t
        if status == "draft":
            created = b.ago(0.3, 12)
            return created, None, (created + 30 * DAY if rng.random() < 0.5 else None), None
        age = {"active": (3, 120), "expired": (60, 220), "archived": (150, 500)}[status]
        days = rng.uniform(*age)
        created = now - days * DAY
        activated = created + rng.uniform(0.05, 2) * DAY
        if status == "active":
            if n_active < NEAR_DEADLINES:
                return created, activated, now + rng.uniform(0.3, 6.5) * DAY, None
            if n_active < NEAR_DEADLINES + 2:
                return created, activated, None, None  # no deadline set
            return created, activated, now + rng.uniform(10, 75) * DAY, None
        if status == "expired":  # deadline passed at least three days ago
            return created, activated, activated + rng.uniform(21, days - 5) * DAY, None
        deadline = activated + rng.uniform(21, 60) * DAY
        return created, activated, deadline, deadline + rng.uniform(1, 30) * DAY

    def build(self) -> None:
        """Labels, interviewers with stages, questions and subscribers, templates, teammates."""
        b, rng = self.b, self.b.rng
        label_ids = {name: i + 1 for i, (name, _k, _c) in enumerate(data.LABELS)}
        b.core("labels", [{"id": label_ids[n], "name": n, "kind": k, "color": c}
                          for n, k, c in data.LABELS])
        statuses = list(STATUS_MIX)
        rng.shuffle(statuses)
        statuses += ["active"] * (len(data.ROLES) - len(statuses))
        rows: list[dict[str, Any]] = []
        stages: list[dict[str, Any]] = []
        questions: list[dict[str, Any]] = []
        labels: list[dict[str, Any]] = []
        subs: list[dict[str, Any]] = []
        slugs: dict[str, int] = {}
        n_active = 0
        for i, (name, title, family, label_names, workflow) in enumerate(data.ROLES):
            iid, status = i + 1, statuses[i]
            created, activated, deadline, archived = self._window(status, n_active)
            n_active += status == "active"
            slug = data.slugify(name)
            slugs[slug] = slugs.get(slug, 0) + 1
            slug = slug if slugs[slug] == 1 else f"{slug}-{slugs[slug]}"
            live = status != "draft"
            kinds = workflow.split(",")
            budget = rng.random()
            kind, cents = (("none", None) if budget < 0.35 else
                           ("all_time", rng.choice((50_000, 100_000, 250_000, 500_000)))
                           if budget < 0.75 else ("daily", rng.choice((2_500, 5_000, 10_000))))
            ats = rng.choice(ATS) if live and rng.random() < 0.35 else None
            rows.append({
                "id": iid, "slug": slug, "name": name, "position_title": title,
                "job_description": f"{title}. {data.FAMILY_BLURBS[family]} Weekly pay, benefits "
                                   "after 90 days, and a recruiter who calls you back.",
                "status": status, "language": "en", "created_at": b.at(created),
                "activated_at": b.at(activated) if activated else None,
                "archived_at": b.at(archived) if archived else None,
                "deadline": b.at(deadline) if deadline else None,
                "days_to_complete": rng.choice((3, 5, 7, 7, 10, 14)),
                "retakes": rng.choice((0, 0, 1, 2)), "budget_kind": kind, "budget_cents": cents,
                "currency": "USD",
                "est_cost_per_interview_cents": rng.randint(45, 120) if "voice" in kinds
                else rng.randint(5, 20),
                "phone_number": data.OUTREACH_NUMBER if {"voice", "sms", "form"} & set(kinds)
                else None,
                "email_template": "Invitation (email)", "report_to_candidate": rng.random() < 0.3,
                "ats_provider": ats,
                "ats_job_id": str(rng.randint(4_000_000, 4_999_999)) if ats else None,
                "ats_synced_at": b.at(min(b.now_t, archived or b.now_t) - rng.uniform(300, 3 * DAY))
                if ats else None,
                "settings": {},
            })
            # Where candidates rate their screening, and around which mean (same draws as when
            # the demo wrote a CSAT number itself, so the rest of the demo is unchanged).
            csat_target = round(rng.uniform(3.4, 4.9), 1) if live and rng.random() < 0.65 \
                else None
            labels += [{"interviewer_id": iid, "label_id": label_ids[n]} for n in label_names]
            if live and rng.random() < 0.45:
                pool = [t[1] for t in data.TEAMMATES] + list(CLIENT_CONTACTS)
                subs += [{"interviewer_id": iid, "email": e}
                         for e in rng.sample(pool, rng.randint(1, 3))]
            info = self._stages(iid, kinds, family, live, stages, questions,
                                rated=csat_target is not None)
            close = min(b.now_t, deadline or math.inf, archived or math.inf)
            self.interviewers.append(IvInfo(
                iid, name, slug, title, status, family, activated or created, close, deadline,
                rows[-1]["days_to_complete"], info,
                [j for j, st in enumerate(info) if st.n_structured > st.n_soft],
                bool({"voice", "sms"} & set(kinds)), csat_target))
        b.core("interviewers", rows)
        b.core("interviewer_labels", labels)
        b.core("interviewer_subscribers",
               [{"id": n + 1, **row} for n, row in enumerate(subs)])
        b.core("stages", stages)
        b.core("questions", questions)
        b.core("message_templates", [
            {"id": n + 1, "kind": k, "channel": c, "name": name, "subject": s, "body": body}
            for n, (k, c, name, s, body) in enumerate(data.TEMPLATES)])
        b.core("teammates", [
            {"id": n + 1, "name": name, "email": email, "role": role,
             "created_at": b.at(b.ago(200, 400))}
            for n, (name, email, role) in enumerate(data.TEAMMATES)])

    def _stages(self, iid: int, kinds: list[str], family: str, live: bool,
                stages: list[dict[str, Any]], questions: list[dict[str, Any]], *,
                rated: bool = True) -> list[StageInfo]:
        rng = self.b.rng
        structured = list(data.STRUCTURED[family])
        rng.shuffle(structured)
        info: list[StageInfo] = []
        for pos, kind in enumerate(kinds):
            stage_id = len(stages) + 1
            (s_lo, s_hi), (t_lo, t_hi) = QUESTION_MIX[kind]
            n_struct = min(rng.randint(t_lo, t_hi), len(structured))
            n_scored = max(rng.randint(s_lo, s_hi), 2 - n_struct)
            specs = rng.sample(data.SCORED[kind], n_scored) + structured[:n_struct]
            del structured[:n_struct]  # no question asked twice in one workflow
            stages.append({
                "id": stage_id, "interviewer_id": iid, "position": pos, "kind": kind,
                "name": data.STAGE_NAMES[kind],
                "min_score": rng.choice((50, 60, 70)) if rng.random() < 0.2 else None,
                "flow_sid": sid(rng, "FW") if live and kind in ("voice", "sms") else None,
                # The closing 1–5 rating is on by default; a few recruiters turned it off.
                "settings": {} if rated or kind not in RATED_KINDS else {RATING_SETTING: False},
            })
            rows = [self.question(spec, n, stage_id=stage_id,
                                  follow_up=kind == "voice" and spec["kind"] == "scored")
                    for n, spec in enumerate(specs)]
            questions += rows
            soft = sum(1 for r in rows if r["kind"] != "scored" and not r["dealbreaker"])
            info.append(StageInfo(stage_id, kind, rows, n_struct, soft, kind in ("voice", "sms")))
        return info

    def receptionists(self, sample: list[tuple[int, str, str | None, str | None, str]]) -> int:
        """Three receptionists, their routing links, screening questions and ~60 calls."""
        b, rng = self.b, self.b.rng
        active = [iv for iv in self.interviewers if iv.status == "active"]
        rows, links, asked = [], [], {}
        for n, spec in enumerate(data.RECEPTIONISTS):
            rid = n + 1
            chosen = ([iv for iv in active if iv.family == spec["family"]] or active)[:3]
            self.rec_links[rid] = [iv.id for iv in chosen]
            links += [{"receptionist_id": rid, "interviewer_id": iv.id} for iv in chosen]
            fam = data.STRUCTURED[spec["family"]]
            asked[rid] = [self.question(q, p, receptionist_id=rid)
                          for p, q in enumerate((fam[0], data.SCORED["voice"][1], fam[3]))]
            rows.append({
                "id": rid, "name": spec["name"], "agent_name": spec["agent_name"],
                "voice": "Polly.Joanna", "phone_number": spec["phone"],
                "intro_message": f"Hi, thanks for calling Northwind Staffing! I'm "
                f"{spec['agent_name']}, a virtual assistant. I can tell you about our open "
                f"{', '.join(spec['positions'])} positions and take your details for a "
                "recruiter. This call is recorded.",
                "language_mode": "multilingual" if n == 1 else "english",
                "manual_approval": spec["manual_approval"],
                "disclosures": {"ai_nature": True, "recording": True, "e_verify": n == 0,
                                "collect_location": True, "enforce_job_location_match": n == 1},
                "custom_context": {
                    "open_positions": spec["positions"], "shifts": spec["shifts"],
                    "pay": spec["pay"], "directions": "Enter by the north lobby; free parking.",
                    "company_background": "Northwind Staffing has placed local workers since 2009.",
                    "edge_cases": ["Already applied: expect a reply within 3 days.",
                                   "Asks for a pay advance: we do not offer them."]},
                "routing_threshold": spec["threshold"],
                "default_interviewer_id": chosen[0].id if chosen else None,
                "status": spec["status"],
                "flow_sid": sid(rng, "FW") if spec["status"] == "live" else None,
                "created_at": b.at(b.ago(90, 200)),
            })
        b.core("receptionists", rows)
        b.core("receptionist_interviewers", links)
        b.core("questions", [q for qs in asked.values() for q in qs])
        return self._calls(sample, asked)

    def _calls(self, sample: list[tuple[int, str, str | None, str | None, str]],
               asked: dict[int, list[dict[str, Any]]]) -> int:
        """Calls in every status and review state, some from known candidates."""
        b, rng = self.b, self.b.rng
        mix = list(CALL_MIX)
        rng.shuffle(mix)
        rows, answers = [], []
        answer_id = b.ids.get("answers", 0)
        for n, (status, review) in enumerate(mix):
            rid = rng.choice((1, 1, 2, 2, 3))
            if data.RECEPTIONISTS[rid - 1]["status"] == "inactive" and status != "evaluated":
                rid = 1  # a paused line has no calls still in flight
            days = rng.uniform(0.01, 1.5) if status != "evaluated" else rng.uniform(0.05, 45)
            started = b.now_t - days * DAY
            linked = sample and (review == "approved" or
                                 (review == "needs_review" and rng.random() < 0.4))
            if linked:
                cid, name, email, phone, city = rng.choice(sample)
            else:
                city, codes = rng.choice(data.CITIES)
                cid, name = None, f"{rng.choice(data.FIRST_NAMES)} {rng.choice(data.LAST_NAMES)}"
                phone = f"+1{rng.choice(codes)}55501{rng.randrange(90):02d}"
                domain = rng.choice(data.EMAIL_DOMAINS)
                email = (None if status == "awaiting_confirmation" else
                         f"{data.ascii_word(name)}{rng.randint(1, 99)}@{domain}")
            duration = rng.randint(45, 540)
            call_sid = sid(rng, "CA")
            recording = sid(rng, "RE") if rng.random() < 0.85 else None
            evaluated = status == "evaluated"
            lo, hi = CALL_SCORES.get(review, (0, 0))
            lines = [f"Agent: {data.RECEPTIONISTS[rid - 1]['agent_name']} here, how can I help?",
                     "Caller: Hi, I saw you're hiring and wanted to apply."]
            for q in asked[rid]:
                ok = review != "rejected" and rng.random() < 0.85
                text = data.sample_answer(q, ok, rng)
                lines += [f"Agent: {q['prompt']}", f"Caller: {text}"]
                if evaluated:
                    answer_id += 1
                    scored = q["kind"] == "scored"
                    answers.append((answer_id, None, n + 1, q["id"], q["prompt"], text,
                                    float(rng.randint(4, 5) if ok else rng.randint(1, 2))
                                    if scored else None, None if scored else ok,
                                    "Clear and relevant." if ok else "Weak answer.",
                                    text[:160], "rubric"))
            rows.append({
                "id": n + 1, "receptionist_id": rid, "call_sid": call_sid,
                "execution_sid": sid(rng, "FN"), "caller_name": name, "from_e164": phone,
                "email": email, "location": city, "status": status, "review": review,
                "score": round(rng.uniform(lo, hi), 1) if evaluated else None,
                "duration_s": duration, "evaluations": rng.randint(1, 3) if evaluated else 0,
                "recording_sid": recording, "recording_path": None,
                "transcript": "\n".join(lines), "candidate_id": cid,
                "routed_interviewer_id": rng.choice(self.rec_links[rid])
                if review == "approved" and self.rec_links[rid] else None,
                "started_at": b.at(started), "ended_at": b.at(started + duration),
                "read_at": b.at(started + duration + rng.uniform(60, 0.5 * DAY))
                if evaluated and days > 1 else None,
            })
            self.calls.append((n + 1, call_sid, rid, duration, recording, started + duration,
                               review))
        b.core("inbound_calls", rows)
        b.bulk("answers", ANSWER_COLS, answers)
        b.ids["answers"] = answer_id
        self.n_call_answers = len(answers)
        return len(rows)

    def spend(self) -> int:
        """Provider-reported costs: the calls above, plus screening calls and SMS per stage."""
        b, rng = self.b, self.b.rng
        rows: list[tuple[Any, ...]] = []

        def add(kind: str, ref: str, micros: int, t: float, iid: int | None = None,
                stage: int | None = None, rid: int | None = None) -> None:
            rows.append((len(rows) + 1, "twilio", kind, ref, micros, "USD", iid, stage, rid, t))

        for _cid, call_sid, rid, duration, recording, ended, _review in self.calls:
            minutes = math.ceil(duration / 60)
            add("call", call_sid, minutes * 13_000, ended, rid=rid)
            if recording:
                add("recording", recording, minutes * 2_500, ended, rid=rid)
        for iv in self.open_interviewers():
            for st in iv.stages:
                if st.kind not in ("voice", "sms"):
                    continue
                voice = st.kind == "voice"
                for _ in range(rng.randint(30, 140) if voice else rng.randint(60, 260)):
                    t = rng.uniform(iv.open_t, iv.close_t)
                    if voice:  # $0.014 a minute, 3-12 minutes
                        add("call", sid(rng, "CA"), rng.randint(3, 12) * 14_000, t, iv.id, st.id)
                    else:  # $0.0079 a segment
                        add("sms", sid(rng, "SM"), rng.randint(1, 3) * 7_900, t, iv.id, st.id)
        b.bulk("spend", ("id", "service", "kind", "provider_sid", "amount_micros", "currency",
                         "interviewer_id", "stage_id", "receptionist_id", "occurred_at"), rows)
        return len(rows)

    def notifications(self, people: People, n_calls: int) -> int:
        """About fifteen notifications of every kind, the older ones mostly read."""
        b, rng, now = self.b, self.b.rng, self.b.now_t
        rows: list[dict[str, Any]] = []

        def add(kind: str, title: str, body: str, t: float, cid: int | None = None,
                iid: int | None = None, call: int | None = None) -> None:
            t = min(t, now)
            read = t < now - DAY and rng.random() < 0.7
            rows.append({"id": len(rows) + 1, "kind": kind, "title": title[:200], "body": body,
                         "candidate_id": cid, "interviewer_id": iid, "inbound_call_id": call,
                         "created_at": b.at(t),
                         "read_at": b.at(min(now, t + rng.uniform(600, DAY))) if read else None})

        for cid, name, iv, t, score in people.recent[:6]:
            if len(rows) % 2:
                add("completed", f"{name} completed {iv.name}", "All stages done.", t, cid, iv.id)
            else:
                add("score_ready", f"Score ready: {name} — {score:.0f}/100",
                    f"{iv.name}: the evaluation is ready to review.", t + 120, cid, iv.id)
        for call_id, _sid, _rid, _d, _rec, ended, review in self.calls:
            if review == "needs_review" and sum(r["kind"] == "caller_needs_review"
                                                for r in rows) < 3:
                add("caller_needs_review", "A caller needs review",
                    "The receptionist could not decide; approve or reject the caller.",
                    ended + 300, call=call_id)
        active = [iv for iv in self.interviewers if iv.status == "active"]
        for cid, name in people.newest[-2:]:
            iv = rng.choice(active)
            add("email_application", f"New application by email: {name}",
                f"{name} applied to {iv.name} by e-mail.", b.ago(0.02, 3), cid, iv.id)
        for iv in [iv for iv in active if iv.deadline_t and iv.deadline_t - now < 7 * DAY][:2]:
            left = max(1, int(((iv.deadline_t or now) - now) / DAY))
            add("deadline_near", f"{iv.name}: {left}d left",
                "Extend the deadline to keep accepting candidates.", b.ago(0.1, 1), iid=iv.id)
        add("sync_failed", "Greenhouse sync failed",
            "Greenhouse answered 401 Unauthorized. Reconnect it in Integrations.", b.ago(0.5, 2))
        add("sync_failed", "E-mail sync failed",
            "The IMAP server timed out; Milo will retry in 5 minutes.", b.ago(2, 5))
        b.core("notifications", rows)
        return len(rows)

    def audit(self) -> None:
        b = self.b
        actor = data.TEAMMATES[0][1]
        entries: list[tuple[str, str, int | None, dict[str, str]]] = [
            ("settings.update", "workspace", None, {"key": "communication_policy"})]
        for iv in self.interviewers:
            if iv.status == "archived" and len(entries) < 3:
                entries.append(("interviewer.archive", "interviewer", iv.id, {"name": iv.name}))
            if iv.status == "active" and len(entries) < 5:
                entries.append(("candidates.export", "interviewer", iv.id,
                                {"format": "csv", "name": iv.name}))
        b.core("audit_log", [
            {"id": n + 1, "at": b.at(b.ago(1 + 6 * n, 5 + 6 * n)), "actor": actor,
             "action": action, "entity": entity, "entity_id": eid, "detail": detail}
            for n, (action, entity, eid, detail) in enumerate(entries)])
