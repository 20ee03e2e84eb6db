"""The demo workspace: a builder that writes ~40 interviewers and thousands of candidates in
bulk (``builder``), the names and numbers it draws from (``data``, ``people``, ``roles``) and
the demo applicants who send their résumés (``resumes``)."""

from milo_desktop.services.demo.builder import (
    DemoSummary,
    build_demo,
    demo_settings,
    is_demo_built,
)

__all__ = ["DemoSummary", "build_demo", "demo_settings", "is_demo_built"]
