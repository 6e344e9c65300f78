"""Ensemble selection scores a mixture fold by fold, as trials are scored; the significance test
that a challenger must pass to replace a default or the single winner."""
import numpy as np
from sklearn.metrics import roc_auc_score

from designer.automl.ensemble import select_ensemble, significantly_better


def test_significantly_better_is_nadeau_and_bengios_corrected_t_test():
    from scipy.stats import t
    base = [0.990, 0.995, 0.985, 0.992, 0.996]
    clear = [0.999, 0.999, 0.997, 0.998, 0.999]
    wins, margin = significantly_better(clear, base, 1.0, 0.25)
    gain = np.subtract(clear, base)
    expected = t.ppf(0.95, 4) * gain.std(ddof=1) * np.sqrt(1 / 5 + 0.25)
    assert wins and abs(margin - expected) < 1e-12
    noisy = [0.996, 0.990, 0.994, 0.991, 0.997]           # better on average, not fold by fold
    assert not significantly_better(noisy, base, 1.0, 0.25)[0]
    assert significantly_better([9.0, 10.0, 8.5], [10.0, 11.0, 9.5], -1.0, 0.5)[0]  # rmse-like
    assert significantly_better([0.91], [0.90], 1.0, 0.25) == (True, 0.0)  # holdout: any gain


def _problem(seed=0, n=300, folds=3):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    # two candidates, each right on different rows: their average beats either
    a = np.clip(y + rng.normal(0, 0.6, n), 0, 1)
    b = np.clip(y + rng.normal(0, 0.6, n), 0, 1)
    oof = {1: np.column_stack([1 - a, a]), 2: np.column_stack([1 - b, b])}
    sizes = [n // folds] * folds
    bounds = np.cumsum([0, *sizes])

    def per_fold(p):
        return [roc_auc_score(y[s:e], p[s:e, 1]) for s, e in zip(bounds[:-1], bounds[1:])]
    trials = [{"trial": t, "score": float(np.mean(per_fold(p))), "fold_scores": per_fold(p)}
              for t, p in oof.items()]
    return trials, oof, y, sizes, per_fold


def test_a_mixture_is_scored_fold_by_fold_like_the_trials():
    trials, oof, y, sizes, per_fold = _problem()
    weights, value, scores = select_ensemble(trials, oof, y, "classification", "roc_auc",
                                             [0, 1], sizes)
    total = sum(w for w in weights.values())
    mix = sum(oof[t] * w for t, w in weights.items()) / total
    np.testing.assert_allclose(scores, per_fold(mix))
    assert value == np.mean(scores) > max(t["score"] for t in trials)


def test_no_mixture_when_one_candidate_is_all_there_is_to_it():
    trials, oof, y, sizes, _ = _problem()
    oof[2] = oof[1].copy()                   # a duplicate adds nothing
    trials[1] = {**trials[0], "trial": 2}
    assert select_ensemble(trials, oof, y, "classification", "roc_auc", [0, 1], sizes) is None
