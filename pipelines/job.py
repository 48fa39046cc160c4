"""The mipulse Beam job: posts -> counts -> PMI lexicon -> scores -> Parquet tables.

Run it alone with ``python -m pipelines.job --input 'data/*.jsonl' --output out/
[--runner ...]``: app flags are parsed here, every other flag goes to Beam's
PipelineOptions unchanged, so any runner (in-process, portable, Flink, Dataflow) works.
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
from collections import Counter
from dataclasses import dataclass, field

import apache_beam as beam
import pyarrow as pa
from apache_beam.options.pipeline_options import PipelineOptions, StandardOptions
from apache_beam.portability.api import beam_provision_api_pb2
from apache_beam.runners.job.utils import dict_to_struct
from apache_beam.runners.portability.fn_api_runner import FnApiRunner
from apache_beam.runners.portability.fn_api_runner.fn_runner import ExtendedProvisionInfo

import lexicons
from pipelines import progress
from pipelines.batches import PostBatch
from pipelines.config import SeedConfig
from pipelines.induction.counting import FilePartition
from pipelines.reading.dedupe import DropDuplicates, OutsideLoaded
from pipelines.induction.induce import LexiconSpec
from pipelines.induction.lexicon import Lexicon, check_lexicon_file, lexicon_file_bytes, read_lexicon
from pipelines.induction.transforms import BuildLexicon, CacheWeighedLexicon, CountPresence, SumCounters
from pipelines.loopback import bind_beam_servers_to_loopback
from pipelines.writing.manifest import write_manifest
from pipelines.options import DEFAULT_RUNNER, HelpFormatter, JobOptions, add_job_arguments, from_namespace
from pipelines.text.prepare import PostPreparer
from pipelines.scoring.score import score_columns
from pipelines.writing.sinks import (
    COUNT_TABLES, SCHEMAS, RowsToArrow, WriteTables, columns_to_arrow, counts_to_arrow, rows_to_arrow,
)
from pipelines.reading.sources import FILE_READS, REJECTS, ReadPosts, SourceOptions
from pipelines.gc_passes import JOB_GC_THRESHOLDS, fewer_gc_passes
from pipelines.text.tokenizer import TOKENIZER_VERSION
from pipelines.reading.keep_window import KeepWindow
from pipelines.reading.window import PostWindow

SCORE_FIELDS = ("platform", "post_id", "month", "tokens", "topics")
POST_FIELDS = tuple(SCHEMAS["posts"].names)  # what of a prepared post the posts table keeps


@dataclass(frozen=True)
class JobSettings:
    """Everything the job needs besides the runner's own options."""

    inputs: tuple[str, ...]
    output: str
    seeds: SeedConfig
    source: SourceOptions = field(default_factory=SourceOptions)
    lexicon: LexiconSpec = field(default_factory=LexiconSpec)
    window: PostWindow = field(default_factory=PostWindow)
    lexicon_file: str | None = None  # score with this lexicon instead of building one
    #: Parquet of (platform, post_id) loaded from other files: this run's copies are duplicates
    loaded_posts: str | None = None
    #: the Beam runner; None: the one the Beam arguments name, else DEFAULT_RUNNER
    runner: str | None = None


def score_table(batch: list[dict], lexicon: Lexicon) -> pa.Table:
    """A batch of prepared posts -> their post_scores rows (Arrow), built by column."""
    n = len(batch)
    return columns_to_arrow("post_scores", {
        "platform": [p["platform"] for p in batch], "post_id": [p["post_id"] for p in batch],
        "month": [p["month"] for p in batch], "topics": [p["topics"] for p in batch],
        **score_columns([p["tokens"] for p in batch], lexicon, [p["platform"] for p in batch]),
        "lexicon_version": pa.repeat(pa.scalar(lexicon.version, pa.string()), n),
        "tokenizer_version": pa.repeat(pa.scalar(TOKENIZER_VERSION, pa.string()), n)})


def prepare_batch(batch: list[dict], prepare: PostPreparer) -> list[dict]:
    """`prepare` over a batch of posts, with a progress line now and then."""
    progress.add("tokenizing and counting", "posts", len(batch))
    return [prepare(post) for post in batch]


class PrepareBatches(beam.DoFn):
    """`prepare_batch` as a step; sets JOB_GC_THRESHOLDS in every process that runs it: Beam's
    worker processes (multi_processing) serve this job alone, the job's own process is
    restored by `run_job` when the job ends."""

    def __init__(self, prepare: PostPreparer):
        super().__init__()
        self._prepare = prepare

    def setup(self):
        gc.set_threshold(*JOB_GC_THRESHOLDS)

    def process(self, batch: list[dict]):
        yield prepare_batch(batch, self._prepare)


def _score_batch(batch: list[dict], lexicon: Lexicon) -> pa.Table:
    progress.add("scoring", "posts", len(batch))
    return score_table(batch, lexicon)


def with_default_calibration(lexicon: Lexicon) -> Lexicon:
    """The default lexicon with the shipped calibration (`bench/calibrate_default.py`)."""
    return Lexicon(lexicon.layers, lexicon.metadata, lexicons.default_calibration())


