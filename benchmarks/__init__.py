"""Benchmarks (`make bench`): figures measured side by side in one run, never timed unit tests."""
