"""`mipulse lexicon build`: a lexicon file from an unlabelled corpus or from labelled posts.

Unlabelled (``--input``): the default lexicon (priors, corpus adaptation, distant labels)
exactly as `mipulse run` builds it from its own posts: the same readers, the same
`LexiconInForce` composite. Labelled (``--train``): posts are counted with their gold labels
as ``label:<class>`` anchors in FOLDS partitions (a hash of the text), so one Beam pass gives
the lexicon of all posts and, by leaving one partition out, the lexicon each post's
calibration features come from without the post itself (cross-fitting). The character layer
(`pipelines.induction.characters`) is fitted the same way: on all posts, and on all but each
partition. The calibration model is then fitted on those out-of-fold features
(`pipelines.evaluation.calibrate`).
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Sequence

import apache_beam as beam
import numpy as np
import pyarrow.parquet as pq
from apache_beam.io.filesystems import FileSystems

import lexicons
from pipelines.evaluation.calibrate import (
    emotion_feature_names_for, fit_emotion_calibration, fit_sentiment_calibration, sentiment_feature_names,
)
from pipelines.config import SeedConfig
from pipelines.induction.characters import fit_character_layer, with_characters
from pipelines.reading.dedupe import DropDuplicates
from pipelines.induction.induce import ALL, LexiconSpec
from pipelines.job import JobSettings, LexiconInForce, new_pipeline
from pipelines.progress import LOGGER as PROGRESS
from pipelines.evaluation.labelled import (
    LabelledPost, LabelledRecordError, check_labels, dyads_in, parse_labelled, read_labelled, task_labels,
)
from pipelines.induction.lexicon import Lexicon, read_lexicon
from pipelines.induction.transforms import BuildLexicons, CountPresence
from pipelines.text.prepare import PostPreparer
from pipelines.scoring.score import PostText, post_features
from pipelines.reading.sources import ReadPosts, SourceOptions
from pipelines.text.tokenizer import TOKENIZER_VERSION, tokenize
from pipelines.reading.keep_window import KeepWindow
from pipelines.reading.window import PostWindow

FOLDS = 5
TASKS = ("sentiment", "emotion")


def supervised_sources(priors: bool = True, characters: bool = True) -> tuple[str, ...]:
    """The sources of a lexicon built from labelled posts: the supervised layer, and the
    VADER / EmoLex priors and the character layer unless left out."""
    return ("supervised", *(("priors",) if priors else ()), *(("characters",) if characters else ()))


def write_lexicon_file(lexicon: Lexicon, path: str) -> str:
    """Write through Beam's filesystems (local paths and object stores alike); returns the version."""
    buffer = io.BytesIO()
    pq.write_table(lexicon.to_arrow(), buffer)
    with FileSystems.create(path) as handle:
        handle.write(buffer.getvalue())
    return lexicon.version


def build_default_lexicon(inputs: Sequence[str], out: str, seeds: SeedConfig, source: SourceOptions,
                          spec: LexiconSpec = LexiconSpec(), window: PostWindow = PostWindow(),
                          beam_args: Sequence[str] = ()) -> str:
    """The default lexicon of an unlabelled corpus, written to ``out``; returns its version.

    Written under a new name first and renamed over ``out`` when complete: inputs without a
    post build no lexicon (a ValueError), and an earlier file at ``out`` stays as it was."""
    building = f"{out}.{uuid.uuid4().hex[:8]}.building"
    settings = JobSettings(tuple(inputs), building, seeds, source, spec, window)
    with new_pipeline(list(beam_args)) as p:
        read = p | "ReadPosts" >> ReadPosts(list(inputs), source)
        in_window, _ = read.posts | "KeepWindow" >> KeepWindow(window)
        batches, _ = in_window | "DropDuplicates" >> DropDuplicates()
        counts = (batches | "Tokenize" >> beam.Map(lambda batch, prepare: [prepare(post) for post in batch],
                                                   prepare=PostPreparer(seeds))
                  | "CountPresence" >> CountPresence())
        (counts | "LexiconInForce" >> LexiconInForce(settings)
         | "WriteLexicon" >> beam.Map(write_lexicon_file, building))
    if not FileSystems.exists(building):
        raise ValueError(f"no post to build a lexicon from in {', '.join(inputs)} (its records were all rejects, "
                         "or outside the window); nothing was written")
    FileSystems.rename([building], [out])
    return read_lexicon(out).version


# ---- supervised -------------------------------------------------------------------------

@dataclass(frozen=True)
class SupervisedSettings:
    train: str
    out: str
    task: str = "sentiment"
    emotion_set: str = "plutchik"
    spec: LexiconSpec = field(default_factory=lambda: LexiconSpec(sources=supervised_sources()))
    leave_out: str | None = None  # posts also in this labelled file are not counted

    def __post_init__(self) -> None:
        if self.task not in TASKS:
            raise ValueError(f"task must be one of {TASKS}, got {self.task!r}")


