"""Benchmarks of mfnet (not part of the library): ``python -m benchmarks.speed``."""
