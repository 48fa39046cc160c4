"""Tests for the synthetic post generator: shape, determinism, and the planted structure."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import datetime, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.lang.en.stop_words import STOP_WORDS

from pipelines.config import EMOTIONS, load_seeds
from pipelines.evaluation.synthetic import (
    PLANTED_EMOTION,
    PLANTED_NEGATIVE,
    PLANTED_POSITIVE,
    PLATFORMS,
    TOPIC_TRENDS,
    YEARS,
    TopicTrend,
    _generate,
    filler_vocabulary,
    generate_posts,
    write_sample,
)

FIELDS = ["platform", "post_id", "created_at", "author", "text"]
SEEDS = load_seeds()
_WORD = re.compile(r"[a-z][a-z0-9]*")


def words(text: str) -> set[str]:
    """A deliberately naive tokenization, independent of mipulse's tokenizer."""
    return set(_WORD.findall(text.lower()))


def all_seed_terms() -> set[str]:
    terms = {w for ws in SEEDS.sentiment.values() for w in ws}
    terms |= {w for ws in SEEDS.emotions.values() for w in ws}
    terms |= {w.lstrip("#") for ps in SEEDS.topics.values() for p in ps for w in p}
    return terms


@pytest.fixture(scope="module")
def corpus() -> list[dict]:
    return list(generate_posts(20_000, seed=7))


@pytest.fixture(scope="module")
def corpus_words(corpus) -> list[set[str]]:
    return [words(p["text"]) for p in corpus]


# --- shape and determinism ------------------------------------------------------------


def test_same_seed_same_posts_and_other_seed_differs():
    assert list(generate_posts(300, seed=3)) == list(generate_posts(300, seed=3))
    assert list(generate_posts(300, seed=3)) != list(generate_posts(300, seed=4))


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**32), n=st.integers(min_value=0, max_value=40))
def test_posts_are_well_formed_and_prefix_stable(seed, n):
    posts = list(generate_posts(n, seed))
    assert len(posts) == n
    assert posts == list(generate_posts(n + 5, seed))[:n]
    for post in posts:
        assert list(post) == FIELDS
        assert post["platform"] in PLATFORMS
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", post["created_at"])
        created = datetime.fromisoformat(post["created_at"])
        assert created.tzinfo == timezone.utc and 2014 <= created.year <= 2023
        assert re.fullmatch(r"[a-z_]+\d+", post["author"])
        assert 8 <= len(post["text"].split()) <= 35


def test_negative_n_is_rejected():
    with pytest.raises(ValueError):
        list(generate_posts(-1))


def test_write_sample_writes_one_jsonl_file_per_platform(tmp_path):
    out = tmp_path / "nested" / "sample"
    paths = write_sample(out, 2_000, seed=11)
    assert [p.name for p in paths] == ["twitter.jsonl", "reddit.jsonl", "youtube.jsonl"]
    rows = []
    for path in paths:
        lines = path.read_text(encoding="utf-8").splitlines()
        assert lines, f"{path.name} is empty"
        for line in lines:
            row = json.loads(line)
            assert row["platform"] == path.stem
            rows.append(row)
    assert len(rows) == 2_000
    assert len({r["post_id"] for r in rows}) == 2_000
    # Same posts as the generator, in generation order within each file.
    expected = list(generate_posts(2_000, seed=11))
    for platform in PLATFORMS:
        assert [r for r in rows if r["platform"] == platform] == [
            p for p in expected if p["platform"] == platform
        ]
    # ensure_ascii=False: emoji are written as UTF-8, not \\u escapes.
    raw = "".join(p.read_text(encoding="utf-8") for p in paths)
    assert "\\u" not in raw and any(ord(c) > 0x2000 for c in raw)


def test_platform_mix_and_volume_growth(corpus):
    platforms = Counter(p["platform"] for p in corpus)
    assert platforms["twitter"] > platforms["reddit"] > platforms["youtube"] > 0
    years = Counter(int(p["created_at"][:4]) for p in corpus)
    assert set(years) == set(YEARS)
    assert years[2023] > 3 * years[2014]


def test_social_noise_is_present_but_negation_is_rare(corpus):
    texts = [p["text"] for p in corpus]

    def share(pattern: str) -> float:
        rx = re.compile(pattern)
        return sum(1 for t in texts if rx.search(t)) / len(texts)

    assert share(r"(^|\s)@\w+") > 0.05
    assert share(r"https://") > 0.03
    assert share(r"#[A-Z][a-z]+[A-Z]") > 0.02  # CamelCase hashtags
    assert share(r"#[a-z]+") > 0.02  # lowercase seed hashtags
    assert share("\ufe0f") > 0.005  # emoji with a variation selector
    assert share(r"([a-z])\1\1") > 0.02  # elongations
    assert 0.002 < share(r"\bnot \w+") < 0.05


# --- the planted vocabulary -----------------------------------------------------------


