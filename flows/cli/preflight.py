"""Checks of a command line before Prefect or Beam start.

Every mistake a user can make on the command line fails here, in about a second, as one
`UsageError` line — not minutes later inside a flow run, after retries and tracebacks.
Nothing here imports Prefect; Beam is imported only to learn its own option names.
"""

from __future__ import annotations

import difflib
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Mapping

from pipelines.errors import BadInput
from pipelines.reading.inputs import Inputs, NoInputFiles, find_inputs
from pipelines.reading.posts import PLATFORMS, RecordError, canonical_platform, missing_fields, parse_timestamp

if TYPE_CHECKING:
    from flows.options import RunOptions
    from pipelines.options import JobOptions

FIRST_RECORDS = 20  # records per input file looked at for missing fields
DUCKDB_MAGIC = b"DUCK"  # bytes 8..12 of every DuckDB database file
# Column names that usually hold a canonical field, for the --columns suggestion.
LIKELY_COLUMNS = {
    "post_id": ("id", "tweet_id", "status_id", "comment_id", "post_id", "uid", "cid"),
    "text": ("text", "body", "content", "message", "tweet", "full_text", "comment", "selftext"),
    "created_at": ("created_at", "date", "time", "timestamp", "ts", "created", "created_utc", "when",
                   "datetime", "published_at"),
    "platform": ("platform", "site", "network"),
}


#: how a UTF-16 file begins (little- and big-endian): spreadsheets save "Unicode text" so
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


class UsageError(BadInput, ValueError):
    """A command-line mistake; the message is the one line the user sees."""


def check_run(options: RunOptions, own_options: Iterable[str]) -> Inputs:
    """Validate the options of a `mipulse run` (the model has checked each value alone); return the input
    files they name.

    Checks that need no Beam come first (importing Beam alone takes about a second).
    """
    inputs, columns = _inputs_and_columns(options)
    check_database(options.db)
    check_author_key(options.db)
    check_out_folder(options.out_dir(), options.out)
    _check_records(inputs, columns, options)
    check_beam_args(options.beam_args, own_options)
    if options.lexicon:  # read whole (~0.8 s per 77,000 rows): an edited row is refused here too, in one line
        from pipelines.induction.lexicon import LexiconFileError, read_lexicon

        try:
            read_lexicon(options.lexicon)
        except LexiconFileError as exc:
            raise UsageError(str(exc)) from None
    check_labelled(options.labelled)
    return inputs


def check_labelled(path: str | None) -> None:
    """A --labelled file must exist and hold at least one post labelled negative, neutral or positive."""
    if path is None:
        return
    from pipelines.evaluation.labelled import LabelledFileError, sentiment_labelled_posts

    try:
        sentiment_labelled_posts(path)
    except LabelledFileError as exc:
        raise UsageError(str(exc)) from None


def check_files_exist(files: Mapping[str, str | None]) -> None:
    """Each file given (option -> path; None: not given) must exist: a missing one is named in one line."""
    for option, path in files.items():
        if path is not None and not os.path.isfile(path):
            raise UsageError(f"{option} {path}: " + ("is a folder, not a file" if os.path.isdir(path)
                                                     else "no such file"))


def check_beam_args(beam_args: list[str], own_options: Iterable[str]) -> None:
    """Options mipulse does not know pass to Beam only if Beam knows them; anything else is a mistake."""
    if not beam_args:
        return
    for token in beam_args:
        name = token.split("=", 1)[0]
        if name.startswith("--") and "-" in name[2:]:  # Beam spells every option with underscores
            raise UsageError(_unknown_option(name, own_options))
    strays = _values_without_option(beam_args)
    if strays:
        raise UsageError(f"unexpected argument {strays[0]!r}; put several inputs after one --input")
    from apache_beam.options.pipeline_options import PipelineOptions

    from pipelines import no_basic_config

    with no_basic_config():
        options = PipelineOptions(beam_args)
    # Beam's own parser with and without the options it does not know: the difference is the unknown ones.
    beam_logger = logging.getLogger("apache_beam.options.pipeline_options")
    level = beam_logger.level
    beam_logger.setLevel(logging.ERROR)  # its "Discarding unparseable args" warning: the error below says it
    try:
        unknown = set(options.get_all_options(retain_unknown_options=True)) - set(options.get_all_options())
    finally:
        beam_logger.setLevel(level)
    for token in beam_args:
        if not token.startswith("-"):
            continue
        name = token.split("=", 1)[0]
        if name.lstrip("-") in unknown:
            raise UsageError(_unknown_option(name, own_options))


