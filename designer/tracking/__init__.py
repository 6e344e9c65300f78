"""Experiment tracking on top of the store: run search (filter language), compare, graph diff."""
from .compare import DataChange, MetricDelta, RunComparison, RunSide, compare, compare_runs
from .filterlang import FilterError, parse_filter, parse_sort
from .graphdiff import EdgeRef, GraphDiff, NodeChange, ParamChange, diff_pipelines
from .query import FIELDS_HELP, compile_filter, compile_sort
from .search import count_runs, search_runs, search_runs_json

__all__ = ["search_runs", "search_runs_json", "count_runs", "compile_filter", "compile_sort", "parse_filter",
           "parse_sort", "FilterError", "FIELDS_HELP", "compare", "compare_runs",
           "RunComparison", "RunSide", "MetricDelta", "DataChange", "diff_pipelines",
           "GraphDiff", "NodeChange", "EdgeRef", "ParamChange"]
