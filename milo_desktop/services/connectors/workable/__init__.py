"""The Workable SPI v3 connector: ``SPEC`` (fields, base URL, client factory) and
``WorkableClient`` (every ``AtsClient`` method over ``AtsHttp``); ``parse`` turns Workable's
JSON into the neutral records. Wire facts: ../shared/docs/integrations.md, "Workable"."""

from milo_desktop.services.connectors.workable.client import WorkableClient
from milo_desktop.services.connectors.workable.spec import SPEC, make_client

__all__ = ["SPEC", "WorkableClient", "make_client"]
