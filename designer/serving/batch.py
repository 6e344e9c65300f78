"""Batch scoring: a CSV or Parquet file in, the same rows plus predictions out, in bounded memory.

The input is read in chunks (`chunk_rows` rows at a time: pandas' chunked CSV reader, or
pyarrow's Parquet batches), each chunk checked against the model's input schema exactly as the
server checks request rows (validation.check_frame), scored, and appended to the output, which
is written to a hidden partial file and renamed into place only when every row is scored.
Chunks are checked and scored on WORKERS threads at once (one OpenMP/BLAS thread each; the
models' compiled predict releases the GIL) while this thread reads ahead and writes the results
in order.
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
from .snapshot import vouched_scorer
from .validation import (PREDICTION, PROBABILITY_PREFIX, RequestError, check_frame,
                         predict_features, transform_frame)

__all__ = ["score_file", "BatchError", "BatchResult", "ProgressBar", "DEFAULT_CHUNK_ROWS"]

DEFAULT_CHUNK_ROWS = 50_000
# chunks scored at once, each on one thread of its own: scikit-learn's tree predict scales
# better across chunks than across its own OpenMP threads within one
WORKERS = max(1, min(4, os.cpu_count() or 1))
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


def _chunk_scorer(scorer, schema: dict, source: Path, in_fmt: str):
    """score((chunk, first line, fraction read)) -> (scored chunk, fraction, warnings): the
    chunk checked, transformed and predicted, with the prediction columns added."""
    import numpy as np
    where = "line" if in_fmt == "csv" else "row"
    classes = [str(c) for c in (schema.get("classes") or [])]

    def score(item):
        chunk, first, fraction = item
        try:
            X, notes = check_frame(chunk, schema, lambda i: first + i)
        except RequestError as exc:
            message = exc.message.replace("Line ", f"{where.capitalize()} ", 1)
            raise BatchError(f"'{source}': {message}") from exc
        try:
            predictions, probabilities = predict_features(
                scorer, transform_frame(scorer, X), schema)
        except (ValueError, TypeError, KeyError) as exc:
            raise BatchError(f"'{source}': the model could not score the rows from {where} "
                             f"{first} on: {exc}") from exc
        chunk[PREDICTION] = predictions
        if probabilities is not None:
            probabilities = np.asarray(probabilities)
            for i, cls in enumerate(classes):
                chunk[f"{PROBABILITY_PREFIX}{cls}"] = probabilities[:, i]
        return chunk, fraction, notes
    return score


def _one_thread_here():
    from threadpoolctl import threadpool_limits
    threadpool_limits(1, user_api="openmp")     # OpenMP's limit belongs to the calling thread


def _in_order(items, work, workers: int):
    """work(item) for each item on `workers` threads, yielded in the items' order, with at most
    workers + 1 in flight (bounded memory). Errors come out in order too: when producing an
    item fails, the results of the items before it come first. Closing the generator (an
    error or a cancel downstream) drops the items not started and waits for those running."""
    import collections
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(workers, thread_name_prefix="batch-score",
                            initializer=_one_thread_here) as pool:
        pending = collections.deque()
        try:
            failure = None
            try:
                for item in items:
                    pending.append(pool.submit(work, item))
                    if len(pending) > workers:
                        yield pending.popleft().result()
            except BatchError as exc:
                failure = exc
            while pending:
                yield pending.popleft().result()
            if failure is not None:
                raise failure
        finally:
            for future in pending:
                future.cancel()


def score_file(pipeline, schema: dict, source, target, *, chunk_rows: int = DEFAULT_CHUNK_ROWS,
               progress=None) -> BatchResult:
    """Score every row of `source` into `target` (see the module doc). `progress(fraction, rows)`
    is called after each chunk."""
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
    # the server's exact-match fast path, when it applies (no probe when a snapshot vouches)
    scorer = vouched_scorer(pipeline, schema.get("sha256")) or scorer_for(pipeline, schema)
    scored = _in_order(chunks, _chunk_scorer(scorer, schema, source, in_fmt), WORKERS)
    try:
        with threadpool_limits(1, user_api="blas"):     # one thread per chunk, chunks at once
            for chunk, fraction, notes in scored:
                warning_count += len(notes)
                warnings.extend(notes[: max(0, 20 - len(warnings))])
                writer.write(chunk)
                rows += len(chunk)
                if progress is not None:
                    progress(fraction, rows)
        writer.commit()
    except BaseException:
        scored.close()
        writer.abort()
        raise
    if rows == 0:
        raise BatchError(f"'{source}' has no rows to score.")
    return BatchResult(rows, time.perf_counter() - started, target, warnings, warning_count)