def fold_of(text: str) -> int:
    """The calibration fold of a post, by a hash of its text (copies of a text share a fold)."""
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "big") % FOLDS


def training_posts(settings: SupervisedSettings) -> tuple[list[LabelledPost], list[tuple[str, ...]], int, list[str]]:
    """(posts, their gold labels for the task, posts left out as overlapping the leave-out file, one
    reason per line that is no labelled post), sorted by text and labels: the lexicon of a file does
    not depend on the order of its lines."""
    posts, rejects = read_labelled(settings.train)
    check_labels(posts, settings.task, settings.emotion_set, f"--train {settings.train}")
    keys = leave_out_keys(settings.leave_out)
    kept = sorted(((p, task_labels(p, settings.task, settings.emotion_set)) for p in posts
                   if not p.overlap_keys() & keys), key=lambda pair: (pair[0].text, pair[1]))
    return [p for p, _ in kept], [labels for _, labels in kept], len(posts) - len(kept), rejects


def file_digest(path: str) -> str:
    """The first 16 hex digits of a file's SHA-256: a lexicon's metadata names its training file by it."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()[:16]


def leave_out_keys(path: str | None) -> frozenset[str]:
    """Overlap keys (ids, normalized texts) of the posts of a labelled file, or none."""
    if not path:
        return frozenset()
    held, _ = read_labelled(path)
    return frozenset(k for p in held for k in p.overlap_keys())


class _CountedRows(beam.DoFn):
    """A labelled JSONL line -> the row counted for it (text, labels, fold), or nothing for
    a line `training_posts` also drops (bad JSON, no label, overlapping the leave-out file)."""

    def __init__(self, task: str, emotion_set: str, leave_out_keys: frozenset[str]):
        self._task, self._emotion_set, self._leave_out = task, emotion_set, leave_out_keys

    def process(self, line: str):
        if not line.strip():
            return
        try:
            post = parse_labelled(line)
        except LabelledRecordError:
            return
        if not post.overlap_keys() & self._leave_out:
            yield {"text": post.text, "labels": task_labels(post, self._task, self._emotion_set),
                   "fold": fold_of(post.text)}


def build_supervised_lexicon(settings: SupervisedSettings, seeds: SeedConfig, beam_args: Sequence[str] = ()) -> dict:
    """Build, calibrate and write a supervised lexicon; returns a summary."""
    posts, labels, left_out, rejects = training_posts(settings)
    classes = tuple(sorted({c for ls in labels for c in ls}))
    if len(classes) < 2 or len(posts) < 10 * FOLDS:
        raise ValueError(f"{settings.train}: too few labelled posts ({len(posts)}) or classes ({classes})")
    spec = replace(settings.spec, classes=classes)
    PROGRESS.info("lexicon build: %s labelled posts (%s left out), classes %s: counting terms", f"{len(posts):,}",
                  f"{left_out:,}", ", ".join(classes))
    digest = file_digest(settings.train)
    # a dyad (optimism, hope) is trained as both its emotions, and the lexicon and the summary say so
    dyads = dyads_in(posts) if (settings.task, settings.emotion_set) == ("emotion", "plutchik") else {}
    metadata = {"kind": "supervised", "task": settings.task, "sources": list(spec.sources),
                **({"label_mappings": dyads} if dyads else {}),
                "options": spec.as_dict(), "seeds": seeds.fingerprint, "tokenizer": TOKENIZER_VERSION,
                "training_data": {"file": os.path.basename(settings.train), "sha256_16": digest,
                                  "posts": len(posts), "left_out_as_overlap": left_out,
                                  "lines_not_read": len(rejects)}}
    rows = [{"text": p.text, "labels": ls, "fold": fold_of(p.text)} for p, ls in zip(posts, labels)]
    with tempfile.TemporaryDirectory() as work:
        paths = {fold: os.path.join(work, f"fold-{fold}.parquet") for fold in range(FOLDS)}
        full_path = os.path.join(work, "all.parquet")
        with new_pipeline(list(beam_args)) as p:
            prepare = PostPreparer(seeds, with_bigrams=True)
            counts = (p | "ReadTrain" >> beam.io.ReadFromText(settings.train)
                      | "Rows" >> beam.ParDo(_CountedRows(settings.task, settings.emotion_set,
                                                          leave_out_keys(settings.leave_out)))
                      | "Batch" >> beam.BatchElements(min_batch_size=500, max_batch_size=5000)
                      | "Prepare" >> beam.Map(lambda batch: [
                          # a training post's fold is its partition's month: the lexicons group by it
                          {**prepare({"text": r["text"], "month": f"fold-{r['fold']}", "platform": "train"},
                                     r["labels"])} for r in batch])
                      | "CountPresence" >> CountPresence())
            folds = [f"fold-{fold}" for fold in range(FOLDS)]
            (counts | "BuildLexicons" >> BuildLexicons(seeds, spec, metadata, group_of=lambda partition: partition.month,
                                                       leave_out=folds)
             | "Write" >> beam.MapTuple(lambda name, lexicon: write_lexicon_file(
                 lexicon, full_path if name == ALL else paths[int(name.split("-")[1])])))
        fold_lexicons = {fold: read_lexicon(path) for fold, path in paths.items()}
        full = read_lexicon(full_path)
    texts = [PostText(tokenize(r["text"])) for r in rows]
    text_folds = np.array([r["fold"] for r in rows])  # the cross-fitting folds: the order of the posts does not matter
    characters = "characters" in spec.sources
    if characters:
        PROGRESS.info("lexicon build: counted; fitting the character layer (%d models over character n-grams, "
                      "the longest step)", FOLDS + 1)
        full, fold_lexicons = _with_character_layers(full, fold_lexicons, texts, labels, text_folds, settings.task,
                                                     classes)
    features = (sentiment_feature_names(supervised=True, characters=characters) if settings.task == "sentiment"
                else emotion_feature_names_for(supervised=True, characters=characters))
    x = np.zeros((len(rows), len(features)))
    for fold, lexicon in fold_lexicons.items():  # each post's features from the lexicon built without it
        members = np.flatnonzero(text_folds == fold)
        x[members] = post_features([texts[i] for i in members], lexicon, features)
    x, text_folds = x.tolist(), text_folds.tolist()
    PROGRESS.info("lexicon build: calibrating on the cross-fitted features of the %s posts", f"{len(rows):,}")
    if settings.task == "sentiment":
        # chosen by SemEval 2017's measure (macro-recall): by macro-F1 the weightings were near-equal
        # and the choice flipped between dev folds, trading recall for accuracy
        calibration = {"sentiment": fit_sentiment_calibration(x, [ls[0] for ls in labels], features, text_folds,
                                                              measure="macro_recall")}
    else:
        calibration = {"emotion": fit_emotion_calibration(x, labels, classes, features, text_folds)}
    lexicon = Lexicon(full.layers, full.metadata, {**untrained_defaults(calibration), **full.calibration, **calibration})
    version = write_lexicon_file(lexicon, settings.out)
    return {"version": version, "posts": len(posts), "left_out": left_out, "classes": list(classes), "mapped": dyads,
            "rejects": rejects,
            "terms": {layer: len(entries) for layer, entries in lexicon.layers.items()}, "out": settings.out}


def untrained_defaults(trained: dict) -> dict:
    """The default lexicon's calibration of the tasks a supervised lexicon was not trained for
    (they are scored as the default lexicon scores them), per-platform models included; none of
    the trained task's, whatever the platform."""
    default = lexicons.default_calibration()
    platforms = {platform: kept for platform, models in default.pop("platforms", {}).items()
                 if (kept := {task: m for task, m in models.items() if task not in trained})}
    return {**{task: m for task, m in default.items() if task not in trained},
            **({"platforms": platforms} if platforms else {})}


