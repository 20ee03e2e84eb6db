"""The Lever kit for the shared connector suite (see ``tests/ats_kits/__init__.py``).

``LeverSandbox.credentials()`` hands out the OAuth set by default (the refresh token valid at
that moment: Lever rotates it on every use), so the suite exercises the token refresh."""

from milo_desktop.sandbox.lever import LeverSandbox
from milo_desktop.services.connectors.lever.spec import SPEC

SANDBOX = LeverSandbox

__all__ = ["SANDBOX", "SPEC"]
