"""Parameter declarations: type, default, constraint and doc, declared once per node parameter.

One declaration drives validation (with scikit-learn-style messages), the inspector form, the
CLI's `--set` parsing, the generated docs and the exported script's literal values.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "MISSING", "ParamError", "Param", "Int", "Float", "Bool", "Choice", "String", "Path",
    "Column", "Columns", "Union", "Literal", "AnyJson",
]


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


class ParamError(ValueError):
    """A parameter value that breaks its declaration; the message is ready for people."""

    def __init__(self, param: str, message: str):
        super().__init__(message)
        self.param = param


@dataclass(frozen=True)
class Param:
    """Base of every declaration. `describe()` says what is accepted, `check()` returns the value."""

    name: str
    default: Any = MISSING
    doc: str = ""
    nullable: bool = False
    label: str = ""

    @property
    def required(self) -> bool:
        return self.default is MISSING

    @property
    def title(self) -> str:
        return self.label or self.name.replace("_", " ").capitalize()

    def describe(self) -> str:
        raise NotImplementedError

    def full_description(self) -> str:
        text = self.describe()
        return f"{text} or null" if self.nullable else text

    def accepts(self, value: Any) -> bool:
        raise NotImplementedError

    def normalise(self, value: Any) -> Any:
        return value

    def check(self, value: Any, owner: str = "the node") -> Any:
        """Return the value in its canonical form, or raise ParamError with a clear message."""
        if value is None and self.nullable:
            return None
        if value is not None and self.accepts(value):
            return self.normalise(value)
        raise ParamError(
            self.name,
            f"The '{self.name}' parameter of {owner} must be {self.full_description()}. "
            f"Got {_show(value)}.",
        )

    def parse_text(self, text: str) -> Any:
        """Turn command-line text into a value: JSON where it parses, else the text itself."""
        if text.strip().lower() in ("null", "none") and self.nullable:
            return None
        try:
            return json.loads(text)
        except ValueError:
            return text

    def spec(self) -> dict:
        """A JSON description for docs, the GUI form and `mlwire nodes --json`."""
        return {
            "name": self.name, "kind": type(self).__name__.lower(),
            "default": None if self.required else self.default, "required": self.required,
            "nullable": self.nullable, "accepts": self.full_description(), "doc": self.doc,
        }


def _show(value: Any) -> str:
    if isinstance(value, str):
        return repr(value)
    if value is None:
        return "null"
    return json.dumps(value) if isinstance(value, (list, dict, bool)) else repr(value)


def _bound(value: float | int | None) -> str:
    return "inf" if value is None else repr(value)


@dataclass(frozen=True)
class _Number(Param):
    low: float | None = None
    high: float | None = None
    closed: str = "both"  # which ends are included: both | left | right | neither

    def _range(self) -> str:
        if self.low is None and self.high is None:
            return ""
        left = "[" if self.closed in ("both", "left") and self.low is not None else "("
        right = "]" if self.closed in ("both", "right") and self.high is not None else ")"
        low = "-inf" if self.low is None else repr(self.low)
        return f" in the range {left}{low}, {_bound(self.high)}{right}"

    def _in_range(self, value: float) -> bool:
        if self.low is not None:
            if value < self.low or (value == self.low and self.closed in ("right", "neither")):
                return False
        if self.high is not None:
            if value > self.high or (value == self.high and self.closed in ("left", "neither")):
                return False
        return True


@dataclass(frozen=True)
class Int(_Number):
    # strict: refuse 2.0 (for unions where 1 and 1.0 mean different things, e.g. max_features)
    strict: bool = False

    def describe(self) -> str:
        return "an int" + self._range()

    def accepts(self, value: Any) -> bool:
        if isinstance(value, bool):
            return False
        if isinstance(value, float) and value.is_integer() and not self.strict:
            value = int(value)
        return isinstance(value, int) and self._in_range(value)

    def normalise(self, value: Any) -> int:
        return int(value)

    def spec(self) -> dict:
        return {**super().spec(), "low": self.low, "high": self.high, "closed": self.closed}


@dataclass(frozen=True)
class Float(_Number):
    # strict: refuse ints (for unions where 1 and 1.0 mean different things, e.g. max_features)
    strict: bool = False

    def describe(self) -> str:
        return "a float" + self._range()

    def accepts(self, value: Any) -> bool:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return False
        if self.strict and isinstance(value, int):
            return False
        return math.isfinite(value) and self._in_range(float(value))

    def normalise(self, value: Any) -> float:
        return float(value)

    def spec(self) -> dict:
        return {**super().spec(), "low": self.low, "high": self.high, "closed": self.closed}


@dataclass(frozen=True)
class Bool(Param):
    def describe(self) -> str:
        return "true or false"

    def accepts(self, value: Any) -> bool:
        return isinstance(value, bool)


@dataclass(frozen=True)
class Choice(Param):
    options: tuple = ()

    def describe(self) -> str:
        return "one of " + ", ".join(_show(o) for o in self.options)

    def accepts(self, value: Any) -> bool:
        return any(value == o and type(value) is type(o) for o in self.options)

    def spec(self) -> dict:
        return {**super().spec(), "options": list(self.options)}


@dataclass(frozen=True)
class String(Param):
    allow_empty: bool = True
    # The language when the text is code ("python", "sql"): the inspector shows a code editor
    # with line numbers and syntax colours instead of a one-line field.
    code: str = ""

    def describe(self) -> str:
        return "a text" if self.allow_empty else "a non-empty text"

    def spec(self) -> dict:
        return {**super().spec(), **({"code": self.code} if self.code else {})}

    def accepts(self, value: Any) -> bool:
        return isinstance(value, str) and (self.allow_empty or value.strip() != "")

    def parse_text(self, text: str) -> Any:
        if text.strip().lower() in ("null", "none") and self.nullable:
            return None
        return text


@dataclass(frozen=True)
class Path(String):
    """A file path; relative paths resolve against the pipeline's (or project's) folder."""

    file_filter: str = ""
    allow_empty: bool = False

    def describe(self) -> str:
        return "a file path"

    def spec(self) -> dict:
        return {**super().spec(), "file_filter": self.file_filter}


@dataclass(frozen=True)
class Column(String):
    """One column name of the table on input `port`; the checker verifies it exists."""

    port: str = "data"
    allow_empty: bool = False

    def describe(self) -> str:
        return "a column name"

    def spec(self) -> dict:
        return {**super().spec(), "port": self.port}


@dataclass(frozen=True)
class Columns(Param):
    """A list of column names of the table on input `port`; empty means the node's default."""

    port: str = "data"

    def describe(self) -> str:
        return "a list of column names"

    def accepts(self, value: Any) -> bool:
        return isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value) \
            and len(set(value)) == len(value)

    def normalise(self, value: Any) -> list[str]:
        return list(value)

    def parse_text(self, text: str) -> Any:
        try:
            value = json.loads(text)
        except ValueError:
            return [part.strip() for part in text.split(",") if part.strip()]
        return value if isinstance(value, list) else [value] if isinstance(value, str) else value

    def spec(self) -> dict:
        return {**super().spec(), "port": self.port}


