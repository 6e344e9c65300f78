"""The inspector dock: a form generated from the selected node's parameter declarations."""
from .panel import InspectorPanel

__all__ = ["InspectorPanel"]
