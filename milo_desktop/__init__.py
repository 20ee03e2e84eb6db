"""Milo Desktop: AI screening and an inbound-call receptionist for recruiters, on the desktop."""

__version__ = "0.1.0"