def _with_character_layers(full: Lexicon, fold_lexicons: dict[int, Lexicon], texts: Sequence[PostText],
                           labels: Sequence[tuple[str, ...]], folds: np.ndarray, task: str,
                           classes: Sequence[str]) -> tuple[Lexicon, dict[int, Lexicon]]:
    """The full lexicon with the character layer of all posts, and each fold's lexicon with the
    layer of the posts outside the fold (``folds``: each post's; cross-fitted, as the word layers are)."""
    joined = [t.joined for t in texts]

    def fitted(lexicon: Lexicon, keep: Sequence[int]) -> Lexicon:
        return with_characters(lexicon, *fit_character_layer([joined[i] for i in keep], [labels[i] for i in keep],
                                                             task, classes))

    # the fits are independent and scikit-learn's SAGA solver releases the GIL: on 2 cores, two
    # threads take six fits of 30,000 tweets from 65 to 50 s, each layer the same as fitted alone
    jobs = [(full, range(len(texts)))] + [(lexicon, np.flatnonzero(folds != fold))
                                          for fold, lexicon in fold_lexicons.items()]
    with ThreadPoolExecutor(max_workers=min(len(jobs), os.cpu_count() or 1)) as pool:
        layers = list(pool.map(lambda job: fitted(*job), jobs))
    return layers[0], dict(zip(fold_lexicons, layers[1:]))
