"""The MLWire node library: node types as small declarative classes (no Qt, no store)."""
from .base import CATEGORIES, EmitContext, InferContext, NodeError, NodeType, Port, RunContext
from .registry import NodeRegistry, UnknownNodeType, registry
from .schema import PortType

__all__ = [
    "CATEGORIES", "EmitContext", "InferContext", "NodeError", "NodeType", "Port", "RunContext",
    "NodeRegistry", "UnknownNodeType", "registry", "PortType",
]
