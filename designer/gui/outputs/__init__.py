"""Output viewers: tables with column statistics, metrics with plots, models and others as text."""
from .panel import OutputPanel

__all__ = ["OutputPanel"]
