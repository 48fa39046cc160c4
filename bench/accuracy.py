"""Accuracy benchmark: every figure of the lexicon-science table, reproduced.

    PYTHONPATH=$PWD python bench/accuracy.py [--data ../shared/data] [--only NAME ...]

Reads the human-labelled sets in ../shared/data by path (never copied), runs
`mipulse evaluate` logic for each row, a climate stance run on a hash split of
climate_waterloo, and a sentiment drift table on climate_tweets_2014_2021. Writes
bench/results/accuracy.json and the table section of bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from flows.evaluate import EvaluateOptions, evaluate, seed_sentiment_labels  # noqa: E402
from pipelines.baselines import vader_seed_sets  # noqa: E402
from pipelines.config import EMOTIONS  # noqa: E402
from pipelines.evaljob import EvalLexiconSettings, base_seed_config, run_eval_lexicon  # noqa: E402
from pipelines.labelled import in_calibration_split, read_labelled  # noqa: E402

DEFAULT_DATA = Path(os.environ.get("MIPULSE_DATA", REPO.parent / "shared" / "data"))
BEAM_ARGS = ("--runner=FnApiRunner",)
SECTION_START, SECTION_END = "<!-- accuracy:start -->", "<!-- accuracy:end -->"
DRIFT_MIN_DF = 20
DRIFT_ROWS = 15

# name -> (evaluate options relative to the data folder, target)
RUNS = {
    "sentiment_supervised": (dict(test="tweeteval_sentiment/validation.jsonl",
                                  train="semeval2017_task4a/train_2013_2016.jsonl", mode="supervised"),
                             "macro-recall >= 0.66 and accuracy >= 0.65"),
    "sentiment_seed": (dict(test="tweeteval_sentiment/validation.jsonl",
                            train="semeval2017_task4a/train_2013_2016.jsonl", mode="seed"),
                       "accuracy and macro-F1 above VADER"),
    "emotion_supervised": (dict(test="goemotions/validation.jsonl", train="goemotions/train.jsonl",
                                mode="supervised", task="emotion"), "macro-F1 >= 0.45"),
    "emotion_seed": (dict(test="goemotions/validation.jsonl", train="goemotions/train.jsonl",
                          mode="seed", task="emotion"), "macro-F1 above EmoLex"),
    "semeval2018_supervised": (dict(test="semeval2018_ec/validation.jsonl", train="semeval2018_ec/train.jsonl",
                                    mode="supervised", task="emotion", emotion_set="plutchik"), "report"),
    "semeval2018_seed": (dict(test="semeval2018_ec/validation.jsonl", train="semeval2018_ec/train.jsonl",
                              mode="seed", task="emotion", emotion_set="plutchik"), "report"),
}


def target_met(name: str, result: dict) -> bool | None:
    base = result["baseline"]
    if name == "sentiment_supervised":
        return result["macro_recall"] >= 0.66 and result["accuracy"] >= 0.65
    if name == "sentiment_seed":
        return result["accuracy"] > base["accuracy"] and result["macro_f1"] > base["macro_f1"]
    if name == "emotion_supervised":
        return result["macro_f1"] >= 0.45
    if name == "emotion_seed":
        return result["macro_f1"] > base["macro_f1"]
    return None


def run_evaluations(data: Path, names: list[str], work: str) -> dict:
    out = {}
    for name in names:
        spec, target = RUNS[name]
        paths = {k: str(data / v) if k in ("test", "train") else v for k, v in spec.items()}
        started = time.perf_counter()
        result = evaluate(EvaluateOptions(**paths, beam_args=BEAM_ARGS, workdir=work))
        result.pop("predictions")
        result.update(target=target, target_met=target_met(name, result),
                      seconds=round(time.perf_counter() - started, 1))
        out[name] = result
        print(f"{name}: acc {result['accuracy']:.3f} macro-F1 {result['macro_f1']:.3f} "
              f"macro-recall {result['macro_recall']:.3f} | baseline {result['baseline'].get('name')} "
              f"macro-F1 {result['baseline'].get('macro_f1', float('nan')):.3f} ({result['seconds']} s)", flush=True)
    return out


def climate_waterloo(data: Path, work: str) -> dict:
    """Stance (anti / neutral / pro / news) with supervised lexicons on an 80/20 hash split,
    and the seed-mode sentiment shares within each stance class."""
    posts, _ = read_labelled(str(data / "climate_waterloo" / "sample.jsonl"))
    split = {"train": [], "test": []}
    for p in posts:
        split["test" if in_calibration_split("waterloo:" + p.text, 0.2) else "train"].append(p)
    files = {}
    for part, rows in split.items():
        files[part] = os.path.join(work, f"waterloo-{part}.jsonl")
        with open(files[part], "w", encoding="utf-8") as handle:
            for p in rows:
                handle.write(json.dumps({"id": p.id, "text": p.text, "label": p.labels[0]}) + "\n")
    stance = evaluate(EvaluateOptions(test=files["test"], train=files["train"], mode="supervised",
                                      beam_args=BEAM_ARGS, workdir=work))
    stance.pop("predictions")
    labels = seed_sentiment_labels(str(data / "climate_waterloo" / "sample.jsonl"), [p.text for p in posts],
                                   work, BEAM_ARGS)
    shares = {}
    for stance_name in sorted({p.labels[0] for p in posts}):
        picked = Counter(lab for p, lab in zip(posts, labels) if p.labels[0] == stance_name)
        total = sum(picked.values())
        shares[stance_name] = {k: round(picked[k] / total, 3) for k in ("negative", "neutral", "positive")}
        shares[stance_name]["posts"] = total
    print(f"climate_waterloo stance: acc {stance['accuracy']:.3f} macro-F1 {stance['macro_f1']:.3f}", flush=True)
    return {"stance_supervised": stance, "seed_sentiment_share_by_stance": shares,
            "split": {k: len(v) for k, v in split.items()}}


def sentiment_drift(data: Path, work: str) -> dict:
    """Per-year seed lexicons (VADER seed classes, SO-nPMI) on the 2014-2021 climate tweets;
    the non-seed terms whose score moves most between years."""
    by_year = defaultdict(list)
    with open(data / "climate_tweets_2014_2021" / "sample.jsonl", encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            if record.get("created_at"):
                by_year[record["created_at"][:4]].append(line)
    seeds = base_seed_config("sentiment", vader_seed_sets(), {e: () for e in EMOTIONS})
    seed_words = {w for ws in seeds.sentiment.values() for w in ws}
    yearly: dict[str, dict[str, tuple[float, int]]] = {}
    for year, lines in sorted(by_year.items()):
        corpus = os.path.join(work, f"climate-{year}.jsonl")
        Path(corpus).write_text("".join(lines), encoding="utf-8")
        settings = EvalLexiconSettings(corpus, os.path.join(work, f"drift-{year}"), "seed", "sentiment", (),
                                       seeds=seeds, seed_min_df=DRIFT_MIN_DF)
        with open(run_eval_lexicon(settings, list(BEAM_ARGS)).lexicon, encoding="utf-8") as handle:
            yearly[year] = {r["term"]: (r["sentiment"], r["df"]) for r in map(json.loads, handle)}
    years = sorted(yearly)
    common = {t for t in set.intersection(*(set(v) for v in yearly.values())) - seed_words
              if not all(unicodedata.category(ch).startswith("P") for ch in t)}  # no bare punctuation
    rows = []
    for term in common:
        scores = {y: yearly[y][term][0] for y in years}
        low, high = min(scores, key=scores.get), max(scores, key=scores.get)
        rows.append({"term": term, "drift": round(scores[high] - scores[low], 3),
                     "lowest": f"{low} ({scores[low]:+.3f})", "highest": f"{high} ({scores[high]:+.3f})",
                     "first_last": round(scores[years[-1]] - scores[years[0]], 3),
                     "min_df": min(yearly[y][term][1] for y in years)})
    rows.sort(key=lambda r: (-r["drift"], r["term"]))
    print(f"drift: {len(common)} terms with df >= {DRIFT_MIN_DF} in each of {years}", flush=True)
    return {"years": years, "terms_compared": len(common), "min_df_per_year": DRIFT_MIN_DF,
            "top": rows[:DRIFT_ROWS]}


def markdown(results: dict) -> str:
    lines = [SECTION_START, "## Accuracy (`bench/accuracy.py`)", "",
             "Human-labelled validation data in ../shared/data. Train posts that are also test posts "
             "(same id or same normalized text) are left out of every lexicon. Seed mode reads no labels.", "",
             "| run | test | ours acc / macro-F1 / macro-recall | baseline acc / macro-F1 / macro-recall "
             "| target | met |", "|---|---|---|---|---|---|"]
    for name, r in results.get("evaluations", {}).items():
        b = r["baseline"]
        met = {True: "yes", False: "NO", None: "-"}[r["target_met"]]
        lines.append(f"| {name} | {Path(r['test']).parent.name}/{Path(r['test']).name} "
                     f"| {r['accuracy']:.3f} / {r['macro_f1']:.3f} / {r['macro_recall']:.3f} "
                     f"| {b['name']}: {b['accuracy']:.3f} / {b['macro_f1']:.3f} / {b['macro_recall']:.3f} "
                     f"| {r['target']} | {met} |")
    waterloo = results.get("climate_waterloo")
    if waterloo:
        s = waterloo["stance_supervised"]
        lines += ["", f"climate_waterloo stance (anti / neutral / news / pro), supervised lexicons, 80/20 hash split "
                  f"({waterloo['split']['train']} / {waterloo['split']['test']} posts): accuracy {s['accuracy']:.3f}, "
                  f"macro-F1 {s['macro_f1']:.3f}, macro-recall {s['macro_recall']:.3f}.", "",
                  "Seed-mode sentiment share by stance:", "", "| stance | negative | neutral | positive | posts |",
                  "|---|---|---|---|---|"]
        for stance, share in waterloo["seed_sentiment_share_by_stance"].items():
            lines.append(f"| {stance} | {share['negative']} | {share['neutral']} | {share['positive']} "
                         f"| {share['posts']} |")
    drift = results.get("drift")
    if drift:
        lines += ["", f"Sentiment drift on climate_tweets_2014_2021: per-year SO-nPMI (VADER seed classes), "
                  f"{drift['terms_compared']} non-seed terms with df >= {drift['min_df_per_year']} in every year "
                  f"{drift['years'][0]}-{drift['years'][-1]}; largest max-min spread:", "",
                  "| term | spread | lowest year | highest year | last - first |", "|---|---|---|---|---|"]
        for row in drift["top"]:
            lines.append(f"| {row['term']} | {row['drift']} | {row['lowest']} | {row['highest']} "
                         f"| {row['first_last']:+.3f} |")
    lines += ["", f"Reproduce: `PYTHONPATH=$PWD python bench/accuracy.py` ({results.get('seconds', 0):.0f} s "
              "on 2 cores).", SECTION_END]
    return "\n".join(lines)


def write_readme_section(path: Path, section: str) -> None:
    text = path.read_text(encoding="utf-8") if path.exists() else "# mipulse benchmarks\n"
    if SECTION_START in text and SECTION_END in text:
        head, rest = text.split(SECTION_START, 1)
        text = head + section + rest.split(SECTION_END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--only", nargs="+", choices=[*RUNS, "climate_waterloo", "drift"], default=None)
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results" / "accuracy.json")
    parser.add_argument("--readme", type=Path, default=REPO / "bench" / "README.md")
    args = parser.parse_args(argv)
    wanted = args.only or [*RUNS, "climate_waterloo", "drift"]
    started = time.perf_counter()
    results: dict = {}
    with tempfile.TemporaryDirectory(prefix="mipulse-accuracy-") as work:
        results["evaluations"] = run_evaluations(args.data, [n for n in wanted if n in RUNS], work)
        if "climate_waterloo" in wanted:
            results["climate_waterloo"] = climate_waterloo(args.data, work)
        if "drift" in wanted:
            results["drift"] = sentiment_drift(args.data, work)
    results["seconds"] = round(time.perf_counter() - started, 1)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")
    if args.only is None:
        write_readme_section(args.readme, markdown(results))
    print(f"wrote {args.out}" + ("" if args.only else f" and {args.readme}"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
