"""The character layer: its features by hand, against scikit-learn's own pipeline, through a
lexicon file, cross-fitted in a supervised build, and scored by `score_posts`."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.config import EMOTIONS
from pipelines.induction.characters import (
    CHARACTER_FEATURES, MIN_DF, NGRAM_RANGE, NGRAMS_FEATURE, CharacterModel, fit_character_layer, with_characters,
)
from pipelines.induction.lexicon import CHARACTERS, GENERAL, Lexicon, LexiconEntry, read_lexicon
from pipelines.scoring.combiner import LinearModel
from pipelines.scoring.score import post_features, score_post, score_posts
from pipelines.text.tokenizer import tokenize

SENTIMENT = ("negative", "neutral", "positive")


def entry(ngram: str, df: int, sentiment: float = 0.0, neutral: float = 0.0, **emotion_weights) -> LexiconEntry:
    return LexiconEntry(ngram, sentiment, tuple(emotion_weights.get(e, 0.0) for e in EMOTIONS), neutral, df, df,
                        CHARACTERS)


def log_softmax(logits: list[float]) -> list[float]:
    top = max(logits)
    total = math.log(sum(math.exp(v - top) for v in logits)) + top
    return [v - total for v in logits]


SETTINGS = {"task": "sentiment", "classes": list(SENTIMENT), "posts": 3,
            "intercepts": {"sentiment": 0.5, "neutral": -1.0}}


def test_one_ngram_post_by_hand():
    # "ab" is the only n-gram of " ab " in the layer: its unit-length tf-idf vector is 1
    model = CharacterModel({"ab": entry("ab", 1, sentiment=2.0, neutral=1.0)}, SETTINGS)
    a, b = 2.0 + 0.5, 1.0 - 1.0  # weight + intercept: positive - negative, neutral - their mean
    expected = log_softmax([-a / 2, b, a / 2])
    for text in ("ab", "ab ab", "xab"):  # any count, and inside a longer word
        assert model.features([text])[0, :3].tolist() == pytest.approx(expected, abs=1e-12)
    assert model.features(["zz"])[0, :3].tolist() == pytest.approx(log_softmax([-0.25, -1.0, 0.25]), abs=1e-12)
    features = dict(zip(CHARACTER_FEATURES, model.features(["ab"])[0].tolist()))
    assert [features[f"characters_{e}"] for e in EMOTIONS] == [0.0] * len(EMOTIONS)  # a sentiment model has no emotions
    assert features[NGRAMS_FEATURE] == 1.0 and model.features(["zz"])[0, -1] == 0.0


def test_the_layer_is_read_with_the_settings_it_was_fitted_with():
    layer = {"a": entry("a", 1, sentiment=2.0)}  # a 1-gram: no 2-5-gram model has it
    one_grams = CharacterModel(layer, {**SETTINGS, "ngram_range": [1, 1]})
    assert one_grams.features(["xa"])[0, -1] == 1.0 and CharacterModel(layer, SETTINGS).features(["xa"])[0, -1] == 0.0
    with pytest.raises(ValueError, match="analyzer 'word'"):
        CharacterModel(layer, {**SETTINGS, "analyzer": "word"}).features(["xa"])


def test_tf_idf_weights_by_hand():
    layer = {"ab": entry("ab", 1, sentiment=1.0), "cd": entry("cd", 3, sentiment=-2.0)}
    model = CharacterModel(layer, {**SETTINGS, "intercepts": {"sentiment": 0.0, "neutral": 0.0}})
    idf_ab, idf_cd = math.log(4 / 2) + 1, math.log(4 / 4) + 1  # ln((1 + posts) / (1 + df)) + 1, posts = 3
    tf_ab = 1 + math.log(2)  # sublinear: "ab" twice
    x_ab, x_cd = tf_ab * idf_ab, 1 * idf_cd
    norm = math.hypot(x_ab, x_cd)
    a = (x_ab * 1.0 + x_cd * -2.0) / norm
    assert model.features(["ab ab cd"])[0, :3].tolist() == pytest.approx(log_softmax([-a / 2, 0.0, a / 2]), abs=1e-12)


def test_an_emotion_layer_gives_log_odds_of_its_emotions_only():
    layer = {"ab": entry("ab", 1, joy=1.5, fear=-0.5)}
    model = CharacterModel(layer, {"task": "emotion", "classes": ["fear", "joy"], "posts": 1,
                                   "intercepts": {"fear": 0.25, "joy": -1.0}})
    features = dict(zip(CHARACTER_FEATURES, model.features(["ab"])[0].tolist()))
    assert features["characters_joy"] == pytest.approx(0.5)
    assert features["characters_fear"] == pytest.approx(-0.25)
    assert {name for name, value in features.items() if value} == {"characters_joy", "characters_fear", NGRAMS_FEATURE}


def test_a_two_class_sentiment_model_scores_its_two_classes():
    layer = {"ab": entry("ab", 1, sentiment=3.0)}
    model = CharacterModel(layer, {"task": "sentiment", "classes": ["negative", "positive"], "posts": 1,
                                   "intercepts": {"sentiment": -1.0, "neutral": 0.0}})
    negative, neutral, positive = model.features(["ab"])[0, :3].tolist()
    assert positive - negative == pytest.approx(2.0)  # the log-odds: weight + intercept
    assert math.exp(positive) + math.exp(negative) == pytest.approx(1.0)
    assert neutral == 0.0


def planted(rng: random.Random, n: int) -> tuple[list[str], list[tuple[str, ...]]]:
    """Posts whose label shows in word pieces ('happ', 'sadd') among filler words."""
    words = {"positive": ["happyyy", "happily", "unhappy"], "negative": ["saddest", "sadly", "unhappy"],
             "neutral": ["table", "chair"]}
    filler = ["the", "a", "on", "today", "news", "went", "see"]
    texts, labels = [], []
    for _ in range(n):
        label = rng.choice(SENTIMENT)
        texts.append(" ".join(rng.sample(filler, 3) + [rng.choice(words[label]), rng.choice(words["neutral"])]))
        labels.append((label,))
    return texts, labels


def test_the_layer_scores_as_scikit_learns_pipeline_fitted_on_the_same_posts():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    texts, labels = planted(random.Random(1), 300)
    entries, settings = fit_character_layer(texts, labels, "sentiment", SENTIMENT)
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=NGRAM_RANGE, min_df=MIN_DF, sublinear_tf=True)
    x = vectorizer.fit_transform(texts)
    reference = LogisticRegression(solver="saga", tol=1e-4, max_iter=5000, random_state=0).fit(x, [ls[0] for ls in labels])
    assert sorted(entries) == sorted(vectorizer.get_feature_names_out())
    new = ["happyyy today", "so sadly", "chair", "unseen words here"]
    expected = reference.predict_log_proba(vectorizer.transform(new))
    assert CharacterModel(entries, settings).features(new)[:, :3] == pytest.approx(expected, abs=1e-9)
    assert entries["app"].df == sum("app" in t for t in texts)  # df: training posts with the n-gram


def test_an_emotion_layer_scores_as_scikit_learns_binary_models():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    texts, sentiment = planted(random.Random(2), 300)
    labels = [{"positive": ("joy",), "negative": ("sadness", "fear"), "neutral": ()}[s[0]] for s in sentiment]
    entries, settings = fit_character_layer(texts, labels, "emotion", ("fear", "joy", "sadness"))
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=NGRAM_RANGE, min_df=MIN_DF, sublinear_tf=True)
    x = vectorizer.fit_transform(texts)
    new = vectorizer.transform(["happily", "saddest day"])
    features = CharacterModel(entries, settings).features(["happily", "saddest day"])
    for emotion in ("fear", "joy", "sadness"):
        reference = LogisticRegression(solver="saga", tol=1e-4, max_iter=5000, random_state=0)
        reference.fit(x, [emotion in ls for ls in labels])
        column = CHARACTER_FEATURES.index(f"characters_{emotion}")
        assert features[:, column] == pytest.approx(reference.decision_function(new), abs=1e-9)
    assert settings["classes"] == ["fear", "joy", "sadness"]


def test_an_n_gram_of_an_emotion_layer_is_emotion_evidence():
    joy = LinearModel(("characters_joy",), ("no", "joy"), (0.0,), (1.0,), ((1.0,),), (0.0,))
    layer = {"ap": entry("ap", 1, joy=3.0)}
    lexicon = with_characters(Lexicon({GENERAL: {}}, {}, {"emotion": {"models": {"joy": joy.as_dict()},
                                                                       "thresholds": {"joy": 0.5}}}),
                              layer, {"task": "emotion", "classes": ["joy"], "posts": 1, "intercepts": {"joy": -1.0}})
    happy, table = score_posts([tokenize("happy"), tokenize("table")], lexicon)
    assert (happy["dominant_emotion"], happy["emotion_labels"]) == ("joy", ["joy"])  # log-odds 3 - 1 = 2
    assert (table["dominant_emotion"], table["emotion_labels"]) == (None, [])  # no n-gram, no word: no evidence


def test_fitted_twice_the_layer_is_the_same():
    texts, labels = planted(random.Random(4), 200)
    assert fit_character_layer(texts, labels, "sentiment", SENTIMENT) == fit_character_layer(
        texts, labels, "sentiment", SENTIMENT)


def test_the_layer_survives_a_lexicon_file(tmp_path):
    texts, labels = planted(random.Random(5), 200)
    lexicon = with_characters(Lexicon({GENERAL: {"good": LexiconEntry("good", 0.5)}}),
                              *fit_character_layer(texts, labels, "sentiment", SENTIMENT))
    lexicon.write(str(tmp_path / "lex.parquet"))
    back = read_lexicon(str(tmp_path / "lex.parquet"))
    assert back.version == lexicon.version
    assert back.characters == lexicon.characters and back.calibration == lexicon.calibration
    rows = [r for r in back.rows() if r["layer"] == CHARACTERS]
    assert {r["source"] for r in rows} == {CHARACTERS} and all(r["df"] >= MIN_DF for r in rows)
    tokens = [tokenize(t) for t in ["happyyy news", "sadly so"]]
    names = CHARACTER_FEATURES[:3]
    assert post_features(tokens, back, names).tolist() == post_features(tokens, lexicon, names).tolist()


def test_a_calibration_model_reads_the_character_evidence():
    layer = {"ap": entry("ap", 1, sentiment=4.0), "ad": entry("ad", 1, sentiment=-4.0)}
    model = LinearModel(("characters_negative", "characters_positive"), SENTIMENT, (0.0, 0.0), (1.0, 1.0),
                        ((1.0, 0.0), (0.0, 0.0), (0.0, 1.0)), (0.0, -1.0, 0.0))
    lexicon = with_characters(Lexicon({GENERAL: {}}, {}, {"sentiment": {"model": model.as_dict()}}), layer,
                              {**SETTINGS, "intercepts": {"sentiment": 0.0, "neutral": 0.0}})
    assert score_post(tokenize("happy"), lexicon)["sentiment_label"] == "positive"
    assert score_post(tokenize("sad"), lexicon)["sentiment_label"] == "negative"
    # no n-gram: each class log(1/3), so the logits are (-1.10, -1, -1.10)
    assert score_post(tokenize("table"), lexicon)["sentiment_label"] == "neutral"
    texts = [tokenize(t) for t in ("happy", "sad", "table", "happy sad", "")]
    assert score_posts(texts, lexicon) == [score_post(t, lexicon) for t in texts]


FITTED = with_characters(Lexicon({GENERAL: {"happy": LexiconEntry("happy", 0.6)}}, {},
                                  {"sentiment": {"model": LinearModel(
                                      ("compound", *CHARACTER_FEATURES[:3]), SENTIMENT, (0.0,) * 4, (1.0,) * 4,
                                      ((-1.0, 1.0, 0.0, 0.0), (0.0, 0.0, 1.0, 0.0), (1.0, 0.0, 0.0, 1.0)),
                                      (0.0, 0.0, 0.0)).as_dict()}}),
                          *fit_character_layer(*planted(random.Random(7), 200), "sentiment", SENTIMENT))


@settings(max_examples=25, deadline=None)
@given(st.lists(st.lists(st.sampled_from(["happyyy", "sadly", "unhappy", "table", "the", "not", "!", "zz"]),
                         max_size=8), min_size=1, max_size=12))
def test_a_batch_scores_each_post_as_it_scores_it_alone(texts):
    token_lists = [tokenize(" ".join(words)) for words in texts]
    assert score_posts(token_lists, FITTED) == [score_post(tokens, FITTED) for tokens in token_lists]


def test_each_fold_layer_is_fitted_without_the_folds_posts():
    from pipelines.induction.lexicon_job import _with_character_layers
    from pipelines.scoring.score import PostText

    texts, labels = planted(random.Random(6), 250)
    texts = [t + (" zebraquux" if i % 5 == 0 else "") for i, t in enumerate(texts)]  # only in fold 0
    post_folds = np.arange(len(texts)) % 5
    empty = Lexicon({GENERAL: {}})
    full, folds = _with_character_layers(empty, {f: empty for f in range(5)}, [PostText(t.split()) for t in texts],
                                         labels, post_folds, "sentiment", SENTIMENT)
    assert full.calibration["characters"]["posts"] == 250
    assert {f: lex.calibration["characters"]["posts"] for f, lex in folds.items()} == {f: 200 for f in range(5)}
    assert "zebr" in full.characters and "zebr" in folds[1].characters
    assert "zebr" not in folds[0].characters
    outside = [i for i in range(len(texts)) if post_folds[i] != 3]  # fitted in a thread: as fitted alone
    assert folds[3] == with_characters(empty, *fit_character_layer([texts[i] for i in outside],
                                                                   [labels[i] for i in outside], "sentiment", SENTIMENT))


def test_the_supervised_flags_are_refused_without_train(tmp_path, capsys):
    from flows.cli.commands import main

    posts = tmp_path / "posts.jsonl"
    posts.write_text('{"id": "1", "text": "good", "created_at": "2020-01-01T00:00:00Z", "platform": "twitter"}\n')
    code = main(["lexicon", "build", "--input", str(posts), "--out", str(tmp_path / "l.parquet"),
                 "--no-characters", "--no-priors"])
    assert code == 2
    assert "--no-priors, --no-characters: only with --train" in capsys.readouterr().err


@pytest.mark.slow
def test_a_supervised_lexicon_does_not_depend_on_the_order_of_the_training_lines(tmp_path):
    import json

    from pipelines.config import load_seeds
    from pipelines.induction.lexicon_job import SupervisedSettings, build_supervised_lexicon

    texts, labels = planted(random.Random(8), 200)
    lines = [json.dumps({"id": str(i), "text": t, "label": ls[0]}) + "\n" for i, (t, ls) in enumerate(zip(texts, labels))]
    built = []
    for name, order in (("a", lines), ("b", random.Random(9).sample(lines, len(lines)))):
        train = tmp_path / f"{name}.jsonl"
        train.write_text("".join(order), encoding="utf-8")
        build_supervised_lexicon(SupervisedSettings(str(train), str(tmp_path / f"{name}.parquet")), load_seeds())
        built.append(read_lexicon(str(tmp_path / f"{name}.parquet")))
    # the same entries and calibration (the metadata names the file and hashes its bytes)
    assert built[0].layers == built[1].layers and built[0].calibration == built[1].calibration
