"""Synthetic social-media posts with planted PMI structure, for the demo and scale tests.

The generator writes posts about the environmental topics of ``lexicons/seeds.toml`` from
2014 to 2023 on Twitter, Reddit and YouTube. It plants structure a PMI lexicon should find:

* ``PLANTED_POSITIVE`` / ``PLANTED_NEGATIVE`` words appear only in posts of that polarity,
  which carry a sentiment seed of the same polarity most of the time, so their SO-PMI
  score has a known sign;
* ``PLANTED_EMOTION[e]`` words appear only in posts whose emotion is ``e``, next to e's
  seed words most of the time;
* ``TOPIC_TRENDS`` moves each topic's share of the yearly volume and its polarity mix
  between 2014 and 2023, so yearly charts have known trends.

Everything else is noise a real corpus has: Zipf-distributed filler words, hashtags,
@mentions, URLs, emoji (some with a variation selector), elongations and a few negations
("not good"). Output is deterministic for a given ``(n, seed)``, and the stream for ``n``
is a prefix of the stream for any larger ``n`` with the same seed.
"""

from __future__ import annotations

import calendar
import json
import random
from bisect import bisect
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from pipelines.config import SeedConfig, load_seeds

YEARS: tuple[int, ...] = tuple(range(2014, 2024))
PLATFORMS: tuple[str, ...] = ("twitter", "reddit", "youtube")
PLATFORM_WEIGHTS: tuple[float, ...] = (0.5, 0.3, 0.2)
_PLATFORM_PREFIX = {"twitter": "tw", "reddit": "rd", "youtube": "yt"}

# Overall posting volume grows ~22 % a year: 2023 has ~6x the posts of 2014.
YEAR_GROWTH = 1.22

# Probabilities of the text ingredients (tunable; tests only rely on their direction).
P_SENTIMENT_SEED = 0.6  # a polar post names a sentiment seed of its polarity
P_EMOTION_SEED = 0.6  # a post with an emotion names one of that emotion's seeds
P_NEUTRAL_EMOTION = 0.5  # a neutral post expresses an emotion at all
P_NEGATION = 0.04  # a polar post adds a negated opposite seed ("not bad", "not good")
P_ELONGATION = 0.1
P_OPENER = 0.25
FILLER_RANGE = (4, 10)
MIN_WORDS = 8  # short posts get extra filler words
ZIPF_EXPONENT = 1.05
N_AUTHORS = 5000

PLANTED_POSITIVE: tuple[str, ...] = (
    "thriving", "cleaner", "restored", "breakthrough",
    "greener", "flourishing", "healthier", "progress",
)
PLANTED_NEGATIVE: tuple[str, ...] = (
    "toxic", "collapse", "disaster", "choking",
    "polluted", "devastating", "catastrophic", "wasteful",
)
PLANTED_EMOTION: dict[str, tuple[str, ...]] = {
    "anger": ("infuriating", "betrayal", "fuming", "hypocrisy"),
    "anticipation": ("roadmap", "preview", "forthcoming", "pledge"),
    "disgust": ("sewage", "filthy", "stench", "slime"),
    "fear": ("dread", "threat", "alarming", "looming"),
    "joy": ("celebrate", "sunshine", "laughter", "blissful"),
    "sadness": ("tears", "despair", "lonely", "weeping"),
    "surprise": ("unbelievable", "stunned", "whoa", "sudden"),
    "trust": ("transparency", "credible", "integrity", "accountable"),
}


