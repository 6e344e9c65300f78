"""Data assets: named, versioned data files with fingerprint and schema; which runs used them.

A run records the sha256 of every file its import nodes read (run_inputs), so the runs that used
a version are found by content, whatever path they read it from.
"""
from __future__ import annotations

import os
import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .coltypes import utcnow
from .db import Database
from .dataprofile import FileProfile, file_sha256, profile_file
from .entities import AssetUse, DataAssetInfo, DataAssetVersionInfo, ResolvedAsset
from .errors import ProjectError, UnknownAssetError
from .orm import DataAssetRow, DataAssetVersionRow, RunInputRow, RunRow

__all__ = ["DataAssetStore", "parse_asset_ref", "ASSET_SCHEME"]

ASSET_SCHEME = "asset:"         # how an import node's path names an asset: asset:name@latest
_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\- ]*$")


def parse_asset_ref(ref: str) -> tuple[str, int | None]:
    """`asset:name@latest`, `name:3`, `name@latest`, `name` -> (name, version or None=latest)."""
    ref = ref.strip().removeprefix(ASSET_SCHEME)
    name, sep, tail = ref.rpartition("@")
    if sep:
        if tail.strip() != "latest":
            raise UnknownAssetError(f"'{ref}': after '@' only 'latest' is known; write a "
                                    "version as name:3.")
        return name.strip(), None
    name, sep, version = ref.rpartition(":")
    if sep and version.strip().isdigit():
        return name.strip(), int(version)
    return ref, None


def _info(row: DataAssetVersionRow, name: str) -> DataAssetVersionInfo:
    return DataAssetVersionInfo(name, row.version, row.kind, row.uri, row.sha256, row.size,
                                row.rows, row.columns, row.schema, row.created_at)


