"""The model registry: named models, auto-incremented versions, tags, aliases; loads via the gate.

A version is immutable (its run, node, model file, signature) apart from its description and
tags; an alias (`champion`, any name) points at one version of its model and can be moved.
References: `name` (latest version), `name:3`, `name@champion`.
"""
from __future__ import annotations

import os
import re
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.sqlite import insert
from sqlalchemy.orm import Session

from .artifacts import ArtifactStore, write_joblib
from .coltypes import utcnow
from .db import Database
from .entities import ModelVersionInfo, RegisteredModelInfo
from .errors import ProjectError, UnknownModelError
from .orm import (MetricRow, ModelAliasRow, ModelVersionRow, ModelVersionTagRow,
                  RegisteredModelRow, RunRow)

__all__ = ["ModelRegistry", "parse_model_ref", "inference_note", "check_model_name",
           "check_alias"]

_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\- ]*$")
_ALIAS = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")


def parse_model_ref(ref: str) -> tuple[str, int | None, str | None]:
    """`name`, `name:3` or `name@alias` -> (name, version or None, alias or None)."""
    ref = ref.strip()
    if "@" in ref:
        name, _, alias = ref.rpartition("@")
        return name.strip(), None, alias.strip()
    name, sep, version = ref.rpartition(":")
    if sep and version.strip().isdigit():
        return name.strip(), int(version), None
    return ref, None, None


def _check_name(name: str) -> str:
    name = (name or "").strip()
    if not _NAME.match(name):
        raise ProjectError(f"'{name}' cannot name a model: use letters, digits, spaces, '_', '-' "
                           "or '.', starting with a letter or digit (':' and '@' are for "
                           "versions and aliases).")
    return name


def _check_alias(alias: str) -> str:
    alias = (alias or "").strip()
    if not _ALIAS.match(alias):
        raise ProjectError(f"'{alias}' cannot be an alias: use a name such as 'champion' or "
                           "'challenger' (letters, digits, '_', '-', '.'; not a number, which "
                           "would read as a version).")
    return alias


def inference_note(model) -> str:
    """Empty when the model's inference pipeline takes the raw imported columns; else, for
    people, where it starts instead and what input it expects (designer.serving.inference).

    Registration goes on either way (the version still records its run, metrics and pipeline;
    serving and bundling refuse it with the same message), and whoever registers it is told."""
    from designer.serving.inference import InferenceError, check_inference
    try:
        report = check_inference(model)
    except InferenceError as exc:       # not an MLWire inference pipeline at all
        return str(exc)
    if report.ok:
        return ""
    if not report.extra_inputs:
        return report.message
    return (f"{report.message} Serving and bundles refuse such a version. To serve it "
            "from raw rows, bring those columns in before the first fitted transform (join "
            "first, then clean, normalize or encode), so that they are part of the model's "
            "input, and register the new run's model.")


def _version_info(row: ModelVersionRow, model: str, tags: dict, aliases: tuple) -> ModelVersionInfo:
    return ModelVersionInfo(
        model=model, version=row.version, run_id=row.run_id, node_id=row.node_id, port=row.port,
        sha256=row.sha256, pipeline_name=row.pipeline_name, task=row.task, label=row.label,
        signature=row.signature, features=row.features, classes=row.classes, metrics=row.metrics,
        environment=row.environment, description=row.description, created_at=row.created_at,
        tags=tags, aliases=aliases)