def _unknown_option(name: str, own_options: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(own_options), n=1)
    hint = f" (did you mean {close[0]}?)" if close else ""
    return f"unknown option {name}{hint}; see mipulse run --help (only Beam's own pipeline options pass through)"


def _values_without_option(beam_args: list[str]) -> list[str]:
    strays, previous = [], None
    for token in beam_args:
        if not token.startswith("-") and not (previous and previous.startswith("-") and "=" not in previous):
            strays.append(token)
        previous = token
    return strays


def check_database(db: str) -> None:
    """--db must be a DuckDB file, or a path where one can be created."""
    path = Path(db)
    if path.is_dir():
        raise UsageError(f"--db {db} is a folder; give a file name such as {path / 'mipulse.duckdb'}")
    if path.exists():
        with open(path, "rb") as handle:
            header = handle.read(12)
        if header[8:12] != DUCKDB_MAGIC:
            raise UsageError(f"--db {db} is not a DuckDB database file (nothing was written to it)")
        return
    _require_creatable(path, f"--db {db}")


def check_lexicon_inputs(options: JobOptions) -> Inputs:
    """`mipulse lexicon build --input`: the input files, whose first records must make posts, as for a run."""
    inputs, columns = _inputs_and_columns(options)
    _check_records(inputs, columns, options)
    return inputs


def _inputs_and_columns(options: JobOptions) -> tuple[Inputs, tuple[tuple[str, str], ...]]:
    from pipelines.config import SeedConfigError, load_seeds
    from pipelines.reading.readers import parse_columns

    try:
        inputs = find_inputs(options.inputs)
        columns = parse_columns(options.columns)
        load_seeds(options.seeds)
    except (NoInputFiles, ValueError, SeedConfigError) as exc:
        raise UsageError(str(exc)) from None
    platform = options.default_platform
    if platform and canonical_platform(platform) not in PLATFORMS:
        raise UsageError(f"--platform {platform!r} is not one of {', '.join(PLATFORMS)}")
    return inputs, columns


def _check_records(inputs: Inputs, columns: tuple[tuple[str, str], ...], options: JobOptions) -> None:
    for path in inputs.files:
        check_required_fields(path, options.input_format, columns, options.default_platform,
                              options.undated_as is not None)


def check_author_key(db: str) -> None:
    """The author key must be the one a database's author keys were made with: a missing or other key
    is refused here, in one line (refused inside the flow, it had come with Prefect's traceback, four
    times). A new database needs none yet: its first run makes or reads the key."""
    import duckdb

    from flows.store.keys import secret_for, stored_fingerprint
    from pipelines.reading.authors import AuthorKeyError

    try:
        if stored_fingerprint(db) is not None:
            secret_for(db)
    except AuthorKeyError as exc:
        raise UsageError(str(exc)) from None
    except duckdb.Error:  # another process is writing it: the run checks again once it can read
        return


def check_out_folder(folder: Path, given: str | None) -> None:
    """The output folder (--out, or a run's <DB name>-out) must be a folder or a path where one can be
    created: a file there had failed a run after its whole Beam job, and a report with a traceback."""
    what = f"--out {given}" if given else f"the output folder {folder} (--out)"
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{what} is a file, not a folder")
    if not folder.exists():
        _require_creatable(folder, what)


def _require_creatable(path: Path, what: str) -> None:
    parent = path.parent if str(path.parent) else Path(".")
    existing = next(p for p in (parent, *parent.parents) if p.exists())
    if not existing.is_dir() or not os.access(existing, os.W_OK):
        raise UsageError(f"{what}: cannot create it, {existing} is not a writable folder")


