"""An independent single-process yardstick for `mipulse run`: the job's core in plain Python.

    python bench/reference_plain.py --input DIR/*.jsonl --out DIR [--db FILE]

Imports nothing from mipulse (a yardstick never imports what it measures): it reads the
JSONL files `mipulse sample` writes, tokenizes with one compiled regex (URLs and mentions
to placeholders, hashtags, emoji, elongations cut, negation marked to the next clause
punctuation, stop words dropped for counting), counts df(term) and df(term, seed) per
(month, platform) with `Counter`s, builds an nPMI seed lexicon for sentiment and the eight
emotions from `lexicons/seeds.toml` (a data file), scores every post, writes Parquet and
loads it into DuckDB in one transaction. It prints CPU and wall seconds per stage.
Its tokens and scores are simpler than mipulse's; what it measures is how fast plain
Python does the same amount of work.
"""

from __future__ import annotations

import argparse
import glob
import hashlib
import json
import math
import re
import time
import tomllib
from collections import Counter, defaultdict
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

SEEDS = Path(__file__).resolve().parent.parent / "lexicons" / "seeds.toml"
MIN_DF = 3
NEUTRAL_BAND = 0.05
AUTHOR_SALT = b"reference"

TOKEN_RE = re.compile(
    r"(?P<url>(?:https?://|www\.)\S+)|(?P<user>@\w+)|(?P<tag>#\w+)"
    r"|(?P<emoji>[\U0001F000-\U0001FAFF\u2600-\u27BF])|(?P<word>[a-z0-9]+(?:'[a-z]+)?)|(?P<clause>[.,;:!?]+)")
ELONGATION_RE = re.compile(r"(.)\1{2,}")
NEGATION_CUES = frozenset("not no never none nothing nobody nowhere cannot cant dont doesnt didnt isnt arent "
                          "wasnt werent wont wouldnt shouldnt couldnt aint".split())
# nltk's English stop-word list, minus the negation words (kept inline: no corpus download,
# and no heavy import for a list).
STOP_WORDS = frozenset("""i me my myself we our ours ourselves you your yours yourself yourselves he him his himself
she her hers herself it its itself they them their theirs themselves what which who whom this that these those am
is are was were be been being have has had having do does did doing a an the and but if or because as until while
of at by for with about against between into through during before after above below to from up down in out on off
over under again further then once here there when where why how all any both each few more most other some such
only own same so than too very s t can will just should now d ll m o re ve y ain""".split()) - NEGATION_CUES


def tokenize(text: str) -> list[str]:
    """Lower-cased tokens in one regex pass; words after a negation cue carry `_NEG`."""
    tokens, negated = [], False
    for match in TOKEN_RE.finditer(ELONGATION_RE.sub(r"\1\1", text.lower())):
        kind, token = match.lastgroup, match[0]
        if kind == "url":
            tokens.append("<url>")
        elif kind == "user":
            tokens.append("<user>")
        elif kind == "clause":
            negated = False
        elif kind == "word" and (token in NEGATION_CUES or token.endswith("n't")):
            negated = True
        else:
            tokens.append(token + "_NEG" if negated and kind == "word" else token)
    return tokens


def counting_terms(tokens: list[str]) -> set[str]:
    return {t for t in tokens if t[0] != "<" and len(t) > 1 and t.removesuffix("_NEG") not in STOP_WORDS}


def npmi(joint: int, a: int, b: int, n: int) -> float:
    """Normalized PMI (Bouma 2009): log2(p(a,b) / (p(a) p(b))) / -log2 p(a,b)."""
    if joint == 0:
        return -1.0
    p_joint = joint / n
    return 1.0 if p_joint == 1 else math.log2(p_joint / ((a / n) * (b / n))) / -math.log2(p_joint)


def read_posts(paths: list[str]) -> tuple[list[dict], int]:
    """Posts from JSONL files, the first of each (platform, post_id); also how many were duplicates."""
    posts, seen, duplicates = [], set(), 0
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for line in f:
                record = json.loads(line)
                key = (record["platform"], record["post_id"])
                if key in seen:
                    duplicates += 1
                    continue
                seen.add(key)
                record["author_key"] = hashlib.sha256(AUTHOR_SALT + record.pop("author", "").encode()).hexdigest()[:16]
                record["month"] = record["created_at"][:7]
                posts.append(record)
    return posts, duplicates


def count(posts: list[dict], seed_words: frozenset[str]) -> tuple[Counter, Counter, Counter]:
    """Documents, df(term) and df(term, seed) per (month, platform)."""
    docs, term_df, pair_df = Counter(), Counter(), Counter()
    for post in posts:
        part = (post["month"], post["platform"])
        terms = post["terms"]
        docs[part] += 1
        term_df.update((part, t) for t in terms)
        for seed in terms & seed_words:
            pair_df.update((part, t, seed) for t in terms)
    return docs, term_df, pair_df


