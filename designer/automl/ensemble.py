"""Greedy ensemble selection (Caruana et al.) over the candidates' out-of-fold predictions."""
from __future__ import annotations

import numpy as np

from .scoring import greater_is_better, score

__all__ = ["select_ensemble"]


def select_ensemble(trials: list[dict], oof: dict[int, np.ndarray], y, task: str, metric: str,
                    classes: list, top: int = 8, rounds: int = 12):
    """(trial numbers with weights, score) of the best weighted average of up to `top` trials'
    out-of-fold predictions, adding one member (with replacement) per round; None when no
    mixture beats the best single candidate."""
    sign = 1.0 if greater_is_better(metric) else -1.0
    ranked = sorted((t for t in trials if t["trial"] in oof),
                    key=lambda t: -sign * t["score"])[:top]
    if len(ranked) < 2:
        return None
    best_single = ranked[0]["score"]
    chosen: list[int] = []
    total = None
    best = (None, -np.inf)
    for _ in range(rounds):
        options = []
        for t in ranked:
            mix = oof[t["trial"]] if total is None else (total + oof[t["trial"]])
            value = score(metric, task, y, mix / (len(chosen) + 1), classes)
            options.append((sign * value, -t["trial"], t["trial"], mix))
        value, _, trial, mix = max(options)  # ties: the earlier trial
        chosen.append(trial)
        total = mix
        if value > best[1] + 1e-12:
            best = (list(chosen), value)
    members, value = best
    if members is None or len(set(members)) < 2 or value <= sign * best_single + 1e-9:
        return None
    weights: dict[int, int] = {}
    for trial in members:
        weights[trial] = weights.get(trial, 0) + 1
    return weights, sign * value
