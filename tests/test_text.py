"""Golden token sequences for tricky social text, and tokenizer properties."""

from __future__ import annotations

import functools
import string

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from pipelines.text.hashtags import (
    MAX_TAG_CHARS, MAX_WORD_CHARS, MIN_SEGMENT_CHARS, WORD_PENALTY, segment, split_hashtag, word_costs,
)
from pipelines.text.tokenizer import (
    NEG_SUFFIX,
    TOKENIZER_VERSION,
    _spacy_chunks,
    counting_terms,
    decode_html_entities,
    mark_negation,
    normalize_chunks,
    reduce_elongation,
    tokenize,
)

GOLDEN = [
    ("I dont like #ClimateChange soooo much :) <3",
     ["i", "do", "not", "like_NEG", "#climatechange", "climate_NEG", "change_NEG", "soo_NEG", "much_NEG",
      ":)", "<3"]),
    ("Wow😂😂🔥 great👍🏽!", ["wow", "😂", "😂", "🔥", "great", "👍🏽", "!"]),
    ("🇺🇸🇬🇧 👨\u200d👩\u200d👧 ❤️ 1️⃣ 🏳️\u200d🌈",
     ["🇺🇸", "🇬🇧", "👨\u200d👩\u200d👧", "❤", "1\u20e3", "🏳\u200d🌈"]),
    ("#savetheplanet #COP26 now!!!",
     ["#savetheplanet", "save", "the", "planet", "#cop26", "cop26", "now", "!", "!", "!"]),
    ("It isn't working, but ok. Won’t stop",
     ["it", "is", "not", "working_NEG", ",", "but", "ok", ".", "will", "not", "stop_NEG"]),
    ("@bob see https://t.co/abc?x=1 & www.example.com/path!",
     ["<user>", "see", "<url>", "&", "<url>", "!"]),
    ("xD :D =) ^_^ -_- :'( ;P", ["xD", ":D", "=)", "^_^", "-_-", ":'(", ";P"]),
    ("I ain't sure; CA and AI can't", ["i", "is", "not", "sure_NEG", ";", "ca", "and", "ai", "can", "not"]),
    ("hi🔥there GOOOOD :)))))", ["hi", "🔥", "there", "good", ":))"]),
    ("no #wildfires here", ["no", "#wildfires", "wild_NEG", "fires_NEG", "here_NEG"]),
    # YouTube comments end with a byte order mark; zero-width spaces, word joiners, soft hyphens
    ("Love this song!\ufeff", ["love", "this", "song", "!"]),
    ("Great video!<br />I <b>LOVE</b> it<br><a href=\"https://youtu.be/x\">here</a> <3 a<b",
     ["great", "video", "!", "i", "love", "it", "here", "<3", "a", "<", "b"]),
    ('<span class="x">so</span> <a lot of love> if a<b then b>a', ["so", "<", "a", "lot", "of", "love", ">", "if", "a",
                                                                   "<", "b", "then", "b", ">", "a"]),
    ("\u200bsolar\u200b power is co\u00adoperative\u2060ly c\u200ban be amazing\ufeff",
     ["solar", "power", "is", "cooperatively", "can", "be", "amazing"]),
]


@pytest.mark.parametrize("text,expected", GOLDEN, ids=[g[0][:20] for g in GOLDEN])
def test_golden_token_sequences(text, expected):
    assert tokenize(text) == expected


def test_counting_terms_drop_stop_words_placeholders_and_punctuation():
    tokens = tokenize("@bob I do NOT love the heat — #ClimateCrisis 🔥 https://x.co :( !!")
    assert counting_terms(tokens) == {"love_NEG", "heat_NEG", "#climatecrisis", "climate_NEG",
                                      "crisis_NEG", "🔥", ":("}


def test_version_was_bumped_for_the_new_rules():
    assert TOKENIZER_VERSION == "mipulse-tok-6"


