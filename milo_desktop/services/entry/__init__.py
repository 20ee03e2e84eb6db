"""Entry points that work with no web server of ours (issue 12, points 5 and 6).

- ``keywords.py``: each interviewer's keyword, texted to its number (validated, unique per
  number, case-insensitive).
- ``points.py``: how a candidate starts — text a keyword, call the receptionist, email the
  apply address — as ``sms:`` / ``tel:`` / ``mailto:`` URIs with the words under each, and
  how the next stage starts in words (``{{next_step}}``).
- ``router.py``: one Studio flow per number that reads the first word of an inbound text and
  hands the conversation to that interviewer (``intake.py`` creates the application and
  starts the text stage, as an invitation does).
- ``reachability.py``: whether the candidate page address answers.
- ``after.py``: after the screening — the scheduling link and closing message, through the
  outbox, exactly once.
"""
