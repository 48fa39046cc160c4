"""Labelled posts for evaluation: the JSONL format of the shared data sets.

One object per line with ``text`` and ``label`` (a string) or ``labels`` (a list).
GoEmotions' 27 emotions map to Ekman's six with the mapping published with GoEmotions
(Demszky et al. 2020, ``ekman_mapping.json``); 'neutral' maps to no emotion. Their sentiment
grouping (``sentiment_dict.json``) gives a comment's sentiment when its labels agree.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from pipelines.config import EMOTIONS as PLUTCHIK
from pipelines.errors import BadInput
from pipelines.reading.posts import canonical_text, record_platform
from pipelines.text.mentions import MENTION_RE

SENTIMENT_CLASSES = ("negative", "neutral", "positive")
EKMAN = ("anger", "disgust", "fear", "joy", "sadness", "surprise")
GOEMOTIONS_TO_EKMAN = {
    "anger": ("anger", "annoyance", "disapproval"),
    "disgust": ("disgust",),
    "fear": ("fear", "nervousness"),
    "joy": ("joy", "amusement", "approval", "excitement", "gratitude", "love", "optimism",
            "relief", "pride", "admiration", "desire", "caring"),
    "sadness": ("sadness", "disappointment", "embarrassment", "grief", "remorse"),
    "surprise": ("surprise", "realization", "confusion", "curiosity"),
}
_TO_EKMAN = {fine: ekman for ekman, fines in GOEMOTIONS_TO_EKMAN.items() for fine in fines}
_TO_EKMAN.update({e: e for e in EKMAN})
#: GoEmotions' sentiment grouping; the rest ('realization', 'surprise', 'curiosity', 'confusion') is ambiguous
GOEMOTIONS_SENTIMENT = {
    "positive": ("amusement", "excitement", "joy", "love", "desire", "optimism", "caring", "pride", "admiration",
                 "gratitude", "relief", "approval"),
    "negative": ("fear", "nervousness", "remorse", "embarrassment", "disappointment", "sadness", "grief", "disgust",
                 "anger", "annoyance", "disapproval"),
    "neutral": ("neutral",),
}
_TO_SENTIMENT = {fine: group for group, fines in GOEMOTIONS_SENTIMENT.items() for fine in fines}
#: Gold labels that are not one of Plutchik's eight, as the two primary emotions of their dyad
#: (Plutchik): optimism = anticipation + joy, hope = anticipation + trust (docs/lexicons.md). The one
#: mapping: training labels become both emotions (`task_labels`); an evaluation counts a post as
#: right when its dominant emotion is the first, or a partner of the first with the first present
#: (`pipelines.evaluation.evaluate.matches`). Both dyads here share anticipation, and annotators do not
#: tell them apart (TweetEval's optimism takes in hope): either counts as anticipation, or joy / trust
#: with anticipation present. A dyad on anticipation of another kind (pessimism = anticipation +
#: sadness) would widen that; it needs its own rule in `matches` (a test guards this).
GOLD_MAPPINGS = {"optimism": ("anticipation", "joy"), "hope": ("anticipation", "trust")}


def goemotions_sentiment(labels: tuple[str, ...]) -> str | None:
    """A GoEmotions comment's sentiment when all its labels fall in one group; None when one is
    ambiguous (or unknown) or the groups differ (a positive and a negative label, or neutral beside one)."""
    groups = {_TO_SENTIMENT.get(label) for label in labels}
    return groups.pop() if len(groups) == 1 and None not in groups else None


class LabelledRecordError(ValueError):
    """A line that is not a labelled post; the message says why."""


#: Record fields that name the same post in another release (TweetEval keeps SemEval's id).
ALIAS_ID_FIELDS = ("semeval_id",)
_URL_RE = re.compile(r"(?:https?://|www\.)\S*", re.IGNORECASE)
_NON_WORD_RE = re.compile(r"[\W_]+", re.UNICODE)


@dataclass(frozen=True)
class LabelledPost:
    id: str
    text: str  # as a run keeps it (`canonical_text`: mentions redacted)
    labels: tuple[str, ...]
    aliases: tuple[str, ...] = ()
    platform: str | None = None  # as `mipulse run` reads it (lower case); None when the record has none

    def overlap_keys(self) -> set[str]:
        """Keys that identify this post across releases: its ids and its normalized text."""
        return {f"id:{i}" for i in (self.id, *self.aliases)} | {f"text:{text_key(self.text)}"}


def text_key(text: str) -> str:
    """Text with URLs dropped, mentions anonymized, case and punctuation removed: the same
    tweet in two releases (one with @user and no links) gets the same key."""
    text = MENTION_RE.sub("user", _URL_RE.sub(" ", text.lower()))
    return _NON_WORD_RE.sub(" ", text).strip()


def parse_labelled(line: str, line_no: int = 0, require_label: bool = True) -> LabelledPost:
    """One JSONL line -> LabelledPost; raises LabelledRecordError with the reason.

    With ``require_label=False`` (an unlabelled corpus for seed mode) a post may have no label.
    """
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise LabelledRecordError(f"line {line_no}: not JSON ({exc.msg})") from exc
    if not isinstance(record, dict):
        raise LabelledRecordError(f"line {line_no}: not a JSON object")
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise LabelledRecordError(f"line {line_no}: missing or empty 'text'")
    if "labels" in record:
        labels = record["labels"]
        if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
            raise LabelledRecordError(f"line {line_no}: 'labels' must be a list of strings")
    elif isinstance(record.get("label"), str) and record["label"]:
        labels = [record["label"]]
    elif not require_label:
        labels = []
    else:
        raise LabelledRecordError(f"line {line_no}: no 'label' or 'labels'")
    aliases = tuple(str(record[f]) for f in ALIAS_ID_FIELDS if record.get(f))
    platform = record_platform(record) or None
    return LabelledPost(str(record.get("id", line_no)), canonical_text(text), tuple(x.lower() for x in labels), aliases,
                        platform)


def read_labelled(path: str) -> tuple[list[LabelledPost], list[str]]:
    """All posts of a labelled JSONL file and one reason per rejected line."""
    posts, rejects = [], []
    with open(path, encoding="utf-8") as handle:
        for line_no, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                posts.append(parse_labelled(line, line_no))
            except LabelledRecordError as exc:
                rejects.append(str(exc))
    return posts, rejects


def left_out_note(rejects: list[str]) -> str:
    """What a labelled file lost, in one sentence: 'Left out of the file: 2 lines (line 101: not
    JSON (…); …).' (the first reason shown), or '' when nothing was left out."""
    if not rejects:
        return ""
    n = len(rejects)
    return f"Left out of the file: {n} line{'s' if n != 1 else ''} ({rejects[0]}{'; …' if n > 1 else ''})."


