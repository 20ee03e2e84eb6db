"""Greenhouse's entry in the background: the generic ATS plugin made from its ``AtsSpec``
(sync job, Send-results outbox handler, environment variables for ``sync --once``)."""

from milo_desktop.services.ats.plugin import ats_plugin
from milo_desktop.services.connectors.greenhouse.spec import SPEC

PLUGIN = ats_plugin(SPEC)

__all__ = ["PLUGIN", "SPEC"]
