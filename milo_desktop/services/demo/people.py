"""Demo candidates and everything hanging off them: applications, stage results, answers,
notes and contact history.

This is the part that must scale to a million candidates, so it is written for speed: rows are
plain tuples in the tables' column order, ids are counted here, and every batch of candidates
is written with one ``executemany``/``COPY`` per table. Statuses are drawn first and the stage
results are derived from them, so an application and its stages always agree.

Every finished Voice, SMS or Form stage may carry the candidate's 1–5 rating (CSAT is counted
from those: services/interviewers/csat.py). A *detailed* candidate's applications also get, for
each finished stage, answers with scores and evidence and the transcript, and their invitation
(SMS too for phone workflows) and nudges in the contact history: every candidate of a demo of
up to ``DETAILED_CANDIDATES``, a random share of a bigger one plus the newest to join and the
most recently invited, so a million-candidate build stays fast and small. The details come
from their own rng, so the candidates, statuses and scores do not depend on them.
"""

from __future__ import annotations

from random import Random
from typing import Any

from milo_desktop.services.demo import data, details
from milo_desktop.services.demo.base import IvInfo, Writer
from milo_desktop.services.demo.data import DAY, sid

BATCH = 20_000  # candidates per round of inserts (with their applications etc.)
JOIN_SPAN = 548 * DAY  # candidates joined over the last ~18 months
SAMPLE = 500  # candidates remembered for calls and notifications
DETAILED_CANDIDATES = 10_000  # about this many get answers, transcripts and contact history
NEWEST_DETAILED = 300  # the newest candidates (the directory's first page) always do
RECENT_DETAILED = 3_000  # and up to this many applications invited in the last RECENT_SPAN
RECENT_SPAN = 3 * DAY  # (the top of every interviewer's Candidates tab)

CANDIDATE_COLS = ("id", "full_name", "name_key", "email", "phone_e164", "location", "source",
                  "ats_provider", "ats_candidate_id", "created_at", "updated_at")
APPLICATION_COLS = ("id", "candidate_id", "interviewer_id", "status", "source", "score",
                    "knocked_out_stage_id", "has_notes", "nudges_sent", "created_at",
                    "started_at", "completed_at", "last_engaged_at")
STAGE_COLS = ("id", "application_id", "stage_id", "status", "score", "structured_passed",
              "structured_total", "evaluator", "transcript", "recording_path", "external_sid",
              "started_at", "completed_at", "rating")
ANSWER_COLS = ("id", "stage_result_id", "inbound_call_id", "question_id", "question_text",
               "answer_text", "score", "passed", "summary", "evidence", "evaluator")
NOTE_COLS = ("id", "candidate_id", "application_id", "author", "body", "created_at")
MESSAGE_COLS = ("id", "candidate_id", "application_id", "channel", "direction", "purpose",
                "to_addr", "from_addr", "subject", "body", "status", "provider_sid", "error",
                "created_at", "sent_at")

# Weighted pools: rng.choice over a tuple with repeats is the cheapest weighted draw.
SOURCES = ("directory",) * 3 + ("ats",) * 3 + ("email",) * 2 + ("phone", "manual")
APPS_PER_CANDIDATE = (0, 0, 0, 1, 1, 1, 1, 1, 2, 3)  # 70% apply somewhere
POPULARITY = {"active": 3, "expired": 2, "archived": 1}
ATS = ("greenhouse", "lever", "bullhorn")
# Applications younger than two days have mostly not finished.
FRESH = (("pending",) * 7 + ("in_progress",) * 6 + ("evaluating",) * 2 + ("completed",) * 3
         + ("knocked_out",) * 2)
SETTLED = (("pending",) * 5 + ("in_progress",) * 4 + ("evaluating",) * 2 + ("completed",) * 17
           + ("shortlisted",) * 6 + ("dismissed",) * 9 + ("knocked_out",) * 7)