@dataclass(frozen=True)
class Literal(Param):
    """Exactly one value, typically used inside Union (e.g. 'auto')."""

    value: Any = None

    def describe(self) -> str:
        return _show(self.value)

    def accepts(self, value: Any) -> bool:
        return value == self.value and type(value) is type(self.value)


@dataclass(frozen=True)
class Union(Param):
    """Any one of several declarations, e.g. an int >= 1 or a float in (0, 1] or 'sqrt'."""

    alternatives: tuple[Param, ...] = ()

    def describe(self) -> str:
        parts = [a.describe() for a in self.alternatives]
        return ", ".join(parts[:-1]) + " or " + parts[-1] if len(parts) > 1 else parts[0]

    def accepts(self, value: Any) -> bool:
        return any(a.accepts(value) for a in self.alternatives)

    def normalise(self, value: Any) -> Any:
        for a in self.alternatives:
            if a.accepts(value):
                return a.normalise(value)
        return value

    def spec(self) -> dict:
        return {**super().spec(), "alternatives": [a.spec() for a in self.alternatives]}


@dataclass(frozen=True)
class AnyJson(Param):
    """A JSON value checked by a predicate, for rare estimator parameters (e.g. class_weight)."""

    what: str = "a JSON value"
    predicate: Any = field(default=None, compare=False)

    def describe(self) -> str:
        return self.what

    def accepts(self, value: Any) -> bool:
        return self.predicate(value) if self.predicate else True
