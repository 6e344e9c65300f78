"""The output cache: node outputs kept in `<project>.mlw-cache/`, keyed by what determines them.

A key covers the node type and version, its effective parameters, the keys of its inputs and the
content fingerprint of any file it reads, so a rerun in a new process recomputes only what
changed. Deleting the folder only costs time.

Entries hold pickled outputs, so they are signed: a header with each blob's sha256, authenticated
with an HMAC under a key kept in the user's data folder. A cache folder copied from elsewhere (or
tampered with) is ignored, never unpickled.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["cache_key", "CacheEntry", "OutputCache", "secret_key", "write_entry"]

MAGIC = b"MLWC1\n"
_HEADER_LEN = struct.Struct(">Q")


def cache_key(type_id: str, version: int, params: dict, inputs: dict[str, tuple[str, str]],
              fingerprint: str | None) -> str:
    material = {"type": type_id, "version": version, "params": params,
                "inputs": {port: list(src) for port, src in sorted(inputs.items())},
                "fingerprint": fingerprint}
    text = json.dumps(material, sort_keys=True, default=repr, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def secret_key() -> bytes:
    """This user's cache-signing key, created on first use (readable by the user only)."""
    from designer.userdata import data_dir
    folder = data_dir()
    path = folder / "cache.key"
    try:
        key = path.read_bytes()
        if len(key) == 32:
            return key
    except OSError:
        pass
    folder.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(32)
    fd, tmp = tempfile.mkstemp(dir=folder)
    os.chmod(tmp, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(key)
    try:
        os.link(tmp, path)  # first writer wins, so concurrent processes agree on one key
    except FileExistsError:
        key = path.read_bytes()
    finally:
        os.unlink(tmp)
    return key


@dataclass
class CacheEntry:
    """A verified entry: its header now, each blob read (and checked) when asked for."""

    path: Path
    header: dict
    data_offset: int

    @property
    def summary(self) -> dict:
        return self.header.get("summary", {})

    @property
    def seconds(self) -> float:
        return float(self.header.get("seconds", 0.0))

    @property
    def ports(self) -> list[str]:
        return list(self.header["blobs"])

    def blob(self, port: str) -> bytes:
        offset, length, digest = self.header["blobs"][port]
        with open(self.path, "rb") as f:
            f.seek(self.data_offset + offset)
            data = f.read(length)
        if len(data) != length or hashlib.sha256(data).hexdigest() != digest:
            raise OSError(f"cache entry {self.path.name} is damaged")
        return data


def write_entry(path: Path, key: bytes, blobs: dict[str, bytes], summary: dict,
                seconds: float) -> None:
    """Write one entry atomically (temp file + rename); a failure leaves no partial entry."""
    index, offset = {}, 0
    for port, data in blobs.items():
        index[port] = [offset, len(data), hashlib.sha256(data).hexdigest()]
        offset += len(data)
    header = json.dumps({"blobs": index, "summary": summary, "seconds": seconds},
                        sort_keys=True, default=repr).encode()
    tag = hmac.new(key, header, hashlib.sha256).digest()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(MAGIC + tag + _HEADER_LEN.pack(len(header)) + header)
            for data in blobs.values():
                f.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class OutputCache:
    def __init__(self, folder: Path, key: bytes | None = None):
        self.folder = Path(folder)
        self.key = key if key is not None else secret_key()

    def path(self, cache_key_: str) -> Path:
        return self.folder / cache_key_[:2] / f"{cache_key_}.out"

    def get(self, cache_key_: str) -> CacheEntry | None:
        """The entry if present and signed with our key; anything else counts as a miss."""
        path = self.path(cache_key_)
        try:
            with open(path, "rb") as f:
                prefix = f.read(len(MAGIC) + 32 + _HEADER_LEN.size)
                if len(prefix) < len(MAGIC) + 40 or not prefix.startswith(MAGIC):
                    return None
                tag = prefix[len(MAGIC):len(MAGIC) + 32]
                (length,) = _HEADER_LEN.unpack(prefix[-_HEADER_LEN.size:])
                header_bytes = f.read(length)
        except OSError:
            return None
        expected = hmac.new(self.key, header_bytes, hashlib.sha256).digest()
        if len(header_bytes) != length or not hmac.compare_digest(tag, expected):
            return None
        try:
            header: dict[str, Any] = json.loads(header_bytes)
        except ValueError:
            return None
        return CacheEntry(path, header, len(prefix) + length)

    def put(self, cache_key_: str, blobs: dict[str, bytes], summary: dict, seconds: float) -> None:
        write_entry(self.path(cache_key_), self.key, blobs, summary, seconds)
