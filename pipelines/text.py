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
the next clause punctuation (commas included) or 'but' (Das & Chen 2001, as in nltk's
mark_negation, which stops at commas too).
"""

from __future__ import annotations

import re
from functools import lru_cache

import regex
import spacy
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.tokenizer import Tokenizer

from pipelines.hashtags import split_hashtag

TOKENIZER_VERSION = "mipulse-tok-3"
CHUNK_CACHE_SIZE = 1 << 18  # distinct chunks / tokens remembered per process

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
# Negation cues and clause ends (commas included), as in nltk.sentiment.util.mark_negation.
_NEGATION_RE = re.compile(
    r"^(?:never|no|nothing|nowhere|noone|none|not|havent|hasnt|hadnt|cant|couldnt|shouldnt"
    r"|wont|wouldnt|dont|doesnt|didnt|isnt|arent|aint|nt)$|n't$",
    re.IGNORECASE,
)
_CLAUSE_END_RE = re.compile(r"^[.,:;!?]+$|^but$")
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
    text = _MENTION_IN_TEXT_RE.sub(f" {USER} ", _URL_IN_TEXT_RE.sub(f" {URL} ", text.translate(_CLEANUP)))
    chunks = text.split()
    missing = [c for c in chunks if c not in _CHUNKS]
    if missing:
        _CHUNKS.update(normalize_chunks(list(dict.fromkeys(missing))))
    tokens: list[str] = []
    for chunk in chunks:
        tokens.extend(_CHUNKS[chunk])
    return mark_negation(tokens)


#: chunk -> its normalized tokens. spaCy splits at whitespace first and handles each chunk
#: on its own, so chunk by chunk gives the same tokens as the whole text; social text
#: repeats chunks (Zipf), so most are looked up rather than tokenized again.
_PLACEHOLDER_CHUNKS = {URL: (URL,), USER: (USER,)}
_CHUNKS: dict[str, tuple[str, ...]] = dict(_PLACEHOLDER_CHUNKS)
_CHUNK_BREAK = " \n "
# A word of two or more letters with one trailing comma, '!' or '?' (or a stop after a
# lower-case letter): spaCy splits off the mark and nothing else (checked against spaCy by
# a property test; 'PhD.' stays whole for spaCy).
_WORD_AND_STOP_RE = re.compile(r"^([A-Za-z]+[a-z])(\.)$|^([A-Za-z]{2,})([,!?])$")
# URLs and mentions become placeholder chunks before spaCy sees them: they are mostly
# unique, so they would only fill the caches. Trailing punctuation stays outside.
_URL_IN_TEXT_RE = re.compile(r"(?:https?://|www\.)\S+?(?=[.,;:!?)\]\"']*(?:\s|$))", re.IGNORECASE)
_MENTION_IN_TEXT_RE = re.compile(r"(?<![\w@])@\w{1,30}")


def normalize_chunks(chunks: list[str]) -> dict[str, tuple[str, ...]]:
    """Normalized tokens of whitespace-free chunks, with one spaCy call for all of them.

    A plain ASCII word that is no tokenizer special case ('dont', 'gonna' are) is one
    token for spaCy whatever its affix rules say, so it skips the call.
    """
    if len(_CHUNKS) > CHUNK_CACHE_SIZE:
        _CHUNKS.clear()
        _CHUNKS.update(_PLACEHOLDER_CHUNKS)
        _spacy_tokenizer.cache_clear()  # a fresh vocab: spaCy keeps a lexeme per new string
    special_cases = _spacy_tokenizer().rules
    normalized: dict[str, tuple[str, ...]] = {}
    for chunk in chunks:
        if chunk.isascii() and chunk.isalpha() and chunk not in special_cases:
            normalized[chunk] = _normalize_pieces([chunk])
        elif (match := _WORD_AND_STOP_RE.match(chunk)) and chunk not in special_cases \
                and (match[1] or match[3]) not in special_cases:
            normalized[chunk] = _normalize_pieces([p for p in match.groups() if p])
    rest = [c for c in chunks if c not in normalized]
    if rest:
        normalized.update(_spacy_chunks(rest))
    return normalized


def _spacy_chunks(chunks: list[str]) -> dict[str, tuple[str, ...]]:
    text = _CHUNK_BREAK.join(c if c.isascii() else EMOJI_RE.sub(r" \g<0> ", c) for c in chunks)
    pieces: list[list[str]] = [[]]
    for token in _spacy_tokenizer()(text):
        if token.is_space:
            if "\n" in token.text:
                pieces.append([])
        else:
            pieces[-1].append(token.text)
    return {chunk: _normalize_pieces(raw) for chunk, raw in zip(chunks, pieces, strict=True)}


def _normalize_pieces(raw: list[str]) -> tuple[str, ...]:
    tokens: list[str] = []
    for i, piece in enumerate(raw):
        following = raw[i + 1].lower() if i + 1 < len(raw) else ""
        tokens.extend(_normalize(piece, following))
    return tuple(tokens)


def counting_terms(tokens: list[str]) -> set[str]:
    """The distinct terms a post contributes to counts: no stop words, punctuation, placeholders."""
    return {t for t in tokens if is_content_term(t)}


@lru_cache(maxsize=CHUNK_CACHE_SIZE)
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
        role = _negation_role(tok)
        if role is _CLAUSE_END:
            negated = False
        elif role is _CUE:
            negated = True
        elif negated and role is _NEGATABLE:
            tok += NEG_SUFFIX
        out.append(tok)
    return out


_CLAUSE_END, _CUE, _NEGATABLE, _OTHER = "clause end", "cue", "negatable", "other"


@lru_cache(maxsize=CHUNK_CACHE_SIZE)
def _negation_role(token: str) -> str:
    if _CLAUSE_END_RE.match(token):
        return _CLAUSE_END
    if _NEGATION_RE.match(token):
        return _CUE
    if _WORD_RE.match(token) and token not in PLACEHOLDERS:
        return _NEGATABLE
    return _OTHER


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
