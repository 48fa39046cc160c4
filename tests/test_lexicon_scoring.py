"""Seed-lexicon math and post scoring on hand-computed counts."""

import math
from statistics import fmean

import pytest

from pipelines.config import EMOTIONS, load_seeds
from pipelines.lexicon import LexiconEntry, LexiconOptions, lexicon_entry, lexicon_version
from pipelines.scoring import ScoringOptions, score_post, sentiment_label

SEEDS = load_seeds()
POS, NEG = SEEDS.sentiment["positive"], SEEDS.sentiment["negative"]


def npmi_by_hand(c_xy, c_x, c_y, n):
    if c_xy == 0:
        return -1.0
    p_xy = c_xy / n
    return math.log2(p_xy / ((c_x / n) * (c_y / n))) / -math.log2(p_xy)


def test_seed_sentiment_is_mean_positive_minus_mean_negative_npmi():
    # 100 posts; 'good' in 10, 'bad' in 10 (the only seeds present); 'thriving' in 8:
    # 6 of them with 'good', 1 with 'bad'.
    n, anchor_df = 100, {"good": 10, "bad": 10}
    entry = lexicon_entry("thriving", 8, {"good": 6, "bad": 1}, anchor_df, n, SEEDS,
                          LexiconOptions(aggregation="mean", min_df=1))
    expected = npmi_by_hand(6, 8, 10, n) - npmi_by_hand(1, 8, 10, n)
    assert entry.sentiment == pytest.approx(expected)
    assert entry.sentiment > 0


def test_mean_aggregation_skips_seeds_absent_from_corpus_and_averages_present_ones():
    n, anchor_df = 50, {"good": 5, "nice": 5, "bad": 5}
    entry = lexicon_entry("x", 5, {"good": 5, "bad": 0}, anchor_df, n, SEEDS, LexiconOptions(min_df=1))
    pos = fmean([npmi_by_hand(5, 5, 5, n), -1.0])  # good (always with x), nice (never)
    assert entry.sentiment == pytest.approx(pos - (-1.0))


def test_set_aggregation_uses_the_seed_class_anchor():
    n = 40
    anchor_df = {"sentiment:positive": 10, "sentiment:negative": 8}
    entry = lexicon_entry("toxic", 6, {"sentiment:positive": 0, "sentiment:negative": 5}, anchor_df, n,
                          SEEDS, LexiconOptions(aggregation="set", min_df=1))
    assert entry.sentiment == pytest.approx(-1.0 - npmi_by_hand(5, 6, 8, n))


def test_emotion_score_is_centered_against_other_emotions():
    # 'dread' co-occurs with the fear seed 'afraid' only; every other emotion seed present once.
    n = 60
    anchor_df = {SEEDS.emotions[e][0]: 6 for e in EMOTIONS}
    pairs = {"afraid": 4}
    entry = lexicon_entry("dread", 5, pairs, anchor_df, n, SEEDS, LexiconOptions(min_df=1))
    fear = npmi_by_hand(4, 5, 6, n)
    scores = dict(zip(EMOTIONS, entry.emotions))
    assert scores["fear"] == pytest.approx(fear - (-1.0))
    assert scores["joy"] == pytest.approx(-1.0 - fmean([fear] + [-1.0] * 6))
    assert max(scores, key=scores.get) == "fear"


def test_terms_below_min_df_get_no_entry():
    assert lexicon_entry("rare", 2, {"good": 2}, {"good": 4}, 10, SEEDS, LexiconOptions(min_df=3)) is None


def test_no_seed_in_corpus_gives_zero_sentiment():
    entry = lexicon_entry("x", 5, {}, {}, 10, SEEDS, LexiconOptions(min_df=1))
    assert entry.sentiment == 0.0 and entry.emotions == (0.0,) * len(EMOTIONS)


@pytest.mark.parametrize("bad", [dict(aggregation="median"), dict(min_df=0)])
def test_bad_lexicon_options_are_refused(bad):
    with pytest.raises(ValueError):
        LexiconOptions(**bad)


def test_lexicon_version_changes_with_window_and_options_only():
    window = [("2019-01", "twitter", 10)]
    v = lexicon_version(SEEDS, LexiconOptions(), window)
    assert v == lexicon_version(SEEDS, LexiconOptions(), list(window))
    assert v != lexicon_version(SEEDS, LexiconOptions(), [("2019-01", "twitter", 11)])
    assert v != lexicon_version(SEEDS, LexiconOptions(min_df=5), window)


def _entry(term, sentiment, **emotions):
    return LexiconEntry(term, 10, sentiment, tuple(emotions.get(e, 0.0) for e in EMOTIONS))


LEXICON = {
    "thriving": _entry("thriving", 0.8, joy=0.6, trust=0.2),
    "toxic": _entry("toxic", -0.6, fear=0.3, disgust=-0.2),
    "good": _entry("good", 1.0),
}


def test_score_is_mean_of_hits_with_negation_flip():
    tokens = ["thriving", "forest", "toxic", "smog", "not", "good_NEG", "!"]
    result = score_post(tokens, LEXICON, ScoringOptions(neutral_band=0.05))
    # hits: thriving 0.8, toxic -0.6, good_NEG -1.0 -> mean -0.8/3
    assert result["sentiment_score"] == pytest.approx((0.8 - 0.6 - 1.0) / 3)
    assert result["sentiment_label"] == "negative"
    assert result["n_lexicon_hits"] == 3
    assert result["n_terms"] == 5  # thriving forest toxic smog good_NEG ('not' and '!' are not terms)
    assert result["explanation"][0] == "good_NEG:-1.000"


def test_emotion_shares_normalize_positive_associations():
    result = score_post(["thriving", "toxic"], LEXICON, ScoringOptions())
    assert result["joy"] == pytest.approx(0.6 / 1.1)
    assert result["trust"] == pytest.approx(0.2 / 1.1)
    assert result["fear"] == pytest.approx(0.3 / 1.1)
    assert result["disgust"] == 0.0
    assert result["dominant_emotion"] == "joy"


def test_post_without_lexicon_terms_is_neutral_with_no_emotion():
    result = score_post(["forest", "smog"], LEXICON, ScoringOptions())
    assert result["sentiment_score"] == 0.0 and result["sentiment_label"] == "neutral"
    assert result["dominant_emotion"] is None and sum(result[e] for e in EMOTIONS) == 0.0


def test_negation_flip_can_be_switched_off():
    result = score_post(["good_NEG"], LEXICON, ScoringOptions(flip_negated=False))
    assert result["n_lexicon_hits"] == 0


@pytest.mark.parametrize("score,label", [(0.06, "positive"), (0.05, "neutral"), (-0.05, "neutral"),
                                         (-0.051, "negative")])
def test_neutral_band_edges(score, label):
    assert sentiment_label(score, 0.05) == label
