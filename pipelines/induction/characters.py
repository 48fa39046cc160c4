"""The character layer of a supervised lexicon: a linear model over a post's character n-grams.

Character n-grams (a feature of NRC-Canada's SemEval 2013 system, Mohammad et al. 2013) see
what a term lexicon misses: misspellings, elongations ("sooo"), hashtag and emoticon variants,
word pieces. The layer is fitted with scikit-learn on the labelled posts a supervised lexicon
is built from: tf-idf weights of the n-grams inside each word of the post's tokens (padded
by spaces, scikit-learn's ``char_wb``), sublinear tf, rows scaled to unit length, and a
logistic regression over them.

On disk it is one lexicon row per n-gram (layer ``characters``), readable like the others:
``df`` is the n-gram's document frequency in the training posts (its idf is
ln((1 + posts) / (1 + df)) + 1), and the weights are in the class columns:

* sentiment (one multinomial model over negative / neutral / positive): ``sentiment`` is
  w(positive) - w(negative), ``neutral`` is w(neutral) - (w(positive) + w(negative)) / 2 (a
  softmax depends on the differences of its logits only, so these two say everything);
* emotion (one binary model per emotion): each emotion's column is its weight.

The model's settings, its training-post count and its intercepts (in the same form) are the
``characters`` entry of the lexicon's calibration. A post's character evidence is the
model's log-probability of each sentiment class, or log-odds of each emotion
(`CHARACTER_FEATURES`): features of the calibration model like the lexicon's others. A post
with any n-gram of an emotion layer has emotion evidence (`pipelines.scoring.score.emotions_of`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Mapping, Sequence

import numpy as np

from pipelines.config import EMOTIONS
from pipelines.evaluation.labelled import SENTIMENT_CLASSES
from pipelines.induction.lexicon import CHARACTERS, Lexicon, LexiconEntry

ANALYZER = "char_wb"
NGRAM_RANGE = (2, 5)
MIN_DF = 3
C = 1.0
SENTIMENT_CHARACTER_FEATURES = tuple(f"characters_{c}" for c in SENTIMENT_CLASSES)
EMOTION_CHARACTER_FEATURES = tuple(f"characters_{e}" for e in EMOTIONS)
#: the number of the layer's n-grams in a post (distinct): whether it has character evidence at all
NGRAMS_FEATURE = "characters_ngrams"
#: what a post's character evidence adds to its feature vector (zeros for a lexicon without the layer)
CHARACTER_FEATURES = SENTIMENT_CHARACTER_FEATURES + EMOTION_CHARACTER_FEATURES + (NGRAMS_FEATURE,)
_COLUMNS = ("sentiment", "neutral", *EMOTIONS)  # an entry's weight columns, in `_weights` order


def _vectorizer(ngram_range: tuple[int, int] = NGRAM_RANGE, sublinear_tf: bool = True, **kwargs):
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(analyzer=ANALYZER, ngram_range=ngram_range, sublinear_tf=sublinear_tf, lowercase=True,
                           **kwargs)


def _classifier():
    """scikit-learn's logistic regression by SAGA: the rows are unit-length tf-idf vectors, which
    it suits (on 38,000 tweets ~10x faster than lbfgs and closer to the optimum); seeded, so a
    layer fitted twice on the same posts is the same."""
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=C, solver="saga", tol=1e-4, max_iter=5000, random_state=0)


def post_text(tokens: Sequence[str]) -> str:
    """What the n-grams are taken from: the post's tokens, one space apart."""
    return " ".join(tokens)


def fit_character_layer(texts: Sequence[str], labels: Sequence[Sequence[str]], task: str,
                        classes: Sequence[str]) -> tuple[dict[str, LexiconEntry], dict]:
    """(the layer's entries by n-gram, its calibration entry) fitted on labelled post texts
    (`post_text` of their tokens): sentiment, one label per post; emotion, a set per post."""
    vectorizer = _vectorizer(min_df=MIN_DF)
    x = vectorizer.fit_transform(texts)
    ngrams = vectorizer.get_feature_names_out().tolist()
    df = np.bincount(x.indices, minlength=len(ngrams))
    weights = np.zeros((len(ngrams), len(_COLUMNS)))
    if task == "sentiment":
        y = [ls[0] for ls in labels]
        model = _classifier().fit(x, y)
        present = [str(c) for c in model.classes_]
        coef, intercept = _per_class(model, present)
        weights[:, 0], weights[:, 1] = _sentiment_columns(coef)
        intercepts = dict(zip(("sentiment", "neutral"), _sentiment_columns(intercept)))
    else:
        present, intercepts = [], {}
        for emotion in classes:
            target = [emotion in ls for ls in labels]
            if emotion not in EMOTIONS or len(set(target)) < 2:
                continue  # no gold support (or not one of the eight): no weights
            model = _classifier().fit(x, target)
            weights[:, _COLUMNS.index(emotion)] = model.coef_[0]
            intercepts[emotion] = float(model.intercept_[0])
            present.append(emotion)
    entries = {g: LexiconEntry(g, float(w[0]), tuple(w[2:].tolist()), float(w[1]), int(d), int(d), CHARACTERS)
               for g, w, d in zip(ngrams, weights, df)}
    settings = {"analyzer": ANALYZER, "ngram_range": list(NGRAM_RANGE), "min_df": MIN_DF, "sublinear_tf": True,
                "C": C, "solver": "saga", "task": task, "classes": present, "posts": len(texts),
                "intercepts": {k: float(v) for k, v in intercepts.items()}}
    return entries, settings


