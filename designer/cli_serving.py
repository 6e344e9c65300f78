"""The deployment commands of `mlwire`: serve, predict (batch scoring) and bundle.
designer/cli.py registers them (add_parsers) and dispatches (HANDLERS)."""
from __future__ import annotations

import os
import sys

__all__ = ["add_parsers", "HANDLERS"]

EXIT_OK, EXIT_FAILED, EXIT_INVALID = 0, 1, 2
MODEL_HELP = "a registered model: NAME (latest version), NAME:VERSION or NAME@ALIAS"


def _policies(p) -> None:
    p.add_argument("--unknown-categories", choices=("warn", "reject", "accept"),
                   help="values an encoder never saw (default: the model's own policy, 'warn' "
                        "for MLWire's encoders: scored and reported)")
    p.add_argument("--extra-columns", choices=("ignore", "reject"), default="ignore",
                   help="columns that are not model inputs (default: ignore)")


def add_parsers(sub) -> None:
    p = sub.add_parser("serve", help="serve a registered model on a local REST endpoint")
    p.add_argument("project")
    p.add_argument("--model", required=True, metavar="NAME[:VERSION|@ALIAS]", help=MODEL_HELP)
    p.add_argument("--port", type=int, default=8000, help="default 8000; 0 picks a free port")
    p.add_argument("--host", default="127.0.0.1",
                   help="default 127.0.0.1 (this machine only); any other address needs --token")
    p.add_argument("--token", help="require 'Authorization: Bearer TOKEN' (default: "
                   "$MLWIRE_SERVE_TOKEN); never printed or logged")
    p.add_argument("--max-body-mb", type=float, default=10.0, help="request size limit (10 MB)")
    p.add_argument("--allowed-host", action="append", default=[], metavar="NAME",
                   help="another Host name to accept (e.g. behind a proxy)")
    _policies(p)

    p = sub.add_parser("predict", help="score a CSV or Parquet file with a registered model")
    p.add_argument("project")
    p.add_argument("--model", required=True, metavar="NAME[:VERSION|@ALIAS]", help=MODEL_HELP)
    p.add_argument("-i", "--input", required=True, metavar="IN.csv|IN.parquet")
    p.add_argument("-o", "--output", required=True, metavar="OUT.csv|OUT.parquet")
    # 50,000 is batch.DEFAULT_CHUNK_ROWS, not imported here: the parser stays quick to build
    p.add_argument("--chunk-rows", type=int, default=50_000, metavar="N",
                   help="rows read, scored and written at a time (memory stays bounded)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    _policies(p)

    p = sub.add_parser("bundle", help="write a folder that serves a model without MLWire")
    p.add_argument("project")
    p.add_argument("--model", required=True, metavar="NAME[:VERSION|@ALIAS]", help=MODEL_HELP)
    p.add_argument("-o", "--output", required=True, metavar="DIR")
    p.add_argument("--force", action="store_true", help="write into a folder that is not empty")
    p.add_argument("--no-onnx", action="store_true")
    p.add_argument("--no-mlflow", action="store_true")
    _policies(p)


def _fail(message: str, code: int = EXIT_INVALID) -> int:
    print(f"mlwire: {message}", file=sys.stderr)
    return code


def _prepare(args, snapshot: bool = False):
    """The model to serve or score; snapshot: a server may start from its serving snapshot."""
    from designer.serving.server import prepare
    resolved = None
    if snapshot:
        from designer.serving.source import resolve_version
        resolved = resolve_version(args.project, args.model)
    return prepare(args.project, args.model, unknown_categories=args.unknown_categories,
                   extra_columns=args.extra_columns, resolved=resolved, snapshot=snapshot)


def _serve(args) -> int:
    from designer.serving.inference import InferenceError
    from designer.serving.server import ServingError, check_address, serve
    token = args.token or os.environ.get("MLWIRE_SERVE_TOKEN") or None
    try:
        check_address(args.host, token)
        prepared = _prepare(args, snapshot=True)
    except (ServingError, InferenceError) as exc:
        return _fail(str(exc))
    schema = prepared.schema

    def ready(url: str) -> None:
        print(f"Serving {prepared.info.ref} ({schema['task']}) at {url}\n"
              f"  POST {url}/predict   GET {url}/schema   GET {url}/health   docs: {url}/docs\n"
              + ("  token required: 'Authorization: Bearer <token>'\n" if token else "")
              + "Press Ctrl+C to stop.", file=sys.stderr, flush=True)

    try:
        serve(prepared, host=args.host, port=args.port, token=token,
              max_body=int(args.max_body_mb * 1024 * 1024), allowed_hosts=args.allowed_host,
              on_ready=ready)
    except ServingError as exc:
        return _fail(str(exc))
    return EXIT_OK


def _predict(args) -> int:
    from designer.serving.batch import BatchError, ProgressBar, score_file
    from designer.serving.inference import InferenceError
    try:
        prepared = _prepare(args)
    except InferenceError as exc:
        return _fail(str(exc))
    progress = None if args.quiet else ProgressBar(sys.stderr)
    try:
        result = score_file(prepared.model.pipeline, prepared.schema, args.input, args.output,
                            chunk_rows=max(1, args.chunk_rows), progress=progress)
    except BatchError as exc:
        return _fail(str(exc), EXIT_FAILED)
    for note in result.warnings[:5]:
        print(f"  warning: line {note.get('line')}, column '{note['column']}': "
              f"{note['message']}", file=sys.stderr)
    if result.warning_count > 5:
        print(f"  ... {result.warning_count} unknown-category values in all", file=sys.stderr)
    print(f"Scored {result.rows:,} rows with {prepared.info.ref} in {result.seconds:.2f} s "
          f"({result.rows_per_second:,.0f} rows/s) -> {result.output}", file=sys.stderr)
    return EXIT_OK


def _bundle(args) -> int:
    from designer.serving.bundle import BundleError, write_bundle
    from designer.serving.inference import InferenceError, check_inference, input_schema
    from designer.serving.source import resolve_model_file
    data, model, info = resolve_model_file(args.project, args.model)
    report = check_inference(model)
    if not report.ok:
        return _fail(f"Model {info.ref} cannot be bundled: {report.message}")
    try:
        schema = input_schema(model, ref=info.ref, sha256=info.sha256,
                              unknown_categories=args.unknown_categories,
                              extra_columns=args.extra_columns)
        result = write_bundle(data, model, info, schema, args.output, onnx=not args.no_onnx,
                              mlflow=not args.no_mlflow, overwrite=args.force)
    except (BundleError, InferenceError) as exc:
        return _fail(str(exc))
    print(f"Bundled {info.ref} into {result.folder}: {', '.join(result.files[:12])}"
          + (" ..." if len(result.files) > 12 else ""), file=sys.stderr)
    print(f"  ONNX: {result.onnx}\n  MLflow: {result.mlflow}", file=sys.stderr)
    print(f"  run it: cd {result.folder} && python serve.py", file=sys.stderr)
    return EXIT_OK


HANDLERS = {"serve": _serve, "predict": _predict, "bundle": _bundle}