def lexicon_rows(lexicon: Lexicon) -> list[dict]:
    version = lexicon.version
    return [{"lexicon_version": version, **row} for row in lexicon.rows()]


ACCOUNTING = tuple(SCHEMAS["file_accounting"].names[1:])  # after source_file: the per-file counts


class LexiconInForce(beam.PTransform):
    """Counts -> the one-element PCollection of the lexicon that scores the run: the file the
    user gave, or the default lexicon built from this run's own counts."""

    def __init__(self, settings: "JobSettings"):
        super().__init__()
        self._settings = settings

    def expand(self, counts):
        settings = self._settings
        if settings.lexicon_file:
            # The file's bytes travel with the job, not the parsed lexicon: Beam pickles and
            # compresses what `Create` holds, and a lexicon's Python objects are ~10x its Parquet
            # file (a 77,000-row supervised lexicon: ~10 s of a run). Its header is checked here,
            # so a file that is no lexicon is refused before the job starts; its rows are parsed
            # once, where the lexicon is used (~0.8 s CPU for those 77,000 rows).
            path = settings.lexicon_file
            data = lexicon_file_bytes(path)
            check_lexicon_file(path, data)
            lexicon = (counts[next(iter(counts))].pipeline | "ReadLexicon" >> beam.Create([data])
                       | "ParseLexicon" >> beam.Map(lambda file_bytes: read_lexicon(path, file_bytes)))
        else:
            metadata = {"kind": "default", "sources": list(settings.lexicon.sources),
                        "options": settings.lexicon.as_dict(), "seeds": settings.seeds.fingerprint,
                        "tokenizer": TOKENIZER_VERSION}
            lexicon = (counts | "BuildLexicon" >> BuildLexicon(settings.seeds, settings.lexicon, metadata)
                       | "Calibrate" >> beam.Map(with_default_calibration))
        return lexicon | "Version" >> beam.Map(as_job_lexicon)


def as_job_lexicon(lexicon: Lexicon) -> CacheWeighedLexicon:
    """The lexicon as the job's steps take it: with its version (a content hash, ~1 s per 77,000
    rows) computed, so that it travels with the lexicon to each step that uses it instead of being
    computed again in each; and weighed for Beam's cache by a sample of its entries, as scoring
    takes it as a side input."""
    lexicon = CacheWeighedLexicon.of(lexicon)
    lexicon.version  # noqa: B018 (a cached property: computed and kept)
    return lexicon


class Prepare(beam.PTransform):
    """Batches of posts -> batches of prepared posts (tokens, terms, anchors, topics) for one seed set."""

    def __init__(self, seeds: SeedConfig):
        super().__init__()
        self._seeds = seeds

    def expand(self, batches):
        return batches | "Tokenize" >> beam.ParDo(PrepareBatches(PostPreparer(self._seeds)))


class ScorePosts(beam.PTransform):
    """Batches of prepared posts -> Arrow tables of their post_scores rows, scored with the lexicon
    of `lexicon` (a one-element PCollection)."""

    def __init__(self, lexicon: beam.PCollection):
        super().__init__()
        self._lexicon = lexicon

    def expand(self, prepared):
        # Only what scoring needs waits (materialized) for the lexicon; counting fuses with Tokenize.
        to_score = prepared | "ScoreInputs" >> beam.Map(
            lambda batch: [{k: post[k] for k in SCORE_FIELDS} for post in batch]).with_output_types(PostBatch)
        return to_score | "Score" >> beam.Map(_score_batch, lexicon=beam.pvalue.AsSingleton(self._lexicon))


def build_pipeline(p: beam.Pipeline, settings: JobSettings) -> None:
    """Add the whole job to pipeline `p`. Elements are batches of posts until the sinks."""
    out = settings.output
    read = p | "ReadPosts" >> ReadPosts(list(settings.inputs), settings.source)
    in_window, outside = read.posts | "KeepWindow" >> KeepWindow(settings.window)
    batches, dropped = in_window | "DropDuplicates" >> DropDuplicates(settings.loaded_posts)
    if settings.window != PostWindow() and settings.loaded_posts:  # only a window leaves records outside
        outside, outside_loaded = outside | "OutsideLoaded" >> OutsideLoaded(settings.loaded_posts)
        dropped = (dropped, outside_loaded) | "AllDuplicates" >> beam.Flatten()
    rejects = (read[REJECTS], outside) | "AllRejects" >> beam.Flatten()
    prepared = batches | "Prepare" >> Prepare(settings.seeds)
    # Per input file, so a load replaces exactly the counts of the files it read; the lexicon
    # sums over every partition whatever its key.
    counts = prepared | "CountPresence" >> CountPresence(FilePartition)
    lexicon = counts | "LexiconInForce" >> LexiconInForce(settings)

    tables = {  # table -> Arrow tables of its rows
        "posts": batches | "PostTables" >> beam.Map(
            lambda batch: rows_to_arrow("posts", [{k: post[k] for k in POST_FIELDS} for post in batch])),
        "post_scores": prepared | "ScorePosts" >> ScorePosts(lexicon),
        **{table: counts[count_table] | f"{table}Tables" >> beam.MapTuple(
            lambda partition, counter, name=count_table: counts_to_arrow(name, partition, counter))
           for count_table, table in COUNT_TABLES.items()},
        "lexicon": lexicon | "LexiconTables" >> beam.Map(lambda lex: rows_to_arrow("lexicon", lexicon_rows(lex))),
        "lexicons": lexicon | "LexiconHeader" >> beam.Map(lambda lex: rows_to_arrow("lexicons", [lexicon_header(lex)])),
        "rejects": rejects | "RejectTables" >> RowsToArrow("rejects"),
    }
    per_file = {
        "records_read": read[FILE_READS],
        "rejected": rejects | "RejectFile" >> beam.Map(lambda r: (r["source_file"], 1)),
        "accepted": batches | "AcceptedFile" >> beam.FlatMap(
            lambda batch: Counter(post["source_file"] for post in batch).items()),
        "duplicates": dropped | "DupFile" >> beam.Map(lambda loc: (loc[0], 1)),
    }
    tables["file_accounting"] = (per_file | "AccountPerFile" >> AccountPerFile()
                                 | "AccountingTables" >> RowsToArrow("file_accounting"))
    tables | "WriteTables" >> WriteTables(out)


