"""Sync services' names in the user's words: the status bar, the Sync card, Sync issues and
the "sync stopped" notifications all say "Text to apply", never "twilio_entry"."""

from __future__ import annotations

SERVICE_NAMES = {"twilio": "Twilio", "twilio_stages": "Twilio screenings",
                 "twilio_entry": "Text to apply", "after_screening": "After screening",
                 "resume": "Résumés", "smtp": "Email sending", "email": "Email",
                 "llm": "AI evaluator", "greenhouse": "Greenhouse", "lever": "Lever",
                 "workable": "Workable", "bullhorn": "Bullhorn"}


def service_name(service: str) -> str:
    """``twilio_entry`` → "Text to apply"; one not listed reads as its words ("some_job" →
    "Some job"), never with an underscore."""
    return SERVICE_NAMES.get(service) or service.replace("_", " ").strip().capitalize()
