"""Batch scoring: a CSV or Parquet file in, the same rows plus predictions out, in bounded memory.

The input is read in chunks (`chunk_rows` rows at a time: pandas' chunked CSV reader, or
pyarrow's Parquet batches), each chunk checked against the model's input schema exactly as the
server checks request rows (validation.check_frame), scored, and appended to the output, which
is written to a hidden partial file and renamed into place only when every row is scored.
A thread reads, checks and transforms the next chunk while the model predicts the current one
(its compiled predict releases the GIL), and the model may use THREADS threads of its own.
Output columns: the input's columns, then `scored_label` and, for classifiers,
`scored_probability_<class>` per class (the names Score Model uses).

A malformed row stops the run with a BatchError naming its line (CSV: the file's line, counting
the header as line 1, assuming no quoted field spans lines) or row (Parquet: 1-based).
"""
from __future__ import annotations

import os
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from .fastpath import scorer_for
from .validation import (PREDICTION, PROBABILITY_PREFIX, RequestError, check_frame,
                         predict_features, transform_frame)

__all__ = ["score_file", "BatchError", "BatchResult", "ProgressBar", "DEFAULT_CHUNK_ROWS"]

DEFAULT_CHUNK_ROWS = 50_000
THREADS = 2         # the model's own threads (OpenMP, BLAS) while a chunk is scored
FORMATS = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet"}


class BatchError(Exception):
    """A file that cannot be scored; the message names the file, line or column, and the fix."""


@dataclass
class BatchResult:
    rows: int
    seconds: float
    output: Path
    warnings: list = field(default_factory=list)     # first unknown-category notes, with lines
    warning_count: int = 0

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else float("inf")


class ProgressBar:
    """A one-line progress bar on a terminal stream: `[#####.....]  52%  1,040,000 rows`."""

    def __init__(self, stream=sys.stderr, width: int = 30):
        self.stream, self.width = stream, width
        self.tty = hasattr(stream, "isatty") and stream.isatty()
        self._last = -1.0

    def __call__(self, fraction: float, rows: int) -> None:
        fraction = min(max(fraction, 0.0), 1.0)
        if not self.tty and fraction < 1.0 and fraction - self._last < 0.1:
            return                     # a log file gets a line per 10%, a terminal every chunk
        self._last = fraction
        filled = int(round(self.width * fraction))
        line = f"[{'#' * filled}{'.' * (self.width - filled)}] {fraction:4.0%}  {rows:,} rows"
        self.stream.write(("\r" + line) if self.tty else line + "\n")
        if self.tty and fraction >= 1.0:
            self.stream.write("\n")
        self.stream.flush()


def _format(path: Path, what: str) -> str:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise BatchError(f"{what} '{path}' must be a .csv or .parquet file.")
    return fmt


def _csv_chunks(path: Path, chunk_rows: int):
    """(chunk, first data line number, fraction read) from a CSV file."""
    import pandas as pd
    size = max(path.stat().st_size, 1)
    line = 2
    with open(path, "rb") as handle:
        try:
            reader = pd.read_csv(handle, chunksize=chunk_rows, index_col=False)
            for chunk in reader:
                yield chunk, line, handle.tell() / size
                line += len(chunk)
        except pd.errors.ParserError as exc:
            detail = str(exc).split("error: ")[-1].strip().rstrip(".")
            match = re.search(r"in line (\d+)", detail)
            where = f"line {match.group(1)}" if match else f"near line {line}"
            raise BatchError(f"'{path}' could not be read as CSV at {where}: {detail}. Fix that "
                             "row (a wrong number of fields, or a stray quote).") from exc
        except pd.errors.EmptyDataError as exc:
            raise BatchError(f"'{path}' is empty: it has no header and no rows.") from exc
        except UnicodeDecodeError as exc:
            raise BatchError(f"'{path}' is not UTF-8 text (byte {exc.start} of a chunk near "
                             f"line {line}).") from exc


def _parquet_chunks(path: Path, chunk_rows: int):
    import pyarrow.parquet as pq
    try:
        source = pq.ParquetFile(path)
    except Exception as exc:
        raise BatchError(f"'{path}' could not be read as Parquet ({exc}).") from exc
    total = max(source.metadata.num_rows, 1)
    row = 1
    for batch in source.iter_batches(batch_size=chunk_rows):
        chunk = batch.to_pandas()
        yield chunk, row, min((row - 1 + len(chunk)) / total, 1.0)
        row += len(chunk)


