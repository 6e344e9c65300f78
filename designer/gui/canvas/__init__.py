"""The pipeline canvas: scene mirroring the model, items, view and one module per gesture."""
from .scene import PipelineScene
from .view import NODE_MIME, CanvasView

__all__ = ["PipelineScene", "CanvasView", "NODE_MIME"]
