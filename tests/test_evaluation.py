"""Lexicon math on tiny hand-computed corpora, the combiner, and `mipulse evaluate` end to end."""

from __future__ import annotations

import json
import math
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flows.cli import main
from pipelines.combiner import LogisticCombiner, pick_band, pick_threshold
from pipelines.evaljob import EvalLexiconSettings, base_seed_config, run_eval_lexicon
from pipelines.labelled import (
    LabelledRecordError, in_calibration_split, parse_labelled, task_labels, text_key, to_ekman,
)
from pipelines.seedscore import expand_sentiment, fit_scale, normalized_sum, seed_emotions
from pipelines.supervised import SupervisedOptions, class_pmi_difference, label_anchor, supervised_scores
from pipelines.text import tokenize


def write_jsonl(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return str(path)


# --- supervised PMI ---------------------------------------------------------------------

def test_class_pmi_difference_by_hand():
    # 10 posts, 4 in c; the term in 3 posts, 2 of them in c; k = 1:
    # p(t|c) = (2+1)/(4+2) = 1/2, p(t|not c) = (1+1)/(6+2) = 1/4 -> log2 2 = 1
    assert class_pmi_difference(2, 3, 4, 10, 1.0) == pytest.approx(1.0)
    # no smoothing mass on either side cancels: a term spread evenly scores 0
    assert class_pmi_difference(2, 4, 5, 10, 0.5) == pytest.approx(0.0)
    with pytest.raises(ValueError, match="inconsistent"):
        class_pmi_difference(5, 3, 4, 10, 1.0)


def test_supervised_scores_min_counts():
    options = SupervisedOptions(k=1.0, min_df=3, min_class_df=2)
    class_df = {label_anchor("pos"): 4, label_anchor("neg"): 6}
    assert supervised_scores(2, {label_anchor("pos"): 2}, class_df, 10, ("pos", "neg"), options) is None
    assert supervised_scores(3, {label_anchor("pos"): 1, label_anchor("neg"): 1}, class_df, 10,
                             ("pos", "neg"), options) is None
    scores = supervised_scores(3, {label_anchor("pos"): 2, label_anchor("neg"): 1}, class_df, 10,
                               ("pos", "neg"), options)
    assert scores["pos"] == pytest.approx(1.0)
    assert scores["neg"] == pytest.approx(-1.0)  # (1+1)/(6+2) vs (2+1)/(4+2)


@given(st.integers(1, 40), st.integers(1, 40), st.integers(0, 40), st.floats(0.1, 5))
def test_class_pmi_difference_sign(n_c, n_rest, df_t, k):
    """More of the term inside the class than outside (by share) means a positive score."""
    df_t = min(df_t, n_c + n_rest)
    for df_tc in range(max(0, df_t - n_rest), min(df_t, n_c) + 1):
        score = class_pmi_difference(df_tc, df_t, n_c, n_c + n_rest, k)
        share_in = (df_tc + k) / (n_c + 2 * k)
        share_out = (df_t - df_tc + k) / (n_rest + 2 * k)
        assert math.copysign(1, score) == math.copysign(1, share_in - share_out) or score == pytest.approx(0)


def test_supervised_lexicon_job_by_hand(tmp_path):
    corpus = write_jsonl(tmp_path / "train.jsonl", [
        {"text": "great fun", "label": "positive"},
        {"text": "great day", "label": "positive"},
        {"text": "awful day", "label": "negative"},
        {"text": "awful rain", "label": "negative"},
        {"text": "no label here"},
    ])
    settings = EvalLexiconSettings(corpus, str(tmp_path / "lex"), "supervised", "sentiment",
                                   ("negative", "positive"), supervised=SupervisedOptions(1.0, 1, 0),
                                   bigrams=False)
    files = run_eval_lexicon(settings)
    rows = {r["term"]: r for r in map(json.loads, open(files.lexicon, encoding="utf-8"))}
    # great: in 2 of 2 positive posts, 0 of 2 negative: log2 ((2+1)/(2+2)) / ((0+1)/(2+2)) = log2 3
    assert rows["great"]["df"] == 2
    assert rows["great"]["scores"]["positive"] == pytest.approx(math.log2(3))
    assert rows["great"]["scores"]["negative"] == pytest.approx(-math.log2(3))
    assert rows["day"]["scores"] == {"positive": pytest.approx(0.0), "negative": pytest.approx(0.0)}
    rejects = [json.loads(line) for line in open(files.rejects, encoding="utf-8")]
    assert len(rejects) == 1 and "no 'label'" in rejects[0]["reason"]


def test_seed_mode_sign_on_planted_corpus(tmp_path):
    rows = []
    for i in range(60):
        filler = ("table", "chair", "window")[i % 3]
        rows.append({"text": f"good sunny {filler} {i}"})
        rows.append({"text": f"bad gloomy {filler} {i}"})
    corpus = write_jsonl(tmp_path / "corpus.jsonl", rows)
    seeds = base_seed_config("sentiment", {"positive": ("good",), "negative": ("bad",)}, {})
    settings = EvalLexiconSettings(corpus, str(tmp_path / "lex"), "seed", "sentiment", (), seeds=seeds,
                                   seed_min_df=1)
    lexicon = {r["term"]: r for r in map(json.loads, open(run_eval_lexicon(settings).lexicon, encoding="utf-8"))}
    assert lexicon["sunny"]["sentiment"] > 0.5
    assert lexicon["gloomy"]["sentiment"] < -0.5
    assert abs(lexicon["table"]["sentiment"]) < 0.2


# --- seed scoring ---------------------------------------------------------------------

def test_expansion_scale_by_hand():
    base = {"good": 0.5, "bad": -0.5}
    assoc = {"good": 0.25, "bad": -0.25, "sunny": 0.2, "meh": 0.05}
    assert fit_scale([(0.25, 0.5), (-0.25, -0.5)]) == pytest.approx(2.0)
    lexicon = expand_sentiment(base, assoc, {"sunny": 30, "meh": 30}, min_df=20, min_strength=0.25)
    assert lexicon == {"good": 0.5, "bad": -0.5, "sunny": pytest.approx(0.4)}  # meh: 0.1 < 0.25
    assert normalized_sum([0.5, 0.25]) == pytest.approx(0.75 / math.sqrt(0.75**2 + 1))


def test_seed_emotions_gated_by_polarity():
    emotions = ("anger", "fear", "joy", "surprise")
    lexicon = {"storm": [0, 1, 0, 0], "furious": [1, 0, 0, 0], "wow": [0, 0, 0, 1], "party": [0, 0, 1, 0]}
    valences = {"furious": -0.7, "party": 0.5, "storm": -0.3}
    assert seed_emotions(tokenize("furious about the storm"), lexicon, emotions, valences) == ("anger", "fear")
    assert seed_emotions(tokenize("wow a party"), lexicon, emotions, valences) == ("joy", "surprise")
    # fear words without any negative word are not fear
    assert seed_emotions(tokenize("storm party party"), {"storm": [0, 1, 0, 0]}, emotions, {"party": 0.5}) == ("joy",)


# --- labelled records -----------------------------------------------------------------

def test_parse_labelled_and_reasons():
    post = parse_labelled('{"id": "v1", "semeval_id": "99", "text": "Hi", "label": "Positive"}')
    assert post.labels == ("positive",) and post.aliases == ("99",)
    assert parse_labelled('{"text": "x", "labels": ["joy", "love"]}').labels == ("joy", "love")
    for line, reason in (("{", "not JSON"), ("[1]", "not a JSON object"), ('{"label": "a"}', "empty 'text'"),
                         ('{"text": "x", "labels": "joy"}', "list of strings"), ('{"text": "x"}', "no 'label'")):
        with pytest.raises(LabelledRecordError, match=reason):
            parse_labelled(line)


def test_task_labels_per_emotion_set():
    post = parse_labelled('{"text": "x", "labels": ["trust", "optimism", "anger", "love"]}')
    assert task_labels(post, "emotion", "plutchik") == ("anger", "trust")
    assert task_labels(post, "emotion", "ekman") == ("anger", "joy")  # GoEmotions: optimism, love -> joy
    assert task_labels(post, "sentiment") == ("trust",)
    with pytest.raises(ValueError, match="emotion set"):
        task_labels(post, "emotion", "wheel")


def test_goemotions_to_ekman():
    assert to_ekman(("admiration", "annoyance", "neutral")) == ("anger", "joy")
    assert to_ekman(("curiosity", "nervousness", "grief")) == ("fear", "sadness", "surprise")
    assert to_ekman(("neutral",)) == ()


def test_overlap_key_matches_releases():
    assert text_key("@bob Great game!! http://t.co/x") == text_key("@user great game!! ")
    assert in_calibration_split("same text", 0.5) == in_calibration_split("same text", 0.5)


# --- combiner ---------------------------------------------------------------------------

def test_logistic_combiner_learns_separable_classes():
    x = [[float(i % 3), 1.0] for i in range(90)]
    y = [i % 3 for i in range(90)]
    probs = LogisticCombiner(iterations=2000).fit(x, y, 3).predict_proba([[0.0, 1.0], [1.0, 1.0], [2.0, 1.0]])
    assert list(probs.argmax(axis=1)) == [0, 1, 2]
    with pytest.raises(ValueError, match="not fitted"):
        LogisticCombiner().predict_proba(x)


def test_pick_threshold_and_band_by_hand():
    # cut at 0.8: both positives and nothing else -> F1 1; cut at 0.9 -> F1 2/3
    assert pick_threshold([0.9, 0.8, 0.6, 0.3, 0.1], [True, True, False, False, False]) == 0.8
    assert pick_threshold([0.9, 0.8, 0.6, 0.3], [True, False, True, False]) == 0.6

    def accuracy(gold, pred):
        return sum(g == p for g, p in zip(gold, pred)) / len(gold)

    scores = [-0.5, -0.1, 0.05, 0.2, 0.6]
    gold = ["negative", "neutral", "neutral", "neutral", "positive"]
    assert pick_band(scores, gold, accuracy, [0.0, 0.15, 0.3, 0.7]) == 0.3


# --- end to end -----------------------------------------------------------------------

def _planted(rng: random.Random, n: int, prefix: str) -> list[dict]:
    words = {"positive": "sunny", "negative": "gloomy", "neutral": "table"}
    rows = []
    for i in range(n):
        label = rng.choice(sorted(words))
        filler = " ".join(rng.choice(["river", "paper", "street", "music"]) for _ in range(2))
        rows.append({"id": f"{prefix}{i}", "text": f"{words[label]} {filler} {prefix}{i}", "label": label})
    return rows


@pytest.mark.slow
def test_evaluate_cli_end_to_end(tmp_path, capsys):
    rng = random.Random(3)
    train = write_jsonl(tmp_path / "train.jsonl", _planted(rng, 400, "train"))
    test = write_jsonl(tmp_path / "test.jsonl", _planted(rng, 60, "test"))
    assert main(["evaluate", "--test", test, "--train", train, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert set(report) == {"accuracy", "macro_f1", "macro_recall", "per_class", "baseline"}
    assert report["accuracy"] >= 0.95  # the planted words decide the label
    assert report["baseline"]["name"] == "vader"
    assert set(report["per_class"]) == {"negative", "neutral", "positive"}
    assert main(["evaluate", "--test", test, "--mode", "supervised"]) == 2  # no --train
    assert "needs --train" in capsys.readouterr().err


def test_fit_lexicon_leaves_out_the_calibration_partition(tmp_path):
    texts = [f"great thing number{i}" for i in range(20)]
    corpus = write_jsonl(tmp_path / "train.jsonl", [{"text": t, "label": "positive"} for t in texts])
    share = 0.5
    held_out = sum(in_calibration_split(t, share) for t in texts)
    assert 0 < held_out < len(texts)  # the hash split puts posts on both sides
    settings = EvalLexiconSettings(corpus, str(tmp_path / "lex"), "supervised", "sentiment", ("positive",),
                                   supervised=SupervisedOptions(1.0, 1, 0), calibration_share=share)
    files = run_eval_lexicon(settings)
    full = {r["term"]: r for r in map(json.loads, open(files.lexicon, encoding="utf-8"))}
    fit = {r["term"]: r for r in map(json.loads, open(files.fit_lexicon, encoding="utf-8"))}
    assert full["great"]["df"] == 20
    assert fit["great"]["df"] == 20 - held_out
