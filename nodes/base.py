"""The node contract: ports and parameters declared as data, a pure `run`, a static `infer`,
and `emit` for the exported script."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path as FilePath
from typing import Any, Callable, ClassVar

from .params import MISSING, Param, ParamError
from .schema import PortType, Schema

__all__ = [
    "Port", "NodeType", "NodeError", "RunContext", "InferContext", "EmitContext",
    "CATEGORIES",
]

# Palette order; each node type names one of these.
CATEGORIES = (
    "Data Input and Output", "Data Transformation", "Feature Selection",
    "Machine Learning Algorithms", "Model Training", "Model Scoring and Evaluation",
)


@dataclass(frozen=True)
class Port:
    name: str
    type: PortType
    doc: str = ""
    optional: bool = False


class NodeError(Exception):
    """A failure to tell a person about: what went wrong and, in `hint`, what to do.

    The engine adds the node's id and title; `param` or `column` say what the message is about.
    """

    def __init__(self, message: str, hint: str = "", *, param: str | None = None,
                 column: str | None = None, port: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.param = param
        self.column = column
        self.port = port

    def __str__(self) -> str:
        return f"{self.message} {self.hint}".strip()


@dataclass
class InferContext:
    node_id: str
    base_dir: FilePath

    def resolve(self, path: str) -> FilePath:
        p = FilePath(path).expanduser()
        return p if p.is_absolute() else self.base_dir / p


@dataclass
class RunContext(InferContext):
    title: str = ""
    on_progress: Callable[[float, str], None] | None = None
    on_log: Callable[[str], None] | None = None

    def progress(self, fraction: float, message: str = "") -> None:
        if self.on_progress:
            self.on_progress(max(0.0, min(1.0, fraction)), message)

    def log(self, text: str) -> None:
        if self.on_log:
            self.on_log(text)


@dataclass
class EmitContext:
    """What a node needs to write its section of the exported script."""

    node_id: str
    inputs: dict[str, str]      # port -> variable name holding that input
    outputs: dict[str, str]     # port -> variable name to assign
    schemas: dict[str, Schema | None]  # port -> schema of the input
    # (node id, output port) -> variable, for every node emitted before this one; e.g. Train
    # Model names the fitted transforms of its table's lineage.
    variables: dict[tuple[str, str], str] = field(default_factory=dict)

    def inp(self, port: str) -> str:
        return self.inputs[port]

    def var(self, node_id: str, port: str) -> str:
        return self.variables[(node_id, port)]

    def out(self, port: str) -> str:
        return self.outputs[port]


class NodeType:
    """Subclass and declare; instances are stateless and shared."""

    type_id: ClassVar[str]
    title: ClassVar[str]
    category: ClassVar[str]
    doc: ClassVar[str] = ""
    version: ClassVar[int] = 1
    inputs: ClassVar[tuple[Port, ...]] = ()
    outputs: ClassVar[tuple[Port, ...]] = ()
    params: ClassVar[tuple[Param, ...]] = ()
    # True for nodes that fit a transform on their input table (the leakage check looks for these).
    fits_transform: ClassVar[bool] = False
    # True for nodes that divide rows into train and test (a fitted transform upstream leaks);
    # `divides_rows` refines it per parameter values (e.g. Partition and Sample's mode).
    splits_rows: ClassVar[bool] = False

    # -- declarations -----------------------------------------------------------------------
    @classmethod
    def param(cls, name: str) -> Param | None:
        return next((p for p in cls.params if p.name == name), None)

    @classmethod
    def input_port(cls, name: str) -> Port | None:
        return next((p for p in cls.inputs if p.name == name), None)

    @classmethod
    def output_port(cls, name: str) -> Port | None:
        return next((p for p in cls.outputs if p.name == name), None)

    @classmethod
    def defaults(cls) -> dict[str, Any]:
        return {p.name: p.default for p in cls.params if p.default is not MISSING}

    def check_params(self, values: dict[str, Any]) -> tuple[dict[str, Any], list[ParamError]]:
        """Every declared parameter checked: (canonical values, errors). Unknown names are errors."""
        out, errors = {}, []
        for name in values:
            if self.param(name) is None:
                known = ", ".join(p.name for p in self.params) or "none"
                errors.append(ParamError(name, f"{self.title} has no parameter '{name}'. "
                                               f"Its parameters: {known}."))
        for p in self.params:
            value = values.get(p.name, p.default)
            if value is MISSING:
                errors.append(ParamError(p.name, f"The '{p.name}' parameter of {self.title} is "
                                                 f"required: set it to {p.full_description()}."))
                continue
            try:
                out[p.name] = p.check(value, self.title)
            except ParamError as exc:
                errors.append(exc)
        return out, errors

    def check_more(self, params: dict[str, Any]) -> list[ParamError]:
        """Rules across parameters (e.g. fill_value needed by strategy 'constant')."""
        return []

    def divides_rows(self, params: dict[str, Any]) -> bool:
        """Whether, with these (checked) parameters, this node divides rows into train and test
        parts; the leakage check asks this. Default: the `splits_rows` declaration."""
        return self.splits_rows

    # -- behaviour --------------------------------------------------------------------------
    def infer(self, inputs: dict[str, Schema | None], params: dict[str, Any],
              ctx: InferContext) -> dict[str, Schema | None]:
        """Output schemas from input schemas, touching no data. None means 'not known'."""
        return {p.name: None for p in self.outputs}

    def run(self, inputs: dict[str, Any], params: dict[str, Any], ctx: RunContext) -> dict[str, Any]:
        raise NotImplementedError

    def emit(self, params: dict[str, Any], ctx: EmitContext) -> str:
        """Python source for the exported script: assigns ctx.out(...) from ctx.inp(...)."""
        raise NotImplementedError

    def fingerprint(self, params: dict[str, Any], ctx: InferContext) -> str | None:
        """Extra cache-key material, e.g. the content hash of a file the node reads."""
        return None

    def summary(self, params: dict[str, Any]) -> str:
        """A one-line summary of the key parameters, for the canvas card."""
        shown = [f"{k}={v}" for k, v in params.items() if v not in (None, [], "")][:2]
        return ", ".join(shown)
