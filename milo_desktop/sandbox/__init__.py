"""Local servers that speak the Twilio and ATS HTTP APIs, for tests and demo mode.

Only the demo path of app.py imports this package; no service or view does (import-linter).
Nothing here imports Qt: the sandbox runs headless (tests, `sync --once`, demo mode).

Twilio: `milo_desktop.sandbox.twilio_server.TwilioSandbox` serves the REST API 2010-04-01
(Accounts, Calls, Recordings with WAV media, Messages, IncomingPhoneNumbers) and Studio v2
(Flows, Validate, Executions, Context, Steps) on 127.0.0.1, with fault injection
(`sandbox.faults`) and simulated inbound calls (`sandbox.place_inbound_call`) run through the
app's flow simulator. `twilio_contract.Spec` checks answers against Twilio's OpenAPI files.
"""
