"""Filter Rows' safe expression language: parsed with `ast`, checked against a small grammar, and
evaluated column-wise on a DataFrame. Never `eval` of Python.

Standard library only at the top, so that checking a pipeline can validate an expression without
pandas; `evaluate_expression` uses only the methods of the frame it is given. Pasted verbatim
into exported scripts that use Filter Rows.

The language: column names (plain identifiers, or any name in backticks: `sepal length (cm)`),
numbers, texts in quotes, True/False/None; comparisons (==, !=, <, <=, >, >=, chained too);
`in [..]` / `not in [..]` with a list of literals; `is None` / `is not None` (missing values);
`and`, `or`, `not`; + - * / // % ** and unary minus. Nothing else: no calls, no attributes, no
subscripts, no comprehensions, no lambdas.
"""
import ast
import re

__all__ = ["ExpressionError", "check_expression", "evaluate_expression", "MAX_EXPRESSION"]

MAX_EXPRESSION = 10_000  # characters
_BACKTICK = re.compile(r"`([^`]*)`")
_PLACEHOLDER = "__mlwire_col_{}__"
_COMPARE = {ast.Eq: "__eq__", ast.NotEq: "__ne__", ast.Lt: "__lt__", ast.LtE: "__le__",
            ast.Gt: "__gt__", ast.GtE: "__ge__"}
_ARITH = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//",
          ast.Mod: "%", ast.Pow: "**"}
_WHAT = {ast.Call: "calls a function", ast.Attribute: "accesses an attribute",
         ast.Subscript: "uses a subscript ([...])", ast.Lambda: "defines a lambda",
         ast.NamedExpr: "assigns a name (:=)", ast.IfExp: "uses 'if ... else'",
         ast.ListComp: "uses a comprehension", ast.GeneratorExp: "uses a comprehension",
         ast.SetComp: "uses a comprehension", ast.DictComp: "uses a comprehension",
         ast.Dict: "builds a dict", ast.Set: "builds a set", ast.JoinedStr: "uses an f-string",
         ast.Starred: "uses *", ast.Await: "uses await", ast.Yield: "uses yield"}
ALLOWED = ("Allowed: column names (`any name` in backticks), numbers, 'texts', True, False, "
           "None; == != < <= > >=; in [...], not in [...]; is None, is not None; and, or, not; "
           "+ - * / // % **.")


class ExpressionError(ValueError):
    """An expression outside the language, with the column (1-based) where the problem is."""

    def __init__(self, message, column=None):
        super().__init__(message)
        self.message = message
        self.column = column


def _prepare(text):
    """(source for ast.parse, {placeholder: column name}) with backtick names replaced."""
    if not isinstance(text, str) or not text.strip():
        raise ExpressionError("The expression is empty.")
    if len(text) > MAX_EXPRESSION:
        raise ExpressionError(f"The expression is longer than {MAX_EXPRESSION} characters.")
    names = {}

    def sub(match):
        key = _PLACEHOLDER.format(len(names))
        names[key] = match.group(1)
        return key
    source = _BACKTICK.sub(sub, text)
    if "`" in source:
        raise ExpressionError("A backtick (`) is not closed.", source.index("`") + 1)
    return source.strip(), names


def _parse(text):
    source, names = _prepare(text)
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(f"The expression is not valid: {exc.msg} at column "
                              f"{exc.offset or 1}.", exc.offset) from None
    except (RecursionError, MemoryError, ValueError):
        raise ExpressionError("The expression is too deeply nested.") from None
    return tree.body, names


def _where(node):
    return getattr(node, "col_offset", -1) + 1


def _literal(node):
    """The value of a literal (or a negated number), or raise."""
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float, str, bool,
                                                                   type(None))):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) \
            and isinstance(node.operand, ast.Constant) \
            and isinstance(node.operand.value, (int, float)) \
            and not isinstance(node.operand.value, bool):
        return -node.operand.value
    raise ExpressionError(f"Column {_where(node)}: a list after 'in' may hold only numbers, "
                          "texts, True, False and None.", _where(node))


