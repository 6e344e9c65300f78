"""AutoML: guardrails, a budgeted search over preprocessing x learners, ensembling, leaderboard.

The AutoML node (nodes/automl_node.py) and `mlwire automl` (designer/cli_automl.py) call
`run_search`; every candidate is a plain scikit-learn pipeline built by nodes/automl_ops.py.
"""
from .candidates import (CandidateError, best_over_time, candidate_rows, find_candidate,
                         register_candidate)
from .guardrails import Guardrail, prepare
from .leaderboard import format_leaderboard, leaderboard_rows, leaderboard_table
from .search import BEST_MARK, SearchResult, Settings, run_search

__all__ = ["Settings", "SearchResult", "run_search", "BEST_MARK", "Guardrail", "prepare",
           "leaderboard_rows", "leaderboard_table", "format_leaderboard", "candidate_rows",
           "best_over_time", "find_candidate", "register_candidate", "CandidateError"]
