"""The budgeted AutoML search: baselines first, then tuned variants, then an optional ensemble.

Order of work: every eligible learner family's default (cheapest first), the references a
variant must beat significantly (prefer_default_within_noise); then variants, each drawn from a
family chosen by rank (the best family most often), half of them local perturbations of that
family's best. Trials run two at a time, their folds spread over two worker processes;
proposals depend only on the seed, the trial number and the results of earlier batches, so the
same seed and trial count give the same candidates. The search stops at max_trials, at the
deadline (workers killed, unfinished trials dropped), or on KeyboardInterrupt; time is kept back
to refit the winner on all rows.
"""
from __future__ import annotations

import json
import math
import os
import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from nodes.automl_ops import describe_candidate, fit_candidate
from nodes.ops import DataError

from .ensemble import select_ensemble, significantly_better
from .evaluate import Problem
from .guardrails import Prepared, prepare
from .scoring import (CLASSIFICATION_METRICS, REGRESSION_METRICS, default_metric,
                      greater_is_better)
from .space import default_spec, eligible_learners, perturb_spec, sample_spec
from .workers import make_runner

__all__ = ["Settings", "SearchResult", "run_search", "BEST_MARK", "prefer_default_within_noise"]

BEST_MARK = "AUTOML_BEST "   # log lines starting with this carry the best-so-far pin as JSON
_SAFETY = 0.04               # share of the budget kept back for the unforeseen
_FIRST_REFIT = 0.10          # ... and, until a candidate is scored, for refitting the winner
_ENSEMBLE_SHARE = 0.25       # at most this share of the budget is kept back for an ensemble
_SUBSAMPLE_SAFETY = 1.2      # a refit on as many rows as a fold trained on: its fit time, +20%


@dataclass
class Settings:
    task: str = "auto"
    metric: str = "auto"
    time_budget: float = 60.0
    max_trials: int | None = None
    validation: str = "auto"      # auto | cv | holdout
    folds: int = 5
    holdout_fraction: float = 0.2
    seed: int = 0
    learners: list[str] | None = None
    ensembling: bool = True
    workers: int | None = None    # None: two processes when the data is worth it


@dataclass
class SearchResult:
    prepared: Prepared
    metric: str
    winner: dict                  # the pin: spec, features, numeric, categorical, score, ...
    model: object                 # the winner, fitted on all rows
    trials: list[dict] = field(default_factory=list)
    ensemble: dict | None = None
    stopped: str = ""
    elapsed: float = 0.0
    validation: str = ""
    best_over_time: list = field(default_factory=list)
    winner_reason: str = ""       # why the winner is not the top score (not significantly better)

    def details(self, settings: Settings) -> dict:
        return {"kind": "automl", "task": self.prepared.task, "metric": self.metric,
                "greater_is_better": greater_is_better(self.metric),
                "budget_seconds": settings.time_budget, "elapsed_seconds": round(self.elapsed, 3),
                "stopped": self.stopped, "validation": self.validation,
                "guardrails": [g.to_json() for g in self.prepared.guardrails],
                "dropped_columns": self.prepared.dropped, "trials": self.trials,
                "ensemble": self.ensemble, "best": self.winner,
                "best_over_time": self.best_over_time, "winner_reason": self.winner_reason}


def _folds(prep: Prepared, settings: Settings, notes: list[str]):
    from sklearn.model_selection import KFold, StratifiedKFold, train_test_split
    n = len(prep.y)
    mode = settings.validation
    if mode == "auto":
        mode = "cv" if n <= 10_000 else "holdout"
    index = np.arange(n)
    stratify = prep.y.to_numpy() if prep.task == "classification" else None
    if mode == "holdout":
        train, test = train_test_split(index, test_size=settings.holdout_fraction,
                                       random_state=settings.seed, stratify=stratify)
        return [(np.sort(train), np.sort(test))], f"holdout {settings.holdout_fraction:g}"
    k = settings.folds
    if prep.task == "classification":
        smallest = int(prep.y.value_counts().min())
        if smallest < k:
            k = max(2, smallest)
            notes.append(f"The smallest class has {smallest} rows: {k} folds instead of "
                         f"{settings.folds}.")
        splitter = StratifiedKFold(k, shuffle=True, random_state=settings.seed)
    else:
        splitter = KFold(k, shuffle=True, random_state=settings.seed)
    return list(splitter.split(index, stratify)), f"{k}-fold cross-validation"


