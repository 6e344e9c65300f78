"""The run filter language: tokens and a recursive-descent parser into a small AST (no eval).

    metrics.accuracy > 0.9 and params.train.label_column = "species"
    (tags.stage = "prod" or status = "failed") and not metrics.evaluate.f1 < 0.5
    pipeline in ("churn", "iris") and started_at >= "2026-01-01"

Grammar:  expr := and ("or" and)* ;  and := unary ("and" unary)* ;
unary := "not" unary | "(" expr ")" | FIELD OP VALUE | FIELD "in" "(" VALUE ("," VALUE)* ")"
         | FIELD "like" STRING ;  FIELD := NAME ("." NAME)* (a NAME may be `back-quoted`);
OP := = == != <> < <= > >= ;  VALUE := number | "string" | 'string' | true | false | null
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Union

__all__ = ["FilterError", "Field", "Compare", "And", "Or", "Not", "Node", "parse_filter",
           "parse_field", "parse_sort", "SortKey"]


class FilterError(ValueError):
    """A filter or sort text that cannot be read; the message points at the place."""


@dataclass(frozen=True)
class Field:
    parts: tuple[str, ...]

    def __str__(self) -> str:
        return ".".join(self.parts)


@dataclass(frozen=True)
class Compare:
    field: Field
    op: str                 # = != < <= > >= in like
    value: Any              # a tuple for `in`


@dataclass(frozen=True)
class And:
    items: tuple["Node", ...]


@dataclass(frozen=True)
class Or:
    items: tuple["Node", ...]


@dataclass(frozen=True)
class Not:
    item: "Node"


Node = Union[Compare, And, Or, Not]


@dataclass(frozen=True)
class SortKey:
    field: Field
    descending: bool


_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<number>[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?)
  | (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
  | (?P<op>==|!=|<>|<=|>=|=|<|>)
  | (?P<punct>[().,])
  | (?P<name>[A-Za-z_][A-Za-z0-9_\-]*|`[^`]+`)
""", re.VERBOSE)
_KEYWORDS = {"and", "or", "not", "in", "like", "true", "false", "null"}
_OPS = {"==": "=", "<>": "!="}


@dataclass(frozen=True)
class _Tok:
    kind: str
    text: str
    pos: int


def _tokens(text: str) -> list[_Tok]:
    out, pos = [], 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            raise FilterError(f"Filter {text!r}: cannot read {text[pos:pos + 10]!r} at position "
                              f"{pos + 1}. Quote text values, e.g. tags.stage = \"prod\".")
        kind = m.lastgroup
        if kind != "space":
            word = m.group()
            if kind == "name" and word.lower() in _KEYWORDS:
                kind, word = "keyword", word.lower()
            out.append(_Tok(kind, word, pos))
        pos = m.end()
    out.append(_Tok("end", "", len(text)))
    return out


def _unquote(token: str) -> str:
    body = token[1:-1]
    return re.sub(r"\\(.)", r"\1", body)


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.toks = _tokens(text)
        self.i = 0

    @property
    def tok(self) -> _Tok:
        return self.toks[self.i]

    def fail(self, expected: str) -> FilterError:
        tok = self.tok
        got = "the end" if tok.kind == "end" else repr(tok.text)
        return FilterError(f"Filter {self.text!r}: expected {expected} at position {tok.pos + 1}, "
                           f"found {got}.")

    def take(self, kind: str, text: str | None = None) -> _Tok | None:
        tok = self.tok
        if tok.kind == kind and (text is None or tok.text == text):
            self.i += 1
            return tok
        return None

    def expr(self) -> Node:
        items = [self.conj()]
        while self.take("keyword", "or"):
            items.append(self.conj())
        return items[0] if len(items) == 1 else Or(tuple(items))

    def conj(self) -> Node:
        items = [self.unary()]
        while self.take("keyword", "and"):
            items.append(self.unary())
        return items[0] if len(items) == 1 else And(tuple(items))

    def unary(self) -> Node:
        if self.take("keyword", "not"):
            return Not(self.unary())
        if self.take("punct", "("):
            node = self.expr()
            if not self.take("punct", ")"):
                raise self.fail("')'")
            return node
        return self.comparison()

    def field(self) -> Field:
        parts = []
        while True:
            tok = self.take("name")
            if tok is None:
                raise self.fail("a field such as metrics.accuracy, params.NODE.PARAM, tags.KEY "
                                "or status" if not parts else "a name after '.'")
            parts.append(tok.text[1:-1] if tok.text.startswith("`") else tok.text)
            if not self.take("punct", "."):
                return Field(tuple(parts))

    def value(self) -> Any:
        tok = self.tok
        if tok.kind == "number":
            self.i += 1
            number = float(tok.text)
            return int(number) if re.fullmatch(r"[-+]?\d+", tok.text) else number
        if tok.kind == "string":
            self.i += 1
            return _unquote(tok.text)
        if tok.kind == "keyword" and tok.text in ("true", "false", "null"):
            self.i += 1
            return {"true": True, "false": False, "null": None}[tok.text]
        raise self.fail("a value (a number, a quoted text, true, false or null)")

    def comparison(self) -> Compare:
        field = self.field()
        if self.take("keyword", "in"):
            if not self.take("punct", "("):
                raise self.fail("'(' after in")
            values = [self.value()]
            while self.take("punct", ","):
                values.append(self.value())
            if not self.take("punct", ")"):
                raise self.fail("',' or ')'")
            return Compare(field, "in", tuple(values))
        if self.take("keyword", "like"):
            value = self.value()
            if not isinstance(value, str):
                raise FilterError(f"Filter {self.text!r}: like takes a quoted pattern, e.g. "
                                  f"{field} like \"churn%\".")
            return Compare(field, "like", value)
        op = self.take("op")
        if op is None:
            raise self.fail(f"a comparison after {field} (=, !=, <, <=, >, >=, in, like)")
        return Compare(field, _OPS.get(op.text, op.text), self.value())


def parse_filter(text: str) -> Node | None:
    """The AST of a filter text; None for an empty filter."""
    if not text or not text.strip():
        return None
    parser = _Parser(text)
    node = parser.expr()
    if parser.tok.kind != "end":
        raise parser.fail("'and', 'or' or the end")
    return node


def parse_field(text: str) -> Field:
    parser = _Parser(text)
    field = parser.field()
    if parser.tok.kind != "end":
        raise parser.fail("the end of the field name")
    return field


def parse_sort(text: str) -> list[SortKey]:
    """`metrics.accuracy desc, started_at` or `-metrics.accuracy` -> sort keys."""
    keys = []
    for item in (text or "").split(","):
        item = item.strip()
        if not item:
            continue
        descending = item.startswith("-")
        item = item.lstrip("-+").strip()
        words = item.rsplit(None, 1)
        if len(words) == 2 and words[1].lower() in ("asc", "desc"):
            item, descending = words[0], words[1].lower() == "desc"
        keys.append(SortKey(parse_field(item), descending))
    return keys