class ModelRegistry:
    """`project.registry`: register models from runs, find, edit and load them."""

    def __init__(self, db: Database, artifacts: ArtifactStore):
        self._db = db
        self._artifacts = artifacts

    # -- registering -------------------------------------------------------------------------
    def register(self, run_id: str, node_id: str, name: str, *, port: str | None = None,
                 description: str = "", tags: dict[str, str] | None = None) -> ModelVersionInfo:
        """A new version of model `name` from the Model output of `node_id` in run `run_id`."""
        name = _check_name(name)
        artifact = self._artifacts.find(run_id, node_id, port)
        # Through the gate: only a model that loads safely is registered, and its signature
        # (raw input columns and dtypes) is read from the model itself. Kept in the model
        # cache with its serving snapshot, so that serving it first starts quickly.
        model = self._artifacts.load(artifact.sha256, keep=True)
        note = inference_note(model)
        from designer.serving import snapshot
        snapshot.keep(model, artifact.sha256)
        now = utcnow()
        with self._db.session(write=True) as session:    # BEGIN IMMEDIATE: numbers never clash
            run = session.execute(select(RunRow.pipeline_name, RunRow.environment)
                                  .where(RunRow.id == run_id)).one()
            metrics: dict[str, dict] = defaultdict(dict)
            for node, metric, value in session.execute(
                    select(MetricRow.node_id, MetricRow.name, MetricRow.value)
                    .where(MetricRow.run_id == run_id).order_by(MetricRow.id)):
                metrics[node][metric] = value
            model_row = session.scalars(select(RegisteredModelRow)
                                        .where(RegisteredModelRow.name == name)).one_or_none()
            if model_row is None:
                model_row = RegisteredModelRow(name=name, description="", created_at=now,
                                               updated_at=now)
                session.add(model_row)
                session.flush()
            model_row.updated_at = now
            version = (session.scalar(select(func.max(ModelVersionRow.version))
                                      .where(ModelVersionRow.model_id == model_row.id)) or 0) + 1
            row = ModelVersionRow(
                model_id=model_row.id, version=version, run_id=run_id, node_id=node_id,
                port=artifact.port, sha256=artifact.sha256, pipeline_name=run.pipeline_name,
                task=model.task, label=model.label,
                signature=[[str(c), str(t)] for c, t in model.signature],
                features=list(model.features), classes=model.classes, metrics=dict(metrics),
                environment=run.environment, description=description or "", created_at=now)
            session.add(row)
            session.flush()
            for key, value in (tags or {}).items():
                session.add(ModelVersionTagRow(version_id=row.id, key=_tag_key(key),
                                               value=str(value)))
            session.flush()
            session.refresh(row)
            info = _version_info(row, name, {k: str(v) for k, v in (tags or {}).items()}, ())
            return replace(info, inference_note=note)

    # -- reading -----------------------------------------------------------------------------
    def models(self) -> list[RegisteredModelInfo]:
        with self._db.session() as session:
            # Results have keys(), so dict(result) would take them for a mapping: build by rows.
            counts, latest = {}, {}
            for model_id, count, newest in session.execute(
                    select(ModelVersionRow.model_id, func.count(),
                           func.max(ModelVersionRow.version)).group_by(ModelVersionRow.model_id)):
                counts[model_id], latest[model_id] = count, newest
            aliases: dict[int, dict[str, int]] = defaultdict(dict)
            for model_id, alias, version in session.execute(
                    select(ModelAliasRow.model_id, ModelAliasRow.alias, ModelVersionRow.version)
                    .join(ModelVersionRow, ModelVersionRow.id == ModelAliasRow.version_id)
                    .order_by(ModelAliasRow.alias)):
                aliases[model_id][alias] = version
            return [RegisteredModelInfo(m.name, m.description, m.created_at, m.updated_at,
                                        latest.get(m.id), counts.get(m.id, 0),
                                        dict(aliases.get(m.id, {})))
                    for m in session.scalars(select(RegisteredModelRow)
                                             .order_by(RegisteredModelRow.name))]

    def model(self, name: str) -> RegisteredModelInfo:
        for info in self.models():
            if info.name == name:
                return info
        raise UnknownModelError(self._unknown_model(name))

    def versions(self, name: str) -> list[ModelVersionInfo]:
        """Every version of model `name`, newest first."""
        with self._db.session() as session:
            model = self._model_row(session, name)
            rows = list(session.scalars(select(ModelVersionRow)
                                        .where(ModelVersionRow.model_id == model.id)
                                        .order_by(ModelVersionRow.version.desc())))
            return self._infos(session, rows, name)

    def get(self, ref: str) -> ModelVersionInfo:
        """One version: `name` (the latest), `name:3` or `name@champion`."""
        with self._db.session() as session:
            row, name = self._resolve(session, ref)
            return self._infos(session, [row], name)[0]

    def of_run(self, run_id: str) -> list[ModelVersionInfo]:
        """The registered versions that came from a run."""
        with self._db.session() as session:
            rows = session.execute(select(ModelVersionRow, RegisteredModelRow.name)
                                   .join(RegisteredModelRow)
                                   .where(ModelVersionRow.run_id == run_id)
                                   .order_by(RegisteredModelRow.name, ModelVersionRow.version)).all()
            return [self._infos(session, [row], name)[0] for row, name in rows]

    def load(self, ref: str):
        """The registered Model (its inference pipeline), through the one safe gate."""
        return self._artifacts.load(self.get(ref).sha256)

    def download_joblib(self, ref: str, target: str | os.PathLike) -> Path:
        """Write the version's inference pipeline as .joblib (a pickle; see PICKLE_WARNING)."""
        return write_joblib(self.load(ref), Path(target))

    # -- editing: descriptions, tags, aliases ------------------------------------------------
    def set_model_description(self, name: str, text: str) -> None:
        with self._db.session(write=True) as session:
            model = self._model_row(session, name)
            model.description, model.updated_at = str(text), utcnow()

    def set_description(self, ref: str, text: str) -> None:
        with self._db.session(write=True) as session:
            row, _ = self._resolve(session, ref)
            row.description = str(text)

    def set_tag(self, ref: str, key: str, value: str) -> None:
        with self._db.session(write=True) as session:
            row, _ = self._resolve(session, ref)
            stmt = insert(ModelVersionTagRow).values(version_id=row.id, key=_tag_key(key),
                                                     value=str(value))
            session.execute(stmt.on_conflict_do_update(index_elements=["version_id", "key"],
                                                       set_={"value": stmt.excluded.value}))

    def remove_tag(self, ref: str, key: str) -> None:
        with self._db.session(write=True) as session:
            row, name = self._resolve(session, ref)
            if session.execute(delete(ModelVersionTagRow).where(
                    ModelVersionTagRow.version_id == row.id,
                    ModelVersionTagRow.key == key)).rowcount == 0:
                raise ProjectError(f"Model {name}:{row.version} has no tag '{key}'.")

    def set_alias(self, name: str, alias: str, version: int) -> ModelVersionInfo:
        """Point `alias` at `version` of model `name` (moving it if it pointed elsewhere)."""
        alias = _check_alias(alias)
        with self._db.session(write=True) as session:
            row, _ = self._resolve(session, f"{name}:{int(version)}")
            stmt = insert(ModelAliasRow).values(model_id=row.model_id, alias=alias,
                                                version_id=row.id)
            session.execute(stmt.on_conflict_do_update(index_elements=["model_id", "alias"],
                                                       set_={"version_id": row.id}))
            return self._infos(session, [row], name)[0]

    def remove_alias(self, name: str, alias: str) -> None:
        with self._db.session(write=True) as session:
            model = self._model_row(session, name)
            if session.execute(delete(ModelAliasRow).where(ModelAliasRow.model_id == model.id,
                                                           ModelAliasRow.alias == alias)
                               ).rowcount == 0:
                raise UnknownModelError(f"Model '{name}' has no alias '{alias}'; "
                                        f"`mlwire models PROJECT {name}` shows its aliases.")

    # -- helpers -----------------------------------------------------------------------------
    def _infos(self, session: Session, rows: list[ModelVersionRow],
               name: str) -> list[ModelVersionInfo]:
        ids = [r.id for r in rows]
        tags: dict[int, dict] = defaultdict(dict)
        for version_id, key, value in session.execute(
                select(ModelVersionTagRow.version_id, ModelVersionTagRow.key,
                       ModelVersionTagRow.value)
                .where(ModelVersionTagRow.version_id.in_(ids)).order_by(ModelVersionTagRow.key)):
            tags[version_id][key] = value
        aliases: dict[int, list] = defaultdict(list)
        for version_id, alias in session.execute(
                select(ModelAliasRow.version_id, ModelAliasRow.alias)
                .where(ModelAliasRow.version_id.in_(ids)).order_by(ModelAliasRow.alias)):
            aliases[version_id].append(alias)
        return [_version_info(r, name, dict(tags[r.id]), tuple(aliases[r.id])) for r in rows]

    def _resolve(self, session: Session, ref: str) -> tuple[ModelVersionRow, str]:
        name, version, alias = parse_model_ref(ref)
        model = self._model_row(session, name)
        query = select(ModelVersionRow).where(ModelVersionRow.model_id == model.id)
        if alias is not None:
            row = session.scalars(query.join(ModelAliasRow,
                                             ModelAliasRow.version_id == ModelVersionRow.id)
                                  .where(ModelAliasRow.alias == alias)).one_or_none()
            if row is None:
                known = ", ".join(session.scalars(select(ModelAliasRow.alias).where(
                    ModelAliasRow.model_id == model.id).order_by(ModelAliasRow.alias)))
                raise UnknownModelError(f"Model '{name}' has no alias '{alias}' (its aliases: "
                                        f"{known or 'none yet'}). Set one with `mlwire alias "
                                        f"PROJECT {name} {alias} VERSION`.")
            return row, name
        if version is None:
            row = session.scalars(query.order_by(ModelVersionRow.version.desc()).limit(1)).first()
        else:
            row = session.scalars(query.where(ModelVersionRow.version == version)).one_or_none()
        if row is None:
            latest = session.scalar(select(func.max(ModelVersionRow.version))
                                    .where(ModelVersionRow.model_id == model.id))
            raise UnknownModelError(f"Model '{name}' has no version {version} (versions 1 to "
                                    f"{latest or 0}).")
        return row, name

    def _model_row(self, session: Session, name: str) -> RegisteredModelRow:
        row = session.scalars(select(RegisteredModelRow)
                              .where(RegisteredModelRow.name == name)).one_or_none()
        if row is None:
            raise UnknownModelError(self._unknown_model(name, session))
        return row

    def _unknown_model(self, name: str, session: Session | None = None) -> str:
        if session is None:
            with self._db.session() as session:
                return self._unknown_model(name, session)
        names = list(session.scalars(select(RegisteredModelRow.name)
                                     .order_by(RegisteredModelRow.name)))
        known = ", ".join(f"'{n}'" for n in names) or "none yet"
        return (f"There is no registered model '{name}' in this project (models: {known}). "
                "Register one with `mlwire register PROJECT --run RUN --node NODE --name NAME`.")


# Public, for forms that check what a person typed before anything is written.
check_model_name, check_alias = _check_name, _check_alias


def _tag_key(key: str) -> str:
    if not isinstance(key, str) or not key.strip():
        raise ProjectError("A tag needs a non-empty key, e.g. stage=prod.")
    return key.strip()