def test_html_entities_are_decoded_before_tokenizing():
    assert tokenize("Floods &amp; fires &gt; drought &lt;3 &quot;real&quot; it&#39;s bad") == \
        ["floods", "&", "fires", ">", "drought", "<3", '"', "real", '"', "it", "'s", "bad"]
    assert "amp" not in counting_terms(tokenize("wind &amp; solar &amp;amp; more"))
    assert decode_html_entities("&amp;#039;s &#8217; &#x27; R&D &notice &bogus;") == "'s \u2019 ' R&D &notice &bogus;"


@pytest.mark.parametrize("tag,words", [
    ("#ClimateChange", ["climate", "change"]), ("#climatechange", ["climate", "change"]),
    ("#keepitintheground", ["keep", "it", "in", "the", "ground"]), ("#COVID19", ["covid19"]),
    ("#CO2", ["co2"]), ("#cop26", ["cop26"]),
    ("#climate", ["climate"]), ("#gretathunberg", ["gretathunberg"]), ("#tbt", ["tbt"]),
])
def test_split_hashtag(tag, words):
    assert split_hashtag(tag) == words


def test_segment_leaves_unknowable_runs_whole():
    assert segment("xqzvvbnm") == ["xqzvvbnm"]
    assert segment("a" * 60) == ["a" * 60]


def _segment_by_every_start(run: str) -> list[str]:
    """The cheapest split trying every start of a word, top down (the form before `segment` kept only the ends
    reached); of equal costs, the earliest start of the last word, as `segment` picks."""
    costs = word_costs()
    if len(run) < MIN_SEGMENT_CHARS or len(run) > MAX_TAG_CHARS or run in costs:
        return [run]

    @functools.lru_cache(maxsize=None)
    def cheapest(end: int) -> tuple[float, tuple[str, ...]]:
        if end == 0:
            return 0.0, ()
        splits = [(cheapest(start)[0] + costs[run[start:end]] + WORD_PENALTY, start)
                  for start in range(max(0, end - MAX_WORD_CHARS), end) if run[start:end] in costs]
        found = min(((cost, start) for cost, start in splits if cost < float("inf")), default=None)
        if found is None:
            return float("inf"), ()
        return found[0], (*cheapest(found[1])[1], run[found[1]:end])

    cost, words = cheapest(len(run))
    return list(words) if cost < float("inf") else [run]


_WORDS = ["the", "planet", "save", "climate", "change", "ice", "sea", "level", "rise", "now", "a", "in", "it",
          "green", "new", "deal", "zzq", "keep", "ground", "war", "warm", "ing", "x"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=12))
def test_segment_splits_as_trying_every_start_would(words):
    """Only a word starting where an earlier split ended can extend a split: the same result."""
    run = "".join(words)
    assert segment(run) == _segment_by_every_start(run)


def test_negation_scope_ends_at_clause_punctuation():
    assert mark_negation(["not", "good", "!", "fine"]) == ["not", "good_NEG", "!", "fine"]
    assert reduce_elongation("yessss!!!!") == "yess!!"


@pytest.mark.parametrize("text", ["can't wait", "Cant wait", "CANT WAIT", "cannot wait", "can not wait", "Can’t Wait",
                                  "can't waaaait", "cant wait!"])
def test_cant_wait_is_one_term_and_ends_the_negation_scope(text):
    """Eagerness, not a negation: the amazing show is not negated."""
    tokens = tokenize(f"i {text} to see the amazing show")
    assert [t for t in tokens if t != "!"] == ["i", "cant_wait", "to", "see", "the", "amazing", "show"]


def test_only_cant_right_before_wait_makes_the_idiom():
    assert tokenize("don't wait for me") == ["do", "not", "wait_NEG", "for_NEG", "me_NEG"]
    assert tokenize("i can't. wait") == ["i", "can", "not", ".", "wait"]
    assert tokenize("can't really wait") == ["can", "not", "really_NEG", "wait_NEG"]
    assert tokenize("#cantwait so good") == ["#cantwait", "cant_wait", "so", "good"]
    # a scope opened before "can't wait" ends with it
    assert tokenize("not sure i can't wait good") == ["not", "sure_NEG", "i_NEG", "cant_wait", "good"]
    assert mark_negation(["can", "not", "wait", "wait"]) == ["cant_wait", "wait"]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_tokenize_never_crashes_and_counts_only_what_it_tokenized(text):
    tokens = tokenize(text)
    assert all(t and not t.isspace() for t in tokens)
    terms = counting_terms(tokens)
    assert terms <= set(tokens)
    assert not any(t.startswith("<") and t.endswith(">") for t in terms)
    assert all("\ufe0f" not in t for t in tokens)
    if NEG_SUFFIX not in text:
        assert all(t.count(NEG_SUFFIX) <= 1 and not t.startswith(NEG_SUFFIX) for t in tokens)


