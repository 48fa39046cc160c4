"""Social-media tokenization: spaCy's rule tokenizer plus rules for posts.

`tokenize(text)` returns the full normalized token sequence (used for topic phrases
and explanations); `counting_terms(tokens)` returns the set of terms a post contributes
to document-frequency counts (stop words, punctuation and placeholders dropped).

What the rules do, in order: HTML entities are decoded (`&amp;` -> `&`) and HTML tags (`<br />`,
`<b>`, `<a href=...>`) become breaks between words; curly apostrophes
become straight; byte order marks, zero-width spaces, word joiners and soft hyphens are
dropped; every emoji (with its skin tone, keycap, flag pair, tag sequence or ZWJ
sequence) becomes its own token with variation selectors stripped, even when glued to
words or other emoji; emoticons stay whole and keep their case; URLs and @mentions become
placeholders; hashtags stay as `#tag` followed by their words; elongations are cut to two
letters; contraction parts become words (`n't` -> not, `ca n't` -> can not); negation
marks words with `_NEG` up to the next clause punctuation (commas included) or 'but'
(Das & Chen 2001, as in nltk's mark_negation, which stops at commas too), except in "can't wait":
eagerness, not a negation, it becomes the one term `cant_wait` and ends the scope.
"""

from __future__ import annotations

import html
import re
import re._parser as re_parser
import string
from collections.abc import Callable, Iterable
from functools import lru_cache
from itertools import accumulate, chain
from re._constants import (ASSERT, ASSERT_NOT, AT, AT_END, BRANCH, IN, LITERAL, MAX_REPEAT, MIN_REPEAT, RANGE,
                           SRE_FLAG_IGNORECASE, SUBPATTERN)

import regex
import spacy
from spacy.attrs import ORTH
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.tokenizer import Tokenizer

from pipelines.text.hashtags import split_hashtag
from pipelines.text.mentions import AT_SIGNS, MENTION_RE

TOKENIZER_VERSION = "mipulse-tok-6"
CHUNK_CACHE_SIZE = 1 << 18  # distinct chunks / tokens remembered per process

URL = "<url>"
USER = "<user>"
NEG_SUFFIX = "_NEG"
#: "can't wait" in any spelling ("cant", "cannot", "can not", "CANT", "#cantwait"): the cue and 'wait'
#: become this term, and the scope ends there. Read as a negation, the eagerness turned into its
#: opposite ('cannot wait to see the amazing show' -> amazing_NEG): of 119 held-out SemEval training
#: tweets with the pair, 110 were positive and 45 % were labelled right (bench/README.md).
CANT_WAIT = "cant_wait"
_WAIT = frozenset({"wait", "waait", "waitt", "waaitt"})  # elongations are cut to two letters: 'waaaait'
PLACEHOLDERS = frozenset({URL, USER})

# Variation selectors, zero-width spaces (at the ends of words in posts, or inside one to dodge a
# filter: 'c\u200ban'), word joiners, soft hyphens and byte order marks go. Most YouTube comments
# end with U+FEFF: left in, it glued their last word, with its punctuation, into a term no lexicon
# holds ('amazing\ufeff', 'song!\ufeff').
_CLEANUP = (("\ufe0e", ""), ("\ufe0f", ""), ("\u2019", "'"), ("\u2018", "'"), ("\ufeff", ""), ("\u2060", ""),
            ("\u00ad", ""), ("\u200b", ""))
# One emoji: a flag pair, a keycap, or a pictograph with modifiers/tags, ZWJ-joined.
_EMOJI_PART = r"\p{Extended_Pictographic}[\p{Emoji_Modifier}\U000E0020-\U000E007F]*"
EMOJI_RE = regex.compile(
    rf"\p{{Regional_Indicator}}{{2}}|[0-9#*]\u20e3|{_EMOJI_PART}(?:\u200d{_EMOJI_PART})*|\p{{Regional_Indicator}}")
EMOTICON_RE = re.compile(
    r"(?:[<>]?[:;=][-'^o]?[)(\]\[dDpP/\\|*oO03@$]+|[)(\]\[]+[-'^]?[:;=]|[xX][dDpP]+|</?3+"
    r"|\^[_.-]?\^|[-oOTt>;][_.][-oOTt<;]|:'[()])")
_URL_RE = re.compile(r"^(?:https?://|www\.)\S+$", re.IGNORECASE)
_HASHTAG_RE = re.compile(r"^#\w+$")
_ELONGATION_RE = re.compile(r"(.)\1{2,}")
_ELONGATED_RE = re.compile(r"(.)\1\1")  # whether `_ELONGATION_RE` matches, found without its repeat: faster
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