class _Writer:
    def __init__(self, target: Path, fmt: str):
        self.target, self.fmt = target, fmt
        self.partial = target.with_name(f".{target.name}.partial")
        self._parquet = None
        self._schema = None
        self._first = True

    def write(self, df) -> None:
        if self.fmt == "csv":
            self._write_csv(df)
        else:
            import pyarrow as pa
            import pyarrow.parquet as pq
            table = pa.Table.from_pandas(df, preserve_index=False, schema=self._schema)
            if self._parquet is None:
                self._schema = table.schema
                self._parquet = pq.ParquetWriter(self.partial, self._schema)
            self._parquet.write_table(table)
        self._first = False

    def _write_csv(self, df) -> None:
        # Arrow's CSV writer is about ten times faster than DataFrame.to_csv (it quotes text
        # values); a chunk Arrow cannot convert (mixed types in one column) goes through pandas.
        import pyarrow as pa
        import pyarrow.csv as pacsv
        try:
            table = pa.Table.from_pandas(df, preserve_index=False)
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
            df.to_csv(self.partial, mode="w" if self._first else "a", header=self._first,
                      index=False)
            return
        options = pacsv.WriteOptions(include_header=self._first, quoting_style="needed")
        with open(self.partial, "wb" if self._first else "ab") as handle:
            pacsv.write_csv(table, handle, write_options=options)

    def commit(self) -> None:
        if self._parquet is not None:
            self._parquet.close()
        if self._first:                         # no rows at all: still a file with a header
            return
        os.replace(self.partial, self.target)

    def abort(self) -> None:
        if self._parquet is not None:
            try:
                self._parquet.close()
            except Exception:
                pass
        self.partial.unlink(missing_ok=True)


def _unscorable(source: Path, in_fmt: str, first: int, exc: Exception) -> BatchError:
    return BatchError(f"'{source}': the model could not score the rows from "
                      f"{'line' if in_fmt == 'csv' else 'row'} {first} on: {exc}")


def _prepared_chunks(chunks, scorer, schema: dict, source: Path, in_fmt: str):
    """(chunk, first line, fraction read, the estimator's input, warnings) per chunk: read,
    checked and transformed, everything before the model's own predict."""
    for chunk, first, fraction in chunks:
        def line_of(i, first=first):
            return first + i
        try:
            X, notes = check_frame(chunk, schema, line_of)
        except RequestError as exc:
            where = "line" if in_fmt == "csv" else "row"
            message = exc.message.replace("Line ", f"{where.capitalize()} ", 1)
            raise BatchError(f"'{source}': {message}") from exc
        try:
            features = transform_frame(scorer, X)
        except (ValueError, TypeError, KeyError) as exc:
            raise _unscorable(source, in_fmt, first, exc) from exc
        yield chunk, first, fraction, features, notes


class _ReadAhead:
    """Iterate `items` one step ahead in a thread: the next chunk is read, checked and
    transformed while this one is predicted (the model's predict releases the GIL). Errors
    arrive in order; close() stops the thread when the consumer gives up early (an error, a
    cancel)."""

    def __init__(self, items):
        import queue
        import threading
        self._queue = queue.Queue(maxsize=1)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(items,), daemon=True,
                                        name="batch-read-ahead")
        self._thread.start()

    def _put(self, item) -> bool:
        import queue
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                pass
        return False

    def _run(self, items) -> None:
        try:
            for item in items:
                if not self._put(("item", item)):
                    return
            self._put(("end", None))
        except BaseException as exc:        # handed to the consumer, raised there
            self._put(("error", exc))

    def __iter__(self):
        while True:
            kind, value = self._queue.get()
            if kind == "end":
                return
            if kind == "error":
                raise value
            yield value

    def close(self) -> None:
        self._stop.set()
        self._thread.join()


def score_file(pipeline, schema: dict, source, target, *, chunk_rows: int = DEFAULT_CHUNK_ROWS,
               progress=None) -> BatchResult:
    """Score every row of `source` into `target` (see the module doc). `progress(fraction, rows)`
    is called after each chunk."""
    import numpy as np
    from threadpoolctl import threadpool_limits
    source, target = Path(source), Path(target)
    in_fmt, out_fmt = _format(source, "The input"), _format(target, "The output")
    if not source.is_file():
        raise BatchError(f"There is no input file '{source}'.")
    if not target.parent.is_dir():
        raise BatchError(f"Cannot write '{target}': the folder '{target.parent}' does not exist.")
    if source.resolve() == target.resolve():
        raise BatchError("The output file must not be the input file.")
    chunks = _csv_chunks(source, chunk_rows) if in_fmt == "csv" else \
        _parquet_chunks(source, chunk_rows)
    writer = _Writer(target, out_fmt)
    warnings, warning_count, rows = [], 0, 0
    started = time.perf_counter()
    classes = [str(c) for c in (schema.get("classes") or [])]
    scorer = scorer_for(pipeline, schema)   # the server's exact-match fast path, when it applies
    checked = _ReadAhead(_prepared_chunks(chunks, scorer, schema, source, in_fmt))
    try:
        with threadpool_limits(THREADS):
            for chunk, first, fraction, features, notes in checked:
                warning_count += len(notes)
                warnings.extend(notes[: max(0, 20 - len(warnings))])
                try:
                    predictions, probabilities = predict_features(scorer, features, schema)
                except (ValueError, TypeError, KeyError) as exc:
                    raise _unscorable(source, in_fmt, first, exc) from exc
                out = chunk.copy()
                out[PREDICTION] = predictions
                if probabilities is not None:
                    probabilities = np.asarray(probabilities)
                    for i, cls in enumerate(classes):
                        out[f"{PROBABILITY_PREFIX}{cls}"] = probabilities[:, i]
                writer.write(out)
                rows += len(chunk)
                if progress is not None:
                    progress(fraction, rows)
        writer.commit()
    except BaseException:
        checked.close()
        writer.abort()
        raise
    if rows == 0:
        raise BatchError(f"'{source}' has no rows to score.")
    return BatchResult(rows, time.perf_counter() - started, target, warnings, warning_count)