def build_lexicon(docs: Counter, term_df: Counter, pair_df: Counter, classes: dict[str, list[str]]) -> dict:
    """term -> {class: mean nPMI with the class's seeds}, plus sentiment = positive - negative."""
    n = sum(docs.values())
    df, joint = Counter(), Counter()
    for (_, term), c in term_df.items():
        df[term] += c
    for (_, term, seed), c in pair_df.items():
        joint[term, seed] += c
    lexicon = {}
    for term, c in df.items():
        if c < MIN_DF:
            continue
        entry = {name: sum(npmi(joint[term, s], c, df[s], n) for s in seeds if df[s]) / max(1, sum(1 for s in seeds if df[s]))
                 for name, seeds in classes.items()}
        entry["sentiment"] = entry.pop("positive") - entry.pop("negative")
        entry["df"] = c
        lexicon[term] = entry
    return lexicon


def score(post: dict, lexicon: dict, emotions: list[str]) -> dict:
    hits = [(lexicon[t.removesuffix("_NEG")], t.endswith("_NEG")) for t in post["terms"] if t.removesuffix("_NEG") in lexicon]
    sentiment = sum(-e["sentiment"] if neg else e["sentiment"] for e, neg in hits) / len(hits) if hits else 0.0
    evidence = {e: sum(max(0.0, entry[e]) for entry, neg in hits if not neg) for e in emotions}
    total = sum(evidence.values())
    return {"platform": post["platform"], "post_id": post["post_id"], "month": post["month"],
            "sentiment": sentiment,
            "label": "positive" if sentiment > NEUTRAL_BAND else "negative" if sentiment < -NEUTRAL_BAND else "neutral",
            **{f"emotion_{e}": (evidence[e] / total if total else None) for e in emotions},
            "top_emotion": max(evidence, key=evidence.get) if total else None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", nargs="+", required=True)
    parser.add_argument("--out", required=True, help="folder for the Parquet tables")
    parser.add_argument("--db", help="DuckDB file (default: OUT/reference.duckdb)")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    stages: list[tuple[str, float, float]] = []
    clock = [time.process_time(), time.perf_counter()]

    def stage(name: str) -> None:
        cpu, wall = time.process_time(), time.perf_counter()
        stages.append((name, cpu - clock[0], wall - clock[1]))
        clock[:] = [cpu, wall]

    seeds = tomllib.loads(SEEDS.read_text(encoding="utf-8"))
    classes = {**seeds["sentiment"], **seeds["emotion"]}
    emotions = list(seeds["emotion"])
    seed_words = frozenset(w for words in classes.values() for w in words)
    posts, duplicates = read_posts(sorted({p for pattern in args.input for p in glob.glob(pattern)}))
    stage("read")
    for post in posts:
        post["terms"] = counting_terms(tokenize(post["text"]))
    stage("tokenize")
    docs, term_df, pair_df = count(posts, seed_words)
    stage("count")
    lexicon = build_lexicon(docs, term_df, pair_df, classes)
    stage("lexicon")
    scores = [score(p, lexicon, emotions) for p in posts]
    stage("score")
    tables = {
        "posts": pa.Table.from_pylist([{k: p[k] for k in ("platform", "post_id", "created_at", "author_key", "text")}
                                       for p in posts]),
        "post_scores": pa.Table.from_pylist(scores),
        "term_counts": pa.table({"month": [k[0][0] for k in term_df], "platform": [k[0][1] for k in term_df],
                                 "term": [k[1] for k in term_df], "df": list(term_df.values())}),
        "pair_counts": pa.table({"month": [k[0][0] for k in pair_df], "platform": [k[0][1] for k in pair_df],
                                 "term": [k[1] for k in pair_df], "seed": [k[2] for k in pair_df],
                                 "df": list(pair_df.values())}),
        "doc_counts": pa.table({"month": [k[0] for k in docs], "platform": [k[1] for k in docs],
                                "posts": list(docs.values())}),
        "lexicon": pa.Table.from_pylist([{"term": t, **e} for t, e in lexicon.items()]),
    }
    for name, table in tables.items():
        pq.write_table(table, out / f"{name}.parquet")
    stage("write")
    with duckdb.connect(args.db or str(out / "reference.duckdb")) as con:
        con.execute("BEGIN")
        for name in tables:
            con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM read_parquet(?)", [str(out / f"{name}.parquet")])
        con.execute("COMMIT")
    stage("load")
    print(f"{len(posts)} posts ({duplicates} duplicates), {len(lexicon)} lexicon terms, "
          f"{len(pair_df)} (partition, term, seed) counts")
    for name, cpu, wall in stages + [("total", sum(s[1] for s in stages), sum(s[2] for s in stages))]:
        print(f"{name:10s} {cpu:7.2f} s CPU {wall:7.2f} s wall")


if __name__ == "__main__":
    main()
