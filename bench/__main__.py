"""`python -m bench [core] [tracking] [ARG]`: run the benchmarks and update docs/benchmarks.md."""
import sys

from . import automl, core, tracking

SUITES = {"core": core.main, "tracking": tracking.main, "automl": automl.main}
SUITES["serving"] = lambda argv: __import__("bench.serving", fromlist=["main"]).main(argv)
SUITES["gui"] = lambda argv: __import__("bench.gui", fromlist=["main"]).main(argv)


def main() -> None:
    args = sys.argv[1:]
    names = [a for a in args if a in SUITES] or list(SUITES)
    rest = [a for a in args if a not in SUITES]
    for name in names:
        SUITES[name](rest)


if __name__ == "__main__":
    main()
