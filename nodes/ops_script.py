"""Execute Python Script's contract: compile the user's `def run(data, data_b=None)`, call it, and
check that it returned a pandas DataFrame with unique string column names, every error naming
the script's line. Standard library only at the top.

MLWire runs this in a separate, limited process (nodes/script.py); an exported script, which is
the user's own program, calls `execute_python_script` in-process.
"""
import ast
import linecache
import traceback

from .ops import DataError

__all__ = ["ScriptError", "SCRIPT_FILENAME", "CONTRACT", "load_script", "call_script",
           "check_script_result", "execute_python_script"]

SCRIPT_FILENAME = "<script>"
CONTRACT = "run(data, data_b=None) must return a pandas DataFrame with unique string column names"


class ScriptError(Exception):
    """A failure of the user's script: a message with the line, and the script's traceback."""

    def __init__(self, message, line=None, details=""):
        super().__init__(message)
        self.message = message
        self.line = line
        self.details = details


def _at(line):
    return f"line {line}: " if line else ""


def _script_line(tb):
    """The last line of the user's script in a traceback (None when it never got there)."""
    line = None
    for frame in traceback.extract_tb(tb):
        if frame.filename == SCRIPT_FILENAME:
            line = frame.lineno
    return line


def _script_traceback(exc):
    """The traceback limited to the user's script's frames (plus the error line)."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__)
              if f.filename == SCRIPT_FILENAME]
    text = "".join(traceback.format_list(frames))
    return "Traceback (most recent call last):\n" + text + \
        "".join(traceback.format_exception_only(type(exc), exc))


def _failure(exc, where=""):
    line = _script_line(exc.__traceback__)
    if isinstance(exc, SystemExit):
        return ScriptError(f"{_at(line)}the script called sys.exit({exc.code!r}){where}. "
                           f"{CONTRACT}; raise an exception to report a problem.", line)
    if isinstance(exc, MemoryError):
        return ScriptError(f"{_at(line)}the script ran out of memory{where}.", line,
                           _script_traceback(exc))
    return ScriptError(f"{_at(line)}{type(exc).__name__}: {exc}{where}", line,
                       _script_traceback(exc))


def _return_line(code):
    """The line of run()'s return statement when there is exactly one, else of `def run`."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return None
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == "run":
            returns, stack = [], list(node.body)
            while stack:
                child = stack.pop()
                if isinstance(child, ast.Return):
                    returns.append(child.lineno)
                elif not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda,
                                            ast.ClassDef)):
                    stack.extend(ast.iter_child_nodes(child))
            return returns[0] if len(returns) == 1 else node.lineno
    return None


def load_script(code):
    """The script's `run` function. Raises ScriptError for a syntax error, a failure while the
    module body runs, or no `run` function."""
    try:
        compiled = compile(code, SCRIPT_FILENAME, "exec")
    except SyntaxError as exc:
        raise ScriptError(f"{_at(exc.lineno)}syntax error: {exc.msg}.", exc.lineno) from None
    except ValueError as exc:  # e.g. a NUL character
        raise ScriptError(f"the script cannot be compiled: {exc}.") from None
    linecache.cache[SCRIPT_FILENAME] = (len(code), None, code.splitlines(True), SCRIPT_FILENAME)
    namespace = {"__name__": "mlwire_script", "__builtins__": __builtins__}
    try:
        exec(compiled, namespace)
    except BaseException as exc:  # noqa: BLE001 - SystemExit included: reported, not obeyed
        if isinstance(exc, KeyboardInterrupt):
            raise
        raise _failure(exc, " while the script was loading") from None
    run = namespace.get("run")
    if not callable(run):
        raise ScriptError("the script defines no function run(data, data_b=None). "
                          f"{CONTRACT}.")
    return run


def check_script_result(result, line=None):
    """The result, or ScriptError naming the line of run()'s return (or definition)."""
    import pandas as pd
    if not isinstance(result, pd.DataFrame):
        raise ScriptError(f"{_at(line)}run() returned {type(result).__name__}, not a table. "
                          f"{CONTRACT}.", line)
    bad = [c for c in result.columns if not isinstance(c, str)]
    if bad:
        raise ScriptError(f"{_at(line)}run() returned a DataFrame whose column names are not "
                          f"all texts (e.g. {bad[0]!r}). {CONTRACT}; rename them, e.g. "
                          "df.columns = [str(c) for c in df.columns].", line)
    duplicated = result.columns[result.columns.duplicated()].unique().tolist()
    if duplicated:
        raise ScriptError(f"{_at(line)}run() returned a DataFrame with the column name "
                          f"{duplicated[0]!r} more than once. {CONTRACT}.", line)
    return result


def call_script(run, code, data=None, data_b=None):
    """Call the user's run() and check its result."""
    try:
        result = run(data, data_b)
    except BaseException as exc:  # noqa: BLE001
        if isinstance(exc, KeyboardInterrupt):
            raise
        raise _failure(exc) from None
    return check_script_result(result, _return_line(code))


def execute_python_script(code, data=None, data_b=None):
    """Run the user's script in this process (exported scripts); DataError on any failure."""
    try:
        return call_script(load_script(code), code, data, data_b)
    except ScriptError as exc:
        raise DataError(f"Execute Python Script: {exc.message}", exc.details) from None
