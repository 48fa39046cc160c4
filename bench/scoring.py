"""Scoring's CPU time on prepared posts, this tree against another revision in turns, outputs compared.

    PYTHONPATH=. python bench/scoring.py [--synthetic 20000] [--data GLOB] [--against REV] [--rounds 20]

Prepares the posts once, with this tree's `PostPreparer`: N synthetic posts
(`generate_posts`, seed 0) and every real text of the data files (default ../shared/data/*/*.jsonl),
each corpus with its own default lexicon, built from its counts as `mipulse run` builds it
(`build_lexicon_from_counts` with the default settings, then `with_default_calibration`). Then, per
corpus, CPU seconds of `score_posts` over the posts in batches of 1,000 (the job's batches, each
post with its platform), of the job's Score step over the same batches (`post_scores_tables`: each
batch's post_scores rows as an Arrow table) and of `labels_and_scores` over the same posts as
`PostText`s (made before the timing, as the report's replicates take them), one batch per round.

Each side scores in a process of its own, started alike (this tree's code first on its path;
with --against, another process with git revision REV's, its `git archive` in a temporary
folder), given the same posts and the same lexicon (sent as its rows); this process only prepares
and compares. The sides take turns over `--rounds` slices of the posts (every slice a sample of
the whole), so both meet the same load. Every field of every post's `score_posts` output, every
post_scores table (`Table.equals`) and every `labels_and_scores` triple must be equal (==, floats
included): the script says so, or exits 1 naming the first differences.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import pickle
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow as pa

from pipelines.induction.lexicon import Lexicon, lexicon_from_rows
from pipelines.scoring.score import PostText, labels_and_scores, score_posts

BATCH = 1000  # posts per batch of the job (`SourceOptions.batch_size`)
SCORERS = ("score_posts", "post_scores_tables", "labels_and_scores")


class Corpus:
    """Posts to score (tokens, platform and topics each) and the lexicon they are scored with, in one process."""

    def __init__(self, tokens: list[list[str]], platforms: list[str], topics: list[list[str]], lexicon: Lexicon,
                 rounds: int):
        self.platforms = platforms
        self.lexicon = lexicon
        lexicon.version  # noqa: B018 (computed once, as the job's lexicon comes: `as_job_lexicon`)
        self.score_step = job_score_step()
        self.batches = [(tokens[i:i + BATCH], platforms[i:i + BATCH]) for i in range(0, len(tokens), BATCH)]
        #: the same batches as the job's Score step takes them (prepared posts, as `ScoreInputs` keeps them)
        self.prepared = [[{"platform": platform, "post_id": str(i), "month": "all", "tokens": post, "topics": topics[i]}
                          for i, (post, platform) in enumerate(zip(tokens[start:start + BATCH],
                                                                   platforms[start:start + BATCH]), start)]
                         for start in range(0, len(tokens), BATCH)]
        self.texts = [PostText(t) for t in tokens]
        self.rounds = rounds

    def score(self, scorer: str, k: int) -> tuple[float, list]:
        """(CPU seconds, outputs) of `scorer` over round k's slice of the posts."""
        if scorer == "score_posts":
            batches = self.batches[k::self.rounds]
            started = time.process_time()
            out = [scored for tokens, platforms in batches for scored in score_posts(tokens, self.lexicon, platforms)]
        elif scorer == "post_scores_tables":
            batches = self.prepared[k::self.rounds]
            started = time.process_time()
            out = [self.score_step(batch, self.lexicon) for batch in batches]
        else:
            positions = range(k, len(self.texts), self.rounds)
            texts, platforms = [self.texts[i] for i in positions], [self.platforms[i] for i in positions]
            started = time.process_time()
            out = labels_and_scores(texts, self.lexicon, platforms)
        return time.process_time() - started, out