def _check_metric(metric: str, task: str) -> str:
    allowed = CLASSIFICATION_METRICS if task == "classification" else REGRESSION_METRICS
    if metric not in allowed:
        raise DataError(f"The metric {metric!r} does not fit a {task} task.",
                        f"Choose 'auto' or one of {', '.join(allowed)}.", param="metric")
    return metric


class _Search:
    def __init__(self, prep: Prepared, settings: Settings, metric: str, folds, log, progress):
        self.prep, self.s, self.metric, self.folds = prep, settings, metric, folds
        self.log, self.progress = log, progress
        self.sign = 1.0 if greater_is_better(metric) else -1.0
        self.trials: list[dict] = []
        self.oof: dict[int, np.ndarray] = {}
        self.eval_index = np.concatenate([test for _, test in folds])
        self.fold_sizes = [len(test) for _, test in folds]
        self.test_train_ratio = float(np.mean([len(test) / max(len(train), 1)
                                               for train, test in folds]))
        self.learners = eligible_learners(prep.task, len(prep.y), settings.learners)
        self.seen: set[str] = set()
        self.fold_seconds: dict[str, list[float]] = {}
        self.best: dict | None = None
        self.best_over_time: list = []
        self._pending_defaults: set[str] = set()
        self._logged: int | None = None   # the trial of the last best-so-far pin logged

    # -- proposals (clock-free) --------------------------------------------------------------
    def _family_best(self) -> dict[str, dict]:
        out: dict[str, dict] = {}
        for t in self.trials:
            if t["status"] == "ok" and (t["learner"] not in out or
                                        self.sign * t["score"] > self.sign * out[t["learner"]]["score"]):
                out[t["learner"]] = t
        return out

    def propose(self, number: int) -> dict | None:
        tried = {t["spec"]["learner"] for t in self.trials if t.get("default")}
        for name in self.learners:
            if name not in tried and name not in self._pending_defaults:
                self._pending_defaults.add(name)
                return {"spec": default_spec(name, self.prep.task, self.s.seed), "default": True}
        best = self._family_best()
        ranked = sorted(best, key=lambda n: (-self.sign * best[n]["score"],
                                             self.learners.index(n)))
        if not ranked:
            return None
        rng = np.random.default_rng([self.s.seed, number, 11])
        weights = np.array([1.0 / (r + 1) ** 1.5 for r in range(len(ranked))])
        n_features = len(self.prep.features)
        has_cat = bool(self.prep.categorical)
        for attempt in range(8):
            name = ranked[rng.choice(len(ranked), p=weights / weights.sum())]
            if rng.random() < 0.5:
                spec = perturb_spec(best[name]["spec"], self.s.seed, number * 10 + attempt,
                                    n_features, has_cat)
            else:
                spec = sample_spec(name, self.prep.task, self.s.seed, number * 10 + attempt,
                                   n_features, has_cat)
            key = json.dumps(spec, sort_keys=True)
            if key not in self.seen:
                return {"spec": spec, "default": False}
        for attempt in range(8, 60):  # a crowded corner: any family, fresh draws
            name = ranked[attempt % len(ranked)]
            spec = sample_spec(name, self.prep.task, self.s.seed, number * 100 + attempt,
                               n_features, has_cat)
            if json.dumps(spec, sort_keys=True) not in self.seen:
                return {"spec": spec, "default": False}
        return None

    # -- time --------------------------------------------------------------------------------
    def refit_estimate(self, trial: dict | None) -> float:
        if trial is None:
            return 0.0
        train_rows = len(self.folds[0][0])
        return trial["fit_seconds"] * len(self.prep.y) / max(train_rows, 1) * 1.5 + 0.3

    def ensemble_estimate(self, top: int = 4) -> float:
        """Time to refit an ensemble of the best few."""
        ok = sorted((t for t in self.trials if t["status"] == "ok"),
                    key=lambda t: -self.sign * t["score"])[:top]
        return self.members_estimate(ok) if len(ok) > 1 else 0.0

    def members_estimate(self, members: list[dict]) -> float:
        """Time to refit an ensemble's members two at a time: half their sum, but never less
        than the slowest member alone."""
        times = [self.refit_estimate(t) for t in members]
        return max(max(times, default=0.0), sum(times) / 2)

    def estimate(self, spec: dict, workers: int) -> float:
        seen = self.fold_seconds.get(spec["learner"])
        if not seen:
            return 0.0
        per_fold = float(np.median(seen))
        params = spec.get("params", {})
        per_fold *= params.get("n_estimators", 100) / 100 if "n_estimators" in params else 1.0
        return per_fold * math.ceil(len(self.folds) / max(workers, 1))

    # -- bookkeeping -------------------------------------------------------------------------
    def record(self, number: int, proposal: dict, results: list, started: float) -> dict:
        spec = proposal["spec"]
        results = sorted(results, key=lambda r: r.fold)
        errors = [r.error for r in results if r.error]
        complete = len(results) == len(self.folds) and not errors
        seconds = [r.seconds for r in results]
        self.fold_seconds.setdefault(spec["learner"], []).extend(seconds)
        trial = {"trial": number, "learner": spec["learner"], "candidate": describe_candidate(spec),
                 "spec": spec, "default": proposal["default"],
                 "status": "ok" if complete else "failed",
                 "score": float(np.mean([r.score for r in results])) if complete else None,
                 "score_std": float(np.std([r.score for r in results])) if complete else None,
                 "fold_scores": [r.score for r in results] if complete else [],
                 "fit_seconds": round(float(np.mean(seconds)), 4) if seconds else None,
                 "finished_at": round(time.monotonic() - started, 3),
                 "error": errors[0].splitlines()[0] if errors else ""}
        self.trials.append(trial)
        if complete:
            self.oof[number] = np.concatenate([r.predictions for r in results])
            if self.best is None or self.sign * trial["score"] > self.sign * self.best["score"]:
                self.best = trial
                self.best_over_time.append([trial["finished_at"], trial["score"], number])
            # The pin logged is the winner as _finish would choose it now (what a killed
            # search leaves behind): the top score, or a default within noise of it.
            choice, _ = prefer_default_within_noise(
                [t for t in self.trials if t["status"] == "ok"], self.sign,
                self.test_train_ratio)
            if choice is not None and choice["trial"] != self._logged:
                self._logged = choice["trial"]
                self.log(f"best so far: trial {choice['trial']}, {self.metric} "
                         f"{choice['score']:.5f} ± {choice['score_std']:.4f}: "
                         f"{choice['candidate']}\n"
                         + BEST_MARK + json.dumps(self.pin(choice)) + "\n")
        else:
            self.log(f"trial {number} failed: {trial['error']}\n")
        return trial

    def settle(self) -> None:
        """After a batch: trials in number order and the best by (score, earliest trial), so
        that what comes next never depends on the order folds finished in."""
        self.trials.sort(key=lambda t: t["trial"])
        ok = [t for t in self.trials if t["status"] == "ok"]
        self.best = max(ok, key=lambda t: (self.sign * t["score"], -t["trial"])) if ok else None

    def pin(self, trial: dict) -> dict:
        p = self.prep
        return {"spec": trial["spec"], "candidate": trial["candidate"], "trial": trial["trial"],
                "score": trial["score"], "score_std": trial["score_std"],
                "fit_seconds": trial["fit_seconds"], "metric": self.metric, "task": p.task,
                "features": p.features, "numeric": p.numeric, "categorical": p.categorical,
                "seed": self.s.seed}


