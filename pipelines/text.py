"""Social-media tokenization: spaCy's rule tokenizer plus rules for posts.

`tokenize(text)` returns the full normalized token sequence (used for topic phrases
and explanations); `counting_terms(tokens)` returns the set of terms a post contributes
to document-frequency counts (stop words, punctuation and placeholders dropped).
"""

from __future__ import annotations

import re
from functools import lru_cache

import spacy
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.tokenizer import Tokenizer

TOKENIZER_VERSION = "mipulse-tok-1"

URL = "<url>"
USER = "<user>"
NEG_SUFFIX = "_NEG"
PLACEHOLDERS = frozenset({URL, USER})

_VARIATION_SELECTORS = dict.fromkeys(map(ord, "\ufe0e\ufe0f"), None)
_URL_RE = re.compile(r"^(?:https?://|www\.)\S+$", re.IGNORECASE)
_MENTION_RE = re.compile(r"^@\w{1,30}$")
_HASHTAG_RE = re.compile(r"^#\w+$")
_CAMEL_RE = re.compile(r"[A-Z]+\d*(?![a-z])|[A-Z]?[a-z]+\d*|\d+")
_ELONGATION_RE = re.compile(r"(.)\1{2,}")
_SKIN_TONE_RE = re.compile("^[\U0001F3FB-\U0001F3FF]$")
_REGIONAL_RE = re.compile("^[\U0001F1E6-\U0001F1FF]$")
_WORD_RE = re.compile(r"\w", re.UNICODE)
# Negation cues and clause ends, as in nltk.sentiment.util.mark_negation (Das & Chen 2001).
_NEGATION_RE = re.compile(
    r"^(?:never|no|nothing|nowhere|noone|none|not|havent|hasnt|hadnt|cant|couldnt|shouldnt"
    r"|wont|wouldnt|dont|doesnt|didnt|isnt|arent|aint|nt)$|n't$",
    re.IGNORECASE,
)
_CLAUSE_END_RE = re.compile(r"^[.:;!?]+$|^but$")
_CONTRACTION_PARTS = {"n't": "not", "nt": "not", "ca": "can", "wo": "will", "'m": "am",
                      "'re": "are", "'s": "'s", "'ve": "have", "'ll": "will", "'d": "would"}


@lru_cache(maxsize=1)
def _spacy_tokenizer() -> Tokenizer:
    """spaCy's English rule tokenizer that keeps `#tags` and `@names` whole."""
    nlp = spacy.blank("en")
    prefixes = [p for p in nlp.Defaults.prefixes if p not in ("#", "@")]
    nlp.tokenizer.prefix_search = spacy.util.compile_prefix_regex(prefixes).search
    return nlp.tokenizer


def tokenize(text: str) -> list[str]:
    """Normalize and tokenize one post; negated tokens carry the `_NEG` suffix."""
    raw = [t.text for t in _spacy_tokenizer()(text.translate(_VARIATION_SELECTORS))]
    tokens: list[str] = []
    for piece in _merge_emoji_modifiers(raw):
        tokens.extend(_normalize(piece))
    return mark_negation(tokens)


def counting_terms(tokens: list[str]) -> set[str]:
    """The distinct terms a post contributes to counts: no stop words, punctuation, placeholders."""
    return {t for t in tokens if is_content_term(t)}


def is_content_term(token: str) -> bool:
    """True for tokens worth counting (words, hashtags, emoji), False for noise."""
    base = base_form(token)
    if base in PLACEHOLDERS or base in STOP_WORDS or _NEGATION_RE.match(base):
        return False
    return len(base) > 1 or not base.isascii()


def base_form(token: str) -> str:
    """The token without its negation mark."""
    return token[: -len(NEG_SUFFIX)] if token.endswith(NEG_SUFFIX) else token


def split_hashtag(tag: str) -> list[str]:
    """`#ClimateChange` -> ['climate', 'change'], `#CO2` -> ['co2']; an all-lower tag stays whole."""
    return [w.lower() for w in _CAMEL_RE.findall(tag.lstrip("#"))]


def reduce_elongation(word: str) -> str:
    """Cap runs of one character at two: 'soooo' -> 'soo', 'goooood' -> 'good'."""
    return _ELONGATION_RE.sub(r"\1\1", word)


def mark_negation(tokens: list[str]) -> list[str]:
    """Append `_NEG` to word tokens after a negation cue, up to clause punctuation or 'but'."""
    out, negated = [], False
    for tok in tokens:
        if _CLAUSE_END_RE.match(tok):
            negated = False
            out.append(tok)
        elif _NEGATION_RE.match(tok):
            negated = True
            out.append(tok)
        elif negated and _WORD_RE.match(tok) and tok not in PLACEHOLDERS:
            out.append(tok + NEG_SUFFIX)
        else:
            out.append(tok)
    return out


def _normalize(piece: str) -> list[str]:
    if _URL_RE.match(piece):
        return [URL]
    if _MENTION_RE.match(piece):
        return [USER]
    if _HASHTAG_RE.match(piece):
        words = split_hashtag(piece)
        tag = "#" + reduce_elongation(piece[1:].lower())
        return [tag, *words]
    lower = piece.lower()
    return [_CONTRACTION_PARTS.get(lower, reduce_elongation(lower))]


def _merge_emoji_modifiers(pieces: list[str]) -> list[str]:
    """Glue skin-tone modifiers to their emoji and regional-indicator pairs into flags."""
    out: list[str] = []
    for piece in pieces:
        if out and _SKIN_TONE_RE.match(piece):
            out[-1] += piece
        elif out and _REGIONAL_RE.match(piece) and _REGIONAL_RE.match(out[-1]):
            out[-1] += piece
        else:
            out.append(piece)
    return out