def _check(node, names, used):
    """Raise ExpressionError for anything outside the language; collect column names."""
    kind = type(node)
    if kind in _WHAT:
        raise ExpressionError(f"Column {_where(node)}: the expression {_WHAT[kind]}, which "
                              f"Filter Rows does not allow. {ALLOWED}", _where(node))
    if kind is ast.Name:
        used.append(names.get(node.id, node.id))
    elif kind is ast.Constant:
        if not isinstance(node.value, (int, float, str, bool, type(None))):
            raise ExpressionError(f"Column {_where(node)}: {node.value!r} is not a number, a "
                                  "text, True, False or None.", _where(node))
    elif kind is ast.BoolOp:
        for value in node.values:
            _check(value, names, used)
    elif kind is ast.UnaryOp:
        if not isinstance(node.op, (ast.Not, ast.USub, ast.UAdd)):
            raise ExpressionError(f"Column {_where(node)}: '~' is not allowed; use 'not'.",
                                  _where(node))
        _check(node.operand, names, used)
    elif kind is ast.BinOp:
        if type(node.op) not in _ARITH:
            raise ExpressionError(f"Column {_where(node)}: bitwise operators are not allowed; "
                                  "use 'and', 'or', 'not'.", _where(node))
        _check(node.left, names, used)
        _check(node.right, names, used)
    elif kind is ast.Compare:
        _check(node.left, names, used)
        for op, right in zip(node.ops, node.comparators):
            if isinstance(op, (ast.In, ast.NotIn)):
                if not isinstance(right, (ast.List, ast.Tuple)):
                    raise ExpressionError(f"Column {_where(right)}: 'in' needs a list of "
                                          "values, e.g. color in ['red', 'blue'].", _where(right))
                for item in right.elts:
                    _literal(item)
            elif isinstance(op, (ast.Is, ast.IsNot)):
                if not (isinstance(right, ast.Constant) and right.value is None):
                    raise ExpressionError(f"Column {_where(right)}: 'is' works only as "
                                          "'is None' or 'is not None'.", _where(right))
            elif type(op) in _COMPARE:
                _check(right, names, used)
            else:
                raise ExpressionError(f"Column {_where(node)}: unsupported comparison.",
                                      _where(node))
    elif kind in (ast.List, ast.Tuple):
        raise ExpressionError(f"Column {_where(node)}: a list is allowed only after 'in'.",
                              _where(node))
    else:
        raise ExpressionError(f"Column {_where(node)}: {kind.__name__} is not part of the "
                              f"filter language. {ALLOWED}", _where(node))


def check_expression(text):
    """The column names `text` uses, in order of first use; ExpressionError if it is not in the
    language. Needs only the standard library."""
    tree, names = _parse(text)
    used = []
    _check(tree, names, used)
    return list(dict.fromkeys(used))


def _is_series(value):
    return hasattr(value, "index") and hasattr(value, "isin")


def _as_mask(value, df):
    """A boolean Series aligned with df: a scalar result is broadcast, missing counts as False."""
    if _is_series(value):
        if value.dtype == bool:
            return value
        if str(value.dtype) == "boolean":
            return value.fillna(False).astype(bool)
        if value.dtype == object and value.dropna().map(type).isin([bool]).all():
            return value.fillna(False).astype(bool)
        raise ExpressionError("The expression must be a condition (true or false for each "
                              f"row), but it gives {value.dtype} values. Compare it, e.g. "
                              "x > 0.")
    if isinstance(value, bool):
        return df.index.to_series(index=df.index).map(lambda _: value).astype(bool)
    raise ExpressionError("The expression must be a condition (true or false for each row), "
                          f"but it gives {value!r}. Compare it, e.g. x > 0.")


def _numeric(value):
    if _is_series(value):
        return str(value.dtype).lower().startswith(("int", "uint", "float", "bool"))
    return isinstance(value, (int, float)) and not isinstance(value, str)


