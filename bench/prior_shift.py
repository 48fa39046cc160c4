"""How far the share of posts *labelled* negative is from the true share when a corpus's class mix
differs from the calibration data's, and whether "adjusted classify and count" recovers it.

    PYTHONPATH=$PWD .venv/bin/python bench/prior_shift.py --pool DEV.jsonl [--lexicon L.parquet]
        [--confusion-from OTHER.jsonl] [--platform reddit] [--gold goemotions]

mipulse's yearly shares count labels. A classifier pulls every corpus toward the class mix it
was calibrated on, so a year with many negative posts is under-counted and a year with few is
over-counted: a trend is flattened. This measures it on labelled posts nothing was fitted on for
this purpose (training-file dev folds; never a validation or test file): corpora of `--posts`
posts are drawn from `--pool` (without replacement, seeded) with a chosen negative share and
the neutral share fixed, and scored by the one scoring function (`labels_and_scores`), either
with a given lexicon (`--lexicon`) or, as `mipulse run` does without one, each corpus with its
own default lexicon (built from that corpus, default calibration).

* labels: the shares of the labels (what mipulse reports);
* adjusted: "adjusted classify and count" (Forman 2008; Hopkins & King 2010 make the same point
  for social science): the label shares solved through the confusion matrix P(label | gold)
  (`pipelines.evaluation.quantify.adjusted_shares`, what `mipulse report --labelled` uses). The
  matrix is counted on corpora of the same size drawn in their natural mix from `--confusion-from`
  (default: the other half of `--pool`, split by sha256(post id); then the corpora come from the
  first half).

Prints the mean of `--repeats` corpora per mix and the SD of the negative share.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path
from typing import Callable

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from pipelines.config import load_seeds  # noqa: E402
from pipelines.evaluation.labelled import SENTIMENT_CLASSES, goemotions_sentiment, read_labelled  # noqa: E402
from pipelines.evaluation.quantify import adjusted_shares  # noqa: E402
from pipelines.induction.induce import LexiconSpec  # noqa: E402
from pipelines.induction.lexicon import read_lexicon  # noqa: E402
from pipelines.induction.lexicon_local import build_local  # noqa: E402
from pipelines.job import with_default_calibration  # noqa: E402
from pipelines.scoring.score import PostText, labels_and_scores  # noqa: E402
from pipelines.text.prepare import PostPreparer  # noqa: E402

CLASSES = list(SENTIMENT_CLASSES)
GOLD = {"first": lambda post: post.labels[0], "goemotions": lambda post: goemotions_sentiment(post.labels)}


def own_default_lexicon(texts: list[str]) -> tuple:
    """(lexicon, prepared posts): the corpus's own default lexicon with the default calibration, as
    `mipulse run` builds it, and each text prepared as the run prepares it."""
    lexicon, prepared = build_local([{"text": t} for t in texts], load_seeds(), LexiconSpec())
    return with_default_calibration(lexicon), prepared


def scored_as_run(texts: list[str], platform: str | None, lexicon=None, prepare=None) -> list[tuple]:
    """(sentiment label, dominant emotion, score) of each text as `mipulse run` gives them: with
    `lexicon` (and its `prepare`), or the corpus's own default lexicon with the default calibration."""
    if lexicon is None:
        lexicon, prepared = own_default_lexicon(texts)
    else:
        prepared = [prepare({"text": t}) for t in texts]
    tokens = [PostText(post["tokens"]) for post in prepared]
    return labels_and_scores(tokens, lexicon, [platform] * len(tokens))


def labeller(lexicon_path: str | None, platform: str | None) -> Callable[[list], np.ndarray]:
    """posts -> their label indices, scored as `mipulse run` scores them."""
    fixed = read_lexicon(lexicon_path) if lexicon_path else None
    prepare = PostPreparer(load_seeds(), with_bigrams=bool(fixed and fixed.supervised))

    def labels(posts: list) -> np.ndarray:
        scored = scored_as_run([p.text for p in posts], platform, fixed, prepare)
        return np.array([CLASSES.index(label) for label, _, _ in scored])
    return labels


def confusion_matrix(posts: list, gold: np.ndarray, labels: Callable, size: int) -> np.ndarray:
    counts = np.zeros((3, 3))
    for start in range(0, len(posts) - size + 1, size):
        np.add.at(counts, (gold[start:start + size], labels(posts[start:start + size])), 1)
    return counts / counts.sum(axis=1, keepdims=True)


def first_half(post_id: str) -> bool:
    return int(hashlib.sha256(post_id.encode()).hexdigest(), 16) % 2 == 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pool", required=True, help="labelled JSONL the corpora are drawn from")
    parser.add_argument("--confusion-from", help="labelled JSONL the confusion matrix is counted on")
    parser.add_argument("--lexicon", help="score with this lexicon file (default: each corpus's own default lexicon)")
    parser.add_argument("--platform", help="the platform whose calibration scores the posts (default: the general one)")
    parser.add_argument("--gold", choices=sorted(GOLD), default="first", help="how a post's sentiment is read")
    parser.add_argument("--confusion-gold", choices=sorted(GOLD),
                        help="the same for --confusion-from (default: --gold)")
    parser.add_argument("--posts", type=int, default=1500)
    parser.add_argument("--repeats", type=int, default=8)
    parser.add_argument("--neutral", type=float, default=0.45)
    parser.add_argument("--negative", type=float, nargs="+", default=[0.10, 0.20, 0.30, 0.40, 0.50])
    args = parser.parse_args()

    gold_of = GOLD[args.gold]
    pool = [p for p in read_labelled(args.pool)[0] if gold_of(p)]
    if args.confusion_from:
        other_gold = GOLD[args.confusion_gold or args.gold]
        other = [p for p in read_labelled(args.confusion_from)[0] if other_gold(p)]
    else:
        other_gold = gold_of
        other, pool = [p for p in pool if not first_half(p.id)], [p for p in pool if first_half(p.id)]
    labels = labeller(args.lexicon, args.platform)
    confusion = confusion_matrix(other, np.array([CLASSES.index(other_gold(p)) for p in other]), labels, args.posts)
    print(f"confusion matrix P(label | gold) from {len(other)} posts in corpora of {args.posts}, rows and columns "
          f"{CLASSES}:\n{confusion.round(3)}")
    gold = np.array([CLASSES.index(gold_of(p)) for p in pool])
    rng = np.random.default_rng(0)
    print(f"\n| true {'/'.join(c[:3] for c in CLASSES)} | labels | adjusted | SD of negative: labels / adjusted |")
    print("|---|---|---|---|")
    for negative in args.negative:
        mix = (negative, args.neutral, 1.0 - args.neutral - negative)
        found: dict[str, list] = {"labels": [], "adjusted": []}
        for _ in range(args.repeats):
            drawn = np.concatenate([rng.choice(np.flatnonzero(gold == c), round(args.posts * share), replace=False)
                                    for c, share in enumerate(mix)])
            observed = np.bincount(labels([pool[i] for i in drawn]), minlength=3) / len(drawn)
            found["labels"].append(observed)
            found["adjusted"].append(adjusted_shares(observed, confusion))
        means = {k: "/".join(f"{x:.3f}" for x in np.mean(v, axis=0)) for k, v in found.items()}
        sds = " / ".join(f"{np.std(np.asarray(v)[:, 0]):.3f}" for v in found.values())
        print(f"| {'/'.join(f'{x:.2f}' for x in mix)} | {means['labels']} | {means['adjusted']} | {sds} |", flush=True)


if __name__ == "__main__":
    main()
