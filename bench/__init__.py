"""Dateline's benchmarks; `python bench/run.py --help` (or `make bench`) runs them."""
