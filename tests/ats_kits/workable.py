"""The Workable kit for the shared connector suite (see tests/ats_kits/__init__.py)."""

from milo_desktop.sandbox.workable import WorkableSandbox
from milo_desktop.services.connectors.workable.spec import SPEC

SANDBOX = WorkableSandbox

__all__ = ["SANDBOX", "SPEC"]
