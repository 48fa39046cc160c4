"""Batches of posts as Beam elements, coded with pickle.

Beam's default coder for Python objects walks every dict and list element by element;
plain pickle is 2-4x faster for the nested dicts of a batch of posts. Declaring
`PostBatch` as a transform's output type makes Beam use `PickledBatchCoder` for it.
"""

from __future__ import annotations

import pickle

import apache_beam as beam


class PostBatch(list):
    """A list of post dicts (used as a type hint; plain lists are fine at run time)."""


class PickledBatchCoder(beam.coders.Coder):
    """Encodes a batch with pickle (protocol 5)."""

    def encode(self, value: list) -> bytes:
        return pickle.dumps(value, protocol=5)

    def decode(self, encoded: bytes) -> list:
        return pickle.loads(encoded)

    def is_deterministic(self) -> bool:
        return False  # never used as a key

    def to_type_hint(self):
        return PostBatch


beam.coders.registry.register_coder(PostBatch, PickledBatchCoder)
