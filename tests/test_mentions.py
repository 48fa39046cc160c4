"""One definition of a mention (pipelines/text/mentions.py), and the three places that use it agree."""

from __future__ import annotations

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from pipelines.evaluation.labelled import text_key
from pipelines.reading.posts import redact_mentions
from pipelines.text.mentions import MENTION_RE
from pipelines.text.tokenizer import USER, tokenize

# the plain spelling: not after a word character or an at sign, an at sign, 1-30 word characters
PLAIN_MENTION = re.compile(r"(?<![\w@＠])[@＠]\w{1,30}")

# the reader's redaction, plainly spelled: RT@handle (a space is put back), @handle, /u/handle, u/handle
PLAIN_REDACTION = re.compile(r"(?P<rt>(?<=\bRT)|(?<=\brt))?(?(rt)|(?<![\w@＠]))[@＠]\w{1,30}"
                             r"|(?<![\w/])/?[uU]/[A-Za-z0-9_-]{3,30}")

texts = st.text(alphabet="ab_1 RTrtuU/-.@＠\né", max_size=40)


@settings(max_examples=500)
@given(texts)
def test_the_fast_spelling_finds_exactly_the_plain_one(text):
    assert [m.span() for m in MENTION_RE.finditer(text)] == [m.span() for m in PLAIN_MENTION.finditer(text)]


@settings(max_examples=500)
@given(texts)
def test_the_readers_fast_redaction_equals_the_plain_one(text):
    plain = PLAIN_REDACTION.sub(lambda m: " @user" if m.group("rt") is not None else "@user", text)
    assert redact_mentions(text) == plain


@settings(max_examples=300)
@given(texts)
@example("U/111\u00e9")
def test_after_redaction_no_mention_is_left_for_the_tokenizer_or_the_text_key(text):
    # what the tokenizer still finds is the placeholder (a Reddit handle ends before a letter
    # Reddit does not allow, which then follows it: 'u/abc\u00e9' -> '@user\u00e9')
    assert all(found.startswith("@user") for found in MENTION_RE.findall(redact_mentions(text)))


def test_a_fullwidth_at_sign_is_a_mention_everywhere():
    assert redact_mentions("＠bob hi") == "@user hi"
    assert tokenize("＠bob hates this, @bob too") == [USER, "hates", "this", ",", USER, "too"]
    assert text_key("＠bob great") == text_key("@bob great") == "user great"


def test_an_e_mail_address_is_no_mention_anywhere():
    assert redact_mentions("mail me@example.org") == "mail me@example.org"
    assert USER not in tokenize("mail me@example.org")
    assert text_key("mail me@example.org") == "mail me example org"


def test_a_handle_glued_to_rt_is_redacted_by_the_reader_but_only_there():
    assert redact_mentions("RT@bob: wow") == "RT @user: wow"
    assert MENTION_RE.search("RT@bob") is None  # inside a word: the reader's retweet rule alone