@settings(max_examples=200)
@given(st.lists(st.one_of(st.text(alphabet=string.ascii_letters, min_size=1, max_size=12),
                          st.builds(lambda w, p: w + p, st.text(alphabet=string.ascii_letters, min_size=1,
                                                               max_size=8), st.sampled_from(list(",.!?;:"))),
                          st.sampled_from(["dont", "Dont", "gonna", "Cannot", "ima", "lets", "cant", "wont",
                                           "etc.", "Mr.", "Dr.", "vs.", "Jan.", "Inc.", "e.g.", "a.", "U.S.", "ok...",
                                           "PhD.", "CoP.", "GOOD.", "Good.", "nEwS."])),
                min_size=1, max_size=20))
def test_plain_words_that_skip_spacy_get_the_tokens_spacy_gives(words):
    words = list(dict.fromkeys(words))
    assert normalize_chunks(words) == _spacy_chunks(words)


_WORDS = st.one_of(st.text(alphabet=string.ascii_letters, min_size=1, max_size=8),
                   st.from_regex(r"[A-Za-z]{1,6}[0-9]{1,3}|[0-9]{1,4}|[A-Za-z]{1,5}(-[A-Za-z]{1,5}){1,3}", fullmatch=True),
                   st.sampled_from(["it", "do", "etc", "Mr", "e", "g", "cause", "xD", "o", "T", "em", "s", "ll",
                                    "Cause", "bout", "Jan", "U", "S", "PhD", "GOOD", "nEwS", "D", "P", "p", "3", "C",
                                    "US", "A"]))
# Characters before and after the words: those the tokenizer takes as ends, and some it must not (':D', '<3', '=P'
# before a word; 'C$.' after one), whose chunks it sends to spaCy.
_BEFORE = "\"'([*-\u201c$\\.>/+~^&,!" + ":;=<"
_AFTER = ")]\"'.,!?:;*-\u201d\u2026%\\/+~(>&s" + "$"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.builds(lambda pre, tag, word, suf: pre + tag + word + suf,
                          st.text(alphabet=_BEFORE, max_size=3), st.sampled_from(["", "", "#"]), _WORDS,
                          st.text(alphabet=_AFTER, max_size=4)),
                min_size=1, max_size=20))
def test_words_with_punctuated_ends_that_skip_spacy_get_the_tokens_spacy_gives(chunks):
    chunks = list(dict.fromkeys(chunks))
    assert normalize_chunks(chunks) == _spacy_chunks(chunks)


def test_a_full_chunk_cache_is_emptied_between_posts_never_inside_one(monkeypatch):
    import pipelines.text.tokenizer as text_module

    monkeypatch.setattr(text_module, "CHUNK_CACHE_SIZE", 2)
    tokenize("warm the cache with several chunks")
    assert tokenize("I do not like rain") == ["i", "do", "not", "like_NEG", "rain_NEG"]
    assert tokenize("I do not like rain") == ["i", "do", "not", "like_NEG", "rain_NEG"]


def _spacy_blank_with_rules_set_afterwards():
    """The tokenizer as it was built before: spaCy's blank English, then our prefix and token rules."""
    import regex
    import spacy

    from pipelines.text.tokenizer import EMOJI_RE, EMOTICON_RE

    nlp = spacy.blank("en")
    nlp.tokenizer.prefix_search = spacy.util.compile_prefix_regex(
        [p for p in nlp.Defaults.prefixes if p not in ("#", "@")]).search
    nlp.tokenizer.token_match = regex.compile(rf"(?:{EMOJI_RE.pattern}|{EMOTICON_RE.pattern})").fullmatch
    return nlp.tokenizer


