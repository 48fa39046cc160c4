"""Base priors for the default lexicon, read from installed packages (never copied here).

* VADER (``vaderSentiment``, Hutto & Gilbert 2014): word and emoticon valences in [-4, 4],
  its emoji descriptions (an emoji takes the summed valence of its description's words, as
  VADER itself does by replacing the emoji with its description), its intensifiers
  (``BOOSTER_DICT``) and negation factor (``N_SCALAR``).
* EmoLex (the NRC Emotion Lexicon as bundled by ``nrclex``): word -> Plutchik emotions.

An idiom the tokenizer makes one term ("can't wait") takes the priors of a word that means it
('eager'): neither package lists it, and VADER scores "can't wait" 0.

Valences are put on [-1, 1] (divided by VADER's 4). Words of the seed file's sentiment and
emotion lists join the priors, so a user's seeds always count; the words of its topic keywords
(the corpus's own query terms: 'change' of 'climate change' is an EmoLex fear word) leave them,
so a corpus's subject never carries its sentiment or emotion.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Mapping

from pipelines.config import EMOTIONS, SeedConfig
from pipelines.text.tokenizer import CANT_WAIT

VADER_SCALE = 4.0
#: |prior valence| a word needs to seed its polarity class (VADER valence 1 of 4).
SEED_STRENGTH = 0.25
#: Valence of a seed-file word that VADER does not list.
SEED_FILE_VALENCE = 0.5
#: idiom term -> the word whose priors it takes
IDIOM_MEANINGS = {CANT_WAIT: "eager"}


@lru_cache(maxsize=1)
def _vader():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


@lru_cache(maxsize=1)
def vader_valences() -> dict[str, float]:
    """VADER's lexicon on [-1, 1], plus its emoji scored through their descriptions."""
    analyzer = _vader()
    valences = {term: value / VADER_SCALE for term, value in analyzer.lexicon.items()}
    for emoji, description in analyzer.emojis.items():
        total = sum(analyzer.lexicon.get(word, 0.0) for word in description.lower().split())
        if total and emoji not in valences:
            valences[emoji] = max(-1.0, min(1.0, total / VADER_SCALE))
    return valences | {idiom: valences[word] for idiom, word in IDIOM_MEANINGS.items()}


@lru_cache(maxsize=1)
def emolex_emotions() -> dict[str, frozenset[str]]:
    """EmoLex: word -> the Plutchik emotions it is listed with (words without any left out)."""
    from nrclex import NRCLex

    lexicon = {}
    for word, labels in NRCLex().__lexicon__.items():
        emotions = frozenset(e for e in labels if e in EMOTIONS)
        if emotions:
            lexicon[word] = emotions
    return lexicon | {idiom: lexicon[word] for idiom, word in IDIOM_MEANINGS.items()}


def booster_weights() -> Mapping[str, float]:
    """VADER's intensifiers (+) and dampeners (-), on the [-1, 1] valence scale."""
    from vaderSentiment.vaderSentiment import BOOSTER_DICT

    return {word: value / VADER_SCALE for word, value in BOOSTER_DICT.items()}


def negation_factor() -> float:
    """What a negated word's valence is multiplied by (VADER's N_SCALAR, -0.74)."""
    from vaderSentiment.vaderSentiment import N_SCALAR

    return N_SCALAR


def sentiment_priors(seeds: SeedConfig) -> dict[str, float]:
    """term -> prior valence in [-1, 1]: VADER, plus the seed file's words VADER lacks."""
    key = ("sentiment", seeds.fingerprint)
    if key not in _BY_SEEDS:
        _BY_SEEDS[key] = _sentiment_priors(seeds)
    return _BY_SEEDS[key]


def emotion_priors(seeds: SeedConfig) -> dict[str, frozenset[str]]:
    """term -> prior emotions: EmoLex, plus the seed file's emotion words."""
    key = ("emotion", seeds.fingerprint)
    if key not in _BY_SEEDS:
        _BY_SEEDS[key] = _emotion_priors(seeds)
    return _BY_SEEDS[key]


_BY_SEEDS: dict[tuple[str, str], dict] = {}  # seed configs are not hashable; their fingerprints are


def query_terms(seeds: SeedConfig) -> frozenset[str]:
    """The corpus's own query terms: every word and hashtag of the seed file's topic keywords."""
    return frozenset(word for phrases in seeds.topics.values() for phrase in phrases for word in phrase)


def _sentiment_priors(seeds: SeedConfig) -> dict[str, float]:
    priors = {t: v for t, v in vader_valences().items() if t not in query_terms(seeds)}
    for polarity, sign in (("positive", 1.0), ("negative", -1.0)):
        for word in seeds.sentiment.get(polarity, ()):
            if abs(priors.get(word, 0.0)) < SEED_STRENGTH:
                priors[word] = sign * SEED_FILE_VALENCE
    return priors


def _emotion_priors(seeds: SeedConfig) -> dict[str, frozenset[str]]:
    priors = {t: e for t, e in emolex_emotions().items() if t not in query_terms(seeds)}
    for emotion, words in seeds.emotions.items():
        for word in words:
            priors[word] = priors.get(word, frozenset()) | {emotion}
    return priors


def polarity_of(valence: float) -> str | None:
    """'positive' / 'negative' for a valence strong enough to seed a class, else None."""
    if valence >= SEED_STRENGTH:
        return "positive"
    if valence <= -SEED_STRENGTH:
        return "negative"
    return None
