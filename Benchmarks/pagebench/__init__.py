"""The status page benchmark's modules (Benchmarks/statuspage.py runs them)."""