_REFERENCE_TOKENIZER = _spacy_blank_with_rules_set_afterwards()


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.text(alphabet="ab#@.,!?'\"()-:;/&$%*0123456789 \u2019\u2026", max_size=12),
                          st.sampled_from(["can't", "it's", "U.S.", "e.g.", "#tag", "@name", ":)", ":-(", "<3",
                                           "\U0001F30D\U0001F525", "http://x.co/a", "www.a.org", "5km", "10am",
                                           "Mr.", "won't", "y'all", "'cause", "(no)", "\"ok\"", "a-b-c"])),
                max_size=12))
def test_the_tokenizer_built_with_its_rules_splits_as_the_one_given_them_afterwards(pieces):
    """spaCy's tokenizer is built once with our rules (spaCy's own tokenizer factory, registered)
    instead of setting them on a built one, which re-adds every special case per rule."""
    from pipelines.text.tokenizer import _spacy_tokenizer

    text = " ".join(pieces)
    assert [t.text for t in _spacy_tokenizer()(text)] == [t.text for t in _REFERENCE_TOKENIZER(text)]


_INFIXED_WORDS = st.builds(
    lambda first, rest: first + "".join(infix + word for infix, word in rest),
    _WORDS, st.lists(st.tuples(st.sampled_from(["-", "--", "---", ".", "..", "...", "....", ",", "/", ":"]),
                               st.one_of(_WORDS, st.sampled_from(["com", "org", "co", "uk", "Com", "ORG", "s", "m",
                                                                  "www", "html", "I", "It", "NOT", "e", "g"]))),
                     min_size=1, max_size=3))


@settings(max_examples=400, deadline=None)
@given(st.lists(st.builds(lambda pre, tag, word, suf: pre + tag + word + suf,
                          st.text(alphabet=_BEFORE, max_size=2), st.sampled_from(["", "", "", "#"]),
                          _INFIXED_WORDS, st.text(alphabet=_AFTER, max_size=3)),
                min_size=1, max_size=20))
def test_words_joined_by_infixes_that_skip_spacy_get_the_tokens_spacy_gives(chunks):
    """'climate...the', 'Paris/London', 'www.example.com', 'e.g.', 'it.s': the infix pieces (ellipses,
    dots, commas, slashes, colons, hyphens and dashes), URLs and special cases as spaCy has them."""
    chunks = list(dict.fromkeys(chunks))
    assert normalize_chunks(chunks) == _spacy_chunks(chunks)


_GLUED_CHUNKS = st.builds(
    lambda pre, words, suf: pre + words + suf,
    st.sampled_from(["", "", "-", "--", "(", "\"", "'", "[", "*", "$", "\\", ".", ">", "~", ":", ";", "=", "<", ":-"]),
    st.one_of(st.from_regex(r"[0-9]{1,4}([:/.,-][0-9]{1,4}){1,2}|[A-Za-z]{1,4}-[0-9]{1,4}|[A-Z]([.][A-Za-z])?",
                            fullmatch=True),
              _WORDS, _INFIXED_WORDS, st.sampled_from(["DD", "d", "P", "pp", "C", "US", "A", "3", "33", "0", "o"])),
    st.sampled_from(["", "-", "--", ")", ".", "!!", ":-)", "-\"", ".)", "'s", "...", "*", "$", "$.", "%", "%.", "\\",
                     "/", "+", "~"]))


@pytest.mark.parametrize("chunk", [":DD", ":-DD", ":d", "=P", "=DD", ";DD", ";pp", "<3333", "</3333", "C$.", "A$.",
                                   "US$.", "C$!", "(:DD", "~:DD"])
def test_a_word_after_characters_that_make_emoticons_or_before_a_currency_sign_gets_the_tokens_spacy_gives(chunk):
    """With ':', ';', '=' or '<' before it a word may make an emoticon its stand-in does not make; with '$' after
    it, a currency ('C$'): such ends are not taken as ends."""
    assert normalize_chunks([chunk]) == _spacy_chunks([chunk])


