"""`python -m bench [core] [ROWS]`: run the benchmarks and update docs/benchmarks.md."""
import sys

from . import core

SUITES = {"core": core.main}


def main() -> None:
    args = sys.argv[1:]
    names = [a for a in args if a in SUITES] or list(SUITES)
    rest = [a for a in args if a not in SUITES]
    for name in names:
        SUITES[name](rest)


if __name__ == "__main__":
    main()
