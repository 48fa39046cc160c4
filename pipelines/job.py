"""The mipulse Beam job: posts -> counts -> PMI lexicon -> scores -> Parquet tables.

Run it alone with ``python -m pipelines.job --input 'data/*.jsonl' --output out/
[--runner ...]``: app flags are parsed here, every other flag goes to Beam's
PipelineOptions unchanged, so any runner (in-process, portable, Flink, Dataflow) works.
"""

from __future__ import annotations

import argparse
import logging
from collections import Counter
from dataclasses import dataclass, field

import apache_beam as beam
from apache_beam.options.pipeline_options import PipelineOptions

from pipelines.anchors import anchors_in_post, find_topics
from pipelines.batches import PostBatch
from pipelines.config import SeedConfig, load_seeds
from pipelines.counting import FILE_PARTITION, CountPresence, PerPartition
from pipelines.dedupe import DropDuplicates
from pipelines.induce import BuildLexicon
from pipelines.lexicon import SEED_AGGREGATIONS, LexiconEntry, LexiconOptions
from pipelines.manifest import write_manifest
from pipelines.pmi import Smoothing
from pipelines.scoring import ScoringOptions, score_post
from pipelines.sinks import COUNT_TABLES, SCHEMAS, WriteRows, WriteTable, counts_to_arrow, rows_to_arrow
from pipelines.sources import FILE_READS, FORMATS, REJECTS, ReadPosts, SourceOptions
from pipelines.text import TOKENIZER_VERSION, counting_terms, tokenize
from pipelines.window import KeepWindow, PostWindow

DEFAULT_RUNNER = "FnApiRunner"  # named explicitly: DirectRunner first tries to download Prism
SCORE_FIELDS = ("platform", "post_id", "month", "tokens", "topics")
POST_FIELDS = ("platform", "post_id", "month", "created_at", "author_key", "text", "lang",
               "parent_id", "source_file", "record_no")


@dataclass(frozen=True)
class JobSettings:
    """Everything the job needs besides the runner's own options."""

    inputs: tuple[str, ...]
    output: str
    seeds: SeedConfig
    source: SourceOptions = field(default_factory=SourceOptions)
    lexicon: LexiconOptions = field(default_factory=LexiconOptions)
    scoring: ScoringOptions = field(default_factory=ScoringOptions)
    window: PostWindow = field(default_factory=PostWindow)
    #: Parquet of (platform, post_id) loaded from other files: this run's copies are duplicates
    loaded_posts: str | None = None


def prepare_post(post: dict, seeds: SeedConfig) -> dict:
    """Attach tokens, counting terms, topics and anchors to a canonical post."""
    tokens = tokenize(post["text"])
    terms = counting_terms(tokens)
    topics = find_topics(tokens, seeds)
    return {**post, "tokens": tokens, "terms": terms, "topics": topics,
            "anchors": anchors_in_post(terms, topics, seeds)}


def score_rows(batch: list[dict], lexicon: dict[str, LexiconEntry], version: str,
               options: ScoringOptions) -> list[dict]:
    """A batch of prepared posts -> post_scores rows."""
    return [{"platform": p["platform"], "post_id": p["post_id"], "month": p["month"],
             **score_post(p["tokens"], lexicon, options), "topics": p["topics"],
             "lexicon_version": version, "tokenizer_version": TOKENIZER_VERSION} for p in batch]


ACCOUNTING = ("records_read", "accepted", "rejected", "duplicates")


def _lexicon_dict(shards: list[list[LexiconEntry]]) -> dict[str, LexiconEntry]:
    return {e.term: e for shard in shards for e in shard}


def build_pipeline(p: beam.Pipeline, settings: JobSettings) -> None:
    """Add the whole job to pipeline `p`. Elements are batches of posts until the sinks."""
    out = settings.output
    read = p | "ReadPosts" >> ReadPosts(list(settings.inputs), settings.source)
    in_window, outside = read.posts | "KeepWindow" >> KeepWindow(settings.window)
    rejects = (read[REJECTS], outside) | "AllRejects" >> beam.Flatten()
    batches, dropped = in_window | "DropDuplicates" >> DropDuplicates(settings.loaded_posts)
    prepared = batches | "Tokenize" >> beam.Map(
        lambda batch, seeds: [prepare_post(post, seeds) for post in batch], seeds=settings.seeds)
    # Only what scoring needs waits (materialized) for the lexicon; counting fuses with Tokenize.
    to_score = prepared | "ScoreInputs" >> beam.Map(
        lambda batch: [{k: post[k] for k in SCORE_FIELDS} for post in batch]).with_output_types(PostBatch)
    # Per input file, so a load replaces exactly the counts of the files it read.
    counts = prepared | "CountPresence" >> CountPresence(FILE_PARTITION)
    entries, version = (counts | "PerPartition" >> PerPartition()
                        | "BuildLexicon" >> BuildLexicon(settings.seeds, settings.lexicon))
    lexicon = entries | "LexiconAsDict" >> beam.combiners.ToList() | "Merge" >> beam.Map(_lexicon_dict)
    version_side = beam.pvalue.AsSingleton(version)

    def write(table: str, arrow_tables) -> None:
        arrow_tables | f"Write {table}" >> WriteTable(out, table)

    write("posts", batches | "PostTables" >> beam.Map(
        lambda batch: rows_to_arrow("posts", [{k: post[k] for k in POST_FIELDS} for post in batch])))
    write("post_scores", to_score | "Score" >> beam.Map(
        lambda batch, lexicon, version: rows_to_arrow(
            "post_scores", score_rows(batch, lexicon, version, settings.scoring)),
        lexicon=beam.pvalue.AsSingleton(lexicon), version=version_side))
    for count_table, table in COUNT_TABLES.items():
        write(table, counts[count_table] | f"{table}Tables" >> beam.MapTuple(
            lambda partition, counter, name=count_table: counts_to_arrow(name, partition, counter)))
    write("lexicon", entries | "LexiconTables" >> beam.Map(
        lambda shard, version: rows_to_arrow(
            "lexicon", [{"lexicon_version": version, **e.as_row()} for e in shard]),
        version=version_side))
    rejects | "Write rejects" >> WriteRows(out, "rejects")

    per_file = {
        "records_read": read[FILE_READS],
        "rejected": rejects | "RejectFile" >> beam.Map(lambda r: (r["source_file"], 1)),
        "accepted": batches | "AcceptedFile" >> beam.FlatMap(
            lambda batch: Counter(post["source_file"] for post in batch).items()),
        "duplicates": dropped | "DupFile" >> beam.Map(lambda loc: (loc[0], 1)),
    }
    per_file | "AccountPerFile" >> AccountPerFile() | "Write file_accounting" >> WriteRows(out, "file_accounting")