@spacy.registry.tokenizers("mipulse.social_tokenizer.v1")
def _social_tokenizer_factory():
    """spaCy's English rule tokenizer (its own `create_tokenizer`, the same rules) except that
    `#tags`, `@names`, emoji and emoticons stay whole. Built with these rules in one go: setting
    a rule on a built tokenizer re-adds its ~4,000 special cases each time (0.2-0.5 s a process)."""

    def social_tokenizer(nlp) -> Tokenizer:
        defaults = nlp.Defaults
        prefixes = [p for p in defaults.prefixes if p not in ("#", "@")]
        whole = regex.compile(rf"(?:{EMOJI_RE.pattern}|{EMOTICON_RE.pattern})")
        return Tokenizer(nlp.vocab, rules=defaults.tokenizer_exceptions,
                         prefix_search=spacy.util.compile_prefix_regex(prefixes).search,
                         suffix_search=spacy.util.compile_suffix_regex(defaults.suffixes).search,
                         infix_finditer=spacy.util.compile_infix_regex(defaults.infixes).finditer,
                         token_match=whole.fullmatch, url_match=defaults.url_match)

    return social_tokenizer


@lru_cache(maxsize=1)
def _spacy_tokenizer() -> Tokenizer:
    """spaCy's English rule tokenizer; `#tags`, `@names`, emoji and emoticons stay whole."""
    nlp = spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers": "mipulse.social_tokenizer.v1"}}})
    # Only token texts are read: skip the lexical attributes (shape, like_num, ...) spaCy
    # would compute for every new string it adds to the vocabulary.
    nlp.vocab.lex_attr_getters = {}
    return nlp.tokenizer


def tokenize(text: str) -> list[str]:
    """Normalize and tokenize one post; negated tokens carry the `_NEG` suffix."""
    if len(_CHUNKS) > CHUNK_CACHE_SIZE:  # between posts: the post's chunks stay consistent
        clear_caches()
    chunks = _placeholders(text).split()
    chunk_tokens = list(map(_CHUNKS.__getitem__, chunks))  # the chunk cache fills `_CUE_CHUNKS` too
    if _CUE_CHUNKS.isdisjoint(chunks):
        return list(chain.from_iterable(chunk_tokens))
    return _negated_tokens(chunks, chunk_tokens)


def _negated_tokens(chunks: list[str], chunk_tokens: list[tuple[str, ...]]) -> list[str]:
    """`mark_negation` of the chunks' tokens (`chunk_tokens`), a chunk at a time: a chunk's marked tokens and
    whether a scope is open after it depend only on its tokens and on whether one was open before it (or, for
    a chunk that starts with 'wait', whether "can't" ends the tokens before it), so both are looked up
    (`_NegationSteps`); chunks outside every scope, without a cue, stay as they are."""
    out: list[str] = []
    negated = False
    for chunk, tokens in zip(chunks, chunk_tokens):
        if negated:
            if (cue := _cant_length(out)) and tokens and tokens[0] in _WAIT:
                del out[-cue:]  # "can't" + "wait" of the chunk: one term, the scope closed
                tokens, negated = _STEPS_AFTER_CANT[chunk]
            else:
                tokens, negated = _STEPS_IN_SCOPE[chunk]
        elif chunk in _CUE_CHUNKS:
            tokens, negated = _STEPS_OUT_OF_SCOPE[chunk]
        out += tokens
    return out


def _placeholders(text: str) -> str:
    """HTML entities decoded, HTML tags made breaks, curly apostrophes, variation selectors and
    invisible characters cleaned, URLs and mentions replaced.

    Each step first checks, in C, whether it has anything to do: most posts are ASCII
    and most have no entity, link or mention.
    """
    if "&" in text:
        text = decode_html_entities(text)
    if "<" in text:
        text = _HTML_TAG_RE.sub(" ", text)
    if not text.isascii():
        for old, new in _CLEANUP:
            if old in text:
                text = text.replace(old, new)
    if "://" in text or "ww." in text.lower():
        text = _URL_IN_TEXT_RE.sub(f" {URL} ", text)
    if _AT_SIGN in text or _FULLWIDTH_AT_SIGN in text:
        text = MENTION_RE.sub(f" {USER} ", text)
    return text


def decode_html_entities(text: str) -> str:
    """`&amp;` -> `&`, `&gt;` -> `>`, `&#39;` -> `'`: the escapes platform APIs leave in post
    texts. Scraped posts are often escaped twice (`&amp;#039;`), so decoding repeats until
    nothing is left (at most three rounds). Only complete entities (with their `;`) are
    decoded, so a word after a bare `&` stays as written ('&notice', which `html.unescape`
    would make '¬ice')."""
    for _ in range(3):
        decoded = _HTML_ENTITY_RE.sub(lambda m: html.unescape(m[0]), text)
        if decoded == text:
            break
        text = decoded
    return text


class _NegationSteps(dict):
    """chunk -> (its tokens marked by `mark_negation`, whether a negation scope is open after them),
    for a chunk met with a scope open (`in_scope`) or not, or (`after_cant`) with its first token
    'wait' right after "can't"."""

    def __init__(self, in_scope: bool, after_cant: bool = False):
        super().__init__()
        self.in_scope, self.after_cant = in_scope, after_cant

    def __missing__(self, chunk: str) -> tuple[tuple[str, ...], bool]:
        tokens = _CHUNKS[chunk]
        step = self[chunk] = _negation_step((CANT_WAIT, *tokens[1:]), False) if self.after_cant \
            else _negation_step(tokens, self.in_scope)
        return step


