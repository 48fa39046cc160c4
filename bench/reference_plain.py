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

TOKEN_RE = re.compile(r"(?:https?://|www\.)\S+|@\w+|#\w+|[\U0001F000-\U0001FAFF\u2600-\u27BF]|[a-z0-9]+(?:'[a-z]+)?|[.,;:!?]+")
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


def counting_terms(text: str) -> set[str]:
    """The post's distinct content terms, from one regex pass over the lower-cased text;
    words after a negation cue, up to clause punctuation, carry `_NEG`."""
    terms, negated = set(), False
    for token in TOKEN_RE.findall(ELONGATION_RE.sub(r"\1\1", text.lower())):
        first = token[0]
        if first in ".,;:!?":
            negated = False
        elif first in "@<" or token.startswith(("http", "www.")):
            continue  # mentions and links: placeholders, never counted
        elif token in NEGATION_CUES or token.endswith("n't"):
            negated = True
        elif token not in STOP_WORDS and len(token) > 1 or not token.isascii():
            terms.add(token + "_NEG" if negated and first not in "#" and token.isalnum() else token)
    return terms


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


def count(posts: list[dict], seed_words: frozenset[str]) -> tuple[Counter, dict, dict]:
    """Documents, df(term) per (month, platform) and df(term, seed) per (month, platform, seed)."""
    docs, term_df, pair_df = Counter(), defaultdict(Counter), defaultdict(Counter)
    for post in posts:
        part = (post["month"], post["platform"])
        terms = post["terms"]
        docs[part] += 1
        term_df[part].update(terms)
        for seed in terms & seed_words:
            pair_df[part + (seed,)].update(terms)
    return docs, term_df, pair_df


def build_lexicon(docs: Counter, term_df: dict, pair_df: dict, classes: dict[str, list[str]]) -> dict:
    """term -> (sentiment, one mean nPMI per emotion, df): mean nPMI with each class's seeds;
    sentiment is positive minus negative."""
    n = sum(docs.values())
    df, joint = Counter(), defaultdict(Counter)
    for counter in term_df.values():
        df.update(counter)
    for (_, _, seed), counter in pair_df.items():
        joint[seed].update(counter)
    present = {name: [s for s in seeds if df[s]] for name, seeds in classes.items()}
    lexicon = {}
    for term, c in df.items():
        if c < MIN_DF:
            continue
        mean = {name: sum(npmi(joint[s][term], c, df[s], n) for s in seeds) / max(1, len(seeds))
                for name, seeds in present.items()}
        lexicon[term] = (mean.pop("positive") - mean.pop("negative"), *mean.values(), c)
    return lexicon


def score(posts: list[dict], lexicon: dict, emotions: list[str]) -> pa.Table:
    """Sentiment (mean of term scores, negated terms flipped), label, emotion shares."""
    columns = defaultdict(list)
    k = len(emotions)
    for post in posts:
        total, hits, evidence = 0.0, 0, [0.0] * k
        for term in post["terms"]:
            negated = term.endswith("_NEG")
            entry = lexicon.get(term[:-4] if negated else term)
            if entry is None:
                continue
            hits += 1
            total += -entry[0] if negated else entry[0]
            if not negated:
                for i in range(k):
                    if entry[i + 1] > 0:
                        evidence[i] += entry[i + 1]
        sentiment = total / hits if hits else 0.0
        weight = sum(evidence)
        columns["platform"].append(post["platform"])
        columns["post_id"].append(post["post_id"])
        columns["month"].append(post["month"])
        columns["sentiment"].append(sentiment)
        columns["label"].append("positive" if sentiment > NEUTRAL_BAND else
                                "negative" if sentiment < -NEUTRAL_BAND else "neutral")
        for i, emotion in enumerate(emotions):
            columns[f"emotion_{emotion}"].append(evidence[i] / weight if weight else None)
        columns["top_emotion"].append(emotions[evidence.index(max(evidence))] if weight else None)
    return pa.table(columns)


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
        post["terms"] = counting_terms(post["text"])
    stage("tokenize")
    docs, term_df, pair_df = count(posts, seed_words)
    stage("count")
    lexicon = build_lexicon(docs, term_df, pair_df, classes)
    stage("lexicon")
    scores = score(posts, lexicon, emotions)
    stage("score")
    tables = {
        "posts": pa.Table.from_pylist([{k: p[k] for k in ("platform", "post_id", "created_at", "author_key", "text")}
                                       for p in posts]),
        "post_scores": scores,
        "term_counts": pa.table({"month": [m for (m, _), c in term_df.items() for _ in c],
                                 "platform": [p for (_, p), c in term_df.items() for _ in c],
                                 "term": [t for c in term_df.values() for t in c],
                                 "df": [v for c in term_df.values() for v in c.values()]}),
        "pair_counts": pa.table({"month": [m for (m, _, _), c in pair_df.items() for _ in c],
                                 "platform": [p for (_, p, _), c in pair_df.items() for _ in c],
                                 "seed": [s for (_, _, s), c in pair_df.items() for _ in c],
                                 "term": [t for c in pair_df.values() for t in c],
                                 "df": [v for c in pair_df.values() for v in c.values()]}),
        "doc_counts": pa.table({"month": [k[0] for k in docs], "platform": [k[1] for k in docs],
                                "posts": list(docs.values())}),
        "lexicon": pa.table({"term": list(lexicon), **{name: [e[i] for e in lexicon.values()] for i, name in
                                                        enumerate(["sentiment", *emotions, "df"])}}),
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
          f"{sum(map(len, pair_df.values()))} (partition, term, seed) counts")
    for name, cpu, wall in stages + [("total", sum(s[1] for s in stages), sum(s[2] for s in stages))]:
        print(f"{name:10s} {cpu:7.2f} s CPU {wall:7.2f} s wall")


if __name__ == "__main__":
    main()