SCORED_END = frozenset({"completed", "shortlisted", "dismissed"})
EMAIL_STATUSES = ("delivered",) * 5 + ("opened",) * 4 + ("sent", "bounced", "failed")
SMS_STATUSES = ("delivered",) * 8 + ("sent", "failed")
REACHED_EMAIL = ("delivered",) * 5 + ("opened",) * 4  # the candidate went on to start
REACHED_SMS = ("delivered",)
ERRORS = {"bounced": "550 5.1.1 Mailbox does not exist", "failed": "Gave up after 5 attempts",
          "sms": "30003 Unreachable destination handset"}
FROM_EMAIL = "jobs@northwind-staffing.example"
INVITE_EMAIL = next(t for t in data.TEMPLATES if t[0] == "invitation" and t[1] == "email")
INVITE_SMS = next(t for t in data.TEMPLATES if t[0] == "invitation" and t[1] == "sms")
NUDGE_EMAIL = next(t for t in data.TEMPLATES if t[0] == "nudge")


def fill(text: str, name: str, title: str, next_step: str) -> str:
    return (text.replace("{{candidate_name}}", name).replace("{{job_title}}", title)
            .replace("{{next_step}}", next_step))


class People:
    def __init__(self, b: Writer, interviewers: list[IvInfo]) -> None:
        self.b = b
        self.pool = [iv for iv in interviewers for _ in range(POPULARITY[iv.status])]
        self.firsts = [(n, data.ascii_word(n)) for n in data.FIRST_NAMES]
        self.lasts = [(n, data.ascii_word(n)) for n in data.LAST_NAMES]
        self.sample: list[tuple[int, str, str | None, str | None, str]] = []  # the oldest
        self.newest: list[tuple[int, str]] = []  # the last few to join
        self.recent: list[tuple[int, str, IvInfo, float, float]] = []  # recently completed
        self.n_apps = self.n_stages = self.n_answers = self.n_notes = self.n_messages = 0
        self.n_recent_detailed = 0
        self.p_detailed = 1.0
        # Its own stream (seeded from the build's): details never shift the candidates.
        self.rd = Random(b.rng.getrandbits(64))
        self.rows: dict[str, list[tuple[Any, ...]]] = {}

    def build(self, n: int) -> None:
        b = self.b
        b.report("candidates", 0, n)
        self.p_detailed = min(1.0, DETAILED_CANDIDATES / n) if n else 1.0
        for lo in range(0, n, BATCH):
            hi = min(n, lo + BATCH)
            self.rows = {t: [] for t in ("candidates", "applications", "stage_results",
                                         "answers", "candidate_notes", "messages")}
            self._candidates(lo, hi, n)
            # Parents before children: foreign keys are checked row by row.
            for table, cols in (("candidates", CANDIDATE_COLS), ("applications", APPLICATION_COLS),
                                ("stage_results", STAGE_COLS), ("answers", ANSWER_COLS),
                                ("candidate_notes", NOTE_COLS), ("messages", MESSAGE_COLS)):
                b.bulk(table, cols, self.rows[table])
            b.index_candidates(lo + 1, hi)  # runs while the next batch is generated
            b.report("candidates", hi, n)
        b.ids["answers"] = self.n_answers

    def _candidates(self, lo: int, hi: int, n: int) -> None:
        b, rnd = self.b, self.b.rng.random
        # Hot loop (a million turns): weighted draws are inlined as seq[int(rnd() * len)],
        # which is half the cost of rng.choice.
        firsts, lasts, cities, domains = self.firsts, self.lasts, data.CITIES, data.EMAIL_DOMAINS
        n_first, n_last, n_city, n_domain = len(firsts), len(lasts), len(cities), len(domains)
        pool, n_pool, n_src = self.pool, len(self.pool), len(SOURCES)
        start = b.now_t - JOIN_SPAN
        detail_draw, p_detailed, newest = self.rd.random, self.p_detailed, n - NEWEST_DETAILED
        out = self.rows["candidates"]
        for i in range(lo, hi):
            cid = i + 1
            first, fa = firsts[int(rnd() * n_first)]
            last, la = lasts[int(rnd() * n_last)]
            full = f"{first} {last}"
            city, codes = cities[int(rnd() * n_city)]
            style = rnd()
            # Letters, then the id: unique by construction, and still looks like a real address.
            local = (None if style < 0.06 else f"{fa}.{la}" if style < 0.4 else
                     f"{fa[0]}{la}" if style < 0.6 else f"{fa}_{la}" if style < 0.8 else
                     f"{la}.{fa}")
            email = f"{local}{cid}@{domains[int(rnd() * n_domain)]}" if local else None
            phone = (f"+1{codes[int(rnd() * len(codes))]}55501{int(rnd() * 90):02d}"
                     if rnd() < 0.88 else None)
            source = SOURCES[int(rnd() * n_src)]
            ats = source == "ats"
            # Ids grow with time, as in a real workspace; more people joined recently.
            created = start + JOIN_SPAN * ((i + rnd()) / n) ** 0.75
            out.append((cid, full, full.casefold(), email, phone, city, source,
                        ATS[int(rnd() * 3)] if ats else None,
                        str(4_000_000 + int(rnd() * 5_000_000)) if ats else None, created, created))
            if len(self.sample) < SAMPLE:
                self.sample.append((cid, full, email, phone, city))
            if cid > n - 5:
                self.newest.append((cid, full))
            quality = 66.0 + 28.0 * (rnd() + rnd() + rnd() - 1.5)  # ~normal(66, 14), cheaply
            detailed = cid > newest or detail_draw() < p_detailed
            seen: list[int] = []
            for _ in range(APPS_PER_CANDIDATE[int(rnd() * 10)]):
                iv = pool[int(rnd() * n_pool)]
                earliest = max(created, iv.open_t)
                if iv.id in seen or earliest >= iv.close_t:
                    continue  # already applied, or the role closed before they joined
                seen.append(iv.id)
                invited = earliest + (iv.close_t - earliest) * rnd()
                self._application(cid, first, full, email, phone, source, quality, iv, invited,
                                  detailed)

    def _application(self, cid: int, first: str, full: str, email: str | None,
                     phone: str | None, source: str, quality: float, iv: IvInfo,
                     invited: float, detailed: bool = False) -> None:
        b, rng, rd = self.b, self.b.rng, self.rd
        rnd, now = rng.random, b.now_t
        age = now - invited
        if not detailed and age < RECENT_SPAN and self.n_recent_detailed < RECENT_DETAILED:
            detailed = True
            self.n_recent_detailed += 1
        status = (FRESH[int(rnd() * len(FRESH))] if age < 2 * DAY
                  else SETTLED[int(rnd() * len(SETTLED))])
        stages = iv.stages
        if status == "knocked_out" and not iv.ko_positions:
            status = "dismissed"  # no dealbreaker in this workflow: nobody can be knocked out
        if status == "pending":
            reached = 0
        elif status == "in_progress":
            reached = 1 + int(rnd() * len(stages))
        elif status == "knocked_out":
            reached = iv.ko_positions[int(rnd() * len(iv.ko_positions))] + 1
        else:
            reached = len(stages)
        # Event times: sorted points in the time the candidate had (at most days-to-complete).
        window = min(age, iv.days * DAY)
        marks = sorted([invited + window * rnd() for _ in range(2 * reached)])
        base = max(quality, 80.0) if status == "shortlisted" else (
            min(quality, 55.0) if status == "dismissed" else quality)
        self.n_apps += 1
        aid = self.n_apps
        scores: list[float] = []
        out = self.rows["stage_results"]
        for j in range(reached):
            st = stages[j]
            last = j == reached - 1
            passed = st.n_structured - (1 if st.n_soft and rnd() < 0.2 else 0)
            score: float | None
            evaluator: str | None
            ended: float | None
            score, evaluator, ended, state = None, "rubric", marks[2 * j + 1], "completed"
            if last and status == "in_progress":
                state, evaluator, ended = "in_progress", None, None
                passed = int(rnd() * (passed + 1))
            elif last and status == "knocked_out":  # failed a dealbreaker: not scored
                state, evaluator = "knocked_out", "structured"
                passed = max(0, st.n_structured - 1 - int(rnd() * 2))
            elif last and status == "evaluating":
                evaluator = None  # finished; the evaluation is still running
            else:
                score = round(min(100.0, max(0.0, base + 18.0 * (rnd() + rnd() + rnd() - 1.5))), 1)
                scores.append(score)
            self.n_stages += 1
            finished = state != "in_progress"
            # Asked last: a call goes on after a failed dealbreaker, a text screening stops.
            asked = (finished and st.kind in details.RATED_KINDS and iv.csat_target is not None
                     and (state != "knocked_out" or st.kind == "voice"))
            rating = details.rating(rd, iv.csat_target) if asked else None
            transcript = ""
            if detailed and finished and evaluator is not None:  # evaluated: answers are in
                said = details.answers(rd, st, score if score is not None else base, passed,
                                       state == "knocked_out")
                passed = sum(1 for a in said if a.passed)
                self.rows["answers"].extend(
                    (self.n_answers + k + 1, self.n_stages, None, a.question_id, a.prompt, a.text,
                     a.score, a.passed, a.summary, a.evidence, "rubric")
                    for k, a in enumerate(said))
                self.n_answers += len(said)
                transcript = details.transcript(st.kind, first, iv.title, said, asked, rating,
                                                rd)
            out.append((self.n_stages, aid, st.id, state, score, passed, st.n_structured,
                        evaluator, transcript, None,
                        sid(rd, "FN") if detailed and finished and st.flow else None,
                        marks[2 * j], ended, rating))
        final = status in SCORED_END
        app_score = round(sum(scores) / len(scores), 1) if final and scores else None
        engaged = marks[-1] if reached else None
        done = engaged if reached and status != "in_progress" else None
        nudges = int(rnd() * 3) if status == "pending" and age > DAY else 0
        has_notes = rnd() < 0.04
        self.rows["applications"].append((
            aid, cid, iv.id, status, source, app_score,
            stages[reached - 1].id if status == "knocked_out" else None, has_notes, nudges,
            invited, marks[0] if reached else None, done, engaged))
        if final and done is not None and done > now - 7 * DAY and len(self.recent) < 50:
            self.recent.append((cid, full, iv, done, app_score or 0.0))
        if has_notes:
            self.n_notes += 1
            self.rows["candidate_notes"].append((
                self.n_notes, cid, aid, rng.choice(data.TEAMMATES)[0], rng.choice(data.NOTES),
                min(now, (engaged or invited) + rnd() * DAY)))
        if rnd() < 0.07 or detailed:
            self._messages(cid, aid, first, email, phone, iv, invited, nudges, reached > 0)

    def _messages(self, cid: int, aid: int, first: str, email: str | None, phone: str | None,
                  iv: IvInfo, invited: float, nudges: int, reached: bool = False) -> None:
        """Contact history: the invitation (e-mail, and SMS for phone workflows) and nudges.
        A candidate who started got the invitation (delivered or opened); one who did not may
        have a bounced or failed one."""
        rng, out = self.rd, self.rows["messages"]
        # The demo hosts no candidate page: messages say how the screening starts instead.
        link = ("We'll text you the questions from our number shortly: reply to each one."
                if iv.messaging else "Reply to this email and we'll tell you how to start.")
        sends: list[tuple[str, str, tuple[str, str, str, str, str], float]] = []
        if email:
            sends.append(("email", email, INVITE_EMAIL, invited))
            sends += [("email", email, NUDGE_EMAIL, invited + (k + 1) * DAY) for k in range(nudges)]
        if phone and iv.messaging:
            sends.append(("sms", phone, INVITE_SMS, invited + 5))
        now = self.b.now_t
        for channel, to, (purpose, _c, _n, subject, body), t in sends:
            sms, t = channel == "sms", min(t, now)
            status = rng.choice((REACHED_SMS if sms else REACHED_EMAIL) if reached
                                else SMS_STATUSES if sms else EMAIL_STATUSES)
            error = ERRORS["sms" if sms else status] if status in ("failed", "bounced") else None
            self.n_messages += 1
            out.append((self.n_messages, cid, aid, channel, "outbound", purpose, to,
                        data.OUTREACH_NUMBER if sms else FROM_EMAIL,
                        fill(subject, first, iv.title, link), fill(body, first, iv.title, link),
                        status, sid(rng, "SM") if sms else None,
                        error, t, None if status == "failed" else min(t + 20, now)))
