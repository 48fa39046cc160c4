"""The one scoring function: VADER-grade rules, calibration, emotions, explanations."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.scoring.combiner import LinearModel
from pipelines.config import EMOTIONS
from pipelines.induction.lexicon import GENERAL, Lexicon, LexiconEntry
from pipelines.induction.priors import booster_weights, negation_factor
from pipelines.scoring.score import (
    BUT_AFTER, BUT_BEFORE, PostEvidence, band_label, post_features, score_post, score_posts, sentiment_hits,
)
from pipelines.text.tokenizer import tokenize
from pipelines.writing.sinks import SCHEMAS


def emotions(**weights) -> tuple[float, ...]:
    return tuple(weights.get(e, 0.0) for e in EMOTIONS)


GENERAL_LAYER = {
    "good": LexiconEntry("good", 0.5, emotions(joy=1.0)),
    "bad": LexiconEntry("bad", -0.6, emotions(anger=1.0, sadness=1.0)),
    "storm": LexiconEntry("storm", -0.1, emotions(fear=1.0)),
    "win": LexiconEntry("win", 0.4, emotions(anticipation=1.0, joy=1.0)),
    "table": LexiconEntry("table", 0.0),
}
BANDED = Lexicon({GENERAL: GENERAL_LAYER}, {}, {"sentiment": {"neutral_band": 0.3}})


def values(text: str) -> list[tuple[str, float]]:
    return [(h.token, h.value) for h in sentiment_hits(tokenize(text), GENERAL_LAYER)]


def test_negation_scope_ends_at_commas_and_clause_punctuation():
    assert tokenize("not good, good") == ["not", "good_NEG", ",", "good"]
    assert tokenize("never good. good") == ["never", "good_NEG", ".", "good"]
    assert values("not good, good") == [("good_NEG", pytest.approx(0.5 * negation_factor())), ("good", 0.5)]


def test_a_cue_negates_the_three_tokens_after_it_and_no_more():
    assert tokenize("not a very good day") == ["not", "a_NEG", "very_NEG", "good_NEG", "day_NEG"]
    assert values("not a very good day") == [("good_NEG", pytest.approx((0.5 + booster_weights()["very"])
                                                                      * negation_factor()))]
    assert values("not going to see a good show") == [("good", 0.5)]  # in the scope, four tokens on
    assert values("never going to see a good show") == [("good", 0.5)]


def test_boosters_and_but():
    very = booster_weights()["very"]
    assert values("very good") == [("good", pytest.approx(0.5 + very))]
    assert values("very bad") == [("bad", pytest.approx(-0.6 - very))]
    assert values("good but bad") == [("good", pytest.approx(0.5 * BUT_BEFORE)), ("bad", pytest.approx(-0.6 * BUT_AFTER))]
    assert score_post(tokenize("good but bad"), BANDED)["sentiment_label"] == "negative"


def test_band_label_edges():
    assert [band_label(s, 0.3) for s in (0.31, 0.3, -0.3, -0.31)] == ["positive", "neutral", "neutral", "negative"]


def test_explanation_names_each_driver_once_and_never_a_zero():
    scored = score_post(tokenize("good good table good storm"), BANDED)
    assert scored["explanation"] == ["good:+0.500", "storm:-0.100"]


def test_no_emotion_evidence_means_no_dominant_emotion():
    scored = score_post(tokenize("the table and the chair"), BANDED)
    assert scored["dominant_emotion"] is None and scored["emotion_labels"] == []
    assert sum(scored[e] for e in EMOTIONS) == 0


def test_emotions_are_gated_by_the_posts_polarity():
    # 'bad' (anger, sadness) outweighs 'win' (anticipation, joy): a negative post
    scored = score_post(tokenize("bad bad win"), BANDED)
    assert scored["sentiment_label"] == "negative"
    assert scored["dominant_emotion"] in {"anger", "sadness"}
    assert scored["joy"] == 0.0 and scored["anticipation"] > 0  # joy is gated out, anticipation is not
    positive = score_post(tokenize("good win"), BANDED)
    assert positive["dominant_emotion"] == "joy" and positive["anger"] == 0.0


def test_a_calibrated_model_decides_the_label():
    features = ("positive_sum", "negative_sum")
    model = LinearModel(features, ("negative", "neutral", "positive"), (0.0, 0.0), (1.0, 1.0),
                        ((0.0, 10.0), (0.0, 0.0), (10.0, 0.0)), (0.0, 2.0, 0.0))
    lexicon = Lexicon({GENERAL: GENERAL_LAYER}, {}, {"sentiment": {"model": model.as_dict()}})
    assert score_post(tokenize("good"), lexicon)["sentiment_label"] == "positive"   # 5 > 2
    assert score_post(tokenize("storm"), lexicon)["sentiment_label"] == "neutral"  # -1 vs 2
    scored = score_post(tokenize("bad"), lexicon)  # logits (-6, 2, 0)
    assert scored["sentiment_label"] == "neutral"
    assert scored["sentiment_score"] == pytest.approx(model.probabilities([0.0, -0.6])["positive"]
                                                      - model.probabilities([0.0, -0.6])["negative"])


def test_features_name_their_values():
    features = post_features([tokenize("good bad bad!")], BANDED, ("positive_hits", "negative_hits", "exclamations"))
    assert features.tolist() == [[1.0, 2.0, 1.0]]


CALIBRATED = Lexicon({GENERAL: GENERAL_LAYER}, {}, __import__("lexicons").default_calibration())


@settings(max_examples=25, deadline=None)
@given(st.lists(st.lists(st.sampled_from(["good", "bad", "storm", "win", "table", "not", "very", "but", "!", "?"]),
                         max_size=8), min_size=1, max_size=12))
def test_a_batch_scores_each_post_as_it_scores_it_alone(texts):
    token_lists = [tokenize(" ".join(words)) for words in texts]
    assert score_posts(token_lists, CALIBRATED) == [score_post(tokens, CALIBRATED) for tokens in token_lists]
    assert score_posts(token_lists, BANDED) == [score_post(tokens, BANDED) for tokens in token_lists]


def test_probabilities_of_a_batch_by_hand():
    model = LinearModel(("a", "b"), ("negative", "neutral", "positive"), (1.0, 0.0), (2.0, 1.0),
                        ((1.0, 0.0), (0.0, 0.0), (0.0, 1.0)), (0.0, 0.0, 0.0))
    rows = model.probability_matrix(np.array([[1.0, 0.0], [3.0, 1.0]]))  # z = (0, 0) and (1, 1)
    assert rows[0].tolist() == pytest.approx([1 / 3, 1 / 3, 1 / 3])
    e = math.e
    assert rows[1].tolist() == pytest.approx([e / (2 * e + 1), 1 / (2 * e + 1), e / (2 * e + 1)])


def test_a_binary_model_far_from_its_class_gives_zero_not_an_overflow():
    model = LinearModel(("compound",), ("no", "joy"), (0.0,), (1.0,), ((1000.0,),), (0.0,))
    assert model.probabilities([-1.0]) == {"no": 1.0, "joy": 0.0}


def test_a_model_with_an_unknown_feature_is_refused_by_name():
    model = LinearModel(("compound", "shouting"), ("no", "joy"), (0.0, 0.0), (1.0, 1.0), ((1.0, 1.0),), (0.0,))
    lexicon = Lexicon({GENERAL: GENERAL_LAYER}, {}, {"emotion": {"models": {"joy": model.as_dict()},
                                                                 "thresholds": {"joy": 0.5}}})
    with pytest.raises(ValueError, match="unknown features: shouting"):
        score_post(tokenize("good"), lexicon)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["good", "bad_NEG", "!", "!!", "?", "?!", "<url>", "<user>", "wow!?", "not_NEG",
                                 "a_NEGb"]), max_size=12))
def test_surface_features_count_characters_and_tokens(tokens):
    from pipelines.scoring.score import MAX_EXCLAMATIONS, surface_features

    exclamations = sum(t.count("!") for t in tokens)
    questions = sum(t.count("?") for t in tokens)
    negated = len([t for t in tokens if t.endswith("_NEG")])
    assert surface_features(tokens, 3) == [float(min(exclamations, MAX_EXCLAMATIONS)), float(questions),
                                           float(negated), math.log1p(3), float(tokens.count("<url>")),
                                           float(tokens.count("<user>"))]


#: a general layer with the cases the rules tell apart: a negated form of its own ("good_NEG"), a
#: zero valence ("table", "calm_NEG": its base "calm" must not be read through it), a booster
#: that is also a lexicon word ("very"), and an entry for "but" (a rule, never a hit)
_RULE_LAYER = {
    **GENERAL_LAYER,
    "good_NEG": LexiconEntry("good_NEG", -0.2),
    "calm": LexiconEntry("calm", 0.3),
    "calm_NEG": LexiconEntry("calm_NEG", 0.0),
    "very": LexiconEntry("very", 0.1),
    "but": LexiconEntry("but", -0.3),
}


def _hits_by_the_rules(tokens: list[str], general) -> list[tuple[int, str, float]]:
    """The scoring rules written out one token at a time (the specification `sentiment_hits` meets)."""
    boosters = booster_weights()
    hits, but_at = [], None
    for i, token in enumerate(tokens):
        if token == "but":
            but_at = len(hits)
            continue
        entry, negated = general.get(token), False
        if entry is None and token.endswith("_NEG"):
            entry = general.get(token[:-len("_NEG")])
            if {"not", "never"} & set(tokens[max(0, i - 3):i]):  # the cues among the sampled tokens
                negated = True
            else:  # further from its cue than VADER's three words: the word itself
                token = token[:-len("_NEG")]
        if entry is None or not entry.sentiment:
            continue
        value = entry.sentiment
        for distance, decay in zip((1, 2, 3), (1.0, 0.95, 0.9)):
            if i - distance >= 0:
                boost = boosters.get(tokens[i - distance].removesuffix("_NEG"))
                if boost:
                    value += math.copysign(boost * decay, value)
        if negated:
            value *= negation_factor()
        hits.append((i, token, value))
    if but_at is not None:
        hits = [(i, t, v * (BUT_BEFORE if j < but_at else BUT_AFTER)) for j, (i, t, v) in enumerate(hits)]
    return hits


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["good", "good_NEG", "bad", "bad_NEG", "table", "table_NEG", "calm", "calm_NEG",
                                 "storm_NEG", "very", "very_NEG", "extremely", "barely", "but", "not", "never", "!",
                                 "x", "x_NEG"]), max_size=14))
def test_sentiment_hits_follow_the_rules_token_by_token(tokens):
    assert [tuple(h) for h in sentiment_hits(tokens, _RULE_LAYER)] == _hits_by_the_rules(tokens, _RULE_LAYER)


def test_emotion_mass_adds_the_positive_weights_of_the_posts_terms():
    layer = {"fire": LexiconEntry("fire", -0.4, emotions(fear=0.5, anger=-0.25)),
             "smoke": LexiconEntry("smoke", 0.0, emotions(fear=0.25, sadness=0.125)),
             "table": LexiconEntry("table", 0.3)}
    mass = PostEvidence(["smoke", "fire", "table", "fire"], Lexicon({GENERAL: layer})).emotion_mass(gated_by=None)
    assert dict(zip(EMOTIONS, mass)) == {**dict.fromkeys(EMOTIONS, 0.0), "fear": 0.75, "sadness": 0.125}


def test_emotion_mass_adds_the_terms_weights_in_their_sorted_order():
    # 1e16 first, each 1 added after it rounds away (1e16 + 1 is a tie, to the even 1e16); any
    # order with two or more ones before 1e16 keeps them
    layer = {"a_big": LexiconEntry("a_big", 0.1, emotions(joy=1e16)),
             **{f"w{i:02}": LexiconEntry(f"w{i:02}", 0.1, emotions(joy=1.0)) for i in range(30)}}
    post = [f"w{i:02}" for i in reversed(range(30))] + ["a_big"]
    mass = PostEvidence(post, Lexicon({GENERAL: layer})).emotion_mass(gated_by=None)
    assert mass[EMOTIONS.index("joy")] == 1e16


def test_supervised_features_are_those_of_each_post_alone_in_a_batch_where_few_posts_have_hits():
    from pipelines.induction.lexicon import SUPERVISED
    from pipelines.scoring.combiner import WORD_FEATURES

    supervised = {"storm": LexiconEntry("storm", -0.5, emotions(fear=0.75), neutral=0.25),
                  "win": LexiconEntry("win", 0.25, emotions(joy=0.5))}
    lexicon = Lexicon({GENERAL: GENERAL_LAYER, SUPERVISED: supervised})
    posts = [tokenize(text) for text in ("good day", "a storm", "table", "win win storm", "bad")]
    rows = post_features(posts, lexicon, WORD_FEATURES)
    assert rows.tolist() == [post_features([tokens], lexicon, WORD_FEATURES)[0].tolist() for tokens in posts]
    hits = WORD_FEATURES.index("supervised_hits")
    assert rows[:, hits].tolist() == [0.0, 1.0, 0.0, 2.0, 0.0]
    assert rows[3, WORD_FEATURES.index("supervised_sentiment_sum")] == -0.25


def test_emotion_models_score_a_post_whose_emotions_the_polarity_gate_leaves_out():
    # 'thrill' is positive with fear alone: the gate of a positive post keeps none of its mass
    layer = {**GENERAL_LAYER, "thrill": LexiconEntry("thrill", 0.6, emotions(fear=1.0))}
    always_joy = LinearModel(("compound",), ("no", "joy"), (0.0,), (1.0,), ((0.0,),), (5.0,)).as_dict()
    lexicon = Lexicon({GENERAL: layer}, {}, {"sentiment": {"neutral_band": 0.3},
                                             "emotion": {"models": {"joy": always_joy}, "thresholds": {"joy": 0.5}}})
    thrill, table = score_posts([tokenize("thrill"), tokenize("table")], lexicon)
    assert (thrill["sentiment_label"], thrill["dominant_emotion"], thrill["emotion_labels"]) == ("positive", "joy", ["joy"])
    assert (table["dominant_emotion"], table["emotion_labels"]) == (None, [])  # no emotion evidence: no model


def _always(bias_to_neutral: float) -> dict:
    """A sentiment model over positive_sum: positive when 10 x the sum beats the neutral bias."""
    return LinearModel(("positive_sum",), ("negative", "neutral", "positive"), (0.0,), (1.0,),
                       ((0.0,), (0.0,), (10.0,)), (0.0, bias_to_neutral, 0.0)).as_dict()


BY_PLATFORM = Lexicon({GENERAL: GENERAL_LAYER}, {}, {"sentiment": {"model": _always(100.0)},
                                                     "platforms": {"reddit": {"sentiment": {"model": _always(1.0)}}}})


def test_a_platform_with_its_own_model_is_scored_by_it_and_the_others_by_the_general_one():
    good = tokenize("good")  # positive_sum 0.5: logits (0, 100, 5) in general, (0, 1, 5) on reddit
    labels = [s["sentiment_label"] for s in score_posts([good] * 4, BY_PLATFORM, ["twitter", "reddit", "youtube", None])]
    assert labels == ["neutral", "positive", "neutral", "neutral"]
    assert score_post(good, BY_PLATFORM, "reddit")["sentiment_label"] == "positive"
    assert score_post(good, BY_PLATFORM)["sentiment_label"] == "neutral"  # no platform: the general model


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.lists(st.sampled_from(["good", "bad", "win", "not", "table", "!"]), max_size=6),
                          st.sampled_from(["twitter", "reddit", "youtube"])), min_size=1, max_size=10))
def test_a_batch_of_mixed_platforms_scores_each_post_as_alone(posts):
    token_lists = [tokenize(" ".join(words)) for words, _ in posts]
    platforms = [platform for _, platform in posts]
    assert score_posts(token_lists, BY_PLATFORM, platforms) == [
        score_post(tokens, BY_PLATFORM, platform) for tokens, platform in zip(token_lists, platforms)]


def test_a_supervised_lexicon_keeps_no_default_model_of_its_own_task(monkeypatch):
    from pipelines.induction import lexicon_job

    default = {"sentiment": "S", "emotion": "E",
               "platforms": {"reddit": {"sentiment": "S-reddit", "emotion": "E-reddit"}, "youtube": {"sentiment": "S-yt"}}}
    monkeypatch.setattr(lexicon_job.lexicons, "default_calibration", lambda: json.loads(json.dumps(default)))
    assert lexicon_job.untrained_defaults({"sentiment": "mine"}) == {
        "emotion": "E", "platforms": {"reddit": {"emotion": "E-reddit"}}}
    assert lexicon_job.untrained_defaults({"emotion": "mine"}) == {
        "sentiment": "S", "platforms": {"reddit": {"sentiment": "S-reddit"}, "youtube": {"sentiment": "S-yt"}}}


def test_a_run_scores_each_post_by_its_platforms_calibration():
    from pipelines.job import score_table

    batch = [{"tokens": tokenize("good"), "platform": platform, "post_id": platform, "month": "2020-01", "topics": []}
             for platform in ("twitter", "reddit")]
    assert {r["post_id"]: r["sentiment_label"] for r in score_table(batch, BY_PLATFORM).to_pylist()} == {
        "twitter": "neutral", "reddit": "positive"}


def test_a_post_counts_its_distinct_terms_and_every_scoring_token():
    scored = score_post(tokenize("good chair table, good bad!"), BANDED)
    assert (scored["n_terms"], scored["n_lexicon_hits"]) == (4, 3)  # good, chair, table, bad; good twice and bad


@settings(max_examples=25, deadline=None)
@given(st.lists(st.lists(st.sampled_from(["good", "bad", "storm", "win", "table", "not", "very", "but", "!", "?"]),
                         max_size=8), min_size=0, max_size=12))
def test_a_runs_post_scores_table_holds_each_posts_fields_and_its_scores(texts):
    from pipelines.job import score_table
    from pipelines.text.tokenizer import TOKENIZER_VERSION

    platforms = ["twitter", "reddit", "youtube"]
    batch = [{"tokens": tokenize(" ".join(words)), "platform": platforms[i % 3], "post_id": f"p{i}",
              "month": f"2020-0{1 + i % 9}", "topics": ["t"] * (i % 2)} for i, words in enumerate(texts)]
    scores = score_posts([p["tokens"] for p in batch], BY_PLATFORM, [p["platform"] for p in batch])
    table = score_table(batch, BY_PLATFORM)
    assert table.schema.equals(SCHEMAS["post_scores"])
    assert table.to_pylist() == [
        {"platform": p["platform"], "post_id": p["post_id"], "month": p["month"], **scored, "topics": p["topics"],
         "lexicon_version": BY_PLATFORM.version, "tokenizer_version": TOKENIZER_VERSION}
        for p, scored in zip(batch, scores)]


def _emotions_one_post(probabilities: dict[str, float], thresholds: dict[str, float]) -> tuple:
    """The models' emotions of one post written out: shares of the summed probabilities, the most
    probable emotion (ties: by name), those past their threshold in that order."""
    total = sum(probabilities.values())
    shares = [probabilities.get(e, 0.0) / total if total else 0.0 for e in EMOTIONS]
    ranked = sorted(probabilities, key=lambda k: (-probabilities[k], k))
    return shares, ranked[0], [k for k in ranked if probabilities[k] >= thresholds[k]]


@settings(max_examples=200, deadline=None)
@given(st.permutations(EMOTIONS).flatmap(lambda order: st.tuples(
    st.integers(1, len(EMOTIONS)).map(lambda n: tuple(order[:n])),
    st.lists(st.lists(st.sampled_from([0.0, 0.1, 0.25, 0.5, 1 / 3, 0.9, 1.0]), min_size=8, max_size=8),
             min_size=1, max_size=6),
    st.lists(st.sampled_from([0.0, 0.25, 0.5, 1.0]), min_size=8, max_size=8))))
def test_emotions_by_models_of_a_batch_are_those_of_each_post_written_out(case):
    from pipelines.scoring.score import _emotions_by_models

    labels, rows, cuts = case
    thresholds = dict(zip(labels, cuts))
    probabilities = np.array([row[:len(labels)] for row in rows])
    assert [tuple(e) for e in _emotions_by_models(probabilities, labels, thresholds)] == [
        _emotions_one_post(dict(zip(labels, row)), thresholds) for row in probabilities.tolist()]
