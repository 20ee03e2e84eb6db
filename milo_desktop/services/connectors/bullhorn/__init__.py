"""The Bullhorn REST connector (``spec.SPEC``): OAuth (authorize with the API user's name and
password → code → tokens) and the REST login (``auth.py``), total parsers of Candidate /
JobOrder / JobSubmission JSON (``parse.py``) and the client (``client.py``: initial load by
``search`` with a keyset on ``id``, then the event-subscription queue as a crash-safe cursor).
"""