@pytest.mark.parametrize("chunk", ["A-A.aAaa", "(A-A.aAaa)", "Co-Op.iPad", "x-y.zZz!"])
def test_words_whose_stand_in_makes_a_url_they_do_not_make_get_the_tokens_spacy_gives(chunk):
    """The stand-in 'Q-Q.qqq' is a URL to spaCy, which keeps it whole; 'A-A.aAaa' is none (a capital inside its
    last word), and spaCy splits it at the hyphen."""
    assert normalize_chunks([chunk]) == _spacy_chunks([chunk])


@settings(max_examples=300, deadline=None)
@given(st.lists(_GLUED_CHUNKS, min_size=1, max_size=20))
def test_chunks_whose_pieces_join_a_word_and_its_ends_get_the_tokens_spacy_gives(chunks):
    """'7:30!!', '(02.11.15)', 'anti-', '-who', 'PfG.': spaCy keeps a word's piece with an end or with infixes; the
    stand-in's pieces say how many units (end characters, the words' pieces) each piece joins."""
    chunks = list(dict.fromkeys(chunks))
    assert normalize_chunks(chunks) == _spacy_chunks(chunks)


@settings(max_examples=300)
@given(st.one_of(st.from_regex(r"[A-Za-z]{1,8}[0-9]{0,3}|[0-9]{1,5}|[xX][dDpP]{1,4}|[A-Za-z]*([A-Za-z])\1{2,5}[A-Za-z]*",
                               fullmatch=True),
                 st.sampled_from(["nt", "NT", "Nt", "ca", "wo", "ai", "sha", "xD", "XP", "x", "soooo", "GOOOOD", "1111"])))
def test_the_fast_path_of_plain_words_normalizes_as_the_general_path(word):
    from pipelines.text.tokenizer import _normalize, _word_tokens

    assert _word_tokens(word) == tuple(_normalize(word, ""))


_POST_CHUNKS = st.one_of(
    st.sampled_from(["not", "Not", "no", "never", "dont", "don't", "can't", "isn't,", "won’t", "nt", "ain't", "NOTHING",
                     "but", "But", ",", ".", "!", "?!", ";", ":", "...", "good,", "bad.", "nice!", "well:", "#notgood",
                     "#nofilter", "@bob", "http://x.co/a", ":)", "xD", "\U0001F525", "good\U0001F525", "it's", "(no)",
                     "\"not\"", "no,", "not.", "never!", "12", "-", "&amp;", "a-b", "e.g.", "U.S.", "can", "cant",
                     "CANT", "cannot", "wait", "Wait!", "waaait", "wait,", "#cantwait", "waiting"]),
    st.text(alphabet="abnotNOT',.!", min_size=1, max_size=8))


@settings(max_examples=400, deadline=None)
@given(st.lists(_POST_CHUNKS, max_size=25))
@example(["i", "can't", "wait", "good"]).via("the idiom across chunks")
@example(["not", "can", "not", "Wait!", "good", "no", "cant", "waaait,"]).via("the idiom across three chunks, in a scope")
def test_negation_marked_chunk_by_chunk_is_mark_negation_of_the_whole_post(chunks):
    """Posts with a cue are marked a chunk at a time from looked-up steps; the same as `mark_negation`
    over all of the post's tokens."""
    from pipelines.text.tokenizer import _PLACEHOLDER_CHUNKS, _placeholders

    text = " ".join(chunks)
    post_chunks = _placeholders(text).split()
    distinct = [c for c in dict.fromkeys(post_chunks) if c not in _PLACEHOLDER_CHUNKS]
    pieces = {**(_spacy_chunks(distinct) if distinct else {}), **_PLACEHOLDER_CHUNKS}
    assert tokenize(text) == mark_negation([t for chunk in post_chunks for t in pieces[chunk]])


@settings(max_examples=300, deadline=None)  # a hashtag may load the word table first
@given(st.one_of(st.from_regex(r"[A-Za-z']{1,6}|[#@][A-Za-z]{1,8}|[.,!?:;)(]{1,3}", fullmatch=True),
                 st.sampled_from(["ca", "Ca", "CA", "wo", "ai", "sha", "n't", "nt", "'m", "'re", "xD", ":)", "#NoWay",
                                  "sooo", "\U0001F525", "http://x.co"])),
       st.sampled_from(["", "n't", "N'T", "nt", "NT", "not", "'s", "ca", ",", "t"]))