def run_search(df, label: str, settings: Settings, *, log: Callable[[str], None] = lambda t: None,
               progress: Callable[[float, str], None] = lambda f, m: None) -> SearchResult:
    """Search, choose by validation score on `df` only, refit the winner on all of `df`."""
    started = time.monotonic()
    budget = float(settings.time_budget)
    if budget <= 0:
        raise DataError("The time budget must be more than 0 seconds.",
                        "Give AutoML e.g. 60 seconds.", param="time_budget")
    if settings.max_trials is not None and settings.max_trials < 1:
        raise DataError("max_trials must be at least 1.", param="max_trials")
    if settings.learners is not None and not settings.learners:
        raise DataError("The list of allowed learners is empty.", "Allow at least one learner, "
                        "or set 'learners' to null for all of them.", param="learners")
    workers = settings.workers
    if workers is None:  # worker processes (killable at the deadline) from 20,000 cells
        big = len(df) * max(df.shape[1] - 1, 1) >= 20_000
        workers = 2 if big and (os.cpu_count() or 1) >= 2 else 1
    runner = make_runner(workers)  # workers import their libraries while we check the data
    try:
        return _search(df, label, settings, runner, workers, started, log, progress)
    finally:
        runner.close()


def _search(df, label, settings, runner, workers, started, log, progress) -> SearchResult:
    budget = float(settings.time_budget)
    prep = prepare(df, label, settings.task, settings.folds)
    for g in prep.guardrails:
        log(f"guardrail ({g.kind}): {g.message}\n")
    n_classes = len(prep.classes)
    metric = default_metric(prep.task, n_classes) if settings.metric in (None, "auto") \
        else _check_metric(settings.metric, prep.task)
    notes: list[str] = []
    folds, validation = _folds(prep, settings, notes)
    for note in notes:
        log(note + "\n")
    search = _Search(prep, settings, metric, folds, log, progress)
    if not search.learners:
        from nodes.automl_ops import candidate_learners
        allowed = ", ".join(settings.learners or [])
        raise DataError(f"None of the allowed learners ({allowed}) can do {prep.task} on "
                        f"{len(prep.y)} rows.", "Allow some of: "
                        + ", ".join(candidate_learners(prep.task)) + ".", param="learners")
    y = prep.y.to_numpy()
    problem = Problem(prep.X, y, folds, prep.task, metric, prep.classes, prep.numeric,
                      prep.categorical, settings.seed)
    runner.set_problem(problem)
    deadline_all = started + budget
    stopped, number, skipped = "", 0, 0
    last_report = [0.0]

    def report(force: bool = False) -> None:
        """Trials done, best so far and time left, for the node card (at most ~4 a second)."""
        now = time.monotonic()
        if not force and now - last_report[0] < 0.25:
            return
        last_report[0] = now
        done = sum(t["status"] == "ok" for t in search.trials)
        best = search.best
        # short enough for the node card: "12 trials · best 0.9951 · 23s left"
        progress(min((now - started) / budget, 0.99),
                 f"{done} trials · best " + (f"{best['score']:.4f}" if best else "–")
                 + f" · {max(deadline_all - now, 0):.0f}s left")
    batch_size = 2 if workers > 1 else 1
    try:
        while True:
            if settings.max_trials is not None and number >= settings.max_trials:
                stopped = "max_trials"
                break
            reserve = search.refit_estimate(search.best) + _SAFETY * budget
            if search.best is None:  # the refit of a winner not known yet
                reserve += _FIRST_REFIT * budget
            if settings.ensembling:
                # a guess: one slow member must not end the search (the chosen ensemble's
                # refit time is checked against the time left before it is used)
                reserve += min(search.ensemble_estimate(), _ENSEMBLE_SHARE * budget)
            search_deadline = deadline_all - reserve
            if time.monotonic() >= search_deadline:
                stopped = "budget"
                break
            batch, too_slow = [], False
            # The defaults depend on no result: all in the first batch, cheapest first, so an
            # idle worker never waits for a slow one's folds.
            size = len(search.learners) if number == 0 else batch_size
            for _ in range(size):
                if settings.max_trials is not None and number + len(batch) >= settings.max_trials:
                    break
                proposal = search.propose(number + len(batch) + 1)
                if proposal is None:
                    log(f"no new candidate to propose for trial {number + len(batch) + 1}\n")
                    break
                search.seen.add(json.dumps(proposal["spec"], sort_keys=True))
                left = search_deadline - time.monotonic()
                if search.estimate(proposal["spec"], workers) > left:
                    too_slow = True  # would not finish in time; a cheaper one may
                    continue
                batch.append(proposal)
            if not batch:
                if too_slow:
                    skipped += 1
                    if skipped < 20:
                        continue
                stopped = "budget" if too_slow else "space_exhausted"
                break
            skipped = 0
            tasks = [(number + i + 1, f, p["spec"]) for i, p in enumerate(batch)
                     for f in range(len(folds))]
            # A trial is recorded (and a new best logged) as soon as its last fold is in.
            proposals = {number + i + 1: p for i, p in enumerate(batch)}
            arrived: dict[int, list] = {n: [] for n in proposals}

            def heard(result, proposals=proposals, arrived=arrived):
                arrived[result.trial].append(result)
                if len(arrived[result.trial]) == len(folds):
                    before = search.best
                    search.record(result.trial, proposals[result.trial],
                                  arrived[result.trial], started)
                    report(force=search.best is not before)

            _, cut = runner.run(tasks, search_deadline, heard)
            log(f"[{time.monotonic() - started:6.1f} s] batch of trials "
                f"{number + 1}-{number + len(batch)} {'cut at the deadline' if cut else 'done'}\n")
            search.settle()  # unfinished trials are dropped; order and best by trial number
            number += len(batch)
            report(force=True)
            if cut:
                stopped = "budget"
                break
    except KeyboardInterrupt:
        stopped = "cancelled"
        log("Cancelled: keeping the best candidate so far.\n")
    finally:
        runner.close()
    return _finish(search, settings, prep, metric, validation, stopped, started, y)


