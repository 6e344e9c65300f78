"""The trust store: which script, database, URL and export contents this user has allowed to run.

A pipeline or project file can come from anyone, so a node that runs code or reaches outside the
machine's data files (Execute Python Script, Import from Database, Import from Web URL, Export
Data to a database or outside the pipeline's folder) runs only when this user has trusted its
exact content, after being shown it. Trust is recorded here, outside any project file, in the
user's data folder (MLWIRE_DATA_DIR overrides it), keyed by the sha256 of the node type and its
guarded parameters: editing a file can never grant trust, and changing the code (or URL, query)
takes it away.

Standard library (and platformdirs) only: the node types call `require_trusted` from run().
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

__all__ = [
    "TrustError", "GuardedNode", "store_path", "content_digest", "is_trusted", "trust",
    "revoke", "require_trusted", "guarded_nodes", "untrusted_nodes", "trust_file",
    "SessionTrust", "TRUST_HINT", "guard_of", "record",
]

# How to trust, in every "not trusted" message (the CLI and the designer agree on the store).
TRUST_HINT = ("Read it first. In the designer, press Run and choose 'Trust and run' in the review "
              "that opens (or use 'Review…' in the banner); on the command line, run "
              "`mlwire trust FILE`.")

FORMAT = "mlwire.trust/1"


class TrustError(Exception):
    """A file to trust could not be read; the message says which and why."""


@dataclass(frozen=True)
class GuardedNode:
    """A node whose content needs this user's trust before it runs."""

    pipeline: str
    node_id: str
    title: str
    type_id: str
    content: dict          # the guarded parameters: code, url, query, ...
    digest: str
    trusted: bool

    def describe(self) -> str:
        """The content as shown to a person before they trust it."""
        lines = [f"{self.title} ({self.node_id}) [{self.type_id}] in pipeline '{self.pipeline}':"]
        for name, value in self.content.items():
            if name == "type":
                continue
            text = "" if value is None else str(value)
            if "\n" in text:
                lines.append(f"  {name}:")
                lines += [f"    | {line}" for line in text.splitlines()]
            else:
                lines.append(f"  {name}: {text}")
        return "\n".join(lines)


def store_path() -> Path:
    """The trust store file: <user data dir>/trust.json (MLWIRE_DATA_DIR overrides the folder)."""
    from designer.userdata import data_dir
    return data_dir() / "trust.json"


def _guarded_params(type_id: str) -> tuple[str, ...]:
    from nodes.registry import registry
    return tuple(getattr(registry.get(type_id), "trust_params", ()))


def content_of(type_id: str, params: dict[str, Any],
               names: tuple[str, ...] | None = None) -> dict:
    names = _guarded_params(type_id) if names is None else names
    return {"type": type_id, **{name: params.get(name) for name in names}}