def to_ekman(labels: tuple[str, ...]) -> tuple[str, ...]:
    """GoEmotions (or Ekman / Plutchik) labels -> the Ekman six they contain, sorted."""
    return tuple(sorted({_TO_EKMAN[x] for x in labels if x in _TO_EKMAN}))


def to_plutchik(labels: tuple[str, ...]) -> tuple[str, ...]:
    """Plutchik's eight a post's labels contain, a dyad (GOLD_MAPPINGS) as both its emotions, in
    Plutchik's order."""
    found = {e for label in labels for e in GOLD_MAPPINGS.get(label, (label,))}
    return tuple(e for e in PLUTCHIK if e in found)


def dyads_in(posts: list[LabelledPost]) -> dict[str, dict]:
    """The labels of `posts` that GOLD_MAPPINGS maps to a dyad's two emotions, with how many posts
    carry each: what a report says was mapped ({'optimism': {'emotions': [...], 'posts': 145}})."""
    counts = {label: sum(1 for p in posts if label in p.labels) for label in GOLD_MAPPINGS}
    return {label: {"emotions": list(GOLD_MAPPINGS[label]), "posts": n} for label, n in counts.items() if n}


def task_labels(post: LabelledPost, task: str, emotion_set: str = "ekman") -> tuple[str, ...]:
    """The post's gold labels for a task: one class (sentiment, or any single-label set), or
    its emotions: Ekman's six (GoEmotions mapped) or Plutchik's eight (dyads mapped by GOLD_MAPPINGS)."""
    if task != "emotion":
        return post.labels[:1]
    if emotion_set == "ekman":
        return to_ekman(post.labels)
    if emotion_set == "plutchik":
        return to_plutchik(post.labels)
    raise ValueError(f"emotion set must be 'ekman' or 'plutchik', got {emotion_set!r}")


