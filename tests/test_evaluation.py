"""Labelled records, the evaluation's label mappings, and `mipulse evaluate` end to end:
evaluate and run give every post the same label with the same lexicon."""

from __future__ import annotations

import json
import random
import re

import pytest

from flows.cli.commands import main
from pipelines.evaluation.evaluate import matches
from pipelines.scoring.combiner import best_threshold
from pipelines.evaluation.labelled import (
    LabelledRecordError, goemotions_sentiment, parse_labelled, task_labels, text_key, to_ekman,
)


def write_jsonl(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return str(path)


# --- labelled records -----------------------------------------------------------------

def test_parse_labelled_and_reasons():
    post = parse_labelled('{"id": "v1", "semeval_id": "99", "text": "Hi", "label": "Positive"}')
    assert post.labels == ("positive",) and post.aliases == ("99",) and post.platform is None
    assert parse_labelled('{"text": "x", "label": "a", "platform": " Reddit"}').platform == "reddit"  # as run reads it
    assert parse_labelled('{"text": "x", "labels": ["joy", "love"]}').labels == ("joy", "love")
    for line, reason in (("{", "not JSON"), ("[1]", "not a JSON object"), ('{"label": "a"}', "empty 'text'"),
                         ('{"text": "x", "labels": "joy"}', "list of strings"), ('{"text": "x"}', "no 'label'")):
        with pytest.raises(LabelledRecordError, match=reason):
            parse_labelled(line)


def test_a_labelled_post_keeps_its_text_as_a_run_keeps_it():
    """Mentions redacted, a lone surrogate repaired: with the same lexicon, evaluate had scored 7 of the
    5,426 GoEmotions validation comments (each naming a u/someone) otherwise than run."""
    from pipelines.reading.posts import canonical_post

    record = {"id": "c1", "platform": "reddit", "created_at": "2020-01-01T00:00:00Z", "label": "positive",
              "text": "thanks u/some_one and /u/other-1, @bob \ud83d"}
    expected = "thanks @user and @user, @user \ufffd"
    assert parse_labelled(json.dumps(record)).text == expected
    assert canonical_post(record, "f.jsonl", "salt")["text"] == expected


def test_task_labels_per_emotion_set():
    post = parse_labelled('{"text": "x", "labels": ["trust", "optimism", "anger", "love"]}')
    # a dyad counts as both its emotions (GOLD_MAPPINGS: optimism = anticipation + joy)
    assert task_labels(post, "emotion", "plutchik") == ("anger", "anticipation", "joy", "trust")
    assert task_labels(post, "emotion", "ekman") == ("anger", "joy")  # GoEmotions: optimism, love -> joy
    assert task_labels(post, "sentiment") == ("trust",)
    with pytest.raises(ValueError, match="emotion set"):
        task_labels(post, "emotion", "wheel")


def test_goemotions_to_ekman():
    assert to_ekman(("admiration", "annoyance", "neutral")) == ("anger", "joy")
    assert to_ekman(("curiosity", "nervousness", "grief")) == ("fear", "sadness", "surprise")
    assert to_ekman(("neutral",)) == ()


def test_goemotions_sentiment_only_when_the_labels_agree():
    assert goemotions_sentiment(("admiration", "gratitude")) == "positive"
    assert goemotions_sentiment(("grief",)) == "negative"
    assert goemotions_sentiment(("neutral",)) == "neutral"
    assert goemotions_sentiment(("joy", "sadness")) is None  # mixed
    assert goemotions_sentiment(("approval", "neutral")) is None  # neutral beside an emotion
    assert goemotions_sentiment(("curiosity",)) is None  # ambiguous
    assert goemotions_sentiment(("joy", "surprise")) is None
    assert goemotions_sentiment(()) is None


def test_overlap_key_matches_releases():
    assert text_key("@bob Great game!! http://t.co/x") == text_key("@user great game!! ")
    from pipelines.induction.lexicon_job import fold_of

    assert fold_of("same text") == fold_of("same text") and {fold_of(f"t{i}") for i in range(50)} == set(range(5))


def test_best_threshold_by_hand():
    # cut at 0.8: both positives and nothing else -> F1 1; cut at 0.9 -> F1 2/3
    assert best_threshold([0.9, 0.8, 0.6, 0.3, 0.1], [True, True, False, False, False]) == 0.8
    assert best_threshold([0.9, 0.8, 0.6, 0.3], [True, False, True, False]) == 0.6


def test_optimism_is_mapped_to_anticipation_or_its_dyads():
    assert matches("optimism", {"dominant_emotion": "anticipation"})
    assert matches("optimism", {"dominant_emotion": "joy", "anticipation": 0.2})
    assert not matches("optimism", {"dominant_emotion": "joy", "anticipation": 0.0})
    assert matches("optimism", {"dominant_emotion": "trust", "anticipation": 0.2})  # docs/lexicons.md
    assert matches("hope", {"dominant_emotion": "joy", "anticipation": 0.2})
    for other in ("sadness", "fear", "anger", "surprise", "disgust"):  # only joy / trust partner anticipation
        assert not matches("optimism", {"dominant_emotion": other, "anticipation": 0.5})
    assert matches("joy", {"dominant_emotion": "joy"}) and not matches("anger", {"dominant_emotion": None})


# --- end to end -----------------------------------------------------------------------

def _planted(rng: random.Random, n: int, prefix: str) -> list[dict]:
    words = {"positive": "sunny", "negative": "gloomy", "neutral": "table"}
    rows = []
    for i in range(n):
        label = rng.choice(sorted(words))
        filler = " ".join(rng.choice(["river", "paper", "street", "music"]) for _ in range(2))
        rows.append({"id": f"{prefix}{i}", "text": f"{words[label]} {filler} {prefix}{i}", "label": label})
    return rows


def _dated(rows: list[dict]) -> list[dict]:
    return [{**r, "created_at": "2020-05-01T12:00:00Z", "platform": "twitter"} for r in rows]


@pytest.mark.slow
def test_evaluate_cli_end_to_end_and_run_gives_the_same_labels(tmp_path, capsys):
    rng = random.Random(3)
    train = write_jsonl(tmp_path / "train.jsonl", _planted(rng, 400, "train"))
    test = write_jsonl(tmp_path / "test.jsonl", _dated(_planted(rng, 60, "test")))
    lexicon = str(tmp_path / "lex.parquet")
    assert main(["lexicon", "build", "--train", train, "--out", lexicon]) == 0
    built = capsys.readouterr()
    assert re.search(r"^lexicon lex-\w+: 400 labelled posts .* terms: [\d,]+ general, [\d,]+ supervised, [\d,]+ characters ",
                     built.out)
    # a build of minutes on real data said nothing until its end
    assert [line.split(" | ")[-1].split(":")[0] for line in built.err.splitlines()] == ["lexicon build"] * 3
    assert main(["evaluate", "--test", test, "--lexicon", lexicon, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["accuracy"] >= 0.95  # the planted words decide the label
    assert report["baseline"]["name"] == "vader"
    assert set(report["per_class"]) == {"negative", "neutral", "positive"}
    matrix = report["confusion"]  # rows gold, columns mipulse's labels, in report["classes"] order
    assert report["classes"] == ["negative", "neutral", "positive"] and sum(map(sum, matrix)) == report["n"] == 60
    assert sum(matrix[i][i] for i in range(3)) / 60 == pytest.approx(report["accuracy"])
    # run scores the same posts with the same lexicon: the same label for every post
    assert main(["run", "--input", test, "--db", str(tmp_path / "t.duckdb"), "--lexicon", lexicon,
                 "--no-report"]) == 0
    import duckdb
    with duckdb.connect(str(tmp_path / "t.duckdb"), read_only=True) as con:
        run_labels = dict(con.execute("SELECT post_id, sentiment_label FROM post_scores").fetchall())
    from pipelines.evaluation.evaluate import EvaluateOptions, evaluate
    evaluated = evaluate(EvaluateOptions(test=test, lexicon=lexicon))
    assert run_labels == {pid: s["sentiment_label"] for pid, s in evaluated["scores"].items()}
    with pytest.raises(SystemExit):  # --train or --lexicon, not both
        main(["evaluate", "--test", test, "--train", train, "--lexicon", lexicon])
    capsys.readouterr()
    assert main(["evaluate", "--test", train, "--lexicon", lexicon, "--json"]) == 0  # its own training posts
    out, err = capsys.readouterr()
    assert err == (f"mipulse evaluate: warning: --test {train} is the file this lexicon was trained on (train.jsonl): "
                   "the figures score training posts; test on posts left out of training (lexicon build --train FILE "
                   "--leave-out TEST)\n")
    assert json.loads(out)["warning"] == err.split("warning: ", 1)[1].rstrip("\n")


@pytest.mark.slow
def test_evaluate_with_the_default_lexicon_induces_it_from_every_test_post_as_run_does(tmp_path):
    """An undated test file: evaluate's default lexicon is the one `run --undated-as` induces from the same
    posts, and the labels are the same. Its undated month had been before any month a post is read in:
    the undated posts were left out of the lexicon's corpus while all were scored, and a file of undated
    posts only (TweetEval emotion) failed with 'no post to build a lexicon from'."""
    import duckdb

    from pipelines.evaluation.evaluate import UNDATED_MONTH, EvaluateOptions, evaluate
    from pipelines.options import undated_as_month

    assert undated_as_month(UNDATED_MONTH) == UNDATED_MONTH
    rows = _planted(random.Random(5), 80, "u")
    for i, row in enumerate(rows):
        row["text"] += [" so good", " awful", " fine", ""][i % 4]
    test = write_jsonl(tmp_path / "undated.jsonl", [{**r, "platform": "twitter"} for r in rows])
    evaluated = evaluate(EvaluateOptions(test=test))
    assert main(["run", "--input", test, "--db", str(tmp_path / "u.duckdb"), "--undated-as", UNDATED_MONTH,
                 "--no-report"]) == 0
    with duckdb.connect(str(tmp_path / "u.duckdb"), read_only=True) as con:
        ran = dict(con.execute("SELECT post_id, sentiment_label FROM post_scores").fetchall())
        (version,) = con.execute("SELECT DISTINCT lexicon_version FROM post_scores").fetchone()
    assert evaluated["lexicon_version"] == version
    assert len(ran) == 80 and ran == {pid: s["sentiment_label"] for pid, s in evaluated["scores"].items()}


def test_predictions_outside_the_gold_classes_count_as_wrong_and_macro_runs_over_gold_classes():
    from pipelines.evaluation.evaluate import supported_report

    report = supported_report(["anger", "joy", "joy", "optimism"], ["anger", "fear", "joy", "optimism"],
                              ("anger", "joy", "optimism"))
    assert report["accuracy"] == pytest.approx(3 / 4)
    assert set(report["per_class"]) == {"anger", "joy", "optimism"}
    assert report["macro_recall"] == pytest.approx((1 + 0.5 + 1) / 3)
    assert report["macro_f1"] == pytest.approx((1 + 2 / 3 + 1) / 3)


def test_the_class_weighting_is_chosen_by_accuracy_and_the_named_macro_measure():
    from pipelines.evaluation.calibrate import _score, fit_sentiment_calibration

    gold = ["negative", "negative", "neutral", "positive"]
    predicted = ["negative", "neutral", "neutral", "neutral"]  # accuracy 1/2
    # recall: negative 1/2, neutral 1, positive 0 -> 1/2; F1: negative 2/3, neutral 1/2, positive 0 -> 7/18
    assert _score(gold, predicted, "macro_recall") == pytest.approx((0.5 + 0.5) / 2)
    assert _score(gold, predicted, "macro_f1") == pytest.approx((0.5 + 7 / 18) / 2)
    with pytest.raises(ValueError, match="measure must be one of"):
        fit_sentiment_calibration([[0.0]] * 10, ["a", "b"] * 5, ("compound",), measure="accuracy")


def test_the_summary_prints_the_confusion_matrix_a_user_corrects_label_shares_with():
    from pipelines.evaluation.evaluate import format_report
    from pipelines.evaluation.metrics import single_label_report

    gold = ["negative", "negative", "neutral", "positive", "positive", "positive"]
    predicted = ["negative", "neutral", "neutral", "neutral", "positive", "positive"]
    report = {"task": "sentiment", "test": "t.jsonl", "lexicon_version": "lex-x",
              **single_label_report(gold, predicted, ("negative", "neutral", "positive"))}
    lines = format_report(report).splitlines()
    at = lines.index("confusion (rows: gold; columns: mipulse's label):")
    assert lines[at + 1].split() == ["negative", "neutral", "positive"]
    assert [line.split() for line in lines[at + 2:at + 5]] == [
        ["negative", "1", "1", "0"], ["neutral", "0", "1", "0"], ["positive", "0", "1", "2"]]


def _post(i, text, *labels):
    from pipelines.evaluation.labelled import LabelledPost

    return LabelledPost(str(i), text, labels)


def _score(dominant, **present):
    return {"dominant_emotion": dominant, "emotion_labels": [dominant] if dominant else [], **present}


def test_evaluate_maps_tweeteval_optimism_and_averages_over_the_gold_classes_as_the_benchmark_does():
    from pipelines.evaluation.evaluate import _emotion_reports, format_report, report_json, single_emotion_reports

    test = [_post(1, "so angry", "anger"), _post(2, "happy day", "joy"), _post(3, "it will be fine", "optimism"),
            _post(4, "looking forward", "optimism"), _post(5, "so sad", "sadness")]
    scores = [_score("anger"), _score("joy"), _score("joy", anticipation=0.3), _score("fear"), _score("sadness")]
    report, baseline = _emotion_reports(test, scores, "plutchik")
    assert report["n"] == 5 and report["classes_with_support"] == ["anger", "joy", "optimism", "sadness"]
    assert report["per_class"]["optimism"]["support"] == 2 and report["accuracy"] == pytest.approx(4 / 5)
    assert report["macro_recall"] == pytest.approx((1 + 1 + 0.5 + 1) / 4)  # over the 4 gold classes, not 8
    assert report["mappings"] == {"optimism": "anticipation, or joy / trust with anticipation present "
                                              "(Plutchik's dyad: optimism = anticipation + joy)"}
    # the benchmark's emotion_default row: the same function on the raw gold labels
    assert (report, baseline) == single_emotion_reports([p.text for p in test], [p.labels[0] for p in test], scores)
    assert json.loads(report_json({**report, "baseline": baseline, "task": "emotion", "lexicon_version": "x"}))[
        "mappings"] == report["mappings"]
    text = format_report({**report, "baseline": baseline, "task": "emotion", "test": "t", "lexicon_version": "x"})
    assert "gold 'optimism' counts as anticipation" in text
    assert "macro figures over the classes with gold support: anger, joy, optimism, sadness" in text


def test_multi_label_macro_figures_run_over_the_labels_with_gold_support():
    from pipelines.evaluation.evaluate import _emotion_reports

    test = [_post(1, "so angry", "anger", "disgust"), _post(2, "happy day", "joy"), _post(3, "hopeful", "hope")]
    scores = [_score("anger"), _score("fear"), _score("trust")]
    report, baseline = _emotion_reports(test, scores, "plutchik")
    assert report["classes_with_support"] == ["anger", "anticipation", "disgust", "joy", "trust"]
    assert report["macro_f1"] == pytest.approx((1 + 0 + 0 + 1 + 0) / 5)
    assert report["mappings"] == {"hope": "anticipation and trust (Plutchik's dyad: hope = anticipation + trust)"}
    assert set(baseline["per_class"]) == set(report["per_class"])  # all eight listed, macro over the five


def _emotion_rows(rng: random.Random, n: int, labels=("anger", "joy", "optimism", "sadness")) -> list[dict]:
    words = {"anger": "furious", "joy": "delighted", "optimism": "hopeful", "sadness": "tearful"}
    return [{"id": f"e{i}", "text": f"{words[label]} {rng.choice(['river', 'paper', 'street'])} e{i}", "label": label}
            for i, label in enumerate(rng.choice(labels) for _ in range(n))]


def test_training_labels_map_a_dyad_to_both_its_emotions(tmp_path):
    from pipelines.induction.lexicon_job import SupervisedSettings, training_posts

    train = write_jsonl(tmp_path / "train.jsonl", [{"text": "a", "label": "optimism"}, {"text": "b", "label": "joy"},
                                                   {"text": "c", "label": "hope"}])
    posts, labels, _, _ = training_posts(SupervisedSettings(train, "x.parquet", "emotion"))
    assert dict(zip((p.text for p in posts), labels)) == {
        "a": ("anticipation", "joy"), "b": ("joy",), "c": ("anticipation", "trust")}


@pytest.mark.slow
def test_lexicon_build_trains_optimism_as_anticipation_and_joy_and_says_so(tmp_path, capsys):
    from pipelines.induction.lexicon import read_lexicon

    rows = _emotion_rows(random.Random(5), 120)
    train, lexicon = write_jsonl(tmp_path / "train.jsonl", rows), str(tmp_path / "lex.parquet")
    with open(train, "a", encoding="utf-8") as handle:
        handle.write('{"text": "no label"}\n')
    assert main(["lexicon", "build", "--train", train, "--task", "emotion", "--out", lexicon, "--no-characters"]) == 0
    optimism = sum(1 for r in rows if r["label"] == "optimism")
    line = capsys.readouterr().out
    assert (f"classes anger, anticipation, joy, sadness, {optimism} 'optimism' posts as anticipation + joy "
            f"(Plutchik's dyad)") in line
    assert line.endswith(". Left out of the file: 1 line (line 121: no 'label' or 'labels').\n")
    assert read_lexicon(lexicon).metadata["label_mappings"] == {
        "optimism": {"emotions": ["anticipation", "joy"], "posts": optimism}}


def _posts(*labels):
    return [_post(i, f"text {i}", *(ls if isinstance(ls, tuple) else (ls,))) for i, ls in enumerate(labels)]


@pytest.mark.parametrize("task, emotions, labels, message", [
    ("sentiment", "plutchik", ("positive", "mixed"),
     re.escape("--train f: labels ['mixed'] are not among the classes ['negative', 'neutral', 'positive']") + "$"),
    ("sentiment", "plutchik", ("neg", "neu", "pos"), r"labels \['neg', 'neu', 'pos'\] are not among the classes"),
    ("sentiment", "plutchik", (("admiration", "joy"), "neutral"),
     r"labels \['admiration', 'joy'\] .* \(they look like emotions: did you mean --task emotion\?\)$"),
    ("emotion", "plutchik", ("joy", "admiration"),
     r"labels \['admiration'\] are not among the classes Plutchik's eight, .* \(did you mean --emotions ekman\?\)$"),
    ("emotion", "ekman", ("joy", "trust"), r"labels \['trust'\] .* \(did you mean --emotions plutchik\?\)$"),
    ("emotion", "plutchik", ("joy", "wistful"), r"labels \['wistful'\] are not among the classes [^(]*$"),
])
def test_labels_outside_the_task_are_refused_naming_them(task, emotions, labels, message):
    from pipelines.evaluation.labelled import LabelSetError, check_labels

    with pytest.raises(LabelSetError, match=message):
        check_labels(_posts(*labels), task, emotions, "--train f")


def test_labels_of_the_task_pass_the_check():
    from pipelines.evaluation.labelled import check_labels

    check_labels(_posts("negative", "neutral", "positive"), "sentiment", "plutchik", "f")
    check_labels(_posts("anger", "optimism", "hope", "neutral"), "emotion", "plutchik", "f")
    check_labels(_posts(("admiration", "grief"), "neutral"), "emotion", "ekman", "f")


@pytest.mark.parametrize("command", [["lexicon", "build", "--out", "{out}", "--train", "{file}"],
                                     ["evaluate", "--test", "{file}"],
                                     ["evaluate", "--test", "{ok}", "--train", "{file}"]])
def test_unexpected_labels_are_refused_in_one_line_before_any_work(tmp_path, capsys, command):
    rows = [{"text": f"post {i}", "label": label} for i, label in enumerate(["positive", "mixed", "negative"] * 30)]
    paths = {"file": write_jsonl(tmp_path / "mixed.jsonl", rows), "out": str(tmp_path / "lex.parquet"),
             "ok": write_jsonl(tmp_path / "ok.jsonl", [{"text": "fine", "label": "positive"}])}
    assert main([part.format(**paths) for part in command]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"{paths['file']}: labels ['mixed'] are not among the classes" in err
    assert not (tmp_path / "lex.parquet").exists()


def test_evaluate_task_emotion_on_a_sentiment_file_is_refused_before_any_work(tmp_path, capsys):
    from pipelines.evaluation.labelled import LabelSetError, check_labels

    with pytest.raises(LabelSetError, match=r"^f: no emotion labels in the file \(labels \['negative', 'neutral', "
                                            r"'positive'\]\): did you mean --task sentiment\?$"):
        check_labels(_posts("negative", "neutral", "positive"), "emotion", "plutchik", "f")
    test = write_jsonl(tmp_path / "s.jsonl", [{"text": f"post {i}", "label": label}
                                              for i, label in enumerate(["positive", "negative", "neutral"] * 20)])
    assert main(["evaluate", "--test", test, "--task", "emotion"]) == 2
    assert capsys.readouterr().err == (f"mipulse evaluate: --test {test}: no emotion labels in the file (labels "
                                       f"['negative', 'neutral', 'positive']): did you mean --task sentiment?\n")


def test_left_out_note_is_the_one_report_labelled_prints():
    from pipelines.evaluation.labelled import left_out_note

    assert left_out_note([]) == ""
    assert left_out_note(["line 3: not JSON (x)"]) == "Left out of the file: 1 line (line 3: not JSON (x))."
    assert left_out_note(["post 1: a", "post 2: b"]) == "Left out of the file: 2 lines (post 1: a; …)."


def test_evaluate_says_which_lines_of_the_test_file_it_left_out(tmp_path, capsys):
    rows = [json.dumps(r) for r in _dated(_planted(random.Random(4), 60, "t"))]
    test = tmp_path / "test.jsonl"
    test.write_text("\n".join(rows[:30] + ['{"text": broken'] + rows[30:]) + "\n", encoding="utf-8")
    assert main(["evaluate", "--test", str(test)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"task=sentiment test={test} n=60 ")
    assert lines[1].startswith("Left out of the file: 1 line (line 31: not JSON (")
    assert main(["evaluate", "--test", str(test), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["test_rejects"] == 1 and report["left_out"] == lines[1]


@pytest.mark.parametrize("option", ["--test", "--train", "--lexicon"])
def test_evaluate_names_a_missing_file_in_one_line(tmp_path, capsys, option):
    test = write_jsonl(tmp_path / "test.jsonl", [{"text": "fine", "label": "positive"}])
    missing = str(tmp_path / "nope.jsonl")
    command = ["evaluate", "--test", missing] if option == "--test" else ["evaluate", "--test", test, option, missing]
    assert main(command) == 2
    assert capsys.readouterr().err == f"mipulse evaluate: {option} {missing}: no such file\n"


def test_evaluate_warns_when_the_test_file_is_the_lexicons_training_file(tmp_path):
    from pipelines.evaluation.evaluate import trained_on_test
    from pipelines.induction.lexicon_job import file_digest

    train = write_jsonl(tmp_path / "train.jsonl", [{"text": "fine", "label": "positive"}])
    other = write_jsonl(tmp_path / "test.jsonl", [{"text": "bad", "label": "negative"}])
    metadata = {"training_data": {"file": "train.jsonl", "sha256_16": file_digest(train)}}
    assert trained_on_test(metadata, train) == (
        f"--test {train} is the file this lexicon was trained on (train.jsonl): the figures score training posts; "
        "test on posts left out of training (lexicon build --train FILE --leave-out TEST)")
    assert trained_on_test(metadata, other) == ""
    assert trained_on_test({"kind": "default"}, train) == ""  # a default lexicon names no training file
