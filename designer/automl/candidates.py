"""Leaderboard candidates: their rows from a node's details, and registering any one of them.

AutoML and Tune Model Hyperparameters keep only their winner fitted. Every other candidate is
fully described by plain JSON in the node's details (recorded with the run): an AutoML trial's
spec plus the columns it saw, or a tuning trial's hyperparameters. Registering a candidate
therefore reruns the run's own pipeline snapshot up to that node with the candidate pinned
(AutoML's `candidate` parameter, or a one-point grid for tuning): upstream outputs come from
the cache, the node refits just that candidate on the same training rows, and the refit is an
ordinary recorded run whose model the registry takes like any other, tagged with the run, node
and trial it came from.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

__all__ = ["candidate_rows", "best_over_time", "candidate_pin", "candidate_override",
           "find_candidate", "register_candidate", "CandidateRegistration", "CandidateError",
           "leaderboard_details"]

AUTOML, TUNE = "automl", "tune_model_hyperparameters"
_PORTS = {AUTOML: "leaderboard", TUNE: "trials"}


class CandidateError(ValueError):
    """A candidate cannot be found or registered; the message says what to do."""


def _sign(details: dict) -> float:
    return 1.0 if details.get("greater_is_better", True) else -1.0


def candidate_rows(details: dict) -> list[dict]:
    """The leaderboard as plain rows, best first: rank, trial, candidate (description), learner,
    score, score_std, fit_seconds, finished_at (seconds into the search), status, params,
    fold_scores. Works for AutoML ("kind": "automl") and tuning ("kind": "trials") details.

    AutoML: the chosen winner first (it may be a default within noise of the top score, or the
    voting ensemble), then the other validated trials by score, then failed ones."""
    if details.get("kind") == "trials":
        return _tuning_rows(details)
    if details.get("kind") != "automl":
        raise CandidateError("These results are not an AutoML leaderboard or a tuning trials "
                             "table.")
    sign = _sign(details)
    best = details.get("best") or {}
    if details.get("pinned"):
        return [_automl_row(best, 1, "pinned", best.get("trial") or 0)]
    trials = details.get("trials") or []
    ok = [t for t in trials if t.get("status") == "ok"]
    rows = [_automl_row(t, 0, "ok", t["trial"]) for t in ok]
    ensemble = details.get("ensemble")
    if ensemble is not None and ensemble.get("used"):
        rows.append({**_automl_row(best, 0, "ok", best.get("trial")), "learner": "ensemble",
                     "finished_at": details.get("elapsed_seconds")})
    rows.sort(key=lambda r: -sign * r["score"])   # stable: ties keep trial order
    winner = next((r for r in rows if r["trial"] == best.get("trial")), None)
    if winner is not None:
        rows.remove(winner)
        rows.insert(0, winner)
        winner["status"] = "best"
    rows += [_automl_row(t, 0, t.get("status", "failed"), t["trial"])
             for t in trials if t.get("status") != "ok"]
    for rank, row in enumerate(rows, 1):
        row["rank"] = rank
    return rows


def _automl_row(t: dict, rank: int, status: str, trial) -> dict:
    spec = t.get("spec") or {}
    return {"rank": rank, "trial": trial, "candidate": t.get("candidate", ""),
            "learner": "ensemble" if spec.get("ensemble") else (t.get("learner")
                                                                or spec.get("learner", "")),
            "score": t.get("score"), "score_std": t.get("score_std"),
            "fit_seconds": t.get("fit_seconds"), "finished_at": t.get("finished_at"),
            "status": status, "params": dict(spec.get("params") or {}),
            "prep": dict(spec.get("prep") or {}), "default": bool(t.get("default")),
            "fold_scores": list(t.get("fold_scores") or []), "error": t.get("error", "")}


def _tuning_rows(details: dict) -> list[dict]:
    sign = _sign(details)
    trials = sorted(details.get("trials") or [], key=lambda t: t["trial"])
    elapsed, rows = 0.0, []
    for t in trials:  # trials run one after another: their times add up
        elapsed += float(t.get("seconds") or 0.0)
        rows.append({"trial": t["trial"], "candidate": json.dumps(t["params"], sort_keys=True),
                     "learner": "", "score": t.get("score"), "score_std": t.get("score_std"),
                     "fit_seconds": t.get("seconds"), "finished_at": round(elapsed, 4),
                     "status": "best" if t["trial"] == details.get("best_trial") else "ok",
                     "params": dict(t["params"]), "prep": {}, "default": False,
                     "fold_scores": list(t.get("fold_scores") or []), "error": "",
                     "resources": t.get("resources")})
    scored = [r for r in rows if r["score"] is not None]
    scored.sort(key=lambda r: (r["status"] != "best", -sign * r["score"]))
    rows = scored + [r for r in rows if r["score"] is None]
    for rank, row in enumerate(rows, 1):
        row["rank"] = rank
    return rows


def best_over_time(rows: list[dict], greater_is_better: bool = True) -> list[tuple[float, float, int]]:
    """(seconds into the search, score, trial) each time the best validated score improved, in
    the order the trials finished: one point per improvement."""
    sign = 1.0 if greater_is_better else -1.0
    timed = sorted((r for r in rows if r.get("score") is not None
                    and r.get("finished_at") is not None and r.get("learner") != "ensemble"),
                   key=lambda r: (r["finished_at"], r["trial"]))
    points, best = [], None
    for r in timed:
        if best is None or sign * r["score"] > sign * best:
            best = r["score"]
            points.append((float(r["finished_at"]), float(r["score"]), r["trial"]))
    return points


def find_candidate(details: dict, *, rank: int | None = None, trial: int | None = None) -> dict:
    """The leaderboard row with this rank (1 = best) or trial number."""
    rows = candidate_rows(details)
    if rank is not None:
        found = [r for r in rows if r["rank"] == rank]
        what = f"rank {rank}"
    else:
        found = [r for r in rows if r["trial"] == trial]
        what = f"trial {trial}"
    if not found:
        raise CandidateError(f"The leaderboard has no candidate with {what} (ranks 1-{len(rows)}).")
    row = found[0]
    if row["status"] not in ("ok", "best", "pinned"):
        raise CandidateError(f"Candidate {what} {row['status']}"
                             + (f" ({row['error']})" if row.get("error") else "")
                             + ": only validated candidates can be registered.")
    return row


def candidate_pin(details: dict, trial: int) -> dict:
    """AutoML's pin for a trial (what its `candidate` parameter takes): the trial's spec, plus
    the feature columns, their kinds and the seed the search used."""
    best = details.get("best") or {}
    if trial == best.get("trial"):
        return dict(best)
    for t in details.get("trials") or []:
        if t["trial"] == trial and t.get("status") == "ok":
            common = {k: best[k] for k in ("metric", "task", "features", "numeric",
                                           "categorical", "seed") if k in best}
            return {"spec": t["spec"], "candidate": t["candidate"], "trial": t["trial"],
                    "score": t["score"], "score_std": t["score_std"],
                    "fit_seconds": t["fit_seconds"], **common}
    raise CandidateError(f"The AutoML leaderboard has no validated trial {trial}.")


def candidate_override(node_type: str, details: dict, trial: int) -> dict:
    """The parameter values that make the node refit exactly this candidate."""
    if node_type == AUTOML:
        return {"candidate": candidate_pin(details, trial)}
    if node_type == TUNE:
        chosen = next((t for t in details.get("trials") or [] if t["trial"] == trial), None)
        if chosen is None:
            raise CandidateError(f"The tuning results have no trial {trial}.")
        # A one-point grid: the node validates it once and refits it on all training rows.
        return {"ranges": {k: [v] for k, v in chosen["params"].items()}, "search": "grid"}
    raise CandidateError(f"Nodes of type '{node_type}' have no candidates to register; "
                         "use AutoML or Tune Model Hyperparameters.")


def leaderboard_details(run, node_id: str) -> tuple[str, dict]:
    """(node type, details) of an AutoML or tuning node in a recorded run (a RunInfo)."""
    node = run.node(node_id)
    if node is None:
        raise CandidateError(f"Run '{run.id}' has no node '{node_id}'. `mlwire show PROJECT "
                             f"{run.id}` lists its nodes.")
    if node.node_type not in _PORTS:
        raise CandidateError(f"Node '{node_id}' is a {node.node_type} node; candidates come from "
                             "an AutoML or Tune Model Hyperparameters node.")
    if node.status not in ("done", "cached"):
        raise CandidateError(f"Node '{node_id}' {node.status} in run '{run.id}': it has no "
                             "leaderboard.")
    details = (node.outputs.get(_PORTS[node.node_type]) or {}).get("details")
    if not details:
        raise CandidateError(f"Run '{run.id}' kept no leaderboard for node '{node_id}'.")
    return node.node_type, details


@dataclass
class CandidateRegistration:
    version: object                 # the registry's ModelVersionInfo
    refit_run: str                  # the run that refitted the candidate
    source_run: str
    node_id: str
    trial: int
    candidate: str
    warnings: list[str] = field(default_factory=list)


def register_candidate(project, run_id: str, node_id: str, name: str, *, rank: int | None = None,
                       trial: int | None = None, base_dir: str | Path | None = None,
                       cache_dir: str | Path | None = None, description: str = "",
                       listener: Callable | None = None, workers: int = 1) -> CandidateRegistration:
    """Refit one leaderboard candidate of node `node_id` in run `run_id` and register it as a
    new version of model `name`.

    The refit is the run's pipeline snapshot run to `node_id` with the candidate pinned,
    recorded in `project` as a run of its own; `base_dir` is where its relative paths resolve
    (default: the project's folder), `cache_dir` the engine's cache (default: beside the
    project). Give `rank` (1 = best) or `trial`."""
    from designer.engine import Engine
    from designer.model import pipeline_from_json
    from designer.store import RunRecorder
    if (rank is None) == (trial is None):
        raise CandidateError("Give the candidate's rank or its trial number (one of them).")
    project_path = Path(project.path)
    run = project.runs.get(run_id)
    node_type, details = leaderboard_details(run, node_id)
    row = find_candidate(details, rank=rank, trial=trial)
    overrides = {k: dict(v) for k, v in (run.overrides or {}).items()}
    overrides.setdefault(node_id, {}).update(candidate_override(node_type, details, row["trial"]))
    pipeline = pipeline_from_json(run.pipeline, source=f"run {run_id}")
    base = Path(base_dir) if base_dir is not None else project_path.resolve().parent
    cache = Path(cache_dir) if cache_dir is not None else \
        project_path.with_name(project_path.name + "-cache")
    recorder = RunRecorder(project)

    def hear(event) -> None:
        recorder(event)
        if listener is not None:
            listener(event)

    engine = Engine(cache, workers=workers)
    try:
        result = engine.run(pipeline, base, overrides=overrides, targets=[node_id], listener=hear)
    finally:
        engine.close()
    if result.node_states.get(node_id) not in ("done", "cached"):
        why = result.errors.get(node_id) or next(iter(result.errors.values()), result.status)
        raise CandidateError(f"Refitting candidate {row['rank']} of '{node_id}' failed: {why}")
    source = f"{run_id}/{node_id}#{row['trial']}"
    project.runs.set_tag(result.run_id, "candidate_of", source)
    warnings = _data_changed(project, run, result.run_id)
    what = "AutoML" if node_type == AUTOML else "tuning"
    text = description or (f"{what} candidate (rank {row['rank']}, trial {row['trial']}) of node "
                           f"'{node_id}' in run {run_id}: {row['candidate']}")
    version = project.registry.register(
        result.run_id, node_id, name, port="model", description=text,
        tags={"source_run": run_id, "source_node": node_id,
              "candidate_trial": str(row["trial"]), "candidate_rank": str(row["rank"])})
    return CandidateRegistration(version, result.run_id, run_id, node_id, row["trial"],
                                 row["candidate"], warnings)


def _data_changed(project, source, refit_run_id: str) -> list[str]:
    """A warning per file the refit read with other contents than the source run did."""
    refit = project.runs.get(refit_run_id)
    before = {p: s for files in source.inputs.values() for p, s in files.items()}
    out = []
    for files in refit.inputs.values():
        for path, sha in files.items():
            if path in before and before[path] != sha:
                out.append(f"{path} changed since run {source.id}: the candidate was refitted "
                           "on its current contents.")
    return out
