"""The pipeline document: nodes, edges, parameters, change events and the pipeline file format."""
from .errors import *  # noqa: F401,F403
from .errors import __all__ as _errors
from .events import *  # noqa: F401,F403
from .events import __all__ as _events
from .fileformat import FORMAT, load_pipeline, loads_pipeline, pipeline_from_json, save_pipeline
from .pipeline import Edge, Node, Pipeline, binding_name

__all__ = [*_errors, *_events, "FORMAT", "load_pipeline", "loads_pipeline", "pipeline_from_json",
           "save_pipeline", "Edge", "Node", "Pipeline", "binding_name"]
