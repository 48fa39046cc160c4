"""Beam job that builds an evaluation lexicon from a labelled (or unlabelled) JSONL corpus.

supervised: label anchors (``label:positive``, ``label:fear``) -> PMI(t, c) - PMI(t, not c)
per class. Posts are counted in two partitions, 'fit' and 'calibration' (a hash split), so
one pass gives two lexicons from the additive counts: one without the calibration posts
(to compute their features honestly) and one from all posts (to score the test posts).
seed: base seed classes (VADER polarity words, EmoLex emotion words) as anchors -> SO-nPMI
with the seed sets (``aggregation='set'``), the same math as the main job.
The lexicon lands as JSON lines, one term per line, plus a rejects file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import apache_beam as beam

from pipelines.config import EMOTIONS, SeedConfig
from pipelines.counting import CountPresence
from pipelines.job import BuildLexicon, pipeline_options
from pipelines.labelled import (
    LabelledRecordError, in_calibration_split, parse_labelled, post_terms, task_labels,
)
from pipelines.lexicon import LexiconOptions, emotion_anchor, sentiment_anchor
from pipelines.supervised import BuildSupervisedLexicon, SupervisedOptions, label_anchor
from pipelines.text import tokenize

REJECTS = "rejects"
FIT, CALIBRATION = "fit", "calibration"
MODES = ("seed", "supervised")
TASKS = ("sentiment", "emotion")


@dataclass(frozen=True)
class EvalLexiconSettings:
    """What to count and how. ``classes``: the task's classes (supervised mode)."""

    corpus: str
    output: str
    mode: str
    task: str
    classes: tuple[str, ...]
    emotion_set: str = "ekman"
    seeds: SeedConfig | None = None  # seed mode: base seed sets
    supervised: SupervisedOptions = field(default_factory=SupervisedOptions)
    seed_min_df: int = 3
    calibration_share: float = 0.0
    bigrams: bool = True
    exclude: frozenset[str] = frozenset()  # overlap keys of test posts, never counted

    def __post_init__(self) -> None:
        if self.mode not in MODES or self.task not in TASKS:
            raise ValueError(f"mode must be one of {MODES} and task one of {TASKS}")
        if self.mode == "seed" and self.seeds is None:
            raise ValueError("seed mode needs seed sets")
        if not 0 <= self.calibration_share < 1:
            raise ValueError(f"calibration share must be in [0, 1), got {self.calibration_share}")


class _ParseLabelled(beam.DoFn):
    """JSONL line -> LabelledPost; bad lines go to the rejects output with their reason."""

    def __init__(self, require_label: bool):
        super().__init__()
        self._require_label = require_label

    def process(self, line: str):
        if not line.strip():
            return
        try:
            yield parse_labelled(line, require_label=self._require_label)
        except LabelledRecordError as exc:
            yield beam.pvalue.TaggedOutput(REJECTS, {"reason": str(exc), "excerpt": line[:200]})


def seed_anchors(terms: set[str], seeds: SeedConfig) -> set[str]:
    """Seed classes a post holds (un-negated seed words only; no single-word anchors)."""
    anchors = {sentiment_anchor(p) for p, words in seeds.sentiment.items() if terms.intersection(words)}
    anchors |= {emotion_anchor(e) for e, words in seeds.emotions.items() if terms.intersection(words)}
    return anchors


def _prepare(post, settings: EvalLexiconSettings, seed_sets: dict | None) -> dict:
    tokens = tokenize(post.text)
    terms = post_terms(tokens, settings.bigrams and settings.mode == "supervised")
    if settings.mode == "supervised":
        anchors = {label_anchor(c) for c in task_labels(post, settings.task, settings.emotion_set)
                   if c in settings.classes}
    else:
        anchors = {a for a, words in seed_sets.items() if terms & words}
    calibration = settings.calibration_share and in_calibration_split(post.text, settings.calibration_share)
    return {"month": CALIBRATION if calibration else FIT, "platform": "eval", "terms": terms, "anchors": anchors}


