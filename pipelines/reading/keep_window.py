"""The job's window step: batches of posts split into those inside the run's `PostWindow` and
reject rows (with the reason) for the posts outside it."""

from __future__ import annotations

import apache_beam as beam

from pipelines.batches import PostBatch
from pipelines.reading.window import OUTSIDE, PostWindow, outside_row


class _SplitByWindow(beam.DoFn):
    def __init__(self, window: PostWindow):
        self._window = window

    def process(self, batch: list[dict]):
        inside = []
        for post in batch:
            reason = self._window.reject_reason(post["platform"], post["month"])
            if reason is None:
                inside.append(post)
            else:
                yield beam.pvalue.TaggedOutput(OUTSIDE, outside_row(post, reason))
        if inside:
            yield inside


class KeepWindow(beam.PTransform):
    """Batches of posts -> (batches inside the window, reject rows of the posts outside it)."""

    def __init__(self, window: PostWindow):
        super().__init__()
        self._window = window

    def expand(self, posts):
        split = posts | "SplitByWindow" >> beam.ParDo(_SplitByWindow(self._window)).with_output_types(
            PostBatch).with_outputs(OUTSIDE, main="inside")
        return split.inside, split[OUTSIDE]