class _ChunkCache(dict):
    """chunk -> its normalized tokens; a chunk not seen yet is normalized on lookup.

    spaCy splits at whitespace first and handles each chunk on its own, so chunk by chunk
    gives the same tokens as the whole text; social text repeats chunks (Zipf), so most
    are looked up rather than tokenized again.
    """

    def __missing__(self, chunk: str) -> tuple[str, ...]:
        tokens = self[chunk] = _chunk_tokens(chunk)
        return tokens


_PLACEHOLDER_CHUNKS = {URL: (URL,), USER: (USER,)}
_CHUNKS = _ChunkCache(_PLACEHOLDER_CHUNKS)
#: the cached chunks with a negation cue among their tokens: posts without one skip
#: `mark_negation`, which would change nothing.
_CUE_CHUNKS: set[str] = set()
_STEPS_IN_SCOPE, _STEPS_OUT_OF_SCOPE = _NegationSteps(in_scope=True), _NegationSteps(in_scope=False)
_STEPS_AFTER_CANT = _NegationSteps(in_scope=True, after_cant=True)
_AT_SIGN, _FULLWIDTH_AT_SIGN = AT_SIGNS  # two C-level `in` tests, not a generator per post
# The markup of texts exported as HTML (YouTube's `textDisplay`: `<br />`, `<b>`, `<a href="...">`):
# each tag is a break between words. Only these tag names, with attributes written as attributes
# (name=value), so '<3', '<user>', 'a<b', 'if a<b then b>a' and '<a lot of love>' stay text.
_HTML_TAG_RE = re.compile(r"</?(?:a|b|i|u|s|p|br|em|strong|span|div|font)"
                          r"""(?:\s+[\w:-]+\s*=\s*(?:"[^"<>]*"|'[^'<>]*'|[^\s"'<>]+))*\s*/?>""", re.IGNORECASE)
_HTML_ENTITY_RE = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});")
# Every negation cue token contains one of these, in any case (hashtag words included).
_CUE_HINT_RE = re.compile(r"no|nt|n't|never", re.IGNORECASE)
_CHUNK_BREAK = " \n "
# A chunk spaCy splits only at its ends and infixes: quotes, brackets or other punctuation
# (`_OPENING`), one word, hashtag or number (letters, then digits) or such words joined by
# hyphens, dashes, ellipses, commas, dots, slashes or colons, then closing punctuation
# (`_CLOSING`), possibly after 's. How spaCy splits such ends and infixes depends only on the
# ends, the infixes and on the first and last two characters of each word (its affix and infix
# patterns look no further), so one split (`_pieces`) of stand-in words with the same ends, infixes and
# character kinds gives the pieces for all chunks alike, also where a piece keeps a word with
# an end or an infix ('anti-', '7:30'; `_affix_template`); whether the words make a URL
# (spaCy's url_match) is asked of each chunk.
_WORD = r"[A-Za-z]+[0-9]*|[0-9]+"
_INFIX = r"-{1,3}|\.\.+|[.,/:]"
# The characters before and after the words. Not before them: ':', ';', '=' and '<', with which a word may make an
# emoticon (':D', '<3') that its stand-in does not make; not after them: '$', which makes a currency after letters
# ('C$.'). Every end character stays as it is in the stand-in, so the special cases, emoticons and affixes of
# ends alone are spaCy's own.
_OPENING, _CLOSING = "\"'([*-\u201c$\\.>/+~^&,!", ")]\"'.,!?:;*-\u201d\u2026%\\/+~(>&"
_AFFIXED_WORD_RE = re.compile(
    rf"([{re.escape(_OPENING)}]*)(#?)((?:{_WORD})(?:(?:{_INFIX})(?:{_WORD}))*)((?:'[sS])?[{re.escape(_CLOSING)}]*)")
_INFIX_RE = re.compile(f"({_INFIX})")
_LONG_KIND_RUN_RE = re.compile(r"[qQ7]{4,}")
_EMOTICON_LETTERS = frozenset("oOTt")  # whole, they may join an emoticon ('o.O', 'T_T')
_CHAR_KIND = str.maketrans(string.ascii_lowercase + string.ascii_uppercase + string.digits,
                           "q" * 26 + "Q" * 26 + "7" * 10)
_KIND = {chr(character): chr(kind) for character, kind in _CHAR_KIND.items()}
_X_EMOTICON_RE = re.compile(r"[xX][dDpP]+")
_NOT_BUILT = object()
# (tokens of the pieces before the words, after them, how many units each piece joins when one joins a word)
_Template = tuple[tuple[str, ...], tuple[str, ...], tuple[int, ...] | None]
_AFFIX_TEMPLATES: dict[tuple[str, str, str, str], _Template | None] = {}
# URLs and mentions become placeholder chunks before spaCy sees them: they are mostly
# unique, so they would only fill the caches. Trailing punctuation stays outside.
# (Spelled so that the regex engine can skip ahead to a first character 'h' or 'w', a set of its own before
# the branch, which the look-behinds tie to their branch: the same matches as
# `(?i)(?:https?://|www\.)\S+?(?=[.,;:!?)\]"']*(?:\s|$))`, several times faster.)
_URL_IN_TEXT_RE = re.compile(r"[hHwW](?:(?<=[hH])[tT][tT][pP][sS\u017f]?://|(?<=[wW])[wW][wW]\.)"
                             r"(?:\S*[^\s.,;:!?)\]\"']|\S)")