def test_planted_words_are_disjoint_from_seeds_stop_words_and_each_other():
    emotion_words = [w for ws in PLANTED_EMOTION.values() for w in ws]
    planted = [*PLANTED_POSITIVE, *PLANTED_NEGATIVE, *emotion_words]
    assert len(planted) == len(set(planted)), "a planted word appears in two lists"
    assert set(PLANTED_EMOTION) == set(EMOTIONS)
    assert all(3 <= len(ws) <= 4 for ws in PLANTED_EMOTION.values())
    assert 6 <= len(PLANTED_POSITIVE) <= 10 and 6 <= len(PLANTED_NEGATIVE) <= 10
    assert not set(planted) & all_seed_terms()
    assert not set(planted) & STOP_WORDS
    assert all(re.fullmatch(r"[a-z]+", w) and not re.search(r"(.)\1\1", w) for w in planted)


def test_filler_vocabulary_is_neutral():
    filler = filler_vocabulary()
    assert 250 <= len(filler) <= 400 and len(filler) == len(set(filler))
    planted = {*PLANTED_POSITIVE, *PLANTED_NEGATIVE, *(w for ws in PLANTED_EMOTION.values() for w in ws)}
    assert not set(filler) & (planted | all_seed_terms())
    assert not set(filler) & {"not", "no", "never", "nothing", "nobody", "none", "nor", "neither"}


def test_topic_trends_cover_the_seed_topics_with_valid_probabilities():
    assert set(TOPIC_TRENDS) == set(SEEDS.topics)
    for trend in TOPIC_TRENDS.values():
        for year in YEARS:
            assert trend.volume(year) > 0
            probs = trend.polarity(year)
            assert all(0 <= p <= 1 for p in probs) and sum(probs) == pytest.approx(1)
    peaked = TopicTrend(1.0, 1.0, 0.3, 0.3, 0.3, 0.3, peak_year=2018, peak_volume=3.0)
    assert peaked.volume(2014) == 1.0 and peaked.volume(2018) == 3.0 and peaked.volume(2023) == 1.0
    assert peaked.volume(2016) == pytest.approx(2.0)


# --- the planted structure, measured from raw text ------------------------------------


def _cooccurrence(corpus_words, planted, seeds) -> float:
    """Share of posts holding a word of ``planted`` that also hold a word of ``seeds``."""
    planted, seeds = set(planted), set(seeds)
    holding = [ws for ws in corpus_words if ws & planted]
    assert len(holding) > 200
    return sum(1 for ws in holding if ws & seeds) / len(holding)


def test_planted_sentiment_words_cooccur_with_their_polarity(corpus_words):
    pos, neg = SEEDS.sentiment["positive"], SEEDS.sentiment["negative"]
    assert _cooccurrence(corpus_words, PLANTED_POSITIVE, pos) > 0.5
    assert _cooccurrence(corpus_words, PLANTED_POSITIVE, neg) < 0.08
    assert _cooccurrence(corpus_words, PLANTED_NEGATIVE, neg) > 0.5
    assert _cooccurrence(corpus_words, PLANTED_NEGATIVE, pos) < 0.08
    # The two planted lists never meet in one post.
    assert _cooccurrence(corpus_words, PLANTED_POSITIVE, PLANTED_NEGATIVE) == 0


def test_planted_emotion_words_cooccur_with_their_emotion_seeds(corpus_words):
    for emotion, planted in PLANTED_EMOTION.items():
        own = _cooccurrence(corpus_words, planted, SEEDS.emotions[emotion])
        others = max(
            _cooccurrence(corpus_words, planted, SEEDS.emotions[e]) for e in EMOTIONS if e != emotion
        )
        assert own > 0.5 and own > 5 * others, emotion


def test_topic_shares_follow_the_trends(corpus):
    topic_markers = {
        "climate_change": ("climate change", "climatechange", "global warming", "globalwarming",
                           "climate crisis", "climatecrisis"),
        "plastic": ("plastic",),
        "recycling": ("recycl",),
    }
    by_year = {y: [p["text"].lower() for p in corpus if p["created_at"].startswith(str(y))] for y in YEARS}

    def share(topic: str, years) -> float:
        texts = [t for y in years for t in by_year[y]]
        return sum(1 for t in texts if any(m in t for m in topic_markers[topic])) / len(texts)

    assert share("climate_change", [2023]) > share("climate_change", [2014]) + 0.08
    plastic_peak = share("plastic", [2018, 2019])
    assert plastic_peak > share("plastic", [2014]) + 0.05 and plastic_peak > share("plastic", [2023]) + 0.05

    def positive_share(topic: str, years) -> float:
        texts = [t for y in years for t in by_year[y] if any(m in t for m in topic_markers[topic])]
        return sum(1 for t in texts if words(t) & set(PLANTED_POSITIVE)) / len(texts)

    assert positive_share("recycling", [2021, 2022, 2023]) > positive_share("recycling", [2014, 2015, 2016]) + 0.1
    assert positive_share("climate_change", [2021, 2022, 2023]) < positive_share("climate_change", [2014, 2015, 2016])


def test_neutral_posts_carry_no_sentiment_words():
    sentiment = {*SEEDS.sentiment["positive"], *SEEDS.sentiment["negative"], *PLANTED_POSITIVE, *PLANTED_NEGATIVE}
    truths = Counter()
    for post, truth in _generate(3_000, seed=5):
        truths[truth["polarity"]] += 1
        if truth["polarity"] == "neutral":
            assert not words(post["text"]) & sentiment, post["text"]
    # Negative posts dominate, as in the study this follows.
    assert truths["negative"] > truths["positive"] and truths["negative"] > truths["neutral"]
