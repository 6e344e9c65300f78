"""The leaderboard: a table for the Table output port and the GUI, best candidate first."""
from __future__ import annotations

from nodes.automl_ops import leaderboard_frame

from .scoring import greater_is_better
from .search import SearchResult

__all__ = ["leaderboard_rows", "leaderboard_table", "format_leaderboard"]


def leaderboard_rows(result: SearchResult) -> list[dict]:
    sign = 1.0 if greater_is_better(result.metric) else -1.0
    ok = [t for t in result.trials if t["status"] == "ok"]
    rows = [{**t, "learner": t["learner"]} for t in ok]
    ens = result.ensemble
    if ens is not None and ens["used"]:
        rows.append({"candidate": ens["candidate"], "learner": "ensemble", "score": ens["score"],
                     "score_std": None, "fit_seconds": None,
                     "trial": result.winner["trial"], "status": "ok"})
    rows.sort(key=lambda r: -sign * r["score"])
    rows += [t for t in result.trials if t["status"] != "ok"]
    winner_trial = result.winner["trial"]
    for rank, row in enumerate(rows, 1):
        row["rank"] = rank
        if row.get("trial") == winner_trial and row["status"] == "ok":
            row["status"] = "best"
    return rows


def leaderboard_table(result: SearchResult):
    return leaderboard_frame(leaderboard_rows(result))


def format_leaderboard(frame, metric: str, limit: int = 15) -> str:
    """The leaderboard as aligned text for the command line."""
    lines = [f"{'rank':>4}  {metric:>10}  {'± std':>8}  {'fit s':>7}  candidate"]
    for row in frame.head(limit).itertuples():
        score = "-" if row.score != row.score else f"{row.score:.5f}"
        std = "" if row.score_std != row.score_std else f"{row.score_std:.4f}"
        fit = "" if row.fit_seconds != row.fit_seconds else f"{row.fit_seconds:.2f}"
        mark = "  <- best" if row.status == "best" else ("" if row.status == "ok"
                                                         else f"  ({row.status})")
        lines.append(f"{row.rank:>4}  {score:>10}  {std:>8}  {fit:>7}  {row.candidate}{mark}")
    if len(frame) > limit:
        lines.append(f"      ... {len(frame) - limit} more")
    return "\n".join(lines)
