"""The mipulse Beam job: posts -> counts -> PMI lexicon -> scores -> Parquet tables.

Run it alone with ``python -m pipelines.job --input 'data/*.jsonl' --output out/
[--runner ...]``: app flags are parsed here, every other flag goes to Beam's
PipelineOptions unchanged, so any runner (in-process, portable, Flink, Dataflow) works.
"""

from __future__ import annotations

import argparse
import logging
from dataclasses import dataclass, field

import apache_beam as beam
from apache_beam.options.pipeline_options import PipelineOptions

from pipelines.anchors import anchors_in_post, find_topics
from pipelines.config import SeedConfig, load_seeds
from pipelines.counting import ANCHORS, PAIRS, TERMS, TOTALS, CountPresence
from pipelines.lexicon import SEED_AGGREGATIONS, LexiconEntry, LexiconOptions, lexicon_entry, lexicon_version
from pipelines.pmi import Smoothing
from pipelines.scoring import ScoringOptions, score_post
from pipelines.sinks import WriteTable, count_rows
from pipelines.sources import FILE_READS, FORMATS, REJECTS, ReadPosts, SourceOptions
from pipelines.text import TOKENIZER_VERSION, counting_terms, tokenize
from pipelines.window import KeepWindow, PostWindow

DEFAULT_RUNNER = "FnApiRunner"  # named explicitly: DirectRunner first tries to download Prism
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


def prepare_post(post: dict, seeds: SeedConfig) -> dict:
    """Attach tokens, counting terms, topics and anchors to a canonical post."""
    tokens = tokenize(post["text"])
    terms = counting_terms(tokens)
    topics = find_topics(tokens, seeds)
    return {**post, "tokens": tokens, "terms": terms, "topics": topics,
            "anchors": anchors_in_post(terms, topics, seeds)}


def _first_by_source(kv):
    """(key, copies) -> (kept post, [source files of the dropped duplicates])."""
    _, copies = kv
    ordered = sorted(copies, key=lambda p: (p["source_file"], p["record_no"]))
    return ordered[0], [p["source_file"] for p in ordered[1:]]


class DropDuplicates(beam.PTransform):
    """Keep one post per (platform, post_id): the first by file name and position.

    Returns (posts, duplicates) where duplicates holds one source_file per dropped copy.
    """

    def expand(self, posts):
        kept_and_dups = (
            posts
            | "KeyById" >> beam.Map(lambda p: ((p["platform"], p["post_id"]), p))
            | "GroupCopies" >> beam.GroupByKey()
            | "KeepFirst" >> beam.Map(_first_by_source)
        )
        unique = kept_and_dups | "Kept" >> beam.Map(lambda kd: kd[0])
        dups = kept_and_dups | "Dropped" >> beam.FlatMap(lambda kd: kd[1])
        return unique, dups


class BuildLexicon(beam.PTransform):
    """Counts -> (lexicon entries, lexicon version) from the global sums of all partitions."""

    def __init__(self, seeds: SeedConfig, options: LexiconOptions):
        super().__init__()
        self._seeds = seeds
        self._options = options

    def expand(self, counts):
        seeds, options = self._seeds, self._options
        n_posts = (counts[TOTALS] | "PostsPerPartition" >> beam.Values()
                   | "AllPosts" >> beam.CombineGlobally(sum))
        anchor_df = (counts[ANCHORS] | "AnchorKey" >> beam.Map(lambda kv: (kv[0][2], kv[1]))
                     | "AnchorDf" >> beam.CombinePerKey(sum))
        # term -> df over all partitions
        term_df = (counts[TERMS] | "TermKey" >> beam.Map(lambda kv: (kv[0][2], kv[1]))
                   | "TermDf" >> beam.CombinePerKey(sum))
        # (term, anchor) -> df, then term -> [(anchor, df)]
        pair_df = (counts[PAIRS] | "PairKey" >> beam.Map(lambda kv: ((kv[0][2], kv[0][3]), kv[1]))
                   | "PairDf" >> beam.CombinePerKey(sum)
                   | "ByTerm" >> beam.Map(lambda kv: (kv[0][0], (kv[0][1], kv[1]))))
        entries = (
            {"df": term_df, "pairs": pair_df}
            | "JoinTermAndPairs" >> beam.CoGroupByKey()
            | "Score" >> beam.FlatMap(
                _entry_for_term, n=beam.pvalue.AsSingleton(n_posts),
                anchor_df=beam.pvalue.AsDict(anchor_df), seeds=seeds, options=options)
        )
        version = (counts[TOTALS] | "WindowList" >> beam.combiners.ToList()
                   | "Version" >> beam.Map(lambda totals: lexicon_version(
                       seeds, options, [(m, p, c) for (m, p), c in totals])))
        return entries, version


