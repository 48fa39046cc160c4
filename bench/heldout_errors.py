"""Where the default lexicon's labels go wrong on held-out training tweets, through `mipulse run`.

    PYTHONPATH=$PWD .venv/bin/python bench/heldout_errors.py [--min-posts 15]

The 9,873 tweets of part 0 of the SemEval 2013-2016 training file (sha256(id) mod 5 = 0, the
development part of bench/calibration_platforms.py) are run as one corpus, as a user runs a file
(`mipulse run --undated-as 2014-01`), and `post_scores` is joined to their labels. Printed: the
figures of the whole part; how the tweets with a negated word of each VADER polarity are labelled;
and the adjacent word pairs, neither word with a VADER valence, whose tweets are mostly of one
polarity yet often labelled wrong (the leads for idioms such as "can't wait" or "looking forward").
These tweets were among the default calibration's training posts, so read only the changes between
revisions (run with PYTHONPATH pointing at a copy of another revision). Chooses nothing.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

import duckdb

from bench.corpus_size import TRAIN, part_zero, read
from pipelines.evaluation.labelled import SENTIMENT_CLASSES
from pipelines.evaluation.metrics import single_label_report
from pipelines.induction.priors import SEED_STRENGTH, vader_valences
from pipelines.text.tokenizer import NEG_SUFFIX, base_form, tokenize

PAIRS_SHOWN = 15


def labels_of_part_zero(work: Path) -> tuple[dict[str, dict], dict[str, str]]:
    """The part's records by id, and the label `mipulse run` gives each."""
    records = {r["id"]: r for r in read(TRAIN) if part_zero(r["id"])}
    posts = work / "part0.jsonl"
    posts.write_text("".join(json.dumps(r) + "\n" for r in records.values()), encoding="utf-8")
    db = work / "part0.duckdb"
    subprocess.run([str(Path(sys.executable).parent / "mipulse"), "run", "--input", str(posts), "--db", str(db),
                    "--out", str(work / "out"), "--undated-as", "2014-01", "--no-report", "--interval-replicates", "0"],
                   check=True, capture_output=True)
    with duckdb.connect(str(db), read_only=True) as con:
        return records, dict(con.execute("SELECT post_id, sentiment_label FROM post_scores").fetchall())


def negated_groups(tokens: dict[str, list[str]], gold: dict[str, str], labels: dict[str, str]) -> dict[str, Counter]:
    """Gold and given labels of the tweets holding a negated word of each VADER polarity."""
    valences = vader_valences()
    groups: dict[str, Counter] = defaultdict(Counter)
    for post_id, post_tokens in tokens.items():
        negated = [valences.get(base_form(t), 0.0) for t in post_tokens if t.endswith(NEG_SUFFIX)]
        kinds = [name for name, found in (("negated negative word", any(v <= -SEED_STRENGTH for v in negated)),
                                          ("negated positive word", any(v >= SEED_STRENGTH for v in negated))) if found]
        if kinds:
            group = groups[" and ".join(kinds)]
            group["tweets"] += 1
            group["right"] += labels[post_id] == gold[post_id]
            group[f"gold {gold[post_id]}"] += 1
            group[f"labelled {labels[post_id]}"] += 1
    return groups


def misread_pairs(tokens: dict[str, list[str]], gold: dict[str, str], labels: dict[str, str],
                  min_posts: int) -> list[tuple]:
    """(tweets of the polar class the pair's tweets are not labelled, pair, tweets, positive / neutral /
    negative gold shares, share labelled right) of word pairs without VADER valence, mostly of one polarity."""
    valences = vader_valences()
    pairs: dict[str, Counter] = defaultdict(Counter)
    for post_id, post_tokens in tokens.items():
        words = [base_form(t) for t in post_tokens]
        for pair in {f"{a} {b}" for a, b in zip(words, words[1:]) if a.isalpha() and b.isalpha()}:
            pairs[pair]["tweets"] += 1
            pairs[pair][gold[post_id]] += 1
            pairs[pair]["right"] += labels[post_id] == gold[post_id]
    rows = []
    for pair, c in pairs.items():
        if c["tweets"] < min_posts or any(abs(valences.get(w, 0.0)) > 0.1 for w in pair.split()):
            continue
        polar = max(c["positive"], c["negative"]) / c["tweets"]
        if polar > 0.6:
            shares = tuple(round(c[k] / c["tweets"], 2) for k in ("positive", "neutral", "negative"))
            rows.append((round(c["tweets"] * (polar - c["right"] / c["tweets"])), pair, c["tweets"], shares,
                         round(c["right"] / c["tweets"], 2)))
    return sorted(rows, reverse=True)[:PAIRS_SHOWN]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min-posts", type=int, default=15, help="tweets a word pair needs to be listed")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        records, labels = labels_of_part_zero(Path(tmp))
    gold = {post_id: records[post_id]["label"] for post_id in labels}
    ids = sorted(gold)
    report = single_label_report([gold[i] for i in ids], [labels[i] for i in ids], SENTIMENT_CLASSES)
    print(f"{len(ids)} tweets: acc / macro-F1 / macro-recall "
          f"{report['accuracy']:.4f} / {report['macro_f1']:.4f} / {report['macro_recall']:.4f}")
    tokens = {post_id: tokenize(records[post_id]["text"]) for post_id in ids}
    for name, c in sorted(negated_groups(tokens, gold, labels).items()):
        print(f"{name}: {c['tweets']} tweets, {c['right'] / c['tweets']:.0%} right; "
              + ", ".join(f"{k} {v}" for k, v in sorted(c.items()) if k.startswith(("gold", "labelled"))))
    print("word pairs mostly of one polarity, often misread (misread polar tweets, pair, tweets, "
          "positive / neutral / negative gold shares, right):")
    for row in misread_pairs(tokens, gold, labels, args.min_posts):
        print("  ", row)


if __name__ == "__main__":
    main()
