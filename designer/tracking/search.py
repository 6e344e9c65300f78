"""Searching a project's runs with the filter language: one call for the CLI and the Runs tab."""
from __future__ import annotations

from designer.store import Project, RunSummary

from .query import compile_filter, compile_sort

__all__ = ["search_runs", "search_runs_json", "count_runs"]


def search_runs(project: Project, filter: str | None = None, sort: str | None = None,
                limit: int | None = None, offset: int = 0) -> list[RunSummary]:
    """Runs matching `filter`, ordered by `sort` (then newest first); see docs/tracking.md.

    A page of a long history: `limit` and `offset` (the Runs tab fetches what it shows).
    Raises FilterError (a ValueError) with a message for people when a text cannot be read.
    """
    return project.runs.summaries(where=compile_filter(filter), order_by=compile_sort(sort),
                                  limit=limit, offset=offset)


def search_runs_json(project: Project, filter: str | None = None, sort: str | None = None,
                     limit: int | None = None, offset: int = 0) -> list[str]:
    """search_runs() as one JSON text per run (RunSummary.to_json()'s content), made by SQLite."""
    return project.runs.json_lines(where=compile_filter(filter), order_by=compile_sort(sort),
                                   limit=limit, offset=offset)


def count_runs(project: Project, filter: str | None = None) -> int:
    return project.runs.count(where=compile_filter(filter))
