"""The ATS side of the workspace: what the four connectors' records become here.

``store.py`` writes pages of jobs and people (identities, links, possible duplicates);
``sync.py`` is the sync job of one ATS; ``results.py`` queues and performs "Send results to
ATS"; ``service.py`` is ``workspace.ats``, the screens' door; ``plugin.py`` makes a
connector's ``ConnectorPlugin`` from its ``AtsSpec``; ``views.py`` the plain data shown.
"""

from milo_desktop.services.ats.service import AtsService

__all__ = ["AtsService"]
