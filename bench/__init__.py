"""MLWire benchmarks: whole-process timings, side by side with baselines, into docs/benchmarks.md."""
