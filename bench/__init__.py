"""Benchmarks: run them with `make bench` (see bench/run.py)."""