class DataAssetStore:
    """`project.assets`: register data files by name and version; resolve; find their runs."""

    def __init__(self, db: Database):
        self._db = db

    def add(self, name: str, path: str | os.PathLike, description: str | None = None
            ) -> tuple[DataAssetVersionInfo, bool]:
        """Register the file as the next version of `name`: (version, whether it is new).

        A file whose content equals the latest version's is not registered again.
        """
        return self.add_profile(name, profile_file(path), description)

    def add_profile(self, name: str, profile: FileProfile, description: str | None = None
                    ) -> tuple[DataAssetVersionInfo, bool]:
        name = (name or "").strip()
        if not _NAME.match(name):
            raise ProjectError(f"'{name}' cannot name a data asset: use letters, digits, spaces, "
                               "'_', '-' or '.' (':' and '@' are for versions).")
        now = utcnow()
        with self._db.session(write=True) as session:
            asset = session.scalars(select(DataAssetRow)
                                    .where(DataAssetRow.name == name)).one_or_none()
            if asset is None:
                asset = DataAssetRow(name=name, description=description or "", created_at=now)
                session.add(asset)
                session.flush()
            elif description is not None:
                asset.description = description
            latest = self._latest(session, asset.id)
            if latest is not None and latest.sha256 == profile.sha256:
                return _info(latest, name), False
            row = DataAssetVersionRow(
                asset_id=asset.id, version=(latest.version if latest else 0) + 1, kind="file",
                uri=str(profile.path), sha256=profile.sha256, size=profile.size,
                rows=profile.rows, columns=profile.columns, schema=profile.schema,
                created_at=now)
            session.add(row)
            session.flush()
            session.refresh(row)
            return _info(row, name), True

    def list(self) -> list[DataAssetInfo]:
        with self._db.session() as session:
            out = []
            for asset in session.scalars(select(DataAssetRow).order_by(DataAssetRow.name)):
                latest = self._latest(session, asset.id)
                count = session.scalar(select(func.count()).select_from(DataAssetVersionRow)
                                       .where(DataAssetVersionRow.asset_id == asset.id))
                out.append(DataAssetInfo(asset.name, asset.description, asset.created_at,
                                         _info(latest, asset.name) if latest else None, count))
            return out

    def versions(self, name: str) -> list[DataAssetVersionInfo]:
        """Every version of `name`, newest first."""
        with self._db.session() as session:
            asset = self._asset(session, name)
            return [_info(r, name) for r in session.scalars(
                select(DataAssetVersionRow).where(DataAssetVersionRow.asset_id == asset.id)
                .order_by(DataAssetVersionRow.version.desc()))]

    def get(self, ref: str) -> DataAssetVersionInfo:
        """`name` or `name@latest` (the latest version), `name:3`, `asset:name@latest`."""
        name, version = parse_asset_ref(ref)
        with self._db.session() as session:
            asset = self._asset(session, name)
            if version is None:
                row = self._latest(session, asset.id)
            else:
                row = session.scalars(select(DataAssetVersionRow).where(
                    DataAssetVersionRow.asset_id == asset.id,
                    DataAssetVersionRow.version == version)).one_or_none()
            if row is None:
                raise UnknownAssetError(f"Data asset '{name}' has no version {version}; "
                                        f"`mlwire assets PROJECT show {name}` lists its versions.")
            return _info(row, name)

    def resolve(self, ref: str, version: int | str | None = None,
                check: bool = True) -> ResolvedAsset:
        """What an import node reads for `asset:name@latest` / `name:3`: path and fingerprint.

        `resolve("churn", 3)` and `resolve("churn", "latest")` work too. With `check`, the file
        must still hold the registered content (its sha256 is compared), so a run never
        silently reads other data under the asset's name.
        """
        if version is not None:
            ref = f"{parse_asset_ref(ref)[0]}" + ("@latest" if version == "latest" else
                                                  f":{int(version)}")
        info = self.get(ref)
        if check:
            try:
                current = file_sha256(info.uri)
            except OSError as exc:
                raise UnknownAssetError(f"Data asset {info.ref} is the file '{info.uri}', which "
                                        f"cannot be read now ({exc.strerror}). Put it back, or "
                                        "register the data's new place as a new version.") from exc
            if current != info.sha256:
                raise UnknownAssetError(f"The file '{info.uri}' of data asset {info.ref} has "
                                        "changed since it was registered. Register it again "
                                        f"(`mlwire assets PROJECT add {info.asset} FILE`) to make "
                                        "a new version, or restore the original.")
        return ResolvedAsset(info.asset, info.version, info.uri, info.sha256)

    def runs_using(self, ref: str) -> list[AssetUse]:
        """Runs that read any version of the asset (`name`), or one version (`name:3`)."""
        name, version = parse_asset_ref(ref)
        with self._db.session() as session:
            asset = self._asset(session, name)
            versions = select(DataAssetVersionRow.sha256, DataAssetVersionRow.version).where(
                DataAssetVersionRow.asset_id == asset.id)
            if version is not None:
                versions = versions.where(DataAssetVersionRow.version == version)
            v = versions.subquery()
            rows = session.execute(
                select(RunRow.id, RunRow.pipeline_name, RunRow.status, RunRow.started_at,
                       RunInputRow.node_id, RunInputRow.path, v.c.version)
                .join(RunInputRow, RunInputRow.run_id == RunRow.id)
                .join(v, v.c.sha256 == RunInputRow.sha256)
                .order_by(RunRow.started_at.desc(), RunRow.id, RunInputRow.node_id)).all()
        return [AssetUse(*r) for r in rows]

    def runs_reading(self, sha256: str) -> list[AssetUse]:
        """Runs that read a file with this content, registered as an asset or not."""
        with self._db.session() as session:
            rows = session.execute(
                select(RunRow.id, RunRow.pipeline_name, RunRow.status, RunRow.started_at,
                       RunInputRow.node_id, RunInputRow.path)
                .join(RunInputRow, RunInputRow.run_id == RunRow.id)
                .where(RunInputRow.sha256 == sha256)
                .order_by(RunRow.started_at.desc(), RunRow.id, RunInputRow.node_id)).all()
        return [AssetUse(*r, None) for r in rows]

    def set_description(self, name: str, text: str) -> None:
        with self._db.session(write=True) as session:
            self._asset(session, name).description = str(text)

    @staticmethod
    def _latest(session: Session, asset_id: int) -> DataAssetVersionRow | None:
        return session.scalars(select(DataAssetVersionRow)
                               .where(DataAssetVersionRow.asset_id == asset_id)
                               .order_by(DataAssetVersionRow.version.desc()).limit(1)).first()

    @staticmethod
    def _asset(session: Session, name: str) -> DataAssetRow:
        row = session.scalars(select(DataAssetRow).where(DataAssetRow.name == name)).one_or_none()
        if row is None:
            names = ", ".join(f"'{n}'" for n in session.scalars(
                select(DataAssetRow.name).order_by(DataAssetRow.name))) or "none yet"
            raise UnknownAssetError(f"There is no data asset '{name}' in this project (assets: "
                                    f"{names}). Register one with `mlwire assets PROJECT add "
                                    f"{name} FILE`.")
        return row