@dataclass(frozen=True)
class TopicTrend:
    """How one topic's yearly volume weight and polarity mix move from 2014 to 2023.

    Volume weights are relative within a year (a topic's share is its weight over the sum
    of all topics' weights that year). The weight is interpolated linearly from
    ``volume_2014`` to ``volume_2023``, through ``(peak_year, peak_volume)`` when a peak is
    given. ``positive_*`` and ``negative_*`` are the probabilities that a post on the topic
    is positive / negative, interpolated linearly; the rest is neutral.
    """

    volume_2014: float
    volume_2023: float
    positive_2014: float
    positive_2023: float
    negative_2014: float
    negative_2023: float
    peak_year: float | None = None
    peak_volume: float | None = None

    def volume(self, year: int) -> float:
        """Relative volume weight of the topic in ``year``."""
        points = [(YEARS[0], self.volume_2014), (YEARS[-1], self.volume_2023)]
        if self.peak_year is not None and self.peak_volume is not None:
            points.insert(1, (self.peak_year, self.peak_volume))
        for (x0, y0), (x1, y1) in zip(points, points[1:]):
            if year <= x1:
                return y0 + (y1 - y0) * (year - x0) / (x1 - x0)
        return points[-1][1]

    def polarity(self, year: int) -> tuple[float, float, float]:
        """Probabilities (positive, negative, neutral) of a post on the topic in ``year``."""
        t = (year - YEARS[0]) / (YEARS[-1] - YEARS[0])
        pos = self.positive_2014 + (self.positive_2023 - self.positive_2014) * t
        neg = self.negative_2014 + (self.negative_2023 - self.negative_2014) * t
        return pos, neg, 1.0 - pos - neg


# Negative posts dominate overall (as in Amangeldi et al. 2024); climate change grows
# strongly and sours, recycling brightens, plastic peaks around 2018-2019 (straw bans),
# deforestation spikes in 2019 (Amazon fires), renewables grow and brighten.
TOPIC_TRENDS: dict[str, TopicTrend] = {
    "climate_change": TopicTrend(1.0, 3.5, 0.25, 0.15, 0.45, 0.65),
    "air_quality": TopicTrend(1.2, 1.4, 0.20, 0.25, 0.50, 0.50),
    "emissions": TopicTrend(0.8, 1.6, 0.20, 0.25, 0.45, 0.50),
    "plastic": TopicTrend(0.6, 1.0, 0.15, 0.20, 0.55, 0.50, peak_year=2018.5, peak_volume=2.2),
    "recycling": TopicTrend(0.8, 0.9, 0.30, 0.55, 0.35, 0.20),
    "deforestation": TopicTrend(0.4, 0.6, 0.10, 0.10, 0.65, 0.70, peak_year=2019, peak_volume=1.0),
    "renewable_energy": TopicTrend(0.5, 1.4, 0.45, 0.55, 0.20, 0.15),
}

# Emotion given polarity: joy/trust/anticipation lean positive, fear/anger/sadness/disgust
# negative, surprise goes both ways. Fear, trust and anticipation lead overall.
EMOTION_GIVEN_POLARITY: dict[str, dict[str, float]] = {
    "positive": {"trust": 0.32, "joy": 0.28, "anticipation": 0.28, "surprise": 0.12},
    "negative": {"fear": 0.34, "anger": 0.22, "sadness": 0.18, "disgust": 0.14, "surprise": 0.12},
    "neutral": {"anticipation": 0.30, "fear": 0.25, "trust": 0.25, "surprise": 0.20},
}