def normalize_chunks(chunks: list[str]) -> dict[str, tuple[str, ...]]:
    """Normalized tokens of whitespace-free chunks, as the chunk cache has them."""
    return {chunk: _chunk_tokens(chunk) for chunk in chunks}


def _chunk_tokens(chunk: str) -> tuple[str, ...]:
    """A chunk's normalized tokens, those of spaCy's pieces of it.

    Most chunks are words with at most some punctuation at their ends and between them
    (`_affixed_tokens`): their pieces are cut as those of a stand-in of the same shape. The
    others are split one by one (`_pieces`).
    """
    special_cases = _spacy_tokenizer().rules
    tokens = _affixed_tokens(chunk, special_cases) if chunk.isascii() \
        else _emoji_and_affixed_tokens(chunk, special_cases)
    if tokens is None:
        tokens = _normalize_pieces(_pieces(chunk))
    if _CUE_HINT_RE.search(chunk) and any(_negation_role(t) is _CUE for t in tokens):
        _CUE_CHUNKS.add(chunk)
    return tokens


def clear_caches() -> None:
    """Forget every normalized chunk and start a fresh spaCy vocabulary (it keeps a lexeme
    per new string): memory stays bounded, and the next post is tokenized as the first."""
    _CHUNKS.clear()
    _CHUNKS.update(_PLACEHOLDER_CHUNKS)
    _CUE_CHUNKS.clear()
    _STEPS_IN_SCOPE.clear()
    _STEPS_OUT_OF_SCOPE.clear()
    _STEPS_AFTER_CANT.clear()
    _AFFIX_TEMPLATES.clear()
    _spacy_tokenizer.cache_clear()
    _spacy_splitter.cache_clear()
    _special_cases_by_word.cache_clear()
    is_content_term.cache_clear()
    _negation_role.cache_clear()
    _normalized_piece.cache_clear()


def _emoji_and_affixed_tokens(chunk: str, special_cases: dict) -> tuple[str, ...] | None:
    """The tokens of spaCy's pieces of a chunk of emoji and words with punctuated ends; None for
    anything else. Each part's tokens are its own: only 'ca' before "n't" (`_BEFORE_NOT`)
    depends on the next piece, and an emoji is neither."""
    tokens: list[str] = []
    for part in _emoji_apart(chunk):  # as `spacy_pieces` splits it
        if EMOJI_RE.fullmatch(part):
            tokens += _normalized_piece(part, False)
        elif (part_tokens := _affixed_tokens(part, special_cases)) is not None:
            tokens.extend(part_tokens)
        else:
            return None
    return tuple(tokens)


def _affixed_tokens(chunk: str, special_cases: dict) -> tuple[str, ...] | None:
    """The tokens of spaCy's pieces of one word, hashtag or number, or of words joined by infixes,
    with quotes, brackets and other punctuation at its ends (`_AFFIXED_WORD_RE`); None for
    anything else."""
    if chunk.isalpha() and chunk.isascii():  # a plain word: one token unless a special case ('dont')
        return None if chunk in special_cases else _word_tokens(chunk)
    match = _AFFIXED_WORD_RE.fullmatch(chunk)
    if not match:
        return None
    prefix, hash_mark, word, suffix = match.groups()
    core = _core_pieces(word)
    # Where spaCy's token_match (emoticons), url_match or a special case could see the words,
    # the chunk is split on its own.
    if len(core) == 1:
        if _X_EMOTICON_RE.fullmatch(word) or word in _EMOTICON_LETTERS:
            return None
    elif hash_mark or _spacy_tokenizer().url_match(word) \
            or any(_X_EMOTICON_RE.fullmatch(w) or w in _EMOTICON_LETTERS for w in core[::2]):
        return None
    if _may_meet_special_case(chunk, core):
        return None
    key = (prefix, hash_mark, _stand_in(word), suffix)
    if (template := _AFFIX_TEMPLATES.get(key, _NOT_BUILT)) is _NOT_BUILT:
        template = _AFFIX_TEMPLATES[key] = _affix_template(*key)
    if template is None:
        return None
    before, after, sizes = template
    if sizes:  # a piece joins a word's piece and some ends ('anti-', '-who') or words and infixes ('7:30')
        units = [*prefix, *([hash_mark + word] if hash_mark else core), *suffix]
        return _normalize_pieces(["".join(units[end - size:end]) for end, size in zip(accumulate(sizes), sizes)])
    # The ends' tokens do not depend on the word: no end piece is 'ca' or "n't" (`_BEFORE_NOT`).
    core_tokens = _normalize_pieces([hash_mark + word]) if hash_mark else \
        _word_tokens(word) if len(core) == 1 else _normalize_pieces(core)
    return (*before, *core_tokens, *after) if before or after else core_tokens