#: A label that says a post expresses no emotion (GoEmotions' 'neutral'), in either emotion set
NO_EMOTION = "neutral"
#: Labels that name an emotion in some set this module reads (GoEmotions' 27, Ekman's six,
#: Plutchik's eight and its mapped dyads): what a hint about --task / --emotions goes by
EMOTION_LIKE = frozenset(_TO_EKMAN) | frozenset(PLUTCHIK) | frozenset(GOLD_MAPPINGS)


class LabelSetError(BadInput, ValueError):
    """Labels outside the task's label set: refused before any work, in one line (exit 2)."""


def task_classes(task: str, emotion_set: str = "plutchik") -> frozenset[str]:
    """Every label a labelled file may carry for a task: the sentiment classes; GoEmotions' 27 and
    Ekman's six (ekman) or Plutchik's eight and the dyads of GOLD_MAPPINGS (plutchik), and 'neutral'."""
    if task != "emotion":
        return frozenset(SENTIMENT_CLASSES)
    if emotion_set not in ("ekman", "plutchik"):
        raise ValueError(f"emotion set must be 'ekman' or 'plutchik', got {emotion_set!r}")
    return (frozenset(_TO_EKMAN) if emotion_set == "ekman" else frozenset(PLUTCHIK) | frozenset(GOLD_MAPPINGS)) | {
        NO_EMOTION}


def check_labels(posts: list[LabelledPost], task: str, emotion_set: str, name: str) -> None:
    """Refuse a file whose labels the task cannot use, naming them (LabelSetError), rather than
    drop or fold them silently or fail deep inside a build: `name` is how the message names the
    file ('--train FILE'). With the hint a user needs: --task emotion for emotion labels given as
    sentiment, --task sentiment for a file without an emotion label, the other --emotions set."""
    found = {label for p in posts for label in p.labels}
    if task == "emotion" and not found & EMOTION_LIKE:
        raise LabelSetError(f"{name}: no emotion labels in the file (labels {sorted(found)}): "
                            f"did you mean --task sentiment?")
    unknown = sorted(found - task_classes(task, emotion_set))
    if not unknown:
        return
    if task != "emotion":
        allowed, hint = list(SENTIMENT_CLASSES), " (they look like emotions: did you mean --task emotion?)"
        hint = hint if set(unknown) & EMOTION_LIKE else ""
    else:
        other = "plutchik" if emotion_set == "ekman" else "ekman"
        allowed = (f"GoEmotions' 27, Ekman's six or {NO_EMOTION!r}" if emotion_set == "ekman" else
                   f"Plutchik's eight, the dyads {sorted(GOLD_MAPPINGS)} or {NO_EMOTION!r}")
        hint = f" (did you mean --emotions {other}?)" if set(unknown) <= task_classes(task, other) else ""
    raise LabelSetError(f"{name}: labels {unknown} are not among the classes {allowed}{hint}")


class LabelledFileError(BadInput, ValueError):
    """A --labelled file without a single usable post; the message says why."""


def sentiment_labelled_posts(path: str | Path) -> tuple[list[LabelledPost], list[str]]:
    """The file's posts with one sentiment label (negative, neutral or positive), and one reason
    per line left out. Raises LabelledFileError when none is usable."""
    try:
        posts, rejects = read_labelled(str(path))
    except OSError as exc:
        raise LabelledFileError(f"--labelled {path}: {exc.strerror or exc}") from None
    usable = []
    for post in posts:
        if len(post.labels) == 1 and post.labels[0] in SENTIMENT_CLASSES:
            usable.append(post)
        else:
            rejects.append(f"post {post.id}: label {', '.join(post.labels) or '(none)'} is not one of "
                           f"{', '.join(SENTIMENT_CLASSES)}")
    if not usable:
        reasons = f" ({rejects[0]}{'; …' if len(rejects) > 1 else ''})" if rejects else ""
        raise LabelledFileError(
            f"--labelled {path}: no post with one of the labels {', '.join(SENTIMENT_CLASSES)}{reasons}")
    return usable, rejects
