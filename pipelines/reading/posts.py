"""The canonical post and the pure parsing of one input record into a post or a reject."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Any, Mapping

from pipelines.reading.authors import author_key
from pipelines.reading.excerpts import allowed_values
from pipelines.text.mentions import AT_SIGNS, MENTION, RETWEET_MENTION

PLATFORMS = ("twitter", "reddit", "youtube")
#: other names of a platform in exports: Twitter is X since 2023
PLATFORM_ALIASES = {"x": "twitter", "twitter/x": "twitter", "x/twitter": "twitter", "x (twitter)": "twitter"}
#: the languages a run keeps by default: the lexicons' language (VADER, EmoLex and the seeds are English)
ENGLISH = ("en",)
#: language codes that name no language (Twitter's: undetermined, only links, hashtags, mentions,
#: cashtags or too short; ISO's "no linguistic content"): such posts are kept whatever --languages says
NO_LANGUAGE = frozenset({"und", "zxx", "qme", "qht", "qam", "qct", "qst", "art"})
#: other ways exports write a language (ISO 639-2/3 codes, as language detectors give them; English
#: names, as spreadsheets do) -> the two-letter code Twitter writes
LANGUAGE_ALIASES = {
    alias: code for code, aliases in {
        "en": ("eng", "english"), "es": ("spa", "spanish"), "fr": ("fra", "fre", "french"),
        "de": ("deu", "ger", "german"), "pt": ("por", "portuguese"), "it": ("ita", "italian"),
        "nl": ("nld", "dut", "dutch"), "ru": ("rus", "russian"), "ja": ("jpn", "japanese"),
        "zh": ("zho", "chi", "chinese"), "ar": ("ara", "arabic"), "hi": ("hin", "hindi"),
        "id": ("ind", "indonesian"), "tr": ("tur", "turkish"), "ko": ("kor", "korean"), "pl": ("pol", "polish"),
        "sv": ("swe", "swedish"), "tl": ("tgl", "fil", "tagalog", "filipino"),
    }.items() for alias in aliases}
EARLIEST = datetime(2005, 1, 1, tzinfo=timezone.utc)  # before any supported platform existed
LATEST = datetime(2100, 1, 1, tzinfo=timezone.utc)
#: how far past this machine's clock a created_at may be (clocks that run fast, zones written wrong);
#: beyond it a post is a reject "created_at in the future", not a point at the end of every chart
FUTURE_MARGIN = timedelta(days=1)
_EARLIEST_EPOCH, _LATEST_EPOCH = EARLIEST.timestamp(), LATEST.timestamp()
EXCERPT_CHARS = 200
MAX_TEXT_CHARS = 100_000

# a mention (pipelines.text.mentions), also right after a retweet's "RT"; Reddit's /u/handle and
# u/handle, not after a word character or a slash. (Every alternative starts with a character,
# the look-behinds after it, so that the regex engine skips ahead to the next candidate.)
_REDDIT_USER = "[A-Za-z0-9_-]{3,30}"
_MENTION_RE = re.compile(rf"(?P<rt>{RETWEET_MENTION})|{MENTION}"
                         rf"|/(?<![\w/]/)[uU]/{_REDDIT_USER}|[uU](?<![\w/][uU])/{_REDDIT_USER}")
#: a text without any of these has no mention
_MENTION_MARKS = (*AT_SIGNS, "u/", "U/")
_LONE_SURROGATE_RE = re.compile("[\ud800-\udfff]")
_EPOCH_RE = re.compile(r"^\s*\d+(?:\.\d*)?\s*$")
_UTC_NAME_RE = re.compile(r"\s*(?:UTC|GMT)$", re.IGNORECASE)
_ID_FIELDS = ("post_id", "id", "id_str")
#: an id written in scientific notation, as spreadsheets save long numbers ("1.23457E+18"); the
#: "+" tells it from a base-36 Reddit id such as "3e8"
_SCIENTIFIC_RE = re.compile(r"^\s*\d+(?:\.\d*)?[eE]\+\d+\s*$")
#: floats represent every integer exactly only up to here
_EXACT_FLOAT_INTEGERS = 2 ** 53
ROUNDED_ID = "post_id is a rounded number (scientific notation or a float): export ids as text"
#: what Reddit puts where a text was deleted or removed: "[deleted]", "[removed]" and the longer
#: forms such as "[ Removed by Reddit ]" or "[deleted by user]"
_REDDIT_PLACEHOLDER_RE = re.compile(r"\[\s*(?P<gone>deleted|removed)(?:\s+by\s+(?:reddit|moderator|user)"
                                    r"(?:\s+(?:on account of|in response to)\b.*)?)?\s*\]", re.IGNORECASE | re.DOTALL)
_AUTHOR_FIELDS = ("author", "author_id", "user", "username", "author_name")


@dataclass(frozen=True)
class Reject:
    """An input record that did not become a post, and why."""

    source_file: str
    record_no: int
    reason: str
    excerpt: str

    def as_row(self) -> dict:
        return {"source_file": self.source_file, "record_no": self.record_no,
                "reason": repair_text(self.reason), "excerpt": repair_text(self.excerpt[:EXCERPT_CHARS])}


class RecordError(ValueError):
    """A record that cannot be a post; the message is the reject reason."""


def redact_mentions(text: str) -> str:
    """Replace every mention (@handle, RT@handle, ＠handle, u/handle) with '@user' so raw
    handles never reach disk."""
    if not any(mark in text for mark in _MENTION_MARKS):
        return text
    return _MENTION_RE.sub(lambda m: " @user" if m.group("rt") is not None else "@user", text)


def canonical_text(text: str) -> str:
    """A post's text as mipulse keeps and scores it: lone surrogates repaired, mentions redacted. The
    one rule for the posts a run reads and the labelled posts a lexicon is trained and evaluated on
    (`pipelines.evaluation.labelled`): a Reddit comment naming u/someone had been scored with other
    tokens by `evaluate` than by `run`, with the same lexicon."""
    return redact_mentions(repair_text(text))


def repair_text(text: str) -> str:
    """Lone UTF-16 surrogates (a truncated emoji's escape, valid JSON) become U+FFFD: they
    cannot be encoded as UTF-8, so Parquet and DuckDB could not store the text."""
    return text if text.isascii() else _LONE_SURROGATE_RE.sub("\ufffd", text)


def safe_excerpt(raw: str) -> str:
    """A short excerpt of a raw record for a reject row: only allow-listed values (see
    `pipelines.reading.excerpts`), mentions redacted."""
    return redact_mentions(allowed_values(raw[: EXCERPT_CHARS * 4]))[:EXCERPT_CHARS]


def parse_timestamp(value: Any, now: datetime | None = None) -> datetime:
    """When a record was posted, as an aware UTC datetime; RecordError if invalid, out of range
    or later than `now` (an aware datetime; the clock's time when None) plus FUTURE_MARGIN.

    Read: ISO 8601 text (its zone also written " UTC" or " GMT"); RFC 2822 text, Twitter's "Wed Oct 10 20:19:24 +0000 2018" included;
    epoch seconds, or epoch milliseconds when the number is in range only as those (a number
    or its digits; in range neither way, such as a bare year "2018", it is unparseable); a
    datetime; a date (its midnight, UTC). Times without a zone are UTC.
    """
    if value is None or value == "":
        raise RecordError("missing created_at")
    try:
        moment = _moment(value)
    except (TypeError, ValueError, IndexError, OverflowError, OSError):
        raise RecordError("unparseable created_at") from None
    moment = moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)
    if not EARLIEST <= moment < LATEST:
        raise RecordError("created_at out of range")
    if moment > (now or datetime.now(timezone.utc)) + FUTURE_MARGIN:
        raise RecordError("created_at in the future")
    return moment


def _moment(value: Any) -> datetime:
    if isinstance(value, bool):
        raise TypeError
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime.combine(value, time())
    if isinstance(value, (int, float)) or (isinstance(value, str) and _EPOCH_RE.match(value)):
        return _epoch_moment(float(value))
    if isinstance(value, str):
        return _text_moment(value.strip())
    raise TypeError


def _epoch_moment(number: float) -> datetime:
    """Epoch seconds, else epoch milliseconds: whichever falls between EARLIEST and LATEST."""
    for per_second in (1, 1000):
        seconds = number / per_second
        if _EARLIEST_EPOCH <= seconds < _LATEST_EPOCH:
            return datetime.fromtimestamp(seconds, tz=timezone.utc)
    raise ValueError("in range neither as epoch seconds nor as epoch milliseconds")


def _text_moment(text: str) -> datetime:
    """ISO 8601 (also with the zone written " UTC", as Reddit's data export and BigQuery write it),
    else RFC 2822 (which also reads Twitter's "Wed Oct 10 20:19:24 +0000 2018")."""
    try:
        return datetime.fromisoformat(_UTC_NAME_RE.sub("+00:00", text.replace(" +0000", "+00:00")))
    except ValueError:
        return parsedate_to_datetime(text)


def record_platform(record: Mapping[str, Any], default: str | None = None) -> str:
    """A record's platform as the readers take it (lower case, `canonical_platform`; ``default`` when it
    has none; "" without either)."""
    return canonical_platform(str(record.get("platform") or default or ""))


def canonical_platform(name: str) -> str:
    """A platform name in lower case, X's names as twitter (exports since 2023 say "X" or "twitter/x")."""
    name = name.strip().lower()
    return PLATFORM_ALIASES.get(name, name)


def canonical_post(
    record: Mapping[str, Any],
    source_file: str,
    salt: str,
    default_platform: str | None = None,
    undated: datetime | None = None,
    languages: tuple[str, ...] | None = ENGLISH,
) -> dict:
    """Map a flat record (JSONL/CSV row) to the canonical post dict; RecordError if unusable.

    `undated`, when given, is the time used for records with no created_at at all (an
    undated corpus assigned to one period); unparseable or out-of-range times still reject.
    `languages`: a record whose export names another language is a reject (`language_reject`).
    """
    if not isinstance(record, Mapping):
        raise RecordError("record is not an object")
    missing = missing_fields(record, default_platform, undated is not None)
    if missing:
        raise RecordError(f"missing {', '.join(missing)}")
    platform = record_platform(record, default_platform)
    if platform not in PLATFORMS:
        raise RecordError("missing platform" if not platform else "unknown platform")
    post_id = next((record[f] for f in _ID_FIELDS if record.get(f) not in (None, "")), None)
    if post_id is None or isinstance(post_id, (dict, list, bool)):
        raise RecordError("missing post_id")
    if is_rounded_id(post_id):
        raise RecordError(ROUNDED_ID)
    text = record.get("text")
    if not isinstance(text, str):
        raise RecordError("missing text" if text is None else "text is not a string")
    if not text.strip():
        raise RecordError("empty text")
    gone = reddit_placeholder(text) if platform == "reddit" else None
    if gone is not None:  # a generic export of Reddit posts: the same rejects as the Reddit reader's
        raise RecordError(gone)
    if len(text) > MAX_TEXT_CHARS:
        raise RecordError("text too long")
    lang = _optional_str(record.get("lang"))
    if (other := language_reject(lang, languages)) is not None:
        raise RecordError(other)
    raw_time = record.get("created_at")
    created_at = parse_timestamp(undated if undated is not None and raw_time in (None, "") else raw_time)
    author = next((record[f] for f in _AUTHOR_FIELDS if record.get(f)), None)
    return {
        # a text the export cut short (only when True: the duplicate check prefers a full copy)
        **({"partial_text": True} if record.get("partial_text") is True else {}),
        "platform": platform,
        "post_id": repair_text(str(post_id)),
        "month": f"{created_at.year:04d}-{created_at.month:02d}",  # strftime("%Y-%m"), 20x faster
        "created_at": created_at.replace(tzinfo=None),
        "author_key": author_key(platform, str(author) if author is not None else None, salt),
        "text": canonical_text(text),
        "lang": lang,
        "parent_id": _optional_str(record.get("parent_id")),
        "source_file": source_file,
    }


def language_reject(lang: str | None, languages: tuple[str, ...] | None) -> str | None:
    """Why a post the export says is in `lang` is not kept ("language es not selected"), or None: kept
    when `languages` is None (all), when the export names no language (`language_code` finds none, or
    one of NO_LANGUAGE), or when its language ("en" of "en-GB" or "eng") is one of `languages`. A Spanish post scored by English lexicons would count as neutral, or worse."""
    if languages is None or lang is None:
        return None
    code = language_code(lang)
    if code is None or code in NO_LANGUAGE or code in languages:
        return None
    return f"language {code} not selected"


def language_code(value: str) -> str | None:
    """The language a code or name stands for, as Twitter writes it: 'en' of 'en', 'EN', 'en-GB', 'en_US',
    'eng' or 'English' (`LANGUAGE_ALIASES`); other codes of two or three letters as they are; None for
    anything else."""
    primary = value.strip().lower().replace("_", "-").split("-")[0]
    code = LANGUAGE_ALIASES.get(primary, primary)
    return code if 2 <= len(code) <= 3 and code.isascii() and code.isalpha() else None


def reddit_placeholder(text: Any) -> str | None:
    """The reject reason ("[deleted]" or "[removed]") of a text Reddit replaced with a placeholder, else None."""
    match = _REDDIT_PLACEHOLDER_RE.fullmatch(text.strip()) if isinstance(text, str) else None
    return f"[{match['gone'].lower()}]" if match else None


def is_rounded_id(post_id: Any) -> bool:
    """True for an id that no longer names one post: written in scientific notation, or a float
    that is not a whole number below 2^53 (tweet ids are ~1.2e18, so a spreadsheet or a
    JavaScript number turns many of them into one)."""
    if isinstance(post_id, float):
        return not (post_id.is_integer() and abs(post_id) < _EXACT_FLOAT_INTEGERS)
    return isinstance(post_id, str) and _SCIENTIFIC_RE.match(post_id) is not None


def missing_fields(record: Mapping[str, Any], default_platform: str | None = None,
                   undated_allowed: bool = False) -> list[str]:
    """Every required field the record lacks, in canonical order (so one reject names them all)."""
    missing = []
    if not str(record.get("platform") or default_platform or "").strip():
        missing.append("platform")
    if all(record.get(f) in (None, "") for f in _ID_FIELDS):
        missing.append("post_id")
    if record.get("created_at") in (None, "") and not undated_allowed:
        missing.append("created_at")
    if record.get("text") is None:
        missing.append("text")
    return missing


def _optional_str(value: Any) -> str | None:
    return None if value in (None, "") else repair_text(str(value))