_EMOJI = {
    "positive": ("😊", "👍", "🌱", "❤️", "💚"),
    "negative": ("😡", "😢", "👎", "💔", "🔥"),
    "neutral": ("🌍", "♻️", "📢", "🤔"),
}
_OPENERS = ("Just saw this:", "Thread:", "Honestly,", "Update:", "Reminder:", "Question:", "Look,", "Ok so")
_ELONGATIONS = ("sooo", "soooo", "omggg", "whyyy", "yesss", "reallyyy", "lolll", "ugh")
_HANDLE_PREFIXES = ("user", "greenfan", "eco", "planet", "daily", "city", "real", "the_", "news", "wild")
_NEGATION_CUES = frozenset({
    "not", "no", "never", "none", "nobody", "nothing", "neither", "nor", "nowhere",
    "cannot", "n't", "without", "hardly", "barely",
})
# Most frequent filler words: function words (none a negation cue), as in real text.
_FUNCTION_WORDS = (
    "the", "a", "this", "is", "and", "of", "to", "in", "for", "on", "it", "we", "with",
    "just", "so", "our", "they", "about", "all", "more", "what", "here", "now", "also",
    "really", "some", "still", "again", "even", "very",
)
_NEUTRAL_WORDS = (
    "report", "city", "week", "morning", "thread", "video", "article", "people", "council",
    "study", "data", "map", "street", "river", "coast", "farm", "water", "weather", "summer",
    "winter", "ocean", "bottle", "bag", "car", "bus", "train", "bike", "road", "house",
    "kitchen", "store", "market", "price", "company", "school", "student", "teacher", "kids",
    "family", "friend", "neighbor", "town", "village", "country", "news", "podcast",
    "interview", "meeting", "vote", "bill", "law", "project", "program", "research",
    "scientist", "chart", "graph", "number", "percent", "year", "month", "tonight",
    "weekend", "monday", "friday", "photo", "picture", "channel", "comment", "link",
    "topic", "discussion", "debate", "local", "talk", "read", "watch", "look", "think",
    "say", "know", "see", "going", "today", "lunch", "coffee", "garden", "tree", "park",
    "beach", "mountain", "island", "lake", "field", "office", "building", "factory",
    "truck", "ship", "plane", "airport", "station", "bridge", "tower", "window", "door",
    "table", "paper", "book", "page", "list", "question", "answer", "point", "idea",
    "minute", "hour", "evening", "sunday", "saturday", "tuesday", "april", "june",
    "october", "province", "state", "region", "mayor", "minister", "agency", "committee",
    "survey", "sample", "figure", "table", "series", "episode", "clip", "stream", "update",
    "version", "source", "stats", "level", "rate", "trend", "sector", "industry", "farmer",
    "driver", "worker", "team", "group", "club", "event", "festival", "summit", "panel",
    "speech", "letter", "email", "phone", "app", "website", "blog", "forum", "subreddit",
    "upvote", "sub", "mods", "tweet", "retweet", "follow", "share", "live", "walk", "drive",
    "cook", "buy", "sell", "build", "move", "carry", "count", "measure", "compare", "check",
)


def _made_up_words(count: int) -> tuple[str, ...]:
    """Pronounceable nonsense words (``tavor``, ``belimo``), a fixed list for any seed."""
    rng = random.Random(20140101)
    onsets, vowels, codas = "bdfgklmnprstvz", "aeiou", ("", "", "n", "r", "l", "s")
    words: list[str] = []
    while len(words) < count:
        word = "".join(rng.choice(onsets) + rng.choice(vowels) for _ in range(rng.randint(2, 3)))
        word += rng.choice(codas)
        if word not in words:
            words.append(word)
    return tuple(words)


def _cum(weights: Iterable[float]) -> list[float]:
    return list(accumulate(weights))


def _topic_forms(phrases: tuple[tuple[str, ...], ...]) -> tuple[list[str], list[str], list[str]]:
    """A topic's plain phrases, CamelCase hashtags of them, and its own seed hashtags."""
    plain = [" ".join(p) for p in phrases if not p[0].startswith("#")]
    camel = ["#" + "".join(w.upper() if any(c.isdigit() for c in w) else w.capitalize() for w in p)
             for p in phrases if not p[0].startswith("#")]
    tags = [p[0] for p in phrases if p[0].startswith("#")]
    return plain, camel, tags or camel


class _Model:
    """Everything derived from the seed file and the constants above, built once."""

    def __init__(self) -> None:
        seeds = load_seeds()
        self.sentiment = seeds.sentiment
        self.emotion_seeds = seeds.emotions
        self.topics = tuple(t for t in TOPIC_TRENDS if t in seeds.topics)
        self.forms = {t: _topic_forms(seeds.topics[t]) for t in self.topics}
        self.year_cum = _cum(YEAR_GROWTH ** i for i in range(len(YEARS)))
        self.topic_cum = {y: _cum(TOPIC_TRENDS[t].volume(y) for t in self.topics) for y in YEARS}
        self.polarity_cum = {
            (t, y): _cum(TOPIC_TRENDS[t].polarity(y)) for t in self.topics for y in YEARS
        }
        self.emotion_choices = {
            pol: (tuple(dist), _cum(dist.values())) for pol, dist in EMOTION_GIVEN_POLARITY.items()
        }
        self.platform_cum = _cum(PLATFORM_WEIGHTS)
        self.filler = filler_vocabulary(seeds)
        self.filler_cum = _cum(1.0 / (rank ** ZIPF_EXPONENT) for rank in range(1, len(self.filler) + 1))


