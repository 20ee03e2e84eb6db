"""Workspace → Data: interviewer labels and rebuilding the search index."""

from milo_desktop.views.data.section import DataSection

__all__ = ["DataSection"]