def _entry_for_term(joined, n, anchor_df, seeds, options):
    term, grouped = joined
    if not grouped["df"]:
        return
    entry = lexicon_entry(term, grouped["df"][0], dict(grouped["pairs"]), anchor_df, n, seeds, options)
    if entry is not None:
        yield entry


def _score_row(post: dict, lexicon: dict, version: str, options: ScoringOptions) -> dict:
    scores = score_post(post["tokens"], lexicon, options)
    return {"platform": post["platform"], "post_id": post["post_id"], "month": post["month"],
            **scores, "topics": post["topics"], "lexicon_version": version,
            "tokenizer_version": TOKENIZER_VERSION}


def _accounting_rows(joined):
    path, parts = joined
    read, accepted, dups = (sum(parts[k]) for k in ("read", "accepted", "duplicates"))
    rejected = sum(parts["rejected"])
    return {"source_file": path, "records_read": read, "accepted": accepted,
            "rejected": rejected, "duplicates": dups}


def build_pipeline(p: beam.Pipeline, settings: JobSettings) -> None:
    """Add the whole job to pipeline `p`."""
    out = settings.output
    read = p | "ReadPosts" >> ReadPosts(list(settings.inputs), settings.source)
    in_window, outside = read.posts | "KeepWindow" >> KeepWindow(settings.window)
    rejects = (read[REJECTS], outside) | "AllRejects" >> beam.Flatten()
    posts, duplicates = in_window | "DropDuplicates" >> DropDuplicates()
    prepared = posts | "Tokenize" >> beam.Map(prepare_post, seeds=settings.seeds)
    counts = prepared | "CountPresence" >> CountPresence()
    entries, version = counts | "BuildLexicon" >> BuildLexicon(settings.seeds, settings.lexicon)
    lexicon = entries | "LexiconByTerm" >> beam.Map(lambda e: (e.term, e))
    scores = prepared | "ScorePosts" >> beam.Map(
        _score_row, lexicon=beam.pvalue.AsDict(lexicon), version=beam.pvalue.AsSingleton(version),
        options=settings.scoring)

    def write(table: str, rows) -> None:
        rows | f"Write {table}" >> WriteTable(out, table)

    write("posts", posts | "PostRows" >> beam.Map(lambda post: {k: post[k] for k in POST_FIELDS}))
    write("post_scores", scores)
    for table, name in ((TOTALS, "totals"), (TERMS, "term_counts"), (ANCHORS, "anchor_counts"),
                        (PAIRS, "anchor_pair_counts")):
        write(name, counts[table] | f"{name}Rows" >> beam.Map(count_rows(name)))
    write("lexicon", entries | "LexiconRows" >> beam.Map(
        _lexicon_row, version=beam.pvalue.AsSingleton(version)))
    write("rejects", rejects)

    per_file = {
        "read": read[FILE_READS],
        "rejected": rejects | "RejectFile" >> beam.Map(lambda r: (r["source_file"], 1)),
        "accepted": posts | "AcceptedFile" >> beam.Map(lambda post: (post["source_file"], 1)),
        "duplicates": duplicates | "DupFile" >> beam.Map(lambda path: (path, 1)),
    }
    ({k: v | f"Sum{k}" >> beam.CombinePerKey(sum) for k, v in per_file.items()}
     | "JoinAccounting" >> beam.CoGroupByKey()
     | "AccountingRows" >> beam.Map(_accounting_rows)
     | "Write file_accounting" >> WriteTable(out, "file_accounting"))


def _lexicon_row(entry: LexiconEntry, version: str) -> dict:
    return {"lexicon_version": version, **entry.as_row()}


def add_job_arguments(parser: argparse.ArgumentParser) -> None:
    """The job's own flags (shared by `python -m pipelines.job` and the CLI)."""
    parser.add_argument("--input", nargs="+", required=True, help="input files or globs")
    parser.add_argument("--seeds", default=None, help="seed TOML (default: lexicons/seeds.toml)")
    parser.add_argument("--format", default="auto", choices=FORMATS)
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
        source=SourceOptions(args.format, args.platform, args.author_salt or ""),
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
    """Build and run the job to completion."""
    with beam.Pipeline(options=pipeline_options(beam_args or [])) as p:
        build_pipeline(p, settings)


def run(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    add_job_arguments(parser)
    parser.add_argument("--output", required=True, help="folder for the Parquet tables")
    args, beam_args = parser.parse_known_args(argv)
    run_job(settings_from_args(args, args.output), beam_args)


if __name__ == "__main__":
    logging.getLogger().setLevel(logging.INFO)
    run()