def test_a_pieces_remembered_tokens_are_normalize_with_the_next_piece_only_as_nt_or_not(piece, following):
    from pipelines.text.tokenizer import _NOT, _normalize, _normalized_piece

    assert _normalized_piece(piece, following.lower() in _NOT) == tuple(_normalize(piece, following.lower()))


# Parts of chunks for `_SpacySplitter`: words, numbers and units, infixes, spaCy's prefixes and suffixes, URLs,
# emoticons, emoji, apostrophes and special cases, glued in any order.
_SPLITTER_PARTS = st.one_of(
    st.text(alphabet=string.ascii_letters, min_size=1, max_size=6),
    st.from_regex(r"[0-9]{1,4}(km|kg|GB|am|pm|th|s|m²|°C|°F|mph|%|\$|€|k|M)?|[0-9]{1,3}([.,:/+*^-][0-9]{1,3}){1,2}",
                  fullmatch=True),
    st.sampled_from(list("-./:,'\"()[]{}<>!?;*&$%+=#@^_~`|\\…“”‘’«»—–¿¡£€°") + ["..", "...", "--", "'s", "'S", "’s",
                                                                                   "n't", "'ll", "'re"]),
    st.sampled_from(["http://x.co/a", "https://www.a.org/b?c=1", "www.a.org", "a.com", "example.co.uk/x", "x@y.com",
                     "ftp://a.b", "a.b.c"]),
    st.sampled_from([":)", ":-(", ":D", ";P", "xD", "XD", "<3", "</3", "^_^", "-_-", "o.O", "T_T", ":'(", "=)", ":))",
                     "(:", "):", ":-)", "8)", ":p", "D:"]),
    st.sampled_from(["\U0001F30D", "\U0001F44D\U0001F3FD", "\U0001F1FA\U0001F1F8", "\u2764\ufe0f", "1\ufe0f\u20e3",
                     "\U0001F468\u200d\U0001F469\u200d\U0001F467", "\u2600", "\u00e9", "\u00fc", "\u4e2d"]),
    st.sampled_from(["U.S.", "e.g.", "i.e.", "Mr.", "Dr.", "St.", "etc.", "vs.", "Jan.", "10a.m.", "5p.m.", "'cause",
                     "can't", "won't", "it's", "y'all", "don't", "dont", "gonna", "Cannot", "ima", "a.m.", "''", "c."]),
)
_SPLITTER_CHUNKS = st.lists(_SPLITTER_PARTS, min_size=1, max_size=5).map("".join)


@settings(max_examples=500, deadline=None)
@given(st.lists(_SPLITTER_CHUNKS, min_size=1, max_size=20))
def test_the_splitter_gives_the_pieces_spacy_gives(chunks):
    """`_SpacySplitter` is spaCy's rule tokenizer in Python: where it answers, its pieces are spaCy's own; where
    it gives up (spaCy's special-case matcher changes the pieces), `_pieces` asks spaCy."""
    from pipelines.text.tokenizer import _pieces, _spacy_splitter, spacy_pieces

    chunks = list(dict.fromkeys(chunks))
    expected = spacy_pieces(chunks)
    for chunk in chunks:
        pieces = _spacy_splitter().chunk_pieces(chunk)
        assert pieces is None or pieces == expected[chunk], chunk
        assert _pieces(chunk) == expected[chunk], chunk


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet="ab7.,:;!?'\"()[]-/$%&*#@<>=^_~\\…“”’😀🇺🇸\u200d\U0001F3FD\ufe0f", min_size=1,
                        max_size=10).filter(lambda chunk: not chunk.isspace()), min_size=1, max_size=20))
def test_the_splitter_gives_the_pieces_spacy_gives_on_any_punctuated_string(chunks):
    from pipelines.text.tokenizer import _pieces, spacy_pieces

    chunks = list(dict.fromkeys(chunks))
    assert {chunk: _pieces(chunk) for chunk in chunks} == spacy_pieces(chunks)


