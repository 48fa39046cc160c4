"""What a reject's excerpt may show of a raw record: an allow-list, not a list of handle keys.

Exports name handles in ever new places (`in_reply_to_screen_name`, `link_author`,
`authorChannelId.value`...), so guessing the keys that hold one always misses some. The
excerpt keeps the record's shape and keys, and only the values of keys known to hold
text, time, language or kind (ids only at the top level: a nested `id` is often a user's);
every other value becomes "<redacted>". This works on any text, also a JSON record cut
short or one line of a pretty-printed response (whose keys may sit on earlier lines: a
value whose key is not on the same line is redacted too).
"""

from __future__ import annotations

import re

REDACTED = '"<redacted>"'
REDACTED_WORD = "<redacted>"  # a bare word (not JSON), shown unquoted to keep the shape
# Values shown wherever they appear: the post's text, time, language and kind.
SHOWN_ANYWHERE = frozenset({
    "text", "full_text", "body", "title", "selftext", "textOriginal", "textDisplay", "description",
    "created_at", "created_utc", "publishedAt", "updatedAt", "date", "time", "timestamp",
    "lang", "language", "platform", "kind", "type", "subreddit", "(extra fields)",
})
# Values shown only in the record's own (outermost) object.
SHOWN_AT_TOP = frozenset({"id", "id_str", "post_id", "parent_id", "link_id", "etag"})

_TOKEN_RE = re.compile(r"""
    (?P<string>"(?:[^"\\]|\\.)*(?:"|\\?\Z))   # a string literal, maybe cut short
  | (?P<open>[{\[]) | (?P<close>[}\]])
  | (?P<plain>[\s:,]+|true|false|null)       # structure and literals: shown as they are
  | (?P<number>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
  | (?P<other>[^\s{}\[\]:,"]+)               # anything else (not JSON): never shown
""", re.VERBOSE)
_KEY_FOLLOWS_RE = re.compile(r"\s*:")


def allowed_values(raw: str) -> str:
    """`raw` with every value outside the allow-list replaced by "<redacted>"."""
    out, depth, key = [], 0, None
    for match in _TOKEN_RE.finditer(raw):
        kind, token = match.lastgroup, match.group()
        if kind == "open":
            depth += 1
            key = key if token == "[" else None  # a list's items belong to the key before it
        elif kind == "close":
            depth, key = max(depth - 1, 0), None
        elif kind == "string" and _KEY_FOLLOWS_RE.match(raw, match.end()):
            key = _unquote(token)
        elif kind in ("string", "number"):
            token = token if _shown(key, depth) else REDACTED
        elif kind == "other":
            token = REDACTED_WORD
        out.append(token)
    return "".join(out)


def _shown(key: str | None, depth: int) -> bool:
    return key in SHOWN_ANYWHERE or (depth == 1 and key in SHOWN_AT_TOP)


def _unquote(token: str) -> str:
    return token[1:-1] if len(token) >= 2 and token.endswith('"') else token[1:]
