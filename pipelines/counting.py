"""Document-presence counts keyed by (month, platform), pre-aggregated inside bundles.

Counts are additive: any window's PMI is a sum of its (month, platform) parts. Only
term x anchor pairs are counted, never all pairs of terms.
"""

from __future__ import annotations

from collections import Counter

import apache_beam as beam
from apache_beam.transforms.window import GlobalWindow
from apache_beam.utils.timestamp import MIN_TIMESTAMP
from apache_beam.utils.windowed_value import WindowedValue

TOTALS = "totals"
TERMS = "terms"
ANCHORS = "anchors"
PAIRS = "pairs"


def count_post(counters: dict[str, Counter], post: dict) -> None:
    """Add one post's presence counts; the post carries month, platform, terms, anchors."""
    key = (post["month"], post["platform"])
    counters[TOTALS][key] += 1
    counters[TERMS].update((*key, t) for t in post["terms"])
    counters[ANCHORS].update((*key, a) for a in post["anchors"])
    counters[PAIRS].update((*key, t, a) for a in post["anchors"] for t in post["terms"])


def new_counters() -> dict[str, Counter]:
    return {TOTALS: Counter(), TERMS: Counter(), ANCHORS: Counter(), PAIRS: Counter()}


class _CountInBundle(beam.DoFn):
    """Sums counts in a dict per bundle and emits them once at the bundle's end."""

    def start_bundle(self):
        self._counters = new_counters()

    def process(self, post: dict):
        count_post(self._counters, post)

    def finish_bundle(self):
        for table, counter in self._counters.items():
            for key, value in counter.items():
                yield beam.pvalue.TaggedOutput(
                    table, WindowedValue((key, value), MIN_TIMESTAMP, [GlobalWindow()]))
        self._counters = new_counters()


class CountPresence(beam.PTransform):
    """Posts with `terms` and `anchors` -> four PCollections of ((key...), df):
    totals (month, platform), terms (month, platform, term), anchors (month, platform,
    anchor) and pairs (month, platform, term, anchor); summed over the whole input."""

    def expand(self, posts):
        partial = posts | "CountInBundles" >> beam.ParDo(_CountInBundle()).with_outputs(
            TOTALS, TERMS, ANCHORS, PAIRS)
        return {table: partial[table] | f"Sum{table.title()}" >> beam.CombinePerKey(sum)
                for table in (TOTALS, TERMS, ANCHORS, PAIRS)}
