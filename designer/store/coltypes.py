"""Column types of the project file: UTC timestamps and strict JSON text."""
from __future__ import annotations

import json
import math
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import DateTime, Text
from sqlalchemy.types import TypeDecorator

__all__ = ["UtcDateTime", "JsonText", "to_json_value", "utcnow"]


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UtcDateTime(TypeDecorator):
    """Aware datetimes in, aware UTC datetimes out; stored as readable UTC text by SQLite."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("timestamps in the project file must be timezone-aware")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=timezone.utc)


def to_json_value(value: Any) -> Any:
    """Plain JSON values: numpy scalars and arrays become Python ones, NaN and infinity become null.

    Strict JSON keeps the file readable by any tool (SQLite's json functions included).
    """
    if isinstance(value, dict):
        return {str(k): to_json_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json_value(v) for v in value]
    if isinstance(value, (str, bool, int)) or value is None:
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if hasattr(value, "tolist"):        # numpy arrays and scalars, without importing numpy
        return to_json_value(value.tolist())
    raise TypeError(f"{type(value).__name__} is not JSON data")


class JsonText(TypeDecorator):
    """A JSON document stored as TEXT (never pickled)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect) -> str | None:
        if value is None:
            return None
        return json.dumps(to_json_value(value), ensure_ascii=False, allow_nan=False,
                          separators=(",", ":"))

    def process_result_value(self, value: str | None, dialect) -> Any:
        return None if value is None else json.loads(value)
