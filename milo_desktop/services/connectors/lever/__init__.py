"""Lever v1 connector (https://api.lever.co/v1).

Lever's model is a contact (the person) with many opportunities (one per job they are
considered for): our ``CandidateRecord`` is the contact, each opportunity one
``ApplicationRecord`` whose job is the opportunity's posting (read through
``expand=applications``). Stages are account-wide (``GET /stages``); a rejection is an
archive with a non-hired archive reason, a hire an archive with a hired one.

* ``auth.py`` - API key (Basic, key as username) or OAuth with rotating refresh tokens;
* ``parse.py`` - total parsers of Lever's JSON into the neutral records;
* ``client.py`` - ``LeverClient`` (every ``AtsClient`` method);
* ``spec.py`` - ``SPEC``: fields, environment variables, ``make_client``.
"""

from milo_desktop.services.connectors.lever.client import LeverClient
from milo_desktop.services.connectors.lever.spec import SPEC

__all__ = ["SPEC", "LeverClient"]
