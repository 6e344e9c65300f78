"""A fold-worker process: `python -m designer.automl.fold_worker`, driven over stdin/stdout.

Messages are length-prefixed pickles between this process and its parent AutoML search (a
trusted parent: the same program, never a file). SIGINT is ignored: the parent decides when a
search stops, and kills this process at its deadline.
"""
from __future__ import annotations

import os
import pickle
import signal
import struct
import sys
import warnings


def read_message(stream):
    head = stream.read(8)
    if len(head) < 8:
        return None
    (size,) = struct.unpack("<Q", head)
    data = stream.read(size)
    return pickle.loads(data)


def write_message(stream, message) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(struct.pack("<Q", len(data)) + data)
    stream.flush()


def main() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    warnings.simplefilter("ignore")
    inp, out = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # stray prints must never corrupt the message stream
    from designer.automl.evaluate import evaluate_fold
    problem = None
    while True:
        message = read_message(inp)
        if message is None or message[0] == "stop":
            return
        if message[0] == "problem":
            problem = message[1]
            write_message(out, ("ready", os.getpid()))
        elif message[0] == "fold":
            _, trial, fold, spec = message
            write_message(out, ("result", evaluate_fold(problem, trial, fold, spec)))


if __name__ == "__main__":
    main()
