"""The Greenhouse Harvest v3 connector: ``SPEC`` (spec.py), ``GreenhouseClient`` (client.py),
OAuth client-credentials sign-in (auth.py), list reading (listing.py) and total parsers
(parse.py). Wire facts: ../shared/docs/integrations.md and harvestdocs.greenhouse.io."""

from milo_desktop.services.connectors.greenhouse.client import GreenhouseClient, Routes
from milo_desktop.services.connectors.greenhouse.spec import SPEC

__all__ = ["SPEC", "GreenhouseClient", "Routes"]