def _per_class(model, present: Sequence[str]) -> tuple[dict[str, np.ndarray], dict[str, float]]:
    """Each class's weights and intercept (a binary model's one row is its second class's,
    the first class's being zero)."""
    if len(present) == 2:
        return ({present[0]: np.zeros(model.coef_.shape[1]), present[1]: model.coef_[0]},
                {present[0]: 0.0, present[1]: float(model.intercept_[0])})
    return ({c: model.coef_[i] for i, c in enumerate(present)},
            {c: float(model.intercept_[i]) for i, c in enumerate(present)})


def _sentiment_columns(by_class: Mapping[str, float | np.ndarray]) -> tuple:
    """(positive - negative, neutral - the mean of the two) of per-class weights or intercepts
    (0 for a class the model lacks): the two differences a 3-class softmax depends on."""
    positive, negative, neutral = (by_class.get(c, 0.0) for c in ("positive", "negative", "neutral"))
    return positive - negative, neutral - (positive + negative) / 2


def with_characters(lexicon: Lexicon, entries: Mapping[str, LexiconEntry], settings: Mapping) -> Lexicon:
    """The lexicon with this character layer and its settings in the calibration."""
    return Lexicon({**lexicon.layers, CHARACTERS: dict(entries)}, lexicon.metadata,
                   {**lexicon.calibration, "characters": dict(settings)})


@dataclass(frozen=True, eq=False)
class CharacterModel:
    """A lexicon's character layer, ready to score batches of post texts."""

    layer: Mapping[str, LexiconEntry]
    settings: Mapping

    @cached_property
    def _vectorizer(self):
        if self.settings.get("analyzer", ANALYZER) != ANALYZER:
            raise ValueError(f"a character layer with analyzer {self.settings['analyzer']!r} (this mipulse reads "
                             f"{ANALYZER!r} layers)")
        vectorizer = _vectorizer(tuple(self.settings.get("ngram_range", NGRAM_RANGE)),
                                 self.settings.get("sublinear_tf", True),
                                 vocabulary={t: i for i, t in enumerate(self._terms)})
        df = np.array([self.layer[t].df for t in self._terms], dtype=float)
        vectorizer.idf_ = np.log((self.settings["posts"] + 1) / (df + 1.0)) + 1.0  # scikit-learn's smooth idf
        return vectorizer

    @cached_property
    def _terms(self) -> list[str]:
        """The layer's n-grams in a fixed order: the vectorizer's columns and the weights' rows."""
        return sorted(self.layer)

    @cached_property
    def _weights(self) -> np.ndarray:
        return np.array([[self.layer[t].sentiment, self.layer[t].neutral, *self.layer[t].emotions]
                         for t in self._terms], dtype=float).reshape(len(self._terms), len(_COLUMNS))

    @property
    def task(self) -> str:
        return self.settings["task"]

    def features(self, texts: Sequence[str]) -> np.ndarray:
        """`CHARACTER_FEATURES` of each post text (rows): sentiment log-probabilities of the
        classes the model knows, emotion log-odds of the emotions it has weights for, else 0;
        and the number of the layer's n-grams in the post."""
        out = np.zeros((len(texts), len(CHARACTER_FEATURES)))
        if not texts:
            return out
        tf_idf = self._vectorizer.transform(texts)
        out[:, -1] = np.diff(tf_idf.indptr)
        scores = tf_idf @ self._weights  # (posts, columns)
        intercepts, present = self.settings["intercepts"], self.settings["classes"]
        if self.task == "sentiment":
            from scipy.special import log_softmax

            a = scores[:, 0] + intercepts["sentiment"]
            b = scores[:, 1] + intercepts["neutral"]
            logits = {"negative": -a / 2, "neutral": b, "positive": a / 2}
            log_probabilities = log_softmax(np.column_stack([logits[c] for c in present]), axis=1)
            for j, c in enumerate(present):
                out[:, CHARACTER_FEATURES.index(f"characters_{c}")] = log_probabilities[:, j]
        else:
            for emotion in present:
                out[:, CHARACTER_FEATURES.index(f"characters_{emotion}")] = (
                    scores[:, _COLUMNS.index(emotion)] + intercepts[emotion])
        return out
