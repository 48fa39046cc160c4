"""Twitter/X: API v2 responses and v1.1 status objects to flat records.

Retweets: a retweet is read as the tweet it retweets (its id, author, time and full
text), so the text is counted once however often it was retweeted: the first copy is
accepted and every later one is a duplicate of (twitter, original id). A v2 retweet whose
original is not in the response's `includes.tweets` (or, flattened by twarc2, inlined in its
`referenced_tweets`) is rejected as "retweet" (its own text is a truncated "RT @user: ..." copy). Authors are keyed by the numeric user id,
which survives renames and is the same in v1.1 and v2; usernames are never read.
"""

from __future__ import annotations

from typing import Any, Mapping

from pipelines.reading.posts import RecordError
from pipelines.reading.readers.base import JsonFormat, get_path, list_field, require_object, text_of

_V1_TEXT_HINTS = ("full_text", "extended_tweet", "retweeted_status", "id_str")


# ---- API v2 -------------------------------------------------------------------------

def _v2_matches(document: object) -> bool:
    if isinstance(document, list):  # the pages of a search, saved as one JSON array
        return bool(document) and _v2_matches(document[0])
    return isinstance(document, Mapping) and ("data" in document and (
        "includes" in document or "meta" in document or isinstance(document.get("data"), list))
        or _is_flattened(document))


def _is_flattened(document: Mapping) -> bool:
    """One tweet per line as `twarc2 flatten` writes it: the response's expansions inlined into the
    tweet (its referenced tweets in full), and twarc's own "__twarc" entry."""
    return "__twarc" in document and "data" not in document


def _v2_records(document: object) -> list:
    """A v2 response -> its tweets, each paired with the response's included tweets (a page of no
    results: none); a JSON array of responses -> the tweets of each; a flattened tweet -> itself,
    paired with the tweets it references (inlined in full)."""
    if isinstance(document, list) and all(isinstance(page, Mapping) and "data" in page or _no_results(page)
                                          for page in document):
        return [record for page in document for record in _v2_records(page)]
    response = require_object(document)
    if _no_results(response):
        return []
    if _is_flattened(response):
        refs = response.get("referenced_tweets")  # inlined in full when twarc had them, else {type, id} only
        return [(response, {i: t for i, t in _by_id(refs if isinstance(refs, list) else ()).items() if "text" in t})]
    tweets = list_field(response, "data", "Twitter v2 response")
    includes = response.get("includes")
    return [(tweet, _by_id(includes.get("tweets") if isinstance(includes, Mapping) else None)) for tweet in tweets]


def _no_results(page: object) -> bool:
    """A search page that found nothing: its meta says 0 results and it has no data."""
    return isinstance(page, Mapping) and "data" not in page and get_path(page, "meta.result_count") == 0


def _by_id(tweets) -> dict:
    return {t["id"]: t for t in tweets or () if isinstance(t, Mapping) and isinstance(t.get("id"), str)}


def _v2_to_flat(item: tuple[Any, dict]) -> dict:
    tweet, included = item
    tweet = require_object(tweet)
    refs = tweet.get("referenced_tweets")
    refs = [r for r in refs if isinstance(r, Mapping)] if isinstance(refs, list) else []
    retweeted = next((r.get("id") for r in refs if r.get("type") == "retweeted"), None)
    if retweeted is not None:
        original = included.get(retweeted)
        if original is None:
            raise RecordError("retweet")
        return _v2_to_flat((original, {}))
    return {
        "platform": "twitter",
        "post_id": tweet.get("id"),
        "created_at": tweet.get("created_at"),
        "author": _scalar(tweet.get("author_id")),
        # Tweets over 280 characters carry their full text in note_tweet.
        "text": text_of(get_path(tweet, "note_tweet.text"), tweet.get("text")),
        "lang": tweet.get("lang"),
        "parent_id": next((r.get("id") for r in refs if r.get("type") == "replied_to"), None),
    }


TWITTER_V2 = JsonFormat("twitter-v2", True, _v2_matches, _v2_records, _v2_to_flat, raw_of=lambda item: item[0])


# ---- API v1.1 ------------------------------------------------------------------------

def _v1_matches(document: object) -> bool:
    if isinstance(document, list):
        return bool(document) and _v1_matches(document[0])
    if not isinstance(document, Mapping):
        return False
    if isinstance(document.get("statuses"), list):
        return True
    document = _unwrapped(document)
    return isinstance(document.get("user"), Mapping) or any(k in document for k in _V1_TEXT_HINTS)


def _v1_records(document: object) -> list:
    """A status, a list of statuses, a search response {'statuses': [...]} or an archive's list of
    {'tweet': status} -> statuses."""
    if isinstance(document, list):
        return [_unwrapped(item) for item in document]
    if isinstance(document, Mapping) and isinstance(document.get("statuses"), list):
        return document["statuses"]
    return [_unwrapped(document)]


def _unwrapped(item: Any) -> Any:
    """The status of a Twitter/X archive's {'tweet': status} (tweets.js), else the item itself."""
    if isinstance(item, Mapping) and len(item) == 1 and isinstance(item.get("tweet"), Mapping):
        return item["tweet"]
    return item


def _v1_to_flat(status: Any) -> dict:
    status = require_object(status)
    original = status.get("retweeted_status")
    if isinstance(original, Mapping):
        return _v1_to_flat(original)
    if original is not None:
        raise RecordError("retweet")
    user = status.get("user")
    full_text = text_of(get_path(status, "extended_tweet.full_text"), status.get("full_text"))
    # A long tweet read without tweet_mode=extended (a retweet's copy of it included) has its text
    # cut at 140 characters: a full copy of it, if the input has one, is kept instead
    # (`pipelines.reading.dedupe`).
    partial = {"partial_text": True} if status.get("truncated") is True and full_text is None else {}
    return {
        **partial,
        "platform": "twitter",
        "post_id": text_of(status.get("id_str"), _scalar(status.get("id"))),
        "created_at": status.get("created_at"),
        "author": _scalar(get_path(user, "id_str") or get_path(user, "id")) if isinstance(user, Mapping) else None,
        "text": text_of(full_text, status.get("text")),
        "lang": status.get("lang"),
        "parent_id": text_of(status.get("in_reply_to_status_id_str"), _scalar(status.get("in_reply_to_status_id"))),
    }


TWITTER_V1 = JsonFormat("twitter-v1", False, _v1_matches, _v1_records, _v1_to_flat)


def _scalar(value: Any) -> str | None:
    return str(value) if isinstance(value, (str, int)) and not isinstance(value, bool) else None
