"""Every ATS connector's entry in the background, made from its ``AtsSpec``.

``ats_plugin(spec)`` gives the ``ConnectorPlugin`` a connector folder exposes as ``PLUGIN``:
the sync job (``AtsSync``: jobs, candidates, auto-invitations), the outbox handler of its
"Send results to ATS" rows (``ats_result.<service>``), and its environment variables
(``MILO_<SERVICE>_API_BASE`` and one per field) for ``sync --once``.
"""

from __future__ import annotations

from milo_desktop.services.ats.results import AtsResultHandler, kind_for
from milo_desktop.services.ats.sync import AtsSync, invite_with
from milo_desktop.services.connectors.ats import credentials
from milo_desktop.services.connectors.ats.client import AtsSpec
from milo_desktop.services.sync.plugin import BackgroundContext, ConnectorPlugin, Contribution


def poll_env(spec: AtsSpec) -> str:
    return f"MILO_{spec.service.upper()}_POLL_SECONDS"


def ats_plugin(spec: AtsSpec) -> ConnectorPlugin:
    def contribute(ctx: BackgroundContext) -> Contribution:
        raw = ctx.env.get(poll_env(spec), "")
        try:
            pinned = {spec.service: max(2.0, float(raw))} if raw else {}
        except ValueError:
            pinned = {}
        ws = ctx.workspace
        factory = ctx.factories.get(spec.service) or credentials.client_factory(
            spec, ctx.store, ctx.env)
        job = AtsSync(ws.db, spec.service, spec.title, factory,
                      invite=invite_with(ws.outreach), bus=ws.bus, prefetch=spec.prefetch)
        return Contribution(
            factory=factory,
            jobs=[(job, AtsSync.default_interval)],
            pinned_intervals=pinned,
            handlers={kind_for(spec.service): AtsResultHandler(ws.db, spec.service, spec.title,
                                                               factory)},
        )

    return ConnectorPlugin(spec.service, spec.title, contribute,
                           env_vars=(*credentials.env_vars(spec),
                                     (poll_env(spec), "seconds between syncs in the app "
                                                      "(default 300)")))


__all__ = ["ats_plugin"]
