"""One kit per ATS for the shared connector suite (tests/integration/test_ats_suite.py).

Each module (greenhouse.py, lever.py, workable.py, bullhorn.py) exposes:

* ``SANDBOX``: the sandbox class (``milo_desktop.sandbox.<ats>``, an ``AtsSandbox`` with the
  seeding API of ``sandbox/ats_base.py``, and ``max_page_size``: the most records a list page
  holds, which tests make small to force paging);
* ``SPEC``: the connector's ``AtsSpec`` (``make_client(sandbox.credentials(),
  sandbox.base_url, persist)`` makes a client against the sandbox).

``KITS`` lists them for ``pytest.mark.parametrize``.
"""

from __future__ import annotations

import importlib
from types import ModuleType

NAMES = ("greenhouse", "lever", "workable", "bullhorn")


def kit(name: str) -> ModuleType:
    return importlib.import_module(f"tests.ats_kits.{name}")


__all__ = ["NAMES", "kit"]