def _word_tokens(word: str) -> tuple[str, ...]:
    """`_normalize(word, "")` of a word of ASCII letters and digits (the commonest new chunks), in
    fewer steps: no letter or digit run is a URL, mention, hashtag or clitic."""
    if word[0] in "xX" and EMOTICON_RE.fullmatch(word):
        return (reduce_elongation(word),)
    lower = word.lower()
    return (_NOT.get(lower) or reduce_elongation(lower),)


def _core_pieces(word: str) -> list[str]:
    """spaCy's infix pieces of words joined by infixes: 'long-term' -> ['long', '-', 'term']."""
    return [word] if word.isalnum() else _INFIX_RE.split(word)


def _stand_in(word: str) -> str:
    """The word split for all words alike: the kinds of the characters, each run
    of letters and digits cut to its first and last two ('Climate...Change' -> 'Qqq...Qqq')."""
    if len(word) > 3 and word.isalnum() and word.isascii():  # one run (most words): three characters' kinds
        return _KIND[word[0]] + _KIND[word[-2]] + _KIND[word[-1]]
    kinds = word.translate(_CHAR_KIND)
    if len(kinds) <= 3:
        return kinds
    return kinds[0] + kinds[-2:] if kinds.isalnum() else _LONG_KIND_RUN_RE.sub(_first_and_last_two, kinds)


def _first_and_last_two(run: re.Match) -> str:
    return run[0][0] + run[0][-2:]


def _may_meet_special_case(chunk: str, core: list[str]) -> bool:
    """True if spaCy could meet a special case in the chunk: while it strips the ends of the core
    pieces, or as a run of pieces afterwards (its special-case matcher). Such a case is a run of
    whole pieces of the chunk: it holds a word of the core, or it lies in the ends and infixes,
    which the stand-in of `_affix_template` has too. So only the cases holding a word of the core
    ('it' of "it's", 'etc' of 'etc.') are looked for; one found anywhere in the chunk has it split on
    its own (conservative)."""
    cases = _special_cases_by_word()
    for word in core[::2]:
        for case in cases.get(word.lstrip("#"), ()):
            if case in chunk:
                return True
    return False


@lru_cache(maxsize=1)
def _special_cases_by_word() -> dict[str, tuple[str, ...]]:
    """Each word of a spaCy special case -> the special cases holding it."""
    by_word: dict[str, list[str]] = {}
    for case in _spacy_tokenizer().rules:
        for word in set(re.findall(r"[^\W_]+", case)):
            by_word.setdefault(word, []).append(case)
    return {word: tuple(cases) for word, cases in by_word.items()}


def _affix_template(prefix: str, hash_mark: str, stand_in: str, suffix: str) -> _Template | None:
    """How spaCy splits chunks with these ends, from one stand-in word. Its pieces are runs of the chunk's units:
    each character of the ends and each of the words' pieces (`_core_pieces`; a hashtag's mark with its word).
    When each of the words' pieces is a piece of its own, the tokens of the pieces before and after them (the
    common case: the words' tokens are their own); else how many units each piece joins. None when a piece
    ends inside a word's piece, or when the stand-in words make a URL: spaCy keeps them whole, but not the
    chunk's words, which `_affixed_tokens` has checked ('A-A.aAaa' is no URL, its stand-in 'Q-Q.qqq' is one:
    a capital inside the last word)."""
    core = _core_pieces(hash_mark + stand_in)
    chunk = prefix + hash_mark + stand_in + suffix
    if _may_meet_special_case(chunk, core) or _spacy_tokenizer().url_match(stand_in):
        return None
    pieces = _pieces(chunk)
    for i in range(len(pieces)):
        before, after = pieces[:i], pieces[i + len(core):]
        if pieces[i:i + len(core)] == core and "".join(before) == prefix and "".join(after) == suffix:
            return _normalize_pieces(before), _normalize_pieces(after), None
    units, sizes, start = [*prefix, *core, *suffix], [], 0
    for piece in pieces:
        end, joined = start, ""
        while len(joined) < len(piece):
            joined += units[end]
            end += 1
        if joined != piece:
            return None
        sizes.append(end - start)
        start = end
    return (), (), tuple(sizes)


def _spacy_chunks(chunks: list[str]) -> dict[str, tuple[str, ...]]:
    """The normalized tokens of spaCy's own pieces of each chunk (`spacy_pieces`)."""
    return {chunk: _normalize_pieces(raw) for chunk, raw in spacy_pieces(chunks).items()}


def _emoji_apart(chunk: str) -> list[str]:
    """A chunk cut before and after each emoji (the emoji its own part): each part is then split alone."""
    return EMOJI_RE.sub(r" \g<0> ", chunk).split()