def content_digest(type_id: str, params: dict[str, Any],
                   names: tuple[str, ...] | None = None) -> str:
    """sha256 of the node type and its guarded parameter values (canonical JSON)."""
    text = json.dumps(content_of(type_id, params, names), sort_keys=True, ensure_ascii=False,
                      separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _load() -> dict:
    try:
        data = json.loads(store_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"format": FORMAT, "trusted": {}}
    if not isinstance(data, dict) or not isinstance(data.get("trusted"), dict):
        return {"format": FORMAT, "trusted": {}}
    return data


def _save(data: dict) -> None:
    path = store_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".trust-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, indent=1, sort_keys=True)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def is_trusted(type_id: str, params: dict[str, Any], names: tuple[str, ...] | None = None) -> bool:
    return content_digest(type_id, params, names) in _load()["trusted"]


def trust(type_id: str, params: dict[str, Any], source: str = "",
          names: tuple[str, ...] | None = None) -> str:
    """Record that this user trusts this content; returns its digest. The GUI calls this when the
    user types the content themselves, or confirms after being shown it."""
    digest = content_digest(type_id, params, names)
    data = _load()
    data["format"] = FORMAT
    data["trusted"][digest] = {"type": type_id, "source": source,
                               "trusted_at": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    _save(data)
    return digest


def revoke(type_id: str, params: dict[str, Any], names: tuple[str, ...] | None = None) -> bool:
    digest = content_digest(type_id, params, names)
    data = _load()
    removed = data["trusted"].pop(digest, None) is not None
    if removed:
        _save(data)
    return removed


def require_trusted(type_id: str, title: str, params: dict[str, Any],
                    names: tuple[str, ...], what: str) -> None:
    """Raise NodeError unless this user has trusted this content (`what`: 'code', 'URL', ...)."""
    if is_trusted(type_id, params, names):
        return
    from nodes.base import NodeError
    raise NodeError(f"{title} has not been trusted on this computer, so its {what} is not run. "
                    "A pipeline or project file can come from anyone.", TRUST_HINT)


def guard_of(pipeline, node_id: str, base_dir: Path,
             look_up: bool = True) -> GuardedNode | None:
    """The node's guarded content (None when this node needs no trust to run); `look_up`
    False skips reading the store (`trusted` is then False)."""
    node = pipeline.node(node_id)
    node_type = pipeline.node_type(node_id)
    names = tuple(getattr(node_type, "trust_params", ()))
    if not names:
        return None
    try:
        params, _ = node_type.check_params(pipeline.raw_params(node_id))
    except Exception:  # an unbound parameter: use what is written in the file
        params = dict(node.params)
    needs = getattr(node_type, "needs_trust", None)
    if needs is not None and not needs(params, Path(base_dir)):
        return None
    content = content_of(node_type.type_id, params, names)
    digest = content_digest(node_type.type_id, params, names)
    return GuardedNode(pipeline.name, node_id, node.title or node_type.title,
                       node_type.type_id, content, digest,
                       look_up and is_trusted(node_type.type_id, params, names))


def guarded_nodes(pipeline, base_dir: Path) -> list[GuardedNode]:
    """Every node of `pipeline` that needs trust to run, trusted or not."""
    found = (guard_of(pipeline, node.id, base_dir) for node in pipeline.nodes)
    return [g for g in found if g is not None]


def untrusted_nodes(pipeline, base_dir: Path) -> list[GuardedNode]:
    return [g for g in guarded_nodes(pipeline, base_dir) if not g.trusted]


def record(guarded: GuardedNode, source: str) -> str:
    """Trust exactly the content a GuardedNode was made from (the key `mlwire trust` uses)."""
    names = tuple(k for k in guarded.content if k != "type")
    return trust(guarded.type_id, guarded.content, source=source, names=names)


class SessionTrust:
    """Which guarded nodes of one pipeline open in the designer came from elsewhere.

    The rule (docs/designer.md, "Trust"): content in the trust store runs. Otherwise a node's
    content is *from elsewhere* when it was in the file as opened (or restored), or arrived by
    paste or as a copy of such a node; it runs only after the user has read it in the review
    dialog. A node the user added from the palette, or has reviewed, is *theirs*: the edits they
    make to it in the designer need no review, and its content is recorded in the trust store
    when the pipeline runs (so `mlwire run` agrees). The store itself is never written on a
    keystroke, only when something runs or is reviewed.

    Plain Python: it listens to the pipeline model's events.
    """

    def __init__(self, pipeline, base_dir: Path):
        self.pipeline = pipeline
        self.unreviewed: set[str] = {g.node_id for g in untrusted_nodes(pipeline, base_dir)}
        self._own: set[str] = set()       # digests of content the user produced here
        self._base_dir = Path(base_dir)
        self._unsubscribe = pipeline.events.subscribe(self._on_event)

    def close(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    def _guarded(self, node_id: str) -> GuardedNode | None:
        return guard_of(self.pipeline, node_id, self._base_dir)

    def _on_event(self, event) -> None:
        from designer.model import NodeAdded, NodeRemoved, ParamChanged
        if isinstance(event, NodeRemoved):
            self.unreviewed.discard(event.node_id)
        elif isinstance(event, NodeAdded):
            names = _guarded_params(self.pipeline.node(event.node_id).type)
            if not any(n in self.pipeline.node(event.node_id).params for n in names):
                return      # defaults from the node library: nothing came from elsewhere
            guarded = self._guarded(event.node_id)
            if guarded is not None and not guarded.trusted and guarded.digest not in self._own:
                self.unreviewed.add(event.node_id)   # a paste, a copy, an undone deletion
        elif isinstance(event, ParamChanged) and event.node_id not in self.unreviewed:
            if event.name not in _guarded_params(self.pipeline.node(event.node_id).type):
                return
            guarded = guard_of(self.pipeline, event.node_id, self._base_dir, look_up=False)
            if guarded is not None:       # a keystroke: no store read, only the digest
                self._own.add(guarded.digest)

    def pending(self, base_dir: Path, node_ids=None) -> tuple[list[GuardedNode],
                                                               list[GuardedNode]]:
        """(from elsewhere, the user's own) untrusted guarded nodes among `node_ids` (all)."""
        self._base_dir = Path(base_dir)
        wanted = None if node_ids is None else set(node_ids)
        foreign, own = [], []
        for guarded in untrusted_nodes(self.pipeline, base_dir):
            if wanted is not None and guarded.node_id not in wanted:
                continue
            (foreign if guarded.node_id in self.unreviewed else own).append(guarded)
        return foreign, own

    def accept(self, guarded: list[GuardedNode], source: str) -> None:
        """Record trust for these nodes (reviewed, or the user's own) and remember them as the
        user's: later edits to them need no review."""
        for g in guarded:
            record(g, source)
            self._own.add(g.digest)
            self.unreviewed.discard(g.node_id)


def _pipelines_in(path: Path) -> list:
    from designer.model import load_pipeline, pipeline_from_json
    from designer.model.errors import PipelineError
    if not path.exists():
        raise TrustError(f"{path}: no such file.")
    try:
        if path.name.endswith(".json"):
            return [load_pipeline(path)]
        from designer.store import Project
        with Project.open(path, create=False, read_only=True) as project:
            docs = [(name, project.pipelines.get(name)) for name in project.pipelines.names()]
        return [pipeline_from_json(doc, source=f"{path} (pipeline '{name}')")
                for name, doc in docs]
    except PipelineError as exc:
        raise TrustError(str(exc)) from exc


def trust_file(path: str | os.PathLike, *, yes: bool = False,
               ask: Callable[[str], str] = input, out=None) -> int:
    """`mlwire trust FILE`: show every untrusted script, database, URL and export node of a
    pipeline or project file, ask once, and record trust. Exit code: 0 trusted (or nothing to
    trust), 1 declined, 2 the file could not be read."""
    out = out or sys.stdout
    path = Path(path)
    try:
        pipelines = _pipelines_in(path)
    except TrustError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    pending = [g for p in pipelines for g in untrusted_nodes(p, path.resolve().parent)]
    if not pending:
        print(f"{path}: nothing to trust; every script, database and URL node is trusted "
              "already (or there is none).", file=out)
        return 0
    print(f"{path} has {len(pending)} node(s) that run code or reach outside your data files. "
          "Read them before trusting them:\n", file=out)
    for guarded in pending:
        print(guarded.describe() + "\n", file=out)
    if not yes:
        try:
            answer = ask(f"Trust these {len(pending)} node(s) on this computer? [y/N] ")
        except EOFError:
            answer = ""
        if answer.strip().lower() not in ("y", "yes"):
            print("Nothing was trusted.", file=out)
            return 1
    for guarded in pending:
        record(guarded, str(path.resolve()))
    print(f"Trusted {len(pending)} node(s). They run until their content changes.", file=out)
    return 0
