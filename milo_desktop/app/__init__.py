"""The composition root: the command line, the workspace, the background (sync jobs, outbox,
periodic jobs), the qasync loop and the main window. Nothing else wires things together."""

from milo_desktop.app.main import main

__all__ = ["main"]
