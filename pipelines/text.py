"""Social-media tokenization: spaCy's rule tokenizer plus rules for posts.

`tokenize(text)` returns the full normalized token sequence (used for topic phrases
and explanations); `counting_terms(tokens)` returns the set of terms a post contributes
to document-frequency counts (stop words, punctuation and placeholders dropped).

What the rules do, in order: curly apostrophes become straight; every emoji (with its
skin tone, keycap, flag pair, tag sequence or ZWJ sequence) becomes its own token with
variation selectors stripped, even when glued to words or other emoji; emoticons stay
whole and keep their case; URLs and @mentions become placeholders; hashtags stay as
`#tag` followed by their words; elongations are cut to two letters; contraction parts
become words (`n't` -> not, `ca n't` -> can not); negation marks words with `_NEG` up to
the next clause punctuation or 'but' (Das & Chen 2001, as in nltk's mark_negation).
"""

from __future__ import annotations

import re
from functools import lru_cache

import regex
import spacy
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.tokenizer import Tokenizer

from pipelines.hashtags import split_hashtag

TOKENIZER_VERSION = "mipulse-tok-2"

URL = "<url>"
USER = "<user>"
NEG_SUFFIX = "_NEG"
PLACEHOLDERS = frozenset({URL, USER})

_CLEANUP = {ord("\ufe0e"): None, ord("\ufe0f"): None, ord("\u2019"): "'", ord("\u2018"): "'"}
# One emoji: a flag pair, a keycap, or a pictograph with modifiers/tags, ZWJ-joined.
_EMOJI_PART = r"\p{Extended_Pictographic}[\p{Emoji_Modifier}\U000E0020-\U000E007F]*"
EMOJI_RE = regex.compile(
    rf"\p{{Regional_Indicator}}{{2}}|[0-9#*]\u20e3|{_EMOJI_PART}(?:\u200d{_EMOJI_PART})*|\p{{Regional_Indicator}}")
EMOTICON_RE = re.compile(
    r"(?:[<>]?[:;=][-'^o]?[)(\]\[dDpP/\\|*oO03@$]+|[)(\]\[]+[-'^]?[:;=]|[xX][dDpP]+|</?3+"
    r"|\^[_.-]?\^|[-oOTt>;][_.][-oOTt<;]|:'[()])")
_URL_RE = re.compile(r"^(?:https?://|www\.)\S+$", re.IGNORECASE)
_MENTION_RE = re.compile(r"^@\w{1,30}$")
_HASHTAG_RE = re.compile(r"^#\w+$")
_ELONGATION_RE = re.compile(r"(.)\1{2,}")
_WORD_RE = re.compile(r"\w", re.UNICODE)
# Negation cues and clause ends, as in nltk.sentiment.util.mark_negation (Das & Chen 2001).
_NEGATION_RE = re.compile(
    r"^(?:never|no|nothing|nowhere|noone|none|not|havent|hasnt|hadnt|cant|couldnt|shouldnt"
    r"|wont|wouldnt|dont|doesnt|didnt|isnt|arent|aint|nt)$|n't$",
    re.IGNORECASE,
)
_CLAUSE_END_RE = re.compile(r"^[.:;!?]+$|^but$")
_NOT = {"n't": "not", "nt": "not"}
# Stems spaCy leaves before n't ("ca n't", "wo n't", "ai n't"); only rewritten in that spot,
# so 'ca' (California) and 'ai' elsewhere stay as they are.
_BEFORE_NOT = {"ca": "can", "wo": "will", "ai": "is", "sha": "shall"}
_CLITICS = {"'m": "am", "'re": "are", "'ve": "have", "'ll": "will", "'d": "would"}


@lru_cache(maxsize=1)
def _spacy_tokenizer() -> Tokenizer:
    """spaCy's English rule tokenizer; `#tags`, `@names`, emoji and emoticons stay whole."""
    nlp = spacy.blank("en")
    prefixes = [p for p in nlp.Defaults.prefixes if p not in ("#", "@")]
    nlp.tokenizer.prefix_search = spacy.util.compile_prefix_regex(prefixes).search
    whole = regex.compile(rf"(?:{EMOJI_RE.pattern}|{EMOTICON_RE.pattern})")
    nlp.tokenizer.token_match = whole.fullmatch
    return nlp.tokenizer


def tokenize(text: str) -> list[str]:
    """Normalize and tokenize one post; negated tokens carry the `_NEG` suffix."""
    text = text.translate(_CLEANUP)
    spaced = text if text.isascii() else EMOJI_RE.sub(r" \g<0> ", text)
    raw = [t.text for t in _spacy_tokenizer()(spaced) if not t.is_space]
    tokens: list[str] = []
    for i, piece in enumerate(raw):
        following = raw[i + 1].lower() if i + 1 < len(raw) else ""
        tokens.extend(_normalize(piece, following))
    return mark_negation(tokens)


def counting_terms(tokens: list[str]) -> set[str]:
    """The distinct terms a post contributes to counts: no stop words, punctuation, placeholders."""
    return {t for t in tokens if is_content_term(t)}


def is_content_term(token: str) -> bool:
    """True for tokens worth counting (words, hashtags, emoji, emoticons), False for noise."""
    base = base_form(token)
    if base in PLACEHOLDERS or base in STOP_WORDS or _NEGATION_RE.match(base):
        return False
    if base.isalnum():  # most tokens: a word or a number
        return len(base) > 1 or not base.isascii()
    if EMOTICON_RE.fullmatch(base) or EMOJI_RE.fullmatch(base):
        return True
    return any(c.isalnum() for c in base) and (len(base) > 1 or not base.isascii())


def base_form(token: str) -> str:
    """The token without its negation mark."""
    return token[: -len(NEG_SUFFIX)] if token.endswith(NEG_SUFFIX) else token


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


def _normalize(piece: str, following: str) -> list[str]:
    if piece.isalnum() and not (piece[0] in "xX" and EMOTICON_RE.fullmatch(piece)):
        return [_word(piece, following)]  # the common case: a word or a number
    if _URL_RE.match(piece):
        return [URL]
    if _MENTION_RE.match(piece):
        return [USER]
    if _HASHTAG_RE.match(piece):
        tag = "#" + reduce_elongation(piece[1:].lower())
        words = split_hashtag(reduce_elongation(piece))
        return [tag, *words]
    if EMOTICON_RE.fullmatch(piece) or EMOJI_RE.fullmatch(piece):
        return [reduce_elongation(piece)]
    return [_word(piece, following)]


def _word(piece: str, following: str) -> str:
    lower = piece.lower()
    if following in _NOT and lower in _BEFORE_NOT:
        return _BEFORE_NOT[lower]
    return _NOT.get(lower) or _CLITICS.get(lower) or reduce_elongation(lower)
