"""Column helpers shared by the entity modules."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Enum
from sqlalchemy.dialects.postgresql import JSONB


def enum_type(enum: type[StrEnum]) -> Enum:
    """A portable enum column: stored as its text value (VARCHAR), never a native PG enum,
    so adding a status later is a plain code change, not a type migration."""
    return Enum(
        enum,
        native_enum=False,
        length=32,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
    )


JsonType: Any = JSON().with_variant(JSONB(), "postgresql")