def spacy_pieces(chunks: list[str]) -> dict[str, list[str]]:
    """Each chunk's pieces as spaCy's tokenizer gives them (one call for all chunks), emoji split off first."""
    text = _CHUNK_BREAK.join(c if c.isascii() else " ".join(_emoji_apart(c)) for c in chunks)
    pieces: list[list[str]] = [[]]
    for token in _spacy_tokenizer()(text):
        if token.text.isspace():
            if "\n" in token.text:
                pieces.append([])
        else:
            pieces[-1].append(token.text)
    return dict(zip(chunks, pieces, strict=True))


def _pieces(chunk: str) -> list[str]:
    """A chunk's pieces as `spacy_pieces` has them: from `_SpacySplitter`, or from spaCy itself where its
    special-case matcher changes them."""
    pieces = _spacy_splitter().chunk_pieces(chunk)
    return spacy_pieces([chunk])[chunk] if pieces is None else pieces


@lru_cache(maxsize=1)
def _spacy_splitter() -> _SpacySplitter:
    return _SpacySplitter(_spacy_tokenizer())


class _SpacySplitter:
    """spaCy's rule tokenizer (`Tokenizer.__call__`) on one whitespace-free string, in Python, with the
    tokenizer's own compiled rules: spaCy's per-string algorithm without its `Doc`, its lexemes and its
    vocabulary, which cost ~50 µs a call in the stream of posts.

    spaCy strips prefixes and suffixes, one of each a round, until none is left, the rest is a special
    case or `token_match` takes it whole (`_strip_ends`); then the rest is a special case's pieces, one
    piece (`token_match`, `url_match`) or split at its infixes, with the prefixes before it and the
    suffixes after it in reverse order.
    Afterwards spaCy's special-case matcher looks for the special cases that hold affixes (':-)',
    'Dr.', '10a.m.') among the pieces of the text, each as spaCy splits it without special cases
    ('Dr', '.'), and replaces a run it finds by the case's own pieces ('Dr.'): `chunk_pieces` gives
    up (None) where its pieces hold such a run that the matcher would change.
    """

    def __init__(self, tokenizer: Tokenizer):
        self.prefix_search = tokenizer.prefix_search
        self.suffix_length = _suffix_length_finder(tokenizer.suffix_search)
        self.infix_finditer = tokenizer.infix_finditer
        self.infix_starts = _edge_characters(getattr(tokenizer.infix_finditer, "__self__", None), last=False)
        self.token_match = tokenizer.token_match
        self.url_match = tokenizer.url_match
        self.special_cases = {case: tuple(_orth(token) for token in tokens) for case, tokens in tokenizer.rules.items()}
        self.changed_runs = _runs_the_matcher_changes(tokenizer, self.special_cases)

    def chunk_pieces(self, chunk: str) -> list[str] | None:
        """A chunk's pieces as `spacy_pieces` has them (emoji split off first), or None where spaCy's
        special-case matcher changes them."""
        if chunk.isascii():
            pieces = self.split(chunk)
        else:
            pieces = []
            for part in _emoji_apart(chunk):
                pieces += self.split(part)
        return None if self._matcher_may_change(pieces) else pieces

    def split(self, string: str) -> list[str]:
        """spaCy's pieces of a whitespace-free string before its special-case matcher."""
        prefixes, string, suffixes = self._strip_ends(string)
        pieces = prefixes
        if string in self.special_cases:  # also the whole string: `_strip_ends` leaves a special case as it is
            pieces += self.special_cases[string]
        elif self.token_match(string) or self.url_match(string):
            pieces.append(string)
        elif string:
            pieces += self._infix_pieces(string)
        pieces += reversed(suffixes)
        return pieces

    def _strip_ends(self, string: str) -> tuple[list[str], str, list[str]]:
        """The prefixes stripped (in order), what is left, the suffixes stripped (outermost first)."""
        prefix_search, suffix_length, token_match = self.prefix_search, self.suffix_length, self.token_match
        special_cases = self.special_cases
        prefixes: list[str] = []
        suffixes: list[str] = []
        last_size = 0
        while string and len(string) != last_size:
            if token_match(string) or string in special_cases:
                break
            last_size = len(string)
            pre_len = _length(prefix_search(string))
            if pre_len and string[pre_len:] in special_cases:
                prefixes.append(string[:pre_len])
                return prefixes, string[pre_len:], suffixes
            suf_len = suffix_length(string[pre_len:])
            if suf_len and string[:-suf_len] in special_cases:  # with the prefix, if one was found
                suffixes.append(string[-suf_len:])
                return prefixes, string[:-suf_len], suffixes
            if pre_len:
                prefixes.append(string[:pre_len])
            if suf_len:
                suffixes.append(string[-suf_len:])
            string = string[pre_len:len(string) - suf_len]
        return prefixes, string, suffixes

    def _infix_pieces(self, string: str) -> list[str]:
        """The non-empty string split at its infixes, each non-empty infix a piece; an infix at the start is not one."""
        if self.infix_starts is not None and self.infix_starts.isdisjoint(string):
            return [string]  # no character an infix starts with: most strings that reach here
        pieces: list[str] = []
        start = 0
        for infix in self.infix_finditer(string):
            infix_start, infix_end = infix.span()
            if infix_start == 0:
                continue
            if infix_start != start:
                pieces.append(string[start:infix_start])
            if infix_start != infix_end:
                pieces.append(string[infix_start:infix_end])
            start = infix_end
        if start < len(string):
            pieces.append(string[start:])
        return pieces

    def _matcher_may_change(self, pieces: list[str]) -> bool:
        """True if the pieces hold a run spaCy's special-case matcher would replace."""
        changed_runs = self.changed_runs
        for i, piece in enumerate(pieces):
            for run in changed_runs.get(piece, ()):
                if tuple(pieces[i:i + len(run)]) == run:
                    return True
        return False