class AccountPerFile(beam.PTransform):
    """{column: (source_file, n)} -> one file_accounting row per input file."""

    def expand(self, per_file: dict):
        return ({column: pcoll | f"Sum {column}" >> beam.CombinePerKey(sum) for column, pcoll in per_file.items()}
                | "JoinColumns" >> beam.CoGroupByKey()
                | "Rows" >> beam.MapTuple(lambda path, parts: {
                    "source_file": path, **{column: sum(parts[column]) for column in ACCOUNTING}}))


def add_job_arguments(parser: argparse.ArgumentParser) -> None:
    """The job's own flags (shared by `python -m pipelines.job` and the CLI)."""
    parser.add_argument("--input", nargs="+", required=True, help="input files or globs")
    parser.add_argument("--seeds", default=None, help="seed TOML (default: lexicons/seeds.toml)")
    parser.add_argument("--format", default="auto", choices=FORMATS,
                        help="input format (default: by extension, then by the first record's shape)")
    parser.add_argument("--columns", default=None,
                        help="CSV/JSONL/Parquet column mapping, e.g. text=body,created_at=ts,author=user.id")
    parser.add_argument("--undated-as", default=None, metavar="YYYY-MM",
                        help="month given to records without any created_at (default: reject them)")
    parser.add_argument("--platform", default=None, help="platform for records that lack one")
    parser.add_argument("--author-salt", default=None, help="salt for hashing author handles")
    parser.add_argument("--aggregation", default="mean", choices=SEED_AGGREGATIONS,
                        help="seed association: mean nPMI over seed words, or nPMI with the seed set")
    parser.add_argument("--min-df", type=int, default=3, help="minimum posts per lexicon term")
    parser.add_argument("--smoothing-k", type=float, default=0.0, help="add-k smoothing of counts")
    parser.add_argument("--context-alpha", type=float, default=1.0,
                        help="context-distribution smoothing (Levy et al. use 0.75)")
    parser.add_argument("--neutral-band", type=float, default=0.05, help="|score| <= band is neutral")
    parser.add_argument("--from-month", default=None, help="first month to load, YYYY-MM (posts before "
                        "it become 'outside date range' rejects)")
    parser.add_argument("--to-month", default=None, help="last month to load, YYYY-MM (inclusive)")
    parser.add_argument("--platforms", nargs="+", default=None, help="load only these platforms")


def settings_from_args(args: argparse.Namespace, output: str) -> JobSettings:
    """JobSettings from parsed job flags."""
    return JobSettings(
        inputs=tuple(args.input),
        output=output,
        seeds=load_seeds(args.seeds),
        source=SourceOptions(args.format, args.platform, args.author_salt or "", args.columns, args.undated_as),
        lexicon=LexiconOptions(args.aggregation, args.min_df, Smoothing(args.smoothing_k, args.context_alpha)),
        scoring=ScoringOptions(args.neutral_band),
        window=PostWindow(args.from_month, args.to_month, tuple(args.platforms or ())),
    )


def pipeline_options(beam_args: list[str]) -> PipelineOptions:
    """Beam options from leftover flags, with the in-process runner unless one is named."""
    if not any(a == "--runner" or a.startswith("--runner=") for a in beam_args):
        beam_args = [f"--runner={DEFAULT_RUNNER}", *beam_args]
    return PipelineOptions(beam_args, save_main_session=False)


def run_job(settings: JobSettings, beam_args: list[str] | None = None) -> None:
    """Build and run the job to completion, then mark the run folder complete (`_SUCCESS`)."""
    with beam.Pipeline(options=pipeline_options(beam_args or [])) as p:
        build_pipeline(p, settings)
    write_manifest(settings.output, SCHEMAS)  # only reached when every table was written


def run(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    add_job_arguments(parser)
    parser.add_argument("--output", required=True, help="folder for the Parquet tables")
    args, beam_args = parser.parse_known_args(argv)
    run_job(settings_from_args(args, args.output), beam_args)


if __name__ == "__main__":
    logging.getLogger().setLevel(logging.INFO)
    run()
