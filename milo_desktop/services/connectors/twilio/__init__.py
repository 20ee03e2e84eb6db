"""Twilio: the REST API 2010-04-01 and Studio v2 through the real twilio package, async over
httpx, with retries, AuthFailed / Offline and quarantine of malformed records."""

from milo_desktop.services.connectors.twilio.connector import (
    FlowInfo,
    FlowValidation,
    PhoneNumber,
    SentMessage,
    TwilioConnector,
    TwilioPage,
)
from milo_desktop.services.connectors.twilio.credentials import (
    KEY_ACCOUNT_SID,
    KEY_API_KEY_SECRET,
    KEY_API_KEY_SID,
    KEY_AUTH_TOKEN,
    TwilioCredentials,
    api_bases,
    credentials_from_env,
    load_credentials,
)
from milo_desktop.services.connectors.twilio.http import ApiBases, HttpxTwilioClient
from milo_desktop.services.connectors.twilio.records import parse_time, price_micros
from milo_desktop.services.connectors.twilio.retry import RetryPolicy

__all__ = [
    "KEY_ACCOUNT_SID",
    "KEY_API_KEY_SECRET",
    "KEY_API_KEY_SID",
    "KEY_AUTH_TOKEN",
    "ApiBases",
    "FlowInfo",
    "FlowValidation",
    "HttpxTwilioClient",
    "PhoneNumber",
    "RetryPolicy",
    "SentMessage",
    "TwilioConnector",
    "TwilioCredentials",
    "TwilioPage",
    "api_bases",
    "credentials_from_env",
    "load_credentials",
    "parse_time",
    "price_micros",
]