def filler_vocabulary(seeds: SeedConfig | None = None) -> tuple[str, ...]:
    """The ~300 neutral filler words in Zipf rank order: no seed, topic, planted or negation word."""
    seeds = seeds or load_seeds()
    banned = set(seeds.word_anchors) | set(PLANTED_POSITIVE) | set(PLANTED_NEGATIVE) | _NEGATION_CUES
    banned |= {w for ws in PLANTED_EMOTION.values() for w in ws}
    banned |= {w.lstrip("#") for ps in seeds.topics.values() for p in ps for w in p}
    out: list[str] = []
    for word in (*_FUNCTION_WORDS, *_NEUTRAL_WORDS, *_made_up_words(100)):
        if word not in banned and word not in out:
            out.append(word)
    return tuple(out)


_MODEL: _Model | None = None


def _model() -> _Model:
    global _MODEL
    if _MODEL is None:
        _MODEL = _Model()
    return _MODEL


def _pick(rng: random.Random, items: Sequence, cum: list[float]):
    """Weighted choice from cumulative weights (one ``random()`` call, no ``randrange``)."""
    return items[bisect(cum, rng.random() * cum[-1])]


def _choice(rng: random.Random, items: Sequence):
    return items[int(rng.random() * len(items))]


def _between(rng: random.Random, lo: int, hi: int) -> int:
    """Uniform integer in [lo, hi]; cheaper than ``randint``, which dominated the profile."""
    return lo + int(rng.random() * (hi - lo + 1))


def _handle(k: int) -> str:
    return f"{_HANDLE_PREFIXES[k % len(_HANDLE_PREFIXES)]}{k}"


def _timestamp(rng: random.Random, year: int) -> str:
    month = _between(rng, 1, 12)
    day = _between(rng, 1, calendar.monthrange(year, month)[1])
    secs = _between(rng, 0, 86399)
    return f"{year:04d}-{month:02d}-{day:02d}T{secs // 3600:02d}:{secs // 60 % 60:02d}:{secs % 60:02d}Z"


_OPPOSITE = {"positive": "negative", "negative": "positive"}
_PLANTED_SENTIMENT = {"positive": PLANTED_POSITIVE, "negative": PLANTED_NEGATIVE}


