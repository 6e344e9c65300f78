"""Where served models come from: a registry reference resolved to a Model, through the one gate.

`resolve_model(project, "NAME" | "NAME:VERSION" | "NAME@ALIAS")` opens the project read-only,
asks the model registry which version the reference means (`project.registry.get(ref)`), reads
that version's skops bytes (`project.artifacts.read(sha256)`) and loads them with
designer.artifacts.load_model, which checks the sha256 and the types before parsing anything.
The Model returned is a snapshot: later registry changes (a moved alias, a new version) do not
touch it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["ModelInfo", "resolve_model", "resolve_model_file"]


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


def resolve_model_file(project_path: str | Path, spec: str):
    """(skops bytes, Model, ModelInfo) for a registry reference; the Model through the gate."""
    from designer.artifacts import load_model
    from designer.store import Project
    path = Path(project_path)
    with Project.open(path, read_only=True) as project:
        version = project.registry.get(spec)
        data = project.artifacts.read(version.sha256)
    model = load_model(data, version.sha256)
    info = ModelInfo(
        name=version.model, version=version.version, sha256=version.sha256, task=version.task,
        label=version.label, signature=[list(s) for s in version.signature],
        classes=version.classes, run_id=version.run_id, node_id=version.node_id,
        aliases=tuple(version.aliases), description=version.description or "",
        environment=dict(version.environment or {}))
    return data, model, info


def resolve_model(project_path: str | Path, spec: str):
    """(Model, ModelInfo) for "NAME", "NAME:VERSION" or "NAME@ALIAS" in the project."""
    _, model, info = resolve_model_file(project_path, spec)
    return model, info
