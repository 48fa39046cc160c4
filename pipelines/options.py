"""The Beam job's options, declared once: each field's flag, default, help and check.

`JobOptions` is a pydantic model. `add_arguments` turns any such model into argparse flags
(`python -m pipelines.job` and `mipulse run` use it; `flows.options.RunOptions` adds the
run's own fields), `from_namespace` turns parsed flags back into the model, and
`JobOptions.job_settings` into the job's `JobSettings`. Adding a job option means adding a
field here and using it in `job_settings`.

Building a parser imports neither Beam nor spaCy (`pipelines.reading.readers` and `pipelines.reading.months`
are light): `mipulse` parses and checks a command line in about a second, before they load.
"""

from __future__ import annotations

import argparse
import types
import typing
from dataclasses import dataclass
from typing import Annotated, Any, Callable, Literal, Optional, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator

from pipelines.reading.months import check_undated_month, check_window
from pipelines.reading.posts import ENGLISH, language_code
from pipelines.reading.readers import FORMATS

DEFAULT_RUNNER = "FnApiRunner"  # named explicitly: DirectRunner first tries to download Prism
# LexiconSpec.min_df (pipelines.induction.induce imports Beam and spaCy); tests/test_cli_output.py keeps them equal.
MIN_DF_DEFAULT = 5

Model = TypeVar("Model", bound=BaseModel)


@dataclass(frozen=True)
class Flag:
    """How a field appears on the command line, beyond its name, default and help.

    name: the flag (default: --field-name); metavar: as argparse's; parse: argparse `type`
    for a value that needs more than the field's type; negated: a True-by-default bool
    whose flag (e.g. --no-report) turns it off; hidden: no flag at all (set by the caller).
    """

    name: str | None = None
    metavar: str | None = None
    parse: Callable[[str], Any] | None = None
    negated: bool = False
    hidden: bool = False


class HelpFormatter(argparse.HelpFormatter):
    """Shows an option's default after its help, unless the help already says it."""

    def _get_help_string(self, action: argparse.Action) -> str:
        help_text = action.help or ""
        shown = action.default is not None and not isinstance(action.default, bool) and action.default != argparse.SUPPRESS
        if action.option_strings and shown and "default" not in help_text:
            help_text += " (default: %(default)s)"
        return help_text


class _RefuseSecretFlag(argparse.Action):
    """The author key was once a flag: refuse it (flags show in `ps` and in stored flow
    parameters) rather than pass it on to Beam as an unknown option."""

    def __call__(self, parser, namespace, values, option_string=None):
        parser.error(f"{option_string} is not accepted (a flag shows in ps and in Prefect's stored "
                     "parameters): set MIPULSE_AUTHOR_SALT or use the key file, see docs/privacy.md")


def language_codes(codes: list[str]) -> list[str]:
    """--languages: languages as Twitter writes them (`language_code`: en-GB and eng are en), or 'all' alone."""
    if "all" in (code.strip().lower() for code in codes):
        if len(codes) > 1:
            raise ValueError("--languages: all keeps every language; give it alone")
        return ["all"]
    known = [language_code(code) for code in codes]
    for code, given in zip(known, codes):
        if code is None:
            raise ValueError(f"--languages: {given!r} is not a language code (two or three letters: en, es, pt)")
    return known


def undated_as_month(month: str | None) -> str | None:
    """--undated-as: None, or a month `check_undated_month` accepts."""
    return None if month is None else check_undated_month(month)


def kept_languages(codes: list[str]) -> tuple[str, ...] | None:
    """--languages as `SourceOptions.languages`: the codes, or None for all."""
    codes = language_codes(codes)
    return None if codes == ["all"] else tuple(codes)