def _runs_the_matcher_changes(tokenizer: Tokenizer, special_cases: dict[str, tuple[str, ...]]
                              ) -> dict[str, list[tuple[str, ...]]]:
    """First piece -> the runs of pieces spaCy's special-case matcher finds and replaces by other pieces.

    The matcher looks for the special cases with an affix or infix (all of them without `faster_heuristics`;
    `Tokenizer.add_special_case`), each as the token texts spaCy gives the case without special cases: those of
    a tokenizer with the same expressions and no rules. Where those are the case's own pieces (':)', kept whole
    by `token_match`) the replacement changes nothing, and the run is left out."""
    without_rules = Tokenizer(tokenizer.vocab, prefix_search=tokenizer.prefix_search,
                              suffix_search=tokenizer.suffix_search, infix_finditer=tokenizer.infix_finditer,
                              token_match=tokenizer.token_match, url_match=tokenizer.url_match)
    runs: dict[str, list[tuple[str, ...]]] = {}
    for case, pieces in special_cases.items():
        if tokenizer.faster_heuristics and not (tokenizer.find_prefix(case) or tokenizer.find_infix(case)
                                                or tokenizer.find_suffix(case) or " " in case):
            continue
        run = tuple(token.text for token in without_rules(case))
        if run and run != pieces:
            runs.setdefault(run[0], []).append(run)
    return runs


def _length(match: re.Match | None) -> int:
    return match.end() - match.start() if match is not None else 0


_LONGEST_TAIL = 64  # a suffix alternative that may match more characters is searched for in the whole string


def _suffix_length_finder(suffix_search: Callable[[str], re.Match | None]) -> Callable[[str], int]:
    """`Tokenizer.find_suffix` with these rules, for strings without a line break, searching mostly the
    string's last characters.

    spaCy's suffix pattern is alternatives that each end at the string's end ('…$', '(?<=[0-9])km$', '\\.\\.+$'),
    so its match is the one that starts first, and its length is the string's length minus that start. An
    alternative that matches at most k characters can only start in the last k: those are searched for
    from there (look-behinds still see the characters before), the few of unbounded length in the whole string.
    Without the search spaCy's pattern costs time in the length of the string each round ('wow!!!!!...' of
    500 characters: 500 rounds). A string whose last character ends no alternative (`_edge_characters`) is not
    searched at all. Any pattern not made so is searched as spaCy does."""
    pattern = getattr(suffix_search, "__self__", None)
    if not isinstance(pattern, re.Pattern):
        return lambda string: _length(suffix_search(string))
    alternatives = _top_level_alternatives(pattern.pattern)
    parsed = [re_parser.parse(alternative, pattern.flags) for alternative in alternatives]
    whole = re_parser.parse(pattern.pattern, pattern.flags).data
    if len(whole) != 1 or whole[0][0] is not BRANCH or len(whole[0][1][1]) != len(alternatives) \
            or any(not p.data or p.data[-1] != (AT, AT_END) for p in parsed):
        return lambda string: _length(suffix_search(string))
    widest = [p.getwidth()[1] for p in parsed]
    short = [a for a, width in zip(alternatives, widest) if width <= _LONGEST_TAIL]
    long = [a for a, width in zip(alternatives, widest) if width > _LONGEST_TAIL]
    tail = max((width for width in widest if width <= _LONGEST_TAIL), default=0)
    search_short = re.compile("|".join(short) or "(?!)", pattern.flags).search
    search_long = re.compile("|".join(long) or "(?!)", pattern.flags).search
    last_characters = _edge_characters(pattern, last=True)

    def suffix_length(string: str) -> int:
        if last_characters is not None and string[-1:] not in last_characters:
            return 0
        size = len(string)
        match = search_short(string, max(0, size - tail))
        start = match.start() if match else size
        if (match := search_long(string)) and match.start() < start:
            start = match.start()
        return size - start

    return suffix_length


def _edge_characters(pattern: re.Pattern | None, last: bool) -> frozenset[str] | None:
    """The characters every match of the pattern starts with (`last` False) or ends with (`last` True), worked out
    from its parsed form: a string holding none of the first (or not ending with one of the last, for a pattern
    whose matches end at the string's end) has no match. Look-arounds and anchors take no character and are
    passed over. None where a match may be empty or the pattern uses what this does not read (classes like
    '\\w', negated sets, any character, ignoring case)."""
    if not isinstance(pattern, re.Pattern) or pattern.flags & SRE_FLAG_IGNORECASE:
        return None
    characters = _sequence_edge(list(re_parser.parse(pattern.pattern, pattern.flags)), last)
    return frozenset(characters) if characters is not None else None


