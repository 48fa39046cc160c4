"""Calibrate the default lexicon's sentiment and emotion models on development data (never a test file).

    PYTHONPATH=$PWD python bench/calibrate_default.py [--data ../shared/data]

The default lexicon is built by each run on its own unlabelled corpus, so the calibration
imitates that: the SemEval 2013-2016 training tweets (minus every tweet that is also in the
TweetEval validation file) and the GoEmotions training comments from Reddit whose labels agree on a
sentiment group (GoEmotions' own grouping; the validation comments left out) are each cut into as
many corpora of CHUNK posts as they fill, each corpus gets its own default lexicon (the engine's pure
functions, the same ones the Beam job distributes), and the linear model is fitted on the features
of all of them: runs score tweets and Reddit comments alike, so the calibration learns from both.
Reddit comments also get a model fitted on them alone (the calibration's ``platforms`` entry),
which scores the posts of platform reddit.
Emotions likewise on the SemEval-2018 E-c training tweets (Plutchik's eight among its labels;
tweets also in the TweetEval emotion or SemEval-2018 validation files left out): one binary model
per emotion.
Labels are only read here, to fit the models. Writes lexicons/default_calibration.json.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from pipelines.evaluation.calibrate import (  # noqa: E402
    emotion_feature_names_for, fit_emotion_calibration, fit_sentiment_calibration, sentiment_feature_names,
)
from pipelines.config import EMOTIONS, load_seeds  # noqa: E402
from pipelines.induction.induce import LexiconSpec  # noqa: E402
from pipelines.evaluation.labelled import goemotions_sentiment, read_labelled  # noqa: E402
from pipelines.induction.lexicon_local import build_local  # noqa: E402
from pipelines.scoring.score import post_features  # noqa: E402

from bench import SHARED_DATA as DEFAULT_DATA  # noqa: E402
#: sentiment: (platform, training file, files left out of it, a post's gold sentiment or None to leave it out)
SENTIMENT_TRAIN = (
    ("twitter", "semeval2017_task4a/train_2013_2016.jsonl", ("tweeteval_sentiment/validation.jsonl",),
     lambda p: p.labels[0]),
    ("reddit", "goemotions/train.jsonl", ("goemotions/validation.jsonl",), lambda p: goemotions_sentiment(p.labels)),
)
#: platforms whose posts get a sentiment model fitted on that platform's posts alone: on held-out
#: Reddit comments it beats the model of both platforms (bench/calibration_platforms.py); on
#: held-out tweets the two are equal, so tweets (and YouTube, which has no labelled data here)
#: keep the model of both
OWN_SENTIMENT_MODEL = ("reddit",)
EMOTION_TRAIN = "semeval2018_ec/train.jsonl"
EMOTION_LEAVE_OUT = ("tweeteval_emotion/validation.jsonl", "semeval2018_ec/validation.jsonl")
EMOTION_CHUNK = 3500
CHUNK = 4000
OUT = REPO / "lexicons" / "default_calibration.json"


def without(posts, data: Path, files) -> tuple[list, int]:
    """The posts minus every post (same id or normalized text) of the held-out files."""
    keys = {k for name in files for p in read_labelled(str(data / name))[0] for k in p.overlap_keys()}
    kept = [p for p in posts if not p.overlap_keys() & keys]
    return kept, len(posts) - len(kept)


def sentiment_posts(data: Path, path: str, leave_out, gold) -> tuple[list, int]:
    """A training file's posts with a gold sentiment, minus those of the held-out files, shuffled
    (a fixed order), and how many were left out."""
    train, left_out = without([p for p in read_labelled(str(data / path))[0] if gold(p)], data, leave_out)
    random.Random(0).shuffle(train)
    return train, left_out


def features_by_corpus(posts, size: int, count: int, names) -> list[list[float]]:
    """Each corpus of `size` posts gets its own default lexicon, as a run would build it."""
    seeds, spec = load_seeds(), LexiconSpec()
    rows = []
    for i in range(count):
        chunk = posts[i * size:(i + 1) * size]
        lexicon, prepared = build_local([{"text": p.text} for p in chunk], seeds, spec)
        rows += post_features([post["tokens"] for post in prepared], lexicon, names).tolist()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()
    names = sentiment_feature_names(supervised=False)
    x, y, fitted_on, platform_of = [], [], {}, []
    for platform, path, leave_out, gold in SENTIMENT_TRAIN:
        train, left_out = sentiment_posts(args.data, path, leave_out, gold)
        chunks = len(train) // CHUNK
        x += features_by_corpus(train, CHUNK, chunks, names)
        y += [gold(p) for p in train[:chunks * CHUNK]]
        platform_of += [platform] * (chunks * CHUNK)
        fitted_on[platform] = (f"{path}: {chunks * CHUNK} posts in {chunks} corpora of {CHUNK}, each with its own "
                               f"default lexicon; {left_out} posts also in {', '.join(leave_out)} left out")
    sentiment = fit_sentiment_calibration(x, y, names)
    sentiment["fitted_on"] = "; ".join(fitted_on.values())
    platforms = {}
    for platform in OWN_SENTIMENT_MODEL:
        mine = [i for i, p in enumerate(platform_of) if p == platform]
        platforms[platform] = {"sentiment": {
            **fit_sentiment_calibration([x[i] for i in mine], [y[i] for i in mine], names),
            "fitted_on": fitted_on[platform]}}
    emotion_train, left_out = without(read_labelled(str(args.data / EMOTION_TRAIN))[0], args.data, EMOTION_LEAVE_OUT)
    names = emotion_feature_names_for(supervised=False)
    chunks = -(-len(emotion_train) // EMOTION_CHUNK)
    x = features_by_corpus(emotion_train, EMOTION_CHUNK, chunks, names)
    # Plutchik's eight as SemEval-2018 E-c gives them, its optimism, love and pessimism left out: as the shipped
    # calibration was fitted (`task_labels` now maps optimism to anticipation + joy; refitting so is a change
    # of the default scores, to be measured on its own)
    emotion = fit_emotion_calibration(x, [tuple(e for e in EMOTIONS if e in p.labels) for p in emotion_train],
                                      EMOTIONS, names)
    emotion["fitted_on"] = (f"{EMOTION_TRAIN}: {len(x)} tweets in corpora of {EMOTION_CHUNK}, each with its own "
                            f"default lexicon; {left_out} tweets also in {', '.join(EMOTION_LEAVE_OUT)} left out")
    OUT.write_text(json.dumps({"sentiment": sentiment, "emotion": emotion, "platforms": platforms},
                              indent=1, sort_keys=True) + "\n")
    print(f"wrote {OUT}: sentiment class weight {sentiment['class_weight']}, cv score {sentiment['cv_score']}; "
          f"emotion thresholds {emotion['thresholds']}")


if __name__ == "__main__":
    main()