def _finish(search: _Search, settings: Settings, prep: Prepared, metric: str, validation: str,
            stopped: str, started: float, y) -> SearchResult:
    search.settle()
    ok = [t for t in search.trials if t["status"] == "ok"]
    ensemble = None
    winner_trial, reason = prefer_default_within_noise(ok, search.sign, search.test_train_ratio)
    if reason:
        search.log(reason + "\n")
    # the refit may use up to 5% beyond the budget (promised: within 10%) before another
    # candidate is refitted instead
    winner_trial, refit_rows, late = _plan_refit(search, ok, winner_trial, started
                                                 + settings.time_budget - time.monotonic())
    if late:
        search.log(late + "\n")
        reason = late
    if winner_trial is None:
        quick = "naive_bayes" if "naive_bayes" in search.learners else search.learners[0]
        spec = default_spec(quick, prep.task, settings.seed)
        winner_trial = {"trial": 0, "spec": spec, "candidate": describe_candidate(spec),
                        "score": None, "score_std": None, "fit_seconds": None}
        search.log("No candidate finished within the budget; the quickest default learner "
                   "is fitted without validation.\n")
    winner = search.pin(winner_trial)
    if refit_rows is not None:
        winner["refit_rows"] = refit_rows       # fit_candidate draws the same rows again
    if settings.ensembling and len(ok) >= 2:
        chosen = select_ensemble(ok, search.oof, y[search.eval_index], prep.task, metric,
                                 prep.classes, search.fold_sizes)
        if chosen is not None and winner_trial.get("fold_scores"):
            # chosen on the very folds it is scored on, so its score flatters it: like a tuned
            # variant against a default, it must beat the single winner by more than the noise
            better, margin = significantly_better(chosen[2], winner_trial["fold_scores"],
                                                  search.sign, search.test_train_ratio)
            if not better:
                search.log(f"An ensemble scored {chosen[1]:.5f}, but is not significantly "
                           f"better than {winner_trial['candidate']} "
                           f"({winner_trial['score']:.5f}; margin needed {margin:.5f}); the "
                           "single candidate is kept.\n")
                chosen = None
        if chosen is not None:
            weights, value, _ = chosen
            members = [t for t in ok if t["trial"] in weights]
            refit = search.members_estimate(members)
            left = started + settings.time_budget - time.monotonic()
            spec = {"task": prep.task, "ensemble": "voting",
                    "members": [t["spec"] for t in members],
                    "weights": [weights[t["trial"]] for t in members]}
            ensemble = {"members": [t["trial"] for t in members],
                        "weights": [weights[t["trial"]] for t in members], "score": value,
                        "candidate": describe_candidate(spec), "used": False}
            if refit <= left:
                ensemble["used"] = True
                winner = {**search.pin({"trial": len(search.trials) + 1, "spec": spec,
                                        "candidate": ensemble["candidate"], "score": value,
                                        "score_std": None,
                                        "fit_seconds": round(sum(t["fit_seconds"] for t in members), 4)}),
                          "ensemble": True}
                search.log(f"ensemble: {metric} {value:.5f}: {ensemble['candidate']}\n")
            else:
                search.log("An ensemble scored better, but refitting it would overrun the "
                           "budget; the best single candidate is kept.\n")
    from threadpoolctl import threadpool_limits
    with threadpool_limits(limits=1):  # as measured in the folds; a busy machine makes
        model = fit_candidate(winner, prep.X, prep.y)  # OpenMP's spinning threads crawl
    return SearchResult(prep, metric, winner, model, search.trials, ensemble,
                        stopped or "max_trials", time.monotonic() - started, validation,
                        search.best_over_time, reason if not winner.get("ensemble") else "")