class JobOptions(BaseModel):
    """What the Beam job reads, which posts it keeps and how it builds its lexicon (never the author key:
    options are stored and shown; the secret comes from the environment or the key file)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    inputs: Annotated[list[str], Flag(name="--input"), Field(
        min_length=1, description="input files, folders (their supported files, recursively) or globs")]
    seeds: Optional[str] = Field(None, description="seed TOML (default: lexicons/seeds.toml)")
    input_format: Annotated[Literal[FORMATS], Flag(name="--format")] = Field(
        "auto", description="input format (default: by extension, then by the first record's shape)")
    columns: Optional[str] = Field(
        None, description="CSV/JSONL/Parquet column mapping, e.g. text=body,created_at=ts,author=user.id")
    undated_as: Annotated[Optional[str], Flag(metavar="YYYY-MM"), AfterValidator(undated_as_month)] = Field(
        None, description="month given to records without any created_at (default: reject them)")
    default_platform: Annotated[Optional[str], Flag(name="--platform")] = Field(
        None, description="platform for records that lack one")
    lexicon: Annotated[Optional[str], Flag(metavar="PATH")] = Field(
        None, description="score with this lexicon file (from `mipulse lexicon build` or `export`); default: "
                          "the lexicon in force in --db, or (new database) one built from the run's own posts")
    min_df: int = Field(MIN_DF_DEFAULT, ge=1, description="posts a term needs before the corpus gives it a value")
    from_month: Optional[str] = Field(
        None, description="first month to load, YYYY-MM (posts before it become 'outside date range' rejects)")
    to_month: Optional[str] = Field(None, description="last month to load, YYYY-MM (inclusive)")
    platforms: Optional[list[str]] = Field(None, description="load only these platforms")
    languages: Annotated[list[str], Flag(metavar="CODE"), AfterValidator(language_codes)] = Field(
        list(ENGLISH), description="keep the posts of these languages where an export names one (Twitter's lang; "
                                   "all: every language); others become 'language xx not selected' rejects "
                                   "(default: en, the lexicons' language)")
    runner: str = Field(DEFAULT_RUNNER, description=f"Beam runner (default: {DEFAULT_RUNNER}, in-process)")

    @model_validator(mode="after")
    def _window_is_valid(self) -> "JobOptions":
        check_window(self.from_month, self.to_month, tuple(self.platforms or ()))
        return self

    def window(self):
        """The months and platforms the run keeps (`PostWindow`)."""
        from pipelines.reading.window import PostWindow

        return PostWindow(self.from_month, self.to_month, tuple(self.platforms or ()))

    def job_settings(self, output: str, files: tuple[str, ...] | None = None, secret: str | None = None,
                     lexicon_file: str | None = None, loaded_posts: str | None = None):
        """The job's `JobSettings`: `files` default to what `inputs` names, `lexicon_file` to `lexicon`.

        The author-key secret is resolved here and only here: the one given (`mipulse run`
        checks it against the database first, `flows.store.keys.secret_for`), else
        `$MIPULSE_AUTHOR_SALT` or the key file; never an empty one.
        """
        from pipelines.reading.authors import read_secret
        from pipelines.config import load_seeds
        from pipelines.induction.induce import LexiconSpec
        from pipelines.reading.inputs import find_inputs
        from pipelines.job import JobSettings
        from pipelines.reading.sources import SourceOptions

        return JobSettings(
            inputs=tuple(find_inputs(self.inputs).files if files is None else files),
            output=output,
            seeds=load_seeds(self.seeds),
            source=SourceOptions(self.input_format, self.default_platform, secret or read_secret(), self.columns,
                                 self.undated_as, kept_languages(self.languages)),
            lexicon=LexiconSpec(min_df=self.min_df),
            window=self.window(),
            lexicon_file=lexicon_file or self.lexicon,
            loaded_posts=loaded_posts,
            runner=self.runner,
        )


def add_arguments(parser: argparse.ArgumentParser, model: type[BaseModel], only: tuple[str, ...] = ()) -> None:
    """One argparse flag per field of `model` (or of the fields named in `only`), dest = field name."""
    for name, field in model.model_fields.items():
        if only and name not in only:
            continue
        flag = _flag(field)
        if flag.hidden:
            continue
        option = option_of(model, name)
        kwargs: dict[str, Any] = {"dest": name, "help": field.description}
        value_type = _without_none(field.annotation)
        if value_type is bool:
            kwargs["action"] = "store_false" if flag.negated else "store_true"
        else:
            if field.is_required():
                kwargs["required"] = True
            else:
                kwargs["default"] = field.default
            if typing.get_origin(value_type) is list:
                kwargs["nargs"] = "+"
            elif typing.get_origin(value_type) is Literal:
                kwargs["choices"] = typing.get_args(value_type)
            elif value_type is int:
                kwargs["type"] = int
            if flag.parse:
                kwargs["type"] = flag.parse
            if "choices" not in kwargs:
                kwargs["metavar"] = flag.metavar or option.lstrip("-").replace("-", "_").upper()
        parser.add_argument(option, **kwargs)
    if model is JobOptions or (issubclass(model, JobOptions) and not only):
        parser.add_argument("--author-salt", action=_RefuseSecretFlag, help=argparse.SUPPRESS)


def _flag(field) -> Flag:
    return next((m for m in field.metadata if isinstance(m, Flag)), Flag())


def option_of(model: type[BaseModel], name: str) -> str:
    """The command-line flag of the model's field `name`."""
    return _flag(model.model_fields[name]).name or "--" + name.replace("_", "-")


def add_job_arguments(parser: argparse.ArgumentParser) -> None:
    """The job's own flags (shared by `python -m pipelines.job` and the CLI)."""
    add_arguments(parser, JobOptions)


def from_namespace(model: type[Model], args: argparse.Namespace) -> Model:
    """The model of parsed flags; a bad value raises ValueError with the check's own message."""
    values = {name: getattr(args, name) for name in model.model_fields if hasattr(args, name)}
    try:
        return model(**values)
    except ValidationError as exc:
        raise ValueError(first_problem(exc, model)) from None


def first_problem(error: ValidationError, model: type[BaseModel]) -> str:
    """A validation error of `model`'s flags in one line: a check's own message, else pydantic's
    with the flag."""
    problem = error.errors()[0]
    raised = problem.get("ctx", {}).get("error")
    if isinstance(raised, Exception):
        return str(raised)
    loc = list(problem["loc"])
    if loc and loc[0] in model.model_fields:
        loc[0] = option_of(model, loc[0])
    where = ".".join(str(part) for part in loc)
    return f"{where}: {problem['msg']}" if where else problem["msg"]


def replicate_count(value: int) -> int:
    """--interval-replicates: 0 (Wilson intervals only) or a bootstrap of at least 2 lexicons."""
    if value < 0 or value == 1:
        raise ValueError(f"{value!r}: {REPLICATES_RULE}")
    return value


REPLICATES_RULE = "give 0 (Wilson intervals only) or 2 or more replicates"
#: the help's default of --interval-replicates: pipelines.induction.bootstrap.DEFAULT_REPLICATES (a test keeps
#: them equal; importing bootstrap here would cost every command ~0.1 s of SciPy)
INTERVAL_REPLICATES_DEFAULT = 10
ReplicateCount = Annotated[int, AfterValidator(replicate_count)]


def parse_replicate_count(text: str) -> int:
    """argparse `type` of --interval-replicates: the rule of `replicate_count`, quoting what was typed."""
    try:
        return replicate_count(int(text))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: {REPLICATES_RULE}") from None


def _without_none(annotation: Any) -> Any:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        rest = [a for a in typing.get_args(annotation) if a is not type(None)]
        return rest[0] if len(rest) == 1 else annotation
    return annotation