def job_score_step():
    """The job's Score step of this process's tree without Beam's plumbing: a batch of prepared
    posts -> its post_scores rows in Arrow (`score_table`; before it, `score_rows` then `rows_to_arrow`)."""
    from pipelines import job  # imported when a corpus is made (Beam with it), not for --help

    if hasattr(job, "score_table"):
        return job.score_table
    return lambda batch, lexicon: job.rows_to_arrow("post_scores", job.score_rows(batch, lexicon))


def corpus_of(message: dict) -> Corpus:
    """A corpus from what `prepared_corpora` made (the lexicon as rows: any revision reads those)."""
    lexicon = lexicon_from_rows(message["rows"], message["metadata"], message["calibration"])
    return Corpus(message["tokens"], message["platforms"], message["topics"], lexicon, message["rounds"])


def settle() -> None:
    """Every object made so far out of the garbage collector's walks: the collections during the
    timing then walk what scoring makes, not the corpora."""
    gc.collect()
    gc.freeze()


def serve() -> None:
    """One side (`Side`): corpora, then (corpus, scorer, round) requests, on stdin; replies
    (CPU seconds, outputs) on stdout, which nothing else writes to (stray prints go to stderr)."""
    replies = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    requests = sys.stdin.buffer
    corpora = {name: corpus_of(message) for name, message in pickle.load(requests).items()}
    settle()
    while True:
        try:
            name, scorer, k = pickle.load(requests)
        except EOFError:
            return
        pickle.dump(corpora[name].score(scorer, k), replies)
        replies.flush()


def prepared_corpora(synthetic: int, pattern: str, rounds: int) -> dict[str, dict]:
    """{corpus: its tokens, platforms and default lexicon (rows, metadata, calibration)}."""
    # imported here: the scoring processes need none of this
    from collections import Counter

    from bench import data_files
    from pipelines.config import load_seeds
    from pipelines.evaluation.synthetic import generate_posts
    from pipelines.induction.counting import ANCHORS, PAIRS, TERMS, TOTALS, count_posts
    from pipelines.induction.induce import LexiconSpec, build_lexicon_from_counts
    from pipelines.job import with_default_calibration
    from pipelines.text.prepare import PostPreparer

    seeds = load_seeds()
    prepare = PostPreparer(seeds)
    real = []
    for path in data_files(pattern):
        with open(path, encoding="utf-8") as lines:
            real.extend({"text": row.get("text") or "", "platform": row.get("platform") or ""}
                        for row in map(json.loads, lines))
    corpora = {}
    for name, posts in (("synthetic", list(generate_posts(synthetic, 0))), ("real", real)):
        prepared = [prepare({"month": "all", **post}) for post in posts]
        counts = count_posts(prepared)
        total = {table: sum(counts[table].values(), Counter()) for table in (TERMS, ANCHORS, PAIRS, TOTALS)}
        lexicon = with_default_calibration(build_lexicon_from_counts(
            total[TERMS], total[ANCHORS], total[PAIRS], total[TOTALS][None], seeds, LexiconSpec()))
        corpora[name] = {"tokens": [post["tokens"] for post in prepared],
                         "platforms": [post["platform"] for post in prepared],
                         "topics": [post["topics"] for post in prepared], "rows": lexicon.rows(),
                         "metadata": dict(lexicon.metadata), "calibration": dict(lexicon.calibration),
                         "rounds": rounds}
    return corpora


class Side:
    """A process that scores with the code of one tree (first on its path): `serve`."""

    def __init__(self, code: Path, corpora: dict[str, dict]):
        self._process = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--serve"], cwd=code,
                                         env={**os.environ, "PYTHONPATH": str(code)},
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self._send(corpora)

    def _send(self, message) -> None:
        pickle.dump(message, self._process.stdin)
        self._process.stdin.flush()

    def score(self, name: str, scorer: str, k: int) -> tuple[float, list]:
        self._send((name, scorer, k))
        return pickle.load(self._process.stdout)

    def close(self) -> None:
        self._process.stdin.close()
        if self._process.wait():
            raise SystemExit(f"a scoring process failed (exit {self._process.returncode})")