class AccountPerFile(beam.PTransform):
    """{column: (source_file, n)} -> one file_accounting row per input file."""

    def expand(self, per_file: dict):
        columns = [pcoll | f"Tag {column}" >> beam.MapTuple(lambda path, n, column=column: (path, Counter({column: n})))
                   for column, pcoll in per_file.items()]
        return (columns | "AllColumns" >> beam.Flatten()
                | "SumPerFile" >> beam.CombinePerKey(SumCounters())
                | "Rows" >> beam.MapTuple(lambda path, sums: {
                    "source_file": path, **{column: sums[column] for column in ACCOUNTING}}))


def lexicon_header(lexicon: Lexicon) -> dict:
    """The lexicons table's row: version, metadata and calibration as JSON text."""
    return {"lexicon_version": lexicon.version, "metadata": json.dumps(dict(lexicon.metadata), sort_keys=True),
            "calibration": json.dumps(dict(lexicon.calibration), sort_keys=True)}


def pipeline_options(beam_args: list[str], runner: str | None = None) -> PipelineOptions:
    """Beam options from leftover flags, with `runner` if given, else the one they name, else the in-process one.

    Also keeps the in-process runner's worker servers (multi_processing mode) on loopback.
    """
    bind_beam_servers_to_loopback()
    options = PipelineOptions(beam_args, save_main_session=False)
    standard = options.view_as(StandardOptions)
    standard.runner = runner or standard.runner or DEFAULT_RUNNER
    return options


#: What the in-process runner's worker processes (multi_processing mode) log to the terminal:
#: warnings and mipulse's own progress, not their set-up (~15 lines each: channels, options,
#: "No semi_persistent_directory found" about a main session mipulse never saves).
WORKER_LOG_OPTIONS = {"default_sdk_harness_log_level": "WARNING",
                      "sdk_harness_log_level_overrides": {"__main__": "ERROR", "mipulse": "INFO"}}


def new_pipeline(beam_args: list[str], runner: str | None = None) -> beam.Pipeline:
    """A pipeline with `pipeline_options`. The in-process runner is built here: named by string,
    Beam builds it with no options for its worker processes, so they log at INFO whatever the
    flags say; built here, its workers get `WORKER_LOG_OPTIONS` (or the user's own log flags)."""
    options = pipeline_options(beam_args, runner)
    if options.view_as(StandardOptions).runner != DEFAULT_RUNNER:
        return beam.Pipeline(options=options)
    given = options.get_all_options()
    worker_options = {key: given[key] if given.get(key) is not None else default
                      for key, default in WORKER_LOG_OPTIONS.items()}
    info = beam_provision_api_pb2.ProvisionInfo(retrieval_token="unused-retrieval-token",  # Beam's own default
                                                pipeline_options=dict_to_struct(worker_options))
    return beam.Pipeline(runner=FnApiRunner(provision_info=ExtendedProvisionInfo(info)), options=options)


def run_job(settings: JobSettings, beam_args: list[str] | None = None) -> None:
    """Build and run the job to completion, then mark the run folder complete (`_SUCCESS`)."""
    progress.reset()
    with fewer_gc_passes(), new_pipeline(beam_args or [], settings.runner) as p:
        build_pipeline(p, settings)
    write_manifest(settings.output, SCHEMAS)  # only reached when every table was written


def run(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=HelpFormatter)
    add_job_arguments(parser)
    parser.add_argument("--output", required=True, help="folder for the Parquet tables")
    args, beam_args = parser.parse_known_args(argv)
    try:
        options = from_namespace(JobOptions, args)
    except ValueError as exc:
        parser.error(str(exc))
    run_job(options.job_settings(args.output), beam_args)


if __name__ == "__main__":
    logging.getLogger().setLevel(logging.INFO)
    run()
