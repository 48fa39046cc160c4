"""Reddit: Pushshift / Arctic Shift NDJSON dumps of submissions and comments.

A submission's text is its title plus its selftext; a comment's is its body. Ids are
Reddit fullnames (`t3_` submissions, `t1_` comments) so the two id spaces never collide
and a comment's `parent_id` names its parent post directly. A text Reddit replaced with a
placeholder ("[deleted]", "[removed]", "[deleted by user]", "[removed by moderator]",
"[ Removed by Reddit ]", "[ Removed by Reddit on account of violating the [content
policy](...). ]") is a reject with the reason "[deleted]" or "[removed]"; a submission whose
selftext alone is gone keeps its title; a deleted author alone is no reject.
"""

from __future__ import annotations

from typing import Any, Mapping

from pipelines.reading.posts import reddit_placeholder
from pipelines.reading.readers.base import JsonFormat, require_object

def _matches(document: object) -> bool:
    return isinstance(document, Mapping) and "created_utc" in document and (
        "subreddit" in document or "body" in document or "selftext" in document)


def _records(document: object) -> list:
    return document if isinstance(document, list) else [document]


def _to_flat(record: Any) -> dict:
    record = require_object(record)
    is_comment = "body" in record
    text = record.get("body") if is_comment else _submission_text(record)
    # a placeholder text ("[deleted]") is rejected by `canonical_post`, as in every export of Reddit posts
    author = record.get("author")
    return {
        "platform": "reddit",
        "post_id": _fullname("t1_" if is_comment else "t3_", record.get("id") or record.get("name")),
        "created_at": record.get("created_utc"),
        "author": None if reddit_placeholder(author) else author,
        "text": text,
        "lang": None,
        "parent_id": record.get("parent_id") if is_comment else None,
    }


def _submission_text(record: Mapping[str, Any]) -> Any:
    """Title and selftext, each kept only when it is real text; with neither, the placeholder
    that replaced one of them (a reject), else the title (an empty one is a reject too)."""
    title, body = record.get("title"), record.get("selftext")
    if not isinstance(title, str):
        return title
    real = [part for part in (title, body) if _is_real_text(part)]
    if real:
        return "\n\n".join(real)
    return next((part for part in (body, title) if reddit_placeholder(part)), title)


def _is_real_text(part: Any) -> bool:
    return isinstance(part, str) and bool(part.strip()) and reddit_placeholder(part) is None


def _fullname(prefix: str, post_id: Any) -> str | None:
    """The fullname of a base-36 id ("abc1") or of a fullname (the "name" field)."""
    if not isinstance(post_id, str) or not post_id:
        return None
    return post_id if post_id.startswith(prefix) else prefix + post_id


REDDIT = JsonFormat("reddit", False, _matches, _records, _to_flat)