def in_turns(corpora: dict[str, dict], revision: str | None) -> tuple[dict, dict, dict]:
    """({(corpus, scorer, side): CPU seconds}, {(corpus, scorer): outputs compared},
    {(corpus, scorer): the first differences}), the sides (this tree, and REV) each in a process of
    its own started alike (this one only prepares and compares), taking turns round by round."""
    from bench import REPO, tree_at  # not at the top: the other revision's process has its own `bench` first

    seconds: dict = {}
    compared: dict = {}
    differences: dict = {}
    with tempfile.TemporaryDirectory() as work:
        sides = {"this tree": Side(REPO, corpora)}
        if revision:
            sides[revision] = Side(tree_at(revision, Path(work) / "tree"), corpora)
        for name, corpus in corpora.items():
            for scorer in SCORERS:
                key = (name, scorer)
                for k in range(corpus["rounds"]):
                    outputs = {}
                    for label in list(sides) if k % 2 == 0 else list(sides)[::-1]:
                        took, outputs[label] = sides[label].score(name, scorer, k)
                        seconds[(*key, label)] = seconds.get((*key, label), 0.0) + took
                    if revision:
                        compared[key] = compared.get(key, 0) + posts_in(outputs["this tree"])
                        differences.setdefault(key, []).extend(
                            f"round {k}, {found}" for found in first_differences(outputs[revision], outputs["this tree"]))
        for side in sides.values():
            side.close()
    return seconds, compared, differences


def posts_in(outputs: list) -> int:
    """How many posts a scorer's outputs hold (a row of a table, or an output, each)."""
    return sum(out.num_rows if isinstance(out, pa.Table) else 1 for out in outputs)


def first_differences(expected: list, actual: list, limit: int = 5) -> list[str]:
    """The first outputs that differ, and in which fields."""
    found = []
    for i, (e, a) in enumerate(zip(expected, actual, strict=True)):
        if not (e.equals(a) if isinstance(e, pa.Table) else e == a):
            fields = [k for k in e if e[k] != a.get(k)] if isinstance(e, dict) else "all"
            found.append(f"output {i}: {fields}: {e} != {a}")
            if len(found) == limit:
                break
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--synthetic", type=int, default=20_000, help="synthetic posts (default 20,000)")
    parser.add_argument("--data", help="real posts' JSONL files (default ../shared/data/*/*.jsonl)")
    parser.add_argument("--against", help="git revision that scores the same posts in turns with this tree")
    parser.add_argument("--rounds", type=int, default=20, help="turns per corpus and scorer")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)  # internal: the other side
    args = parser.parse_args()
    if args.serve:
        serve()
        return
    from bench import SHARED_DATA

    corpora = prepared_corpora(args.synthetic, args.data or str(SHARED_DATA / "*" / "*.jsonl"), args.rounds)
    seconds, compared, differences = in_turns(corpora, args.against)
    for name, corpus in corpora.items():
        n = len(corpus["tokens"])
        for scorer in SCORERS:
            mine = seconds[(name, scorer, "this tree")]
            line = f"{name} {n:,} posts, {scorer}: this tree {mine:.2f} s CPU ({mine / n * 10_000:.3f} s per 10,000)"
            if args.against:
                theirs = seconds[(name, scorer, args.against)]
                found = differences[(name, scorer)]
                line += (f"; {args.against} {theirs:.2f} s ({theirs / n * 10_000:.3f} s per 10,000);"
                         f" {args.against} / this tree {theirs / mine:.2f}; outputs of {compared[(name, scorer)]:,}"
                         f" posts {'DIFFER' if found else 'equal'}")
            print(line, flush=True)
    differ = [f"{name} {scorer} {found}" for (name, scorer), listed in differences.items() for found in listed]
    if differ:
        sys.exit("\n".join(differ))


if __name__ == "__main__":
    main()