def build_eval_lexicon(p: beam.Pipeline, settings: EvalLexiconSettings) -> None:
    """Add the lexicon job to pipeline ``p``."""
    parse = _ParseLabelled(require_label=settings.mode == "supervised")
    parsed = (p | "ReadCorpus" >> beam.io.ReadFromText(settings.corpus)
              | "Parse" >> beam.ParDo(parse).with_outputs(REJECTS, main="posts"))
    posts = parsed.posts
    if settings.exclude:
        exclude = settings.exclude
        posts = posts | "LeaveOutTestPosts" >> beam.Filter(lambda post: not post.overlap_keys() & exclude)
    seed_sets = None
    if settings.mode == "seed":
        seeds = settings.seeds
        seed_sets = {sentiment_anchor(k): frozenset(v) for k, v in seeds.sentiment.items()}
        seed_sets |= {emotion_anchor(k): frozenset(v) for k, v in seeds.emotions.items()}
    counts = (posts | "Prepare" >> beam.Map(_prepare, settings=settings, seed_sets=seed_sets)
              | "Batch" >> beam.BatchElements(min_batch_size=256, max_batch_size=2048)
              | "CountPresence" >> CountPresence())
    if settings.mode == "supervised":
        rows = counts | "BuildSupervisedLexicon" >> BuildSupervisedLexicon(settings.classes, settings.supervised)
        # the same counts without the calibration partition: ((month, platform), Counter)
        fit_counts = {table: pcoll | f"FitOnly{table.title()}" >> beam.Filter(lambda kv: kv[0][0] == FIT)
                      for table, pcoll in counts.items()}
        fit_rows = fit_counts | "BuildFitLexicon" >> BuildSupervisedLexicon(settings.classes, settings.supervised)
        _write_json(fit_rows, "FitLexicon", settings.output + ".fit-lexicon")
    else:
        options = LexiconOptions("set", settings.seed_min_df)
        entries, _ = counts | "BuildLexicon" >> BuildLexicon(settings.seeds, options)
        rows = entries | "EntryRows" >> beam.FlatMap(lambda shard: [e.as_row() for e in shard])
    _write_json(rows, "Lexicon", settings.output + ".lexicon")
    (parsed[REJECTS] | "RejectJson" >> beam.Map(json.dumps, ensure_ascii=False)
     | "WriteRejects" >> beam.io.WriteToText(settings.output + ".rejects", ".jsonl", shard_name_template=""))


def _write_json(rows, label: str, prefix: str) -> None:
    (rows | f"{label}Json" >> beam.Map(json.dumps, ensure_ascii=False, sort_keys=True)
     | f"Write{label}" >> beam.io.WriteToText(prefix, ".jsonl", shard_name_template=""))


@dataclass(frozen=True)
class EvalLexiconFiles:
    lexicon: str  # from every counted post
    rejects: str  # one JSON line per rejected input line, with its reason
    fit_lexicon: str | None = None  # supervised: without the calibration posts


def run_eval_lexicon(settings: EvalLexiconSettings, beam_args: list[str] | None = None) -> EvalLexiconFiles:
    """Run the job to completion; returns the paths it wrote."""
    with beam.Pipeline(options=pipeline_options(beam_args or [])) as p:
        build_eval_lexicon(p, settings)
    fit = settings.output + ".fit-lexicon.jsonl" if settings.mode == "supervised" else None
    return EvalLexiconFiles(settings.output + ".lexicon.jsonl", settings.output + ".rejects.jsonl", fit)


def base_seed_config(task: str, sentiment: dict[str, tuple[str, ...]],
                     emotions: dict[str, tuple[str, ...]]) -> SeedConfig:
    """A SeedConfig over whole base lexicons (all eight emotions present; empty ones get none)."""
    full = {e: emotions.get(e, ()) for e in EMOTIONS}
    return SeedConfig(f"base-{task}", dict(sentiment), full, {})
