"""The seeding API of the Lever sandbox (see ``ats_base``): jobs, candidates and their
opportunities, changes and deletions, and what the tests read back (notes, stages, states).
A mixin of ``LeverSandbox`` (kept apart so each module stays readable)."""

from __future__ import annotations

import threading
from collections.abc import Sequence

from milo_desktop.sandbox.lever_state import LeverState


class LeverSeeding:
    """Seeding methods over ``self.state`` under ``self.lock``; ``_now()`` is the sandbox
    clock moved on by one second, in epoch milliseconds."""

    state: LeverState
    lock: threading.RLock

    def _now(self) -> int:
        raise NotImplementedError

    def add_job(self, title: str, stages: list[str]) -> str:
        with self.lock:
            return self.state.add_posting(title, stages, self._now())

    def add_candidate(self, first: str, last: str, email: str, phone: str, job_id: str,
                      linkedin: str | None = None) -> str:
        with self.lock:
            st = self.state
            contact = st.add_contact(f"{first} {last}".strip(), [email] if email else [],
                                     [{"type": "mobile", "value": phone}] if phone else [],
                                     [linkedin] if linkedin else [], "Berlin")
            st.add_opp(contact, job_id, self._now())
            return contact.id

    def add_opportunity(self, cid: str, job_id: str) -> str:
        """Another opportunity for an existing contact (a second job)."""
        with self.lock:
            return self.state.add_opp(self.state.contacts[cid], job_id, self._now()).id

    def seed_many(self, n: int, job_ids: Sequence[str]) -> list[str]:
        """``n`` candidates, each with one opportunity, spread over ``job_ids`` (fast)."""
        with self.lock:
            st = self.state
            now = self._now()
            ids = []
            for i in range(n):
                contact = st.add_contact(f"Cand{i} Person{i}", [f"cand{i}@example.com"],
                                         [{"type": "mobile", "value": f"+1555{i:07d}"}], [])
                st.add_opp(contact, job_ids[i % len(job_ids)], now)
                ids.append(contact.id)
            return ids

    def update_candidate(self, cid: str, **fields: str) -> None:
        with self.lock:
            st = self.state
            c = st.contacts[cid]
            first, _, last = c.name.partition(" ")
            first, last = fields.get("first", first), fields.get("last", last)
            c.name = f"{first} {last}".strip()
            if "email" in fields:
                for old in c.emails:
                    st.by_email.pop(old.casefold(), None)
                c.emails = [fields["email"]]
                st.by_email[fields["email"].casefold()] = cid
            if "phone" in fields:
                c.phones = [{"type": "mobile", "value": fields["phone"]}]
            now = self._now()
            for o in st.live_opps(c):
                o.updated = now

    def delete_candidate(self, cid: str) -> None:
        """Delete every opportunity of the contact (listed in /opportunities/deleted)."""
        with self.lock:
            st = self.state
            c = st.contacts[cid]
            for o in st.live_opps(c):
                st.delete_opp(o, self._now())
            for email in c.emails:
                if st.by_email.get(email.casefold()) == cid:
                    del st.by_email[email.casefold()]

    def notes_of(self, cid: str) -> list[str]:
        with self.lock:
            c = self.state.contacts[cid]
            return [f["value"] for oid in c.opps for n in self.state.notes.get(oid, [])
                    for f in n["fields"]]

    def applications_of(self, cid: str) -> list[str]:
        with self.lock:
            return [o.id for o in self.state.live_opps(self.state.contacts[cid])]

    def stage_of(self, app_id: str) -> str:
        with self.lock:
            return self.state.opps[app_id].stage

    def status_of(self, app_id: str) -> str:
        with self.lock:
            return self.state.status(self.state.opps[app_id])



__all__ = ["LeverSeeding"]
