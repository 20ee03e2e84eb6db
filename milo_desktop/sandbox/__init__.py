"""Local servers that speak the Twilio and ATS HTTP APIs, for tests and demo mode.

Only the demo path of app.py imports this package; no service or view does (import-linter).
The Twilio sandbox arrives with the receptionist issue.
"""
