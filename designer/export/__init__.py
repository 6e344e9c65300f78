"""Pipeline -> standalone Python script (pandas and scikit-learn only)."""
from .script import ExportError, export_script

__all__ = ["ExportError", "export_script"]
