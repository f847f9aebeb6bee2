"""Benchmarks of the Case Review Library on real documents (``python -m bench``; see
docs/benchmarks.md). Everything here only reads ../shared/bench-corpus and writes to a scratch
folder and bench/results/."""