def _sequence_edge(items: list, last: bool) -> set[str] | None:
    """`_edge_characters` of a parsed sequence: those of its first (last) item that takes a character."""
    for op, av in reversed(items) if last else items:
        if op in (AT, ASSERT, ASSERT_NOT):
            continue
        if op is LITERAL:
            return {chr(av)}
        if op is IN:
            return _set_characters(av)
        if op is BRANCH:
            edges = [_sequence_edge(list(alternative), last) for alternative in av[1]]
            return None if any(edge is None for edge in edges) else set().union(*edges)
        if op is SUBPATTERN:
            _group, add_flags, _del_flags, sub = av
            return None if add_flags & SRE_FLAG_IGNORECASE else _sequence_edge(list(sub), last)
        if op in (MAX_REPEAT, MIN_REPEAT):
            least, _most, sub = av
            return _sequence_edge(list(sub), last) if least > 0 else None
        return None
    return None  # nothing but look-arounds: an empty match


def _set_characters(items: list) -> set[str] | None:
    """The characters of a parsed character set ('[a-c.]'), None for a negated one or one with classes."""
    characters: set[str] = set()
    for op, av in items:
        if op is LITERAL:
            characters.add(chr(av))
        elif op is RANGE:
            characters.update(map(chr, range(av[0], av[1] + 1)))
        else:
            return None
    return characters


def _top_level_alternatives(pattern: str) -> list[str]:
    """A regular expression's alternatives outside groups and character sets: 'a$|(b|c)$' -> ['a$', '(b|c)$']."""
    alternatives, start, depth, in_set, i = [], 0, 0, False, 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 1  # the escaped character is a literal
        elif in_set:
            in_set = char != "]"
        elif char == "[":
            in_set = True
            i += 1 if pattern[i + 1:i + 2] == "^" else 0
            i += 1 if pattern[i + 1:i + 2] == "]" else 0  # ']' first in a set is a literal
        elif char in "()":
            depth += 1 if char == "(" else -1
        elif char == "|" and depth == 0:
            alternatives.append(pattern[start:i])
            start = i + 1
        i += 1
    alternatives.append(pattern[start:])
    return alternatives


def _orth(token_attributes: dict) -> str:
    return token_attributes[ORTH] if ORTH in token_attributes else token_attributes["ORTH"]


def _normalize_pieces(raw: list[str]) -> tuple[str, ...]:
    if len(raw) == 1:
        return _normalized_piece(raw[0], False)
    tokens: list[str] = []
    for i, piece in enumerate(raw):
        tokens += _normalized_piece(piece, i + 1 < len(raw) and raw[i + 1].lower() in _NOT)
    return tuple(tokens)


@lru_cache(maxsize=CHUNK_CACHE_SIZE)
def _normalized_piece(piece: str, before_not: bool) -> tuple[str, ...]:
    """`_normalize` of a piece, remembered: pieces repeat across chunks (',', "'s", 'the'), and the
    next piece matters only as "n't" or not (`_word`)."""
    return tuple(_normalize(piece, "n't" if before_not else ""))


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
    return _ELONGATION_RE.sub(r"\1\1", word) if _ELONGATED_RE.search(word) else word


def mark_negation(tokens: list[str]) -> list[str]:
    """Append `_NEG` to word tokens after a negation cue, up to clause punctuation or 'but';
    "can't" ('can', 'not' or 'cant') and a 'wait' right after it become `CANT_WAIT`, which ends the scope."""
    return list(_negation_step(tokens, False)[0])


def _negation_step(tokens: Iterable[str], negated: bool) -> tuple[tuple[str, ...], bool]:
    """`mark_negation` of tokens met with a negation scope open (`negated`) or not, and whether a
    scope is open after them."""
    out: list[str] = []
    for tok in tokens:
        role = _negation_role(tok)
        if role is _CLAUSE_END:
            negated = False
        elif role is _CUE:
            negated = True
        elif negated and role is _NEGATABLE:
            if tok in _WAIT and (cue := _cant_length(out)):
                del out[-cue:]
                tok, negated = CANT_WAIT, False
            else:
                tok += NEG_SUFFIX
        out.append(tok)
    return tuple(out), negated


def _cant_length(tokens: list[str]) -> int:
    """How many of the last tokens are "can't" ('can' 'not', or 'cant'), 0 if they are not."""
    last = tokens[-1] if tokens else ""
    if last == "not":
        return 2 if len(tokens) > 1 and base_form(tokens[-2]) == "can" else 0
    return 1 if last == "cant" else 0


def is_negation_cue(token: str) -> bool:
    """'not', 'never', 'no', "n't" forms ...: the tokens that open a negation scope."""
    return _negation_role(token) is _CUE


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
    if MENTION_RE.fullmatch(piece):
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
