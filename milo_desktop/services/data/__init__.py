"""The Data section's services: interviewer labels and rebuilding the search index."""

from milo_desktop.services.data.index_rebuild import IndexRebuild, RebuildProgress
from milo_desktop.services.data.labels import LABEL_KINDS, LabelService, LabelUse

__all__ = ["LABEL_KINDS", "IndexRebuild", "LabelService", "LabelUse", "RebuildProgress"]
