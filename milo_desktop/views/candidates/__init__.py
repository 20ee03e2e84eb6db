"""The Candidate Directory screen and the candidate profile window."""

from milo_desktop.views.candidates.directory import DirectorySection
from milo_desktop.views.candidates.directory_model import DirectoryModel
from milo_desktop.views.candidates.profile import ProfileDialog, open_candidate_profile

__all__ = ["DirectoryModel", "DirectorySection", "ProfileDialog", "open_candidate_profile"]
