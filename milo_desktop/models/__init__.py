"""The data layer: typed SQLAlchemy 2 models, engine set-up and Alembic migrations.

Importing this package registers every table on ``Base.metadata``.
"""

from milo_desktop.models.base import Base
from milo_desktop.models.email import EmailIntakeRecord
from milo_desktop.models.entities import *  # noqa: F403  (registers the tables)
from milo_desktop.models.entities import __all__ as _entities
from milo_desktop.models.entry import EntryKeyword, EntryRouter
from milo_desktop.models.figures import ApplicationDay, CompletionDay, InterviewerFigures
from milo_desktop.models.resume import ParsedResumeRow

__all__ = ["ApplicationDay", "Base", "CompletionDay", "EmailIntakeRecord", "EntryKeyword",
           "EntryRouter", "InterviewerFigures", "ParsedResumeRow", *_entities]
