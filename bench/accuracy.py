"""Accuracy benchmark, through the commands a user types (`mipulse run`, `lexicon build`, `evaluate`).

    .venv/bin/python bench/accuracy.py [--data ../shared/data] [--only NAME ...]

Every figure comes from the installed `mipulse` command run as a subprocess: `mipulse run` on
the labelled file, then its `post_scores` joined to the gold labels by post id. `evaluate`
figures are printed beside where the issue asks for them. Supervised lexicons are built with
`--leave-out` the validation file (SemEval's training file holds most TweetEval validation
tweets). Nothing is tuned here: the default calibration comes from bench/calibrate_default.py
(SemEval training tweets and GoEmotions Reddit comments, validation posts left out). Writes
bench/results/accuracy.json and the accuracy tables of README.md and bench/README.md. Reads
../shared/data by path and copies none of it into the repository (derived corpora live in a
temporary folder).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import duckdb  # noqa: E402

from pipelines.evaluation.evaluate import single_emotion_reports  # noqa: E402
from pipelines.evaluation.baselines import emolex_emotions, vader_label  # noqa: E402
from pipelines.config import EMOTIONS  # noqa: E402
from pipelines.evaluation.labelled import (  # noqa: E402
    EKMAN, SENTIMENT_CLASSES, goemotions_sentiment, read_labelled, task_labels,
)
from pipelines.evaluation.metrics import multi_label_report, single_label_report  # noqa: E402

from bench import SHARED_DATA as DEFAULT_DATA  # noqa: E402
MIPULSE = str(Path(sys.executable).with_name("mipulse"))
SENTIMENT_VAL = "tweeteval_sentiment/validation.jsonl"
SEMEVAL_TRAIN = "semeval2017_task4a/train_2013_2016.jsonl"
EMOTION_VAL = "tweeteval_emotion/validation.jsonl"
GOEMOTIONS = ("goemotions/train.jsonl", "goemotions/validation.jsonl")
CLIMATE = "climate_tweets_2014_2021/sample.jsonl"
TOP_TERMS = 25
INFLUENTIAL = 10


def mipulse(*args: str) -> str:
    """Run the mipulse command as a user would; fail loudly with its stderr."""
    done = subprocess.run([MIPULSE, *args], capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"mipulse {' '.join(args)} exited {done.returncode}:\n{done.stderr[-3000:]}")
    return done.stdout


def run_scores(work: Path, name: str, data_file: Path, *options: str) -> dict[str, dict]:
    """`mipulse run` on a file; post_scores by post id."""
    db = work / f"{name}.duckdb"
    mipulse("run", "--input", str(data_file), "--db", str(db), "--no-report", *options)
    with duckdb.connect(str(db), read_only=True) as con:
        cursor = con.execute("SELECT * FROM post_scores")
        columns = [d[0] for d in cursor.description]
        return {row[columns.index("post_id")]: dict(zip(columns, row)) for row in cursor.fetchall()}


def gold_by_id(path: Path) -> dict:
    posts, _ = read_labelled(str(path))
    return {p.id: p for p in posts}


def headline(report: dict) -> dict:
    return {k: round(report[k], 3) for k in ("accuracy", "macro_f1", "macro_recall")} | {"n": report["n"]}


def sentiment_through_run(data: Path, work: Path, name: str, *options: str) -> dict:
    """`mipulse run` on the validation file as it is (its 372 undated tweets are rejects), and again with
    those dated `--undated-as 2020-01` (all 2,000, as `evaluate` scores them)."""
    gold = gold_by_id(data / SENTIMENT_VAL)
    result = {}
    for key, extra in (("run", ()), ("run_all", ("--undated-as", "2020-01"))):
        scores = run_scores(work, f"{name}_{key}", data / SENTIMENT_VAL, *options, *extra)
        ids = sorted(scores)
        truth = [gold[i].labels[0] for i in ids]
        ours = single_label_report(truth, [scores[i]["sentiment_label"] for i in ids], SENTIMENT_CLASSES)
        result[key] = headline(ours)
        if key == "run":
            vader = single_label_report(truth, [vader_label(gold[i].text) for i in ids], SENTIMENT_CLASSES)
            vader_03 = single_label_report(truth, [vader_label(gold[i].text, 0.3) for i in ids], SENTIMENT_CLASSES)
            result.update(vader=headline(vader), per_class=ours["per_class"])
            result["vader_band_0.3"] = headline(vader_03)
    return result


def evaluate_json(*args: str) -> dict:
    return json.loads(mipulse("evaluate", *args, "--json"))


def sentiment_default(data: Path, work: Path) -> dict:
    result = sentiment_through_run(data, work, "sentiment_default")
    result["evaluate_all_2000"] = headline(evaluate_json("--test", str(data / SENTIMENT_VAL)))
    result["target"] = "run: accuracy >= 0.62 and macro-F1 >= 0.60"
    result["target_met"] = result["run"]["accuracy"] >= 0.62 and result["run"]["macro_f1"] >= 0.60
    return result


def sentiment_supervised(data: Path, work: Path) -> dict:
    lexicon = work / "semeval.parquet"
    started = time.perf_counter()
    built = mipulse("lexicon", "build", "--train", str(data / SEMEVAL_TRAIN), "--leave-out", str(data / SENTIMENT_VAL),
                    "--out", str(lexicon))
    seconds = time.perf_counter() - started
    result = sentiment_through_run(data, work, "sentiment_supervised", "--lexicon", str(lexicon))
    result["evaluate_all_2000"] = headline(evaluate_json("--test", str(data / SENTIMENT_VAL), "--lexicon", str(lexicon)))
    result.update(build=built.strip(), build_seconds=round(seconds, 1),
                  target="run: accuracy >= 0.70 and macro-recall >= 0.70")
    result["target_met"] = result["run"]["accuracy"] >= 0.70 and result["run"]["macro_recall"] >= 0.70
    return result


def emotion_default(data: Path, work: Path) -> dict:
    """Dominant emotion of `mipulse run` vs TweetEval emotion (anger, joy, optimism, sadness)."""
    scores = run_scores(work, "emotion_default", data / EMOTION_VAL, "--undated-as", "2020-01",
                        "--platform", "twitter")
    gold = gold_by_id(data / EMOTION_VAL)
    ids = sorted(scores)
    report, emolex = single_emotion_reports([gold[i].text for i in ids], [gold[i].labels[0] for i in ids],
                                            [scores[i] for i in ids])
    no_evidence = sum(1 for i in ids if scores[i]["dominant_emotion"] is None)
    return {"run": headline(report), "emolex_argmax": headline(emolex),
            "classes_with_support": report["classes_with_support"],
            "posts_without_emotion_evidence": no_evidence,
            "mapping": "gold optimism = anticipation, or joy / trust with anticipation present (Plutchik's dyads)",
            "target": "run accuracy >= EmoLex argmax + 0.05",
            "target_met": report["accuracy"] >= emolex["accuracy"] + 0.05}


def emotion_supervised(data: Path, work: Path) -> dict:
    train, validation = (data / f for f in GOEMOTIONS)
    lexicon = work / "goemotions.parquet"
    mipulse("lexicon", "build", "--train", str(train), "--task", "emotion", "--emotions", "ekman",
            "--leave-out", str(validation), "--out", str(lexicon))
    evaluated = evaluate_json("--test", str(validation), "--task", "emotion", "--emotions", "ekman",
                              "--lexicon", str(lexicon))
    scores = run_scores(work, "emotion_supervised", validation, "--lexicon", str(lexicon), "--undated-as", "2020-01",
                        "--platform", "reddit")
    gold = gold_by_id(validation)
    ids = sorted(scores)
    report = multi_label_report([task_labels(gold[i], "emotion", "ekman") for i in ids],
                                [tuple(e for e in scores[i]["emotion_labels"] if e in EKMAN) for i in ids], EKMAN)
    return {"evaluate": headline(evaluated), "run": headline(report), "emolex": headline(evaluated["baseline"]),
            "target": "evaluate macro-F1 >= 0.58", "target_met": evaluated["macro_f1"] >= 0.58}


def reddit(data: Path, work: Path) -> dict:
    """No target: the default `mipulse run` on Reddit comments (GoEmotions validation), one run read
    two ways. Sentiment: gold is GoEmotions' own grouping of a comment's labels where they agree,
    beside VADER. Emotions: the expressed emotions against the comment's Ekman six (all among
    Plutchik's eight), beside EmoLex's any-term emotions."""
    validation = data / GOEMOTIONS[1]
    scores = run_scores(work, "reddit", validation, "--undated-as", "2020-01", "--platform", "reddit")
    posts = gold_by_id(validation)
    ids = sorted(scores)
    agreed = [i for i in ids if goemotions_sentiment(posts[i].labels) is not None]
    truth = [goemotions_sentiment(posts[i].labels) for i in agreed]

    def sentiment(labels: list[str]) -> dict:
        return single_label_report(truth, labels, SENTIMENT_CLASSES)

    ours = sentiment([scores[i]["sentiment_label"] for i in agreed])
    emotions = [task_labels(posts[i], "emotion", "ekman") for i in ids]
    felt = multi_label_report(emotions, [tuple(e for e in scores[i]["emotion_labels"] if e in EKMAN) for i in ids],
                              EKMAN)
    return {"sentiment": {"run": headline(ours), "per_class": ours["per_class"],
                          "vader": headline(sentiment([vader_label(posts[i].text) for i in agreed])),
                          "vader_band_0.3": headline(sentiment([vader_label(posts[i].text, 0.3) for i in agreed])),
                          "gold": "GoEmotions' sentiment grouping; comments with an ambiguous label or labels "
                                  "of two groups left out"},
            "emotion": {"run": headline(felt), "per_class": felt["per_class"],
                        "emolex": headline(multi_label_report(
                            emotions, [emolex_emotions(posts[i].text, EKMAN) for i in ids], EKMAN))},
            "scored": len(scores)}


def split_by_day(path: Path, work: Path) -> tuple[Path, Path]:
    """The climate sample in two halves by day of the month (odd / even days)."""
    halves = (work / "climate_odd_days.jsonl", work / "climate_even_days.jsonl")
    with open(path, encoding="utf-8") as source, open(halves[0], "w") as odd, open(halves[1], "w") as even:
        for line in source:
            day = int(json.loads(line)["created_at"][8:10])
            (odd if day % 2 else even).write(line)
    return halves


def stability(data: Path, work: Path) -> dict:
    from sklearn.metrics import cohen_kappa_score

    labelings = []
    for i, half in enumerate(split_by_day(data / CLIMATE, work)):
        lexicon = work / f"climate_half_{i}.parquet"
        mipulse("lexicon", "build", "--input", str(half), "--out", str(lexicon))
        labelings.append(run_scores(work, f"stability_{i}", data / CLIMATE, "--lexicon", str(lexicon)))
    ids = sorted(labelings[0])
    a, b = ([lab[i]["sentiment_label"] for i in ids] for lab in labelings)
    ea, eb = ([lab[i]["dominant_emotion"] or "none" for i in ids] for lab in labelings)
    kappa = cohen_kappa_score(a, b)
    return {"posts": len(ids), "sentiment_kappa": round(kappa, 3), "emotion_kappa": round(cohen_kappa_score(ea, eb), 3),
            "target": "Cohen's kappa >= 0.80", "target_met": kappa >= 0.80}


def climate(data: Path, work: Path) -> dict:
    """Yearly shares, top terms and the most influential terms per emotion of the climate sample."""
    run_scores(work, "climate", data / CLIMATE)
    with duckdb.connect(str(work / "climate.duckdb"), read_only=True) as con:
        shares = con.execute("SELECT year, sentiment_label, round(100 * sum(n) / sum(sum(n)) OVER (PARTITION BY year), 1) "
                             "FROM yearly_sentiment_share GROUP BY year, sentiment_label ORDER BY 1, 2").fetchall()
        emotions = con.execute("SELECT left(month, 4) AS year, dominant_emotion, count(*) FROM post_scores "
                               "GROUP BY ALL ORDER BY 1, 2").fetchall()
        df = dict(con.execute("SELECT term, sum(df) FROM term_counts GROUP BY term").fetchall())
        lexicon = con.execute(f"SELECT term, sentiment, {', '.join(EMOTIONS)}, source FROM lexicon "
                              "WHERE layer = 'general'").fetchall()
    used = [r for r in lexicon if df.get(r[0], 0) >= 10]
    by_sentiment = sorted(used, key=lambda r: r[1])
    influence = {e: sorted(((r[0], round(r[2 + k] * df[r[0]], 1)) for r in used if r[2 + k] > 0),
                           key=lambda t: -t[1])[:INFLUENTIAL] for k, e in enumerate(EMOTIONS)}
    per_year = defaultdict(Counter)
    for year, emotion, n in emotions:
        per_year[year][emotion or "none"] += n
    return {"yearly_sentiment_percent": [list(r) for r in shares],
            "yearly_dominant_emotion": {y: dict(c) for y, c in sorted(per_year.items())},
            "top_positive": [(r[0], round(r[1], 3), df[r[0]], r[-1]) for r in by_sentiment[::-1][:TOP_TERMS]],
            "top_negative": [(r[0], round(r[1], 3), df[r[0]], r[-1]) for r in by_sentiment[:TOP_TERMS]],
            "top_per_emotion": {e: [(r[0], round(r[2 + k], 3)) for r in sorted(used, key=lambda r: -r[2 + k])[:TOP_TERMS]]
                                for k, e in enumerate(EMOTIONS)},
            "most_influential_per_emotion": influence}


RUNS = {"sentiment_default": sentiment_default, "sentiment_supervised": sentiment_supervised,
        "emotion_default": emotion_default, "emotion_supervised": emotion_supervised,
        "stability": stability, "climate": climate, "reddit": reddit}


def fig(h: dict) -> str:
    return f"{h['accuracy']:.3f} / {h['macro_f1']:.3f} / {h['macro_recall']:.3f}"


def all_2000(r: dict) -> str:
    """The same file with its undated tweets dated (`--undated-as`), through `run` and `evaluate`."""
    ran = f"run --undated-as: {fig(r['run_all'])}; " if "run_all" in r else ""
    return f"(all {r['evaluate_all_2000']['n']}: {ran}evaluate {fig(r['evaluate_all_2000'])})"


def met(r: dict) -> str:
    return "✓" if r["target_met"] else "✗"


#: the table's row of each run, in the table's order
ROWS = {
    "sentiment_default": lambda r: (
        f"| `run`, default lexicon | tweeteval_sentiment validation, {r['run']['n']} dated | {fig(r['run'])} "
        f"{all_2000(r)} | VADER {fig(r['vader'])}; band 0.3 "
        f"{fig(r['vader_band_0.3'])} | acc ≥ 0.62, F1 ≥ 0.60 {met(r)} |"),
    "sentiment_supervised": lambda r: (
        f"| `run --lexicon` (semeval2017 train) | tweeteval_sentiment validation, {r['run']['n']} dated | "
        f"{fig(r['run'])} {all_2000(r)} | VADER {fig(r['vader'])} | "
        f"acc ≥ 0.70, recall ≥ 0.70 {met(r)} |"),
    "emotion_default": lambda r: (
        f"| `run`, default, dominant emotion | tweeteval_emotion validation ({r['run']['n']}) | "
        f"{fig(r['run'])} | EmoLex argmax {fig(r['emolex_argmax'])} | EmoLex + 0.05 {met(r)} |"),
    "emotion_supervised": lambda r: (
        f"| `evaluate`, supervised emotion, Ekman six | goemotions validation ({r['evaluate']['n']}) | "
        f"{fig(r['evaluate'])} (run: {fig(r['run'])}) | EmoLex {fig(r['emolex'])} | macro-F1 ≥ 0.58 {met(r)} |"),
    "stability": lambda r: (
        f"| stability: lexicons from odd / even days | climate_tweets_2014_2021 ({r['posts']}) | "
        f"κ sentiment {r['sentiment_kappa']:.3f}, emotion {r['emotion_kappa']:.3f} | (before: κ 0.31) | "
        f"κ ≥ 0.80 {met(r)} |"),
    "reddit": lambda r: (
        f"| `run`, default lexicon, no target: another platform | goemotions validation, Reddit, "
        f"{r['sentiment']['run']['n']} comments whose labels agree on a sentiment group | {fig(r['sentiment']['run'])} | "
        f"VADER {fig(r['sentiment']['vader'])}; band 0.3 {fig(r['sentiment']['vader_band_0.3'])} | — |\n"
        f"| `run`, default lexicon, expressed emotions, no target: another platform | goemotions "
        f"validation, Reddit ({r['emotion']['run']['n']}), Ekman six | {fig(r['emotion']['run'])} | EmoLex any term "
        f"{fig(r['emotion']['emolex'])} | — |"),
}


def table(results: dict) -> str:
    """The accuracy table with its key and notes (what both READMEs show)."""
    lines = ["acc / macro-F1 / macro-recall. `run` = `mipulse run` on the file, post_scores joined to the gold "
             "labels; `evaluate` beside it. Supervised lexicons leave the validation posts out.", "",
             "| path | data | mipulse | baseline | target |", "|---|---|---|---|---|"]
    lines += [row(results[name]) for name, row in ROWS.items() if name in results]
    lines += ["", "Emotion rows: gold optimism counts as anticipation, or joy / trust with anticipation present "
              "(Plutchik's dyads); macro figures over the classes with gold support only."]
    return "\n".join(lines)


#: where the table goes: file -> (start marker, heading above the table or "", end marker)
SECTIONS = {
    REPO / "bench" / "README.md": ("<!-- accuracy:start -->", "## Accuracy (`bench/accuracy.py`, through `mipulse run`)",
                                   "<!-- accuracy:end -->"),
    REPO / "README.md": ("<!-- readme-accuracy:start -->", "", "<!-- readme-accuracy:end -->"),
}


def write_section(path: Path, start: str, section: str, end: str) -> None:
    """Replace what lies between the markers (or append the markers and the section)."""
    text = path.read_text(encoding="utf-8")
    if start in text and end in text:
        head, rest = text.split(start, 1)
        text = head + start + "\n" + section + "\n" + end + rest.split(end, 1)[1]
    else:
        text = text.rstrip() + "\n\n" + start + "\n" + section + "\n" + end + "\n"
    path.write_text(text, encoding="utf-8")


def write_tables(results: dict) -> None:
    body = table(results)
    for path, (start, heading, end) in SECTIONS.items():
        write_section(path, start, f"{heading}\n\n{body}" if heading else body, end)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--only", nargs="+", choices=sorted(RUNS), default=sorted(RUNS))
    args = parser.parse_args(argv)
    out = REPO / "bench" / "results" / "accuracy.json"
    results = json.loads(out.read_text()) if out.exists() and set(args.only) != set(RUNS) else {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.only:
            started = time.perf_counter()
            results[name] = RUNS[name](args.data, Path(tmp))
            results[name]["seconds"] = round(time.perf_counter() - started, 1)
            print(name, json.dumps({k: v for k, v in results[name].items() if k in (
                "run", "run_all", "evaluate", "evaluate_all_2000", "target_met", "sentiment_kappa", "seconds")}), flush=True)
            # written after every run, so a failure later keeps what was measured
            out.write_text(json.dumps(results, indent=1, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
            write_tables(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
