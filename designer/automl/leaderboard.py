"""The leaderboard: a table for the Table output port and the GUI, best candidate first."""
from __future__ import annotations

from nodes.automl_ops import leaderboard_frame

from .candidates import candidate_rows
from .scoring import greater_is_better
from .search import SearchResult

__all__ = ["leaderboard_rows", "leaderboard_table", "format_leaderboard"]


def leaderboard_rows(result: SearchResult) -> list[dict]:
    """The rows of the leaderboard, best first (see candidates.candidate_rows)."""
    return candidate_rows({"kind": "automl", "greater_is_better": greater_is_better(result.metric),
                           "best": result.winner, "trials": result.trials,
                           "ensemble": result.ensemble, "elapsed_seconds": result.elapsed})


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
