"""Where served models come from: a registry reference resolved to a Model, through the one gate.

`resolve_model(project, "NAME" | "NAME:VERSION" | "NAME@ALIAS")` opens the project read-only,
asks the model registry which version the reference means (`project.registry.get(ref)`), reads
that version's skops bytes (`project.artifacts.read(sha256)`) and loads them with
designer.artifacts.load_model, which checks the sha256 and the types before parsing anything.
The Model returned is a snapshot: later registry changes (a moved alias, a new version) do not
touch it. Loads keep the model in the user's signed model cache (designer/model_cache.py), so
`load_resolved` can start a server from a version its parent resolved (`resolve_version`)
without opening the project at all.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

__all__ = ["ModelInfo", "resolve_model", "resolve_model_file", "resolve_version", "load_resolved"]


@dataclass(frozen=True)
class ModelInfo:
    """The registered version being served or bundled (plain data, JSON-friendly)."""

    name: str
    version: int
    sha256: str
    task: str
    label: str | None
    signature: list
    classes: list | None
    run_id: str = ""
    node_id: str = ""
    aliases: tuple[str, ...] = ()
    description: str = ""
    environment: dict = field(default_factory=dict)

    @property
    def ref(self) -> str:
        return f"{self.name}:{self.version}"

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> "ModelInfo":
        fields = json.loads(text)
        return cls(**{**fields, "aliases": tuple(fields.get("aliases", ()))})


def _info(version) -> ModelInfo:
    return ModelInfo(
        name=version.model, version=version.version, sha256=version.sha256, task=version.task,
        label=version.label, signature=[list(s) for s in version.signature],
        classes=version.classes, run_id=version.run_id, node_id=version.node_id,
        aliases=tuple(version.aliases), description=version.description or "",
        environment=dict(version.environment or {}))


def resolve_version(project_path: str | Path, spec: str) -> ModelInfo:
    """The registered version a reference means, without loading its model."""
    from designer.store import Project
    with Project.open(Path(project_path), read_only=True) as project:
        return _info(project.registry.get(spec))


def load_resolved(project_path: str | Path, info: ModelInfo):
    """The Model of a resolved version: the signed model cache's copy when there is one (no
    project access at all: a server starts quicker), else the project's bytes through the gate."""
    from designer import model_cache
    model = model_cache.load(info.sha256)
    if model is None:
        model = resolve_model_file(project_path, f"{info.name}:{info.version}")[1]
    return model


def resolve_model_file(project_path: str | Path, spec: str):
    """(skops bytes, Model, ModelInfo) for a registry reference; the Model through the gate."""
    from designer.artifacts import load_model
    from designer.store import Project
    path = Path(project_path)
    with Project.open(path, read_only=True) as project:
        version = project.registry.get(spec)
        data = project.artifacts.read(version.sha256)
    model = load_model(data, version.sha256, keep=True)     # fast start-up next time
    return data, model, _info(version)


def resolve_model(project_path: str | Path, spec: str):
    """(Model, ModelInfo) for "NAME", "NAME:VERSION" or "NAME@ALIAS" in the project."""
    _, model, info = resolve_model_file(project_path, spec)
    return model, info
