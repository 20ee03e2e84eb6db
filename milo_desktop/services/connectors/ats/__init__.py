"""What the four ATS connectors (greenhouse/, lever/, workable/, bullhorn/) share.

* ``records.py`` - the neutral shapes every connector turns its vendor's JSON into
  (``JobRecord``, ``CandidateRecord`` with its ``ApplicationRecord``s), and the total helpers
  that read vendor values (dates, emails, LinkedIn URLs) without ever raising.
* ``client.py`` - ``AtsClient``, the protocol every connector's client implements (list pages,
  search by email, notes, moves, rejections, Test connection), ``AtsPage`` and ``AtsSpec``
  (a connector's name, credential fields and environment variables).
* ``http.py`` - ``AtsHttp``: one httpx client per connector with every answer classified into
  the errors of ``connectors/errors.py``, 401 → refresh once, 429 / Retry-After /
  rate-limit headers honoured, page links kept on the provider's host.
* ``credentials.py`` - the keychain keys and environment variables of each connector's fields.

The sync job that stores what the clients read, the Send-results outbox handler and the
plugin factory live in ``services/ats/`` (they need the database); this package holds only
what talks to the providers.
"""
