"""Greedy ensemble selection (Caruana et al.) over the candidates' out-of-fold predictions."""
from __future__ import annotations

import math

import numpy as np

from .scoring import greater_is_better, score

__all__ = ["select_ensemble", "significantly_better"]


def significantly_better(a, b, sign: float, test_train_ratio: float) -> tuple[bool, float]:
    """(whether per-fold scores `a` beat `b`, the margin they had to beat it by).

    Nadeau and Bengio's corrected resampled t-test, one-sided at 5%: the folds are shared, so
    the per-fold gains are paired, and their variance is widened by test_train_ratio (a fold's
    test rows over its training rows) because the folds' training sets overlap. With a single
    fold (holdout) there is no spread to judge by, and any gain counts."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    if len(a) < 2 or len(a) != len(b):
        return float(sign * (a.mean() - b.mean())) > 0, 0.0
    from scipy.stats import t
    gain = sign * (a - b)
    k = len(gain)
    margin = float(t.ppf(0.95, k - 1) * np.std(gain, ddof=1)
                   * math.sqrt(1 / k + test_train_ratio))
    return float(np.mean(gain)) > margin, margin


def select_ensemble(trials: list[dict], oof: dict[int, np.ndarray], y, task: str, metric: str,
                    classes: list, fold_sizes: list[int], top: int = 8, rounds: int = 12):
    """(trial numbers with weights, mean fold score, per-fold scores) of the best weighted
    average of up to `top` trials' out-of-fold predictions, adding one member (with
    replacement) per round; None when no mixture beats the best single candidate.

    A mixture is scored as the trials are, fold by fold then averaged (`fold_sizes` splits the
    concatenated out-of-fold rows back into their folds), so the two compare like for like."""
    sign = 1.0 if greater_is_better(metric) else -1.0
    ranked = sorted((t for t in trials if t["trial"] in oof),
                    key=lambda t: -sign * t["score"])[:top]
    if len(ranked) < 2:
        return None
    bounds = np.cumsum([0, *fold_sizes])

    def fold_scores(mix):
        return [score(metric, task, y[a:b], mix[a:b], classes)
                for a, b in zip(bounds[:-1], bounds[1:])]

    best_single = ranked[0]["score"]
    chosen: list[int] = []
    total = None
    best = (None, -np.inf, None)
    for _ in range(rounds):
        options = []
        for t in ranked:
            mix = oof[t["trial"]] if total is None else (total + oof[t["trial"]])
            scores = fold_scores(mix / (len(chosen) + 1))
            options.append((sign * float(np.mean(scores)), -t["trial"], t["trial"], mix, scores))
        value, _, trial, mix, scores = max(options, key=lambda o: o[:2])  # ties: earlier trial
        chosen.append(trial)
        total = mix
        if value > best[1] + 1e-12:
            best = (list(chosen), value, scores)
    members, value, scores = best
    if members is None or len(set(members)) < 2 or value <= sign * best_single + 1e-9:
        return None
    weights: dict[int, int] = {}
    for trial in members:
        weights[trial] = weights.get(trial, 0) + 1
    return weights, sign * value, scores
