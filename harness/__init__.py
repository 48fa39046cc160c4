"""Support for the tests and the benchmarks, not part of the product (not installed): run folders
and malformed inputs to load, crash helpers, the single-process reference job, Beam's portable
runner on one machine. Tests and bench import it; nothing in bench imports a test module."""
