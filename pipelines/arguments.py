"""The Beam job's own command-line flags, shared by `python -m pipelines.job` and `mipulse run`.

Kept apart from `pipelines.job` so that building the parser imports neither Beam nor spaCy:
`mipulse` parses and checks a command line in about a second, before any of them load.
"""

from __future__ import annotations

import argparse

from pipelines.readers import FORMATS

# LexiconSpec.min_df (pipelines.induce imports Beam and spaCy); tests/test_cli_output.py keeps them equal.
MIN_DF_DEFAULT = 5


class _RefuseSecretFlag(argparse.Action):
    """The author key was once a flag: refuse it (flags show in `ps` and in stored flow
    parameters) rather than pass it on to Beam as an unknown option."""

    def __call__(self, parser, namespace, values, option_string=None):
        parser.error(f"{option_string} is not accepted (a flag shows in ps and in Prefect's stored "
                     "parameters): set MIPULSE_AUTHOR_SALT or use the key file, see docs/privacy.md")


def add_job_arguments(parser: argparse.ArgumentParser) -> None:
    """The job's own flags (shared by `python -m pipelines.job` and the CLI)."""
    parser.add_argument("--input", nargs="+", required=True,
                        help="input files, folders (their supported files, recursively) or globs")
    parser.add_argument("--seeds", default=None, help="seed TOML (default: lexicons/seeds.toml)")
    parser.add_argument("--format", default="auto", choices=FORMATS,
                        help="input format (default: by extension, then by the first record's shape)")
    parser.add_argument("--columns", default=None,
                        help="CSV/JSONL/Parquet column mapping, e.g. text=body,created_at=ts,author=user.id")
    parser.add_argument("--undated-as", default=None, metavar="YYYY-MM",
                        help="month given to records without any created_at (default: reject them)")
    parser.add_argument("--platform", default=None, help="platform for records that lack one")
    parser.add_argument("--author-salt", action=_RefuseSecretFlag, help=argparse.SUPPRESS)
    parser.add_argument("--lexicon", default=None, metavar="PATH",
                        help="score with this lexicon file (from `mipulse lexicon build` or `export`); default: "
                             "the lexicon in force in --db, or (new database) one built from the run's own posts")
    parser.add_argument("--min-df", type=int, default=MIN_DF_DEFAULT,
                        help="posts a term needs before the corpus gives it a value")
    parser.add_argument("--from-month", default=None, help="first month to load, YYYY-MM (posts before "
                        "it become 'outside date range' rejects)")
    parser.add_argument("--to-month", default=None, help="last month to load, YYYY-MM (inclusive)")
    parser.add_argument("--platforms", nargs="+", default=None, help="load only these platforms")