def _plan_refit(search: _Search, ok: list[dict], winner: dict | None,
                left: float) -> tuple[dict | None, int | None, str]:
    """(the candidate to refit, on how many rows (None: all), why) within `left` seconds.

    All rows when the winner's refit fits; else as many rows as fit, but never fewer than each
    fold trained on (the model is then as good as validated); else the candidate the same rule
    prefers among those that fit that way. When nothing fits, the winner on all rows."""
    if winner is None or search.refit_estimate(winner) <= left:
        return winner, None, ""
    total, validated = len(search.prep.y), len(search.folds[0][0])

    def rows_in_time(trial) -> int:
        per_row = trial["fit_seconds"] * _SUBSAMPLE_SAFETY / max(validated, 1)
        return min(total, int((left - 0.3) / per_row)) if per_row > 0 else total
    choice = winner
    if rows_in_time(winner) < validated:
        in_time = [t for t in ok if rows_in_time(t) >= validated]
        if not in_time:
            return winner, None, ""
        choice, _ = prefer_default_within_noise(in_time, search.sign, search.test_train_ratio)
    rows = rows_in_time(choice)
    why = (f"Refitting {winner['candidate']} on all {total:,} rows would take about "
           f"{search.refit_estimate(winner):.0f} s, more than the {max(left, 0):.0f} s left in "
           "the budget; ")
    if choice is not winner:
        why += f"{choice['candidate']} (trial {choice['trial']}, {choice['score']:.5f}) is "
    else:
        why += "it is "
    if rows >= total:
        return choice, None, why + "refitted instead."
    return choice, rows, why + (f"refitted on {rows:,} rows drawn at random (each fold trained "
                                f"on {validated:,}).")


