"""The sandbox Twilio server fixture of the sync-engine tests, shared here."""

from tests.integration.test_sync_engine import sandbox

__all__ = ["sandbox"]