def _text(rng: random.Random, m: _Model, platform: str, topic: str, polarity: str, emotion: str | None) -> str:
    rand = rng.random
    plain, camel, tags = m.forms[topic]
    r = rand()
    hashtag_share = 0.45 if platform == "twitter" else 0.2
    if r < 1 - hashtag_share:
        chunks = [_choice(rng, plain)]
    else:
        chunks = [_choice(rng, camel if r < 1 - hashtag_share / 2 else tags)]
    if polarity in _OPPOSITE:
        if rand() < P_SENTIMENT_SEED:
            chunks.append(_choice(rng, m.sentiment[polarity]))
        planted = _PLANTED_SENTIMENT[polarity]
        first = _choice(rng, planted)
        chunks.append(first)
        if rand() < 0.5:  # a second, different planted word
            second = _choice(rng, planted)
            if second != first:
                chunks.append(second)
        if rand() < P_NEGATION:  # "not bad" in a positive post, "not good" in a negative one
            chunks.append("not " + _choice(rng, m.sentiment[_OPPOSITE[polarity]]))
    if emotion is not None:
        if rand() < P_EMOTION_SEED:
            chunks.append(_choice(rng, m.emotion_seeds[emotion]))
        chunks.append(_choice(rng, PLANTED_EMOTION[emotion]))
    k = max(_between(rng, *FILLER_RANGE), MIN_WORDS - sum(c.count(" ") + 1 for c in chunks))
    chunks += rng.choices(m.filler, cum_weights=m.filler_cum, k=k)
    # Shuffle a bit: swap a few random pairs, so phrases stay whole but order varies.
    size = len(chunks)
    for _ in range(size // 2):
        i, j = int(rand() * size), int(rand() * size)
        chunks[i], chunks[j] = chunks[j], chunks[i]
    if rand() < P_ELONGATION:
        chunks.insert(int(rand() * (size + 1)), _choice(rng, _ELONGATIONS))
    # Punctuation after a few chunks; hashtags and phrases stay whole.
    for i in range(len(chunks) - 1):
        if rand() < 0.08:
            chunks[i] += _choice(rng, (",", ",", ".", " -", "!", "..."))
    if rand() < P_OPENER:
        chunks.insert(0, _choice(rng, _OPENERS))
    elif chunks[0][0].isalpha():
        chunks[0] = chunks[0][0].upper() + chunks[0][1:]
    chunks[-1] += _choice(rng, ("", "", ".", "!", "!!", "?", "..."))
    if rand() < (0.25 if platform == "twitter" else 0.1):
        chunks.insert(0, "@" + _handle(int(rand() * N_AUTHORS)))
    if rand() < (0.35 if platform == "youtube" else 0.2):
        chunks.append(_choice(rng, _EMOJI[polarity]))
    if rand() < (0.15 if platform == "reddit" else 0.08):
        chunks.append(f"https://example.org/a/{int(rand() * 1_000_000)}")
    return " ".join(chunks)


def _generate(n: int, seed: int) -> Iterator[tuple[dict, dict]]:
    """Posts with their ground truth (topic, polarity, emotion), for tests and benchmarks."""
    m = _model()
    rng = random.Random(seed)
    for i in range(n):
        platform = _pick(rng, PLATFORMS, m.platform_cum)
        year = _pick(rng, YEARS, m.year_cum)
        created_at = _timestamp(rng, year)
        # Skewed author ids: a few accounts post a lot, most post rarely.
        author = _handle(int(N_AUTHORS * rng.random() ** 2))
        topic = _pick(rng, m.topics, m.topic_cum[year])
        polarity = _pick(rng, ("positive", "negative", "neutral"), m.polarity_cum[(topic, year)])
        emotion: str | None = None
        if polarity != "neutral" or rng.random() < P_NEUTRAL_EMOTION:
            emotion = _pick(rng, *m.emotion_choices[polarity])
        text = _text(rng, m, platform, topic, polarity, emotion)
        post = {
            "platform": platform,
            "post_id": f"{_PLATFORM_PREFIX[platform]}-{i:08d}",
            "created_at": created_at,
            "author": author,
            "text": text,
        }
        yield post, {"topic": topic, "polarity": polarity, "emotion": emotion}


def generate_posts(n: int, seed: int = 0) -> Iterator[dict]:
    """Yield ``n`` synthetic posts (platform, post_id, created_at, author, text), deterministic per seed."""
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    for post, _truth in _generate(n, seed):
        yield post


def write_sample(out_dir: str | Path, n: int, seed: int = 0) -> list[Path]:
    """Write ``n`` posts as UTF-8 JSONL, one file per platform; return the three paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / f"{p}.jsonl" for p in PLATFORMS]
    handles = {p: path.open("w", encoding="utf-8", newline="\n") for p, path in zip(PLATFORMS, paths)}
    try:
        dumps = json.JSONEncoder(ensure_ascii=False).encode
        for post in generate_posts(n, seed):
            handles[post["platform"]].write(dumps(post) + "\n")
    finally:
        for fh in handles.values():
            fh.close()
    return paths


__all__ = [
    "EMOTION_GIVEN_POLARITY", "PLANTED_EMOTION", "PLANTED_NEGATIVE", "PLANTED_POSITIVE",
    "PLATFORMS", "TOPIC_TRENDS", "TopicTrend", "YEARS", "filler_vocabulary", "generate_posts",
    "write_sample",
]