# Chunks the splitter answers (spaCy's special-case matcher changes none of them), each through a different rule.
_SPLIT_BY_RULE = [
    ("(hello)", ["(", "hello", ")"]),                                  # prefix and suffix in one round
    ("\"'((hello!!))'\"", ["\"", "'", "(", "(", "hello", "!", "!", ")", ")", "'", "\""]),  # rounds of both
    ("hello...", ["hello", "..."]),                                    # a suffix of any length ('\.\.+$')
    ("5km", ["5", "km"]), ("$26", ["$", "26"]), ("49%", ["49", "%"]),  # units, currency, percent
    ("long-term", ["long", "-", "term"]), ("7:30", ["7:30"]), ("a...b", ["a", "...", "b"]),  # infixes
    ("-who", ["-who"]),                                                # '-' is an infix only after a letter or digit
    ("www.example.com/path!", ["www.example.com/path", "!"]),          # url_match keeps the URL whole
    ("(x.co/a-b)", ["(", "x.co/a-b", ")"]),
    ("xD!!", ["xD", "!", "!"]), ("(:D)", ["(", ":D", ")"]),            # token_match keeps emoticons whole
    ("can't", ["ca", "n't"]), ("(can't)", ["(", "ca", "n't", ")"]),   # special cases, whole and after an end
    ("U.S.!", ["U.S.", "!"]), ("'cause", ["'cause"]),
    ("''!", ["''", "!"]),                   # the rest with its prefix a special case: the prefix stays in it
    ("it's", ["it", "'s"]), ("Trump's", ["Trump", "'s"]),
    ("hi\U0001F525there!", ["hi", "\U0001F525", "there", "!"]),        # emoji split off first, as `spacy_pieces`
    ("thanks:)", ["thanks", ":", ")"]),  # spaCy's matcher looks for ':)' as one piece ('token_match'), not ':', ')'
]


@pytest.mark.parametrize("chunk,expected", _SPLIT_BY_RULE, ids=[c for c, _ in _SPLIT_BY_RULE])
def test_the_splitter_answers_each_rule_as_spacy(chunk, expected):
    from pipelines.text.tokenizer import _spacy_splitter, spacy_pieces

    assert spacy_pieces([chunk])[chunk] == expected
    assert _spacy_splitter().chunk_pieces(chunk) == expected


@pytest.mark.parametrize("chunk", ["Dr.Alvarez", "''Fight", "St.Louis", "21st-c.", "Co.Exist"])
def test_the_splitter_gives_up_where_spacys_matcher_changes_the_pieces(chunk):
    """spaCy's special-case matcher makes 'Dr.' one piece again after the infix split 'Dr', '.', 'Alvarez'."""
    from pipelines.text.tokenizer import _pieces, _spacy_splitter, spacy_pieces

    splitter = _spacy_splitter()
    assert splitter.split(chunk) != spacy_pieces([chunk])[chunk]
    assert splitter.chunk_pieces(chunk) is None
    assert _pieces(chunk) == spacy_pieces([chunk])[chunk]


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.text(alphabet="ab7.,!?'\")]:;%$°Cckm²-…”’sS\u00a9😀", max_size=12),
                 st.builds(lambda word, char, count: word + char * count, st.sampled_from(["", "wow", "7", "a."]),
                           st.sampled_from(list(".!?)'…-")), st.integers(0, 120)),
                 # spaCy's longest units: a suffix of five characters after a digit
                 st.builds(str.__add__, st.sampled_from(["7", "a7", "", "x"]),
                           st.sampled_from(["km/h", "mbar", "اكواب", "km²", "US$", "%"]))))
def test_the_suffix_searched_in_the_tail_is_spacys_suffix(string):
    """`_suffix_length_finder` searches the short suffix alternatives only in the string's last characters."""
    from pipelines.text.tokenizer import _spacy_splitter, _spacy_tokenizer

    assert _spacy_splitter().suffix_length(string) == _spacy_tokenizer().find_suffix(string)


@pytest.mark.parametrize("pattern,alternatives", [
    ("a$|b$", ["a$", "b$"]), ("(a|b)$|[|]$|\\|$", ["(a|b)$", "[|]$", "\\|$"]),
    ("[]|]$|[^]|]$|c", ["[]|]$", "[^]|]$", "c"]), ("abc", ["abc"])])
