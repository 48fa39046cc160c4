"""What a mention is, written once: the reader redacts mentions, the tokenizer turns them into
one token, and labelled data anonymizes them to match the same post across releases.

A mention is an at sign (ASCII or fullwidth) that follows neither a word character nor another
at sign (so not an e-mail address), then a handle of 1-30 word characters. The look-behind sits
after the at sign so that the regex engine can skip ahead to the at sign instead of trying every
position (the same matches as `(?<![\\w@＠])[@＠]\\w{1,30}`, several times faster).
"""

import re

#: the at signs a mention starts with: a text holding neither has no mention
AT_SIGNS = ("@", "＠")
_AT_CHARS = "".join(AT_SIGNS)
_AT = f"[{_AT_CHARS}]"
_HANDLE = r"\w{1,30}"
MENTION = rf"{_AT}(?<![\w{_AT_CHARS}]{_AT}){_HANDLE}"
#: a handle glued to a retweet's "RT" or "rt" (RT@handle): the one word a mention may follow
RETWEET_MENTION = rf"{_AT}(?<=\bRT{_AT}|\brt{_AT}){_HANDLE}"
MENTION_RE = re.compile(MENTION)
