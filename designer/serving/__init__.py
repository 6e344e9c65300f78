"""Serving registered models: inference checks, the REST endpoint, batch scoring, bundles.

Names are imported on first use, so that e.g. the registry can call check_inference without
loading FastAPI. See docs/serving.md.
"""
import importlib

_EXPORTS = {
    "check_inference": "inference", "input_schema": "inference",
    "InferenceReport": "inference", "InferenceError": "inference",
    "resolve_model": "source", "resolve_model_file": "source", "ModelInfo": "source",
    "ServerProcess": "process", "ServingError": "server", "prepare": "server", "serve": "server",
    "score_file": "batch", "BatchError": "batch",
    "write_bundle": "bundle", "BundleError": "bundle",
    "export_onnx": "onnx_export", "OnnxUnsupported": "onnx_export",
    "form_fields": "snippets", "curl_snippet": "snippets", "python_snippet": "snippets",
    "example_row": "snippets",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'designer.serving' has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)