def check_required_fields(path: str, input_format: str, mapping: tuple[tuple[str, str], ...],
                          default_platform: str | None, undated: bool) -> None:
    """The first records of a file must carry every required field; else name them all and a mapping."""
    from pipelines.reading.readers import Unreadable, read_flat_records

    seen, lacking, first = 0, None, {}
    with open(path, "rb") as stream:
        if stream.read(2) in UTF16_BOMS:
            raise UsageError(f"{path} is UTF-16 text; save it as UTF-8 (mipulse reads UTF-8 only)")
        stream.seek(0)
        for _, record in read_flat_records(path, stream, input_format, mapping):
            if seen >= FIRST_RECORDS:
                break
            if isinstance(record, Unreadable):
                continue
            seen += 1
            missing = set(missing_fields(record, default_platform, undated))
            lacking = missing if lacking is None else lacking & missing
            first = first or record
    columns = list(first)
    if lacking:
        ordered = [f for f in ("platform", "post_id", "created_at", "text") if f in lacking]
        mapped = dict(mapping)
        wrong = [f"{field}={mapped[field]}" for field in ordered if field in mapped]
        if wrong:  # the records hold the mapped fields only as the mapping's own empty values
            raise UsageError(f"{path}: --columns {','.join(wrong)}: the records have no such column (columns: "
                             f"{', '.join(c for c in columns if c not in mapped)})")
        raise UsageError(f"{path}: records have no {', '.join(ordered)} (columns: {', '.join(columns)}); "
                         f"{suggest_mapping(ordered, columns, first)}")


def suggest_mapping(missing: list[str], columns: list[str], first: Mapping | None = None) -> str:
    """'try --columns post_id=tweet_id,text=body --platform twitter|reddit|youtube' for the fields missing;
    a platform column is mapped like the others (one --platform for every row would hide it). With the
    file's first record, created_at is suggested only as a column whose value is a time mipulse reads."""
    platform_column = _named_column("platform", columns)
    pairs = [f"{field}={platform_column if field == 'platform' else _likely_column(field, columns, first)}"
             for field in missing if field != "platform" or platform_column]
    parts = [f"--columns {','.join(pairs)}"] if pairs else []
    if "platform" in missing and not platform_column:
        parts.append(f"--platform {'|'.join(PLATFORMS)}")
    hint = " (or --undated-as YYYY-MM for an undated corpus)" if "created_at" in missing else ""
    return f"map them, e.g. {' '.join(parts)}{hint}"


def _likely_column(field: str, columns: list[str], first: Mapping | None) -> str:
    """The column of a usual name, else one of a close name, else (for created_at) the first
    column holding a time; "COLUMN" when none is."""
    timed = field == "created_at" and first is not None
    if timed:  # youtube-comment-downloader's "time" is "1 year ago"; its "time_parsed" a time
        columns = [c for c in columns if _reads_as_time(first.get(c))]
    close = difflib.get_close_matches(field, columns, n=1, cutoff=0.6) or (columns[:1] if timed else [])
    return _named_column(field, columns) or (close[0] if close else "COLUMN")


def _reads_as_time(value: object) -> bool:
    try:
        parse_timestamp(value)
    except RecordError:
        return False
    return True


def _named_column(field: str, columns: list[str]) -> str | None:
    """The column whose name, in any case, is one of the field's usual names."""
    lowered = {c.lower(): c for c in columns}
    return next((lowered[name] for name in LIKELY_COLUMNS.get(field, ()) if name in lowered), None)


def check_report(db: str, platform: str | None, labelled: str | None = None, from_year: int | None = None,
                 to_year: int | None = None) -> None:
    """`mipulse report`: the DB must exist and hold posts of the platform and years asked for; a
    labelled file must hold sentiment-labelled posts."""
    if not Path(db).is_file():
        raise UsageError(f"--db {db}: no such database file")
    check_database(db)
    check_labelled(labelled)
    if from_year is not None and to_year is not None and from_year > to_year:
        raise UsageError(f"--from {from_year} is after --to {to_year}")
    import duckdb

    import sql
    from flows.reporting.window import check_window_has_posts
    from flows.store.db import query

    try:
        if platform is not None:
            present = [r[0] for r in query(db, sql.read("report_platforms.sql"))[1]]
            if platform not in present:
                close = difflib.get_close_matches(platform.lower(), present, n=1, cutoff=0.5)
                hint = f"did you mean {close[0]}? " if close else ""
                raise UsageError(f"--platform {platform!r}: no posts of that platform in {db}; {hint}"
                                 f"platforms with posts: {', '.join(present) or 'none'}")
        check_window_has_posts(db, from_year, to_year, platform)  # as the scheduled yearly report
    except duckdb.CatalogException:
        raise UsageError(f"--db {db} holds no mipulse data yet; load some with mipulse run") from None
