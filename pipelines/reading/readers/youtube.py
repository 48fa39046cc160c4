"""YouTube Data API v3: `commentThreads.list` and `comments.list` responses.

Each comment is one record: a thread's top-level comment, then its replies in order.
`textOriginal` is preferred over `textDisplay` (which is HTML); `publishedAt` is the time;
the author is keyed by channel id (display names are never kept); a reply's parent is the
top-level comment it answers.
"""

from __future__ import annotations

from typing import Any, Mapping

from pipelines.reading.posts import RecordError
from pipelines.reading.readers.base import JsonFormat, get_path, list_field, require_object


def _matches(document: object) -> bool:
    if isinstance(document, list):
        return bool(document) and _matches(document[0])
    return isinstance(document, Mapping) and str(document.get("kind", "")).startswith("youtube#")


def _records(document: object) -> list:
    """A list response, a list of items or one item -> comments, replies after their thread."""
    if isinstance(document, Mapping) and str(document.get("kind", "")).endswith("ListResponse"):
        items = list_field(document, "items", "YouTube list response")
    elif isinstance(document, list):
        items = document
    else:
        items = [document]
    comments: list = []
    for item in items:
        comments.extend(_thread_comments(item) if _kind(item) == "youtube#commentThread" else [item])
    return comments


def _thread_comments(thread: Mapping[str, Any]) -> list:
    top = get_path(thread, "snippet.topLevelComment")
    replies = get_path(thread, "replies.comments")
    return [top if top is not None else {}, *(replies if isinstance(replies, list) else [])]


def _to_flat(comment: Any) -> dict:
    comment = require_object(comment)
    snippet = comment.get("snippet")
    if not isinstance(snippet, Mapping):
        raise RecordError("missing snippet")
    return {
        "platform": "youtube",
        "post_id": comment.get("id"),
        "created_at": snippet.get("publishedAt"),
        "author": get_path(snippet, "authorChannelId.value"),
        "text": _original_or_display(snippet),
        "lang": None,
        "parent_id": snippet.get("parentId"),
    }


def _original_or_display(snippet: Mapping[str, Any]) -> Any:
    original = snippet.get("textOriginal")
    return original if isinstance(original, str) else snippet.get("textDisplay")


def _kind(item: Any) -> str | None:
    return item.get("kind") if isinstance(item, Mapping) else None


YOUTUBE = JsonFormat("youtube", True, _matches, _records, _to_flat)