def _arith(op, left, right, node):
    symbol = _ARITH[type(op)]
    text_concat = symbol == "+" and not _numeric(left) and not _numeric(right)
    if not text_concat and not (_numeric(left) and _numeric(right)):
        raise ExpressionError(f"Column {_where(node)}: '{symbol}' needs numbers on both sides "
                              "(only '+' joins texts).", _where(node))
    if not _is_series(left) and not _is_series(right):
        if symbol == "**":  # keep constant powers cheap: floats, never huge integers
            left, right = float(left), float(right)
        if symbol in ("/", "//", "%") and right == 0:
            return float("nan")
    if symbol == "+":
        return left + right
    if symbol == "-":
        return left - right
    if symbol == "*":
        return left * right
    if symbol == "/":
        return left / right
    if symbol == "//":
        return left // right
    if symbol == "%":
        return left % right
    try:
        return left ** right
    except OverflowError:
        return float("inf")


def _compare(op, left, right):
    if not _is_series(left) and _is_series(right):  # 3 < x is x > 3
        flipped = {"__lt__": "__gt__", "__le__": "__ge__", "__gt__": "__lt__",
                   "__ge__": "__le__"}
        name = _COMPARE[type(op)]
        return getattr(right, flipped.get(name, name))(left)
    return getattr(left, _COMPARE[type(op)])(right)


def _eval(node, df, names):
    kind = type(node)
    if kind is ast.Name:
        return df[names.get(node.id, node.id)]
    if kind is ast.Constant:
        return node.value
    if kind is ast.UnaryOp:
        value = _eval(node.operand, df, names)
        if isinstance(node.op, ast.Not):
            return ~_as_mask(value, df)
        if not _numeric(value):
            raise ExpressionError(f"Column {_where(node)}: '-' needs a number.", _where(node))
        return -value if isinstance(node.op, ast.USub) else value
    if kind is ast.BoolOp:
        masks = [_as_mask(_eval(v, df, names), df) for v in node.values]
        out = masks[0]
        for mask in masks[1:]:
            out = (out & mask) if isinstance(node.op, ast.And) else (out | mask)
        return out
    if kind is ast.BinOp:
        return _arith(node.op, _eval(node.left, df, names), _eval(node.right, df, names), node)
    if kind is ast.Compare:
        left, out = _eval(node.left, df, names), None
        for op, right_node in zip(node.ops, node.comparators):
            if isinstance(op, (ast.In, ast.NotIn)):
                values = [_literal(item) for item in right_node.elts]
                if _is_series(left):
                    part = left.isin(values)
                else:
                    part = left in values
                part = ~_as_mask(part, df) if isinstance(op, ast.NotIn) else part
                right = None
            elif isinstance(op, (ast.Is, ast.IsNot)):
                part = left.isna() if _is_series(left) else left is None
                part = ~_as_mask(part, df) if isinstance(op, ast.IsNot) else part
                right = None
            else:
                right = _eval(right_node, df, names)
                try:
                    part = _compare(op, left, right)
                except TypeError as exc:
                    raise ExpressionError(f"Column {_where(node)}: cannot compare these values "
                                          f"({exc}).", _where(node)) from None
            part = _as_mask(part, df)
            out = part if out is None else (out & part)
            left = right
        return out
    raise ExpressionError(f"{kind.__name__} is not part of the filter language.")


def evaluate_expression(df, text):
    """A boolean mask of the rows of `df` where the expression is true (missing: false)."""
    check_expression(text)
    tree, names = _parse(text)
    for column in check_expression(text):
        if column not in df.columns:
            known = ", ".join(repr(str(c)) for c in df.columns) or "none"
            raise ExpressionError(f"The expression names column {column!r}, which the table "
                                  f"does not have. Available columns: {known}. Write names "
                                  "with spaces or symbols in backticks: `my column`.")
    return _as_mask(_eval(tree, df, names), df)