def test_a_patterns_top_level_alternatives(pattern, alternatives):
    from pipelines.text.tokenizer import _top_level_alternatives

    assert _top_level_alternatives(pattern) == alternatives


@pytest.mark.parametrize("pattern,last,characters", [
    (r"(?<=[0-9])(?:km|m)$|\.\.+$|[a-c]$|'[sS]$", True, set("m.abcsS")),
    (r"(?<=[0-9])(?:km|m)$|\.\.+$|[a-c]$", False, set("km.abc")),
    (r"(?<=[a-z])[,;](?=[a-z])|\.\.+|…", False, set(",;.…")),
    (r"x?y", False, None),        # a first item that may match nothing
    (r"(?=a)", False, None),      # only a look-ahead: an empty match
    (r"\w,", False, None), (r"[^a]", False, None), (r"(?i)a", False, None), (r"(?i:a)b", False, None),
])
def test_the_characters_a_patterns_matches_start_or_end_with(pattern, last, characters):
    import re

    from pipelines.text.tokenizer import _edge_characters

    expected = frozenset(characters) if characters is not None else None
    assert _edge_characters(re.compile(pattern), last=last) == expected


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="ab7Q.,:;/-+*^~<>=!?'\"()…–—\u00a9\u2600😀", min_size=1, max_size=14))
def test_strings_without_a_character_an_infix_starts_with_are_split_as_with_the_infix_search(string):
    """`_SpacySplitter._infix_pieces` skips the infix search on strings that hold no character an infix of spaCy's
    pattern can start with: the pieces are those of the search."""
    from pipelines.text.tokenizer import _spacy_splitter

    splitter = _spacy_splitter()
    searched = type(splitter).__new__(type(splitter))
    searched.__dict__.update(splitter.__dict__, infix_starts=None)
    assert splitter._infix_pieces(string) == searched._infix_pieces(string)
    assert all(infix[0][0] in splitter.infix_starts for infix in splitter.infix_finditer(string) if infix[0])


@settings(max_examples=500, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(["http://", "https://", "HTTPS://", "hTtPſ://", "www.", "WwW.", "ww.",
                                           "http:/", "h", "w", "t", "wttp://", "Wttps://", "hww.", "Hww."]),
                          st.text(alphabet="hHwWtTpPsS:/.,;!?)]\"' ab\n", max_size=8)), max_size=8).map("".join))
def test_urls_in_text_are_found_as_by_the_case_insensitive_pattern(text):
    import re

    from pipelines.text.tokenizer import _URL_IN_TEXT_RE

    reference = re.compile(r"(?i)(?:https?://|www\.)\S+?(?=[.,;:!?)\]\"']*(?:\s|$))")
    assert _URL_IN_TEXT_RE.sub(" <url> ", text) == reference.sub(" <url> ", text)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="aab!.😀", max_size=12))
def test_elongations_are_found_as_the_cutting_pattern_finds_them(word):
    """`reduce_elongation` tests for a run of three with a pattern of its own before cutting runs with `_ELONGATION_RE`."""
    from pipelines.text.tokenizer import _ELONGATION_RE

    assert reduce_elongation(word) == _ELONGATION_RE.sub(r"\1\1", word)


@settings(max_examples=500, deadline=None)
@given(st.from_regex(r"[A-Za-z0-9]{1,9}|[A-Za-z]+[0-9]*([.,:/-][A-Za-z0-9]{1,5}){0,2}|[a\u00e9\u00c97]{4,6}",
                     fullmatch=True))
def test_a_words_stand_in_is_its_kinds_with_each_run_cut_to_its_first_and_last_two(word):
    """`_stand_in` takes the kinds of three characters of a word of one run; the same as translating it all."""
    import re

    from pipelines.text.tokenizer import _CHAR_KIND, _stand_in

    kinds = word.translate(_CHAR_KIND)
    if kinds.isalnum():
        expected = kinds if len(kinds) <= 3 else kinds[0] + kinds[-2:]
    else:
        expected = re.sub(r"[qQ7]{4,}", lambda run: run[0][0] + run[0][-2:], kinds)
    assert _stand_in(word) == expected
