"""Bullhorn's kit for the shared ATS connector suite (see tests/ats_kits/__init__.py)."""

from __future__ import annotations

from milo_desktop.sandbox.bullhorn import BullhornSandbox
from milo_desktop.services.connectors.bullhorn.spec import SPEC

SANDBOX = BullhornSandbox

__all__ = ["SANDBOX", "SPEC"]
