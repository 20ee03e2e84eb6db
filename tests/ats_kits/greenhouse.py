"""Greenhouse Harvest v3 for the shared connector suite."""

from milo_desktop.sandbox.greenhouse import GreenhouseSandbox
from milo_desktop.services.connectors.greenhouse.spec import SPEC as GREENHOUSE_SPEC

SANDBOX = GreenhouseSandbox
SPEC = GREENHOUSE_SPEC

__all__ = ["SANDBOX", "SPEC"]