def prefer_default_within_noise(ok: list[dict], sign: float,
                                test_train_ratio: float = 0.25) -> tuple[dict | None, str]:
    """(the winner among validated trials, why it is not simply the top score).

    The top score among many tuned variants is the maximum of noisy estimates, so it flatters
    its trial; a learner's default was not selected that way. So a default is the reference:
    the linear model's (the simplest) when it was validated, else the best default. A trial
    replaces it only when it is significantly better on the same folds (corrected resampled
    t-test, see ensemble.significantly_better); the best scoring such trial wins."""
    if not ok:
        return None, ""
    top = max(ok, key=lambda t: (sign * t["score"], -t["trial"]))
    defaults = [t for t in ok if t.get("default")]
    if not defaults:
        return top, ""
    linear = [t for t in defaults if t.get("learner") == "linear"]
    reference = linear[0] if linear else \
        max(defaults, key=lambda t: (sign * t["score"], -t["trial"]))
    better = []
    for t in ok:
        if t is not reference:
            wins, margin = significantly_better(t["fold_scores"], reference["fold_scores"],
                                                sign, test_train_ratio)
            if wins:
                better.append(t)
            if t is top:
                top_margin = margin
    if not better:
        if top is reference:
            return top, ""
        return reference, (f"Kept the default {reference['candidate']} (trial "
                           f"{reference['trial']}, {reference['score']:.5f}): no candidate is "
                           f"significantly better on the same folds; the top score "
                           f"{top['score']:.5f} (trial {top['trial']}) is within the noise "
                           f"({top_margin:.5f}).")
    winner = max(better, key=lambda t: (sign * t["score"], -t["trial"]))
    if winner is top:
        return top, ""
    return winner, (f"Chose trial {winner['trial']} ({winner['score']:.5f}), significantly "
                    f"better than the default {reference['candidate']} on the same folds; the "
                    f"top score {top['score']:.5f} (trial {top['trial']}) is not.")
