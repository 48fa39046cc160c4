"""Reddit: Pushshift / Arctic Shift NDJSON dumps of submissions and comments.

A submission's text is its title plus its selftext; a comment's is its body. Ids are
Reddit fullnames (`t3_` submissions, `t1_` comments) so the two id spaces never collide
and a comment's `parent_id` names its parent post directly. A deleted or removed body is
a reject with the reason "[deleted]" or "[removed]"; a deleted author alone is not.
"""

from __future__ import annotations

from typing import Any, Mapping

from pipelines.reading.posts import RecordError
from pipelines.reading.readers.base import JsonFormat, require_object

GONE = ("[deleted]", "[removed]")


def _matches(document: object) -> bool:
    return isinstance(document, Mapping) and "created_utc" in document and (
        "subreddit" in document or "body" in document or "selftext" in document)


def _records(document: object) -> list:
    return document if isinstance(document, list) else [document]


def _to_flat(record: Any) -> dict:
    record = require_object(record)
    is_comment = "body" in record
    text = record.get("body") if is_comment else _submission_text(record)
    if isinstance(text, str) and text.strip() in GONE:
        raise RecordError(text.strip())
    author = record.get("author")
    return {
        "platform": "reddit",
        "post_id": _fullname("t1_" if is_comment else "t3_", record.get("id")),
        "created_at": record.get("created_utc"),
        "author": None if author in GONE else author,
        "text": text,
        "lang": None,
        "parent_id": record.get("parent_id") if is_comment else None,
    }


def _submission_text(record: Mapping[str, Any]) -> Any:
    title, body = record.get("title"), record.get("selftext")
    if not isinstance(title, str):
        return title
    if isinstance(body, str) and body.strip() in GONE:
        return body
    return f"{title}\n\n{body}" if isinstance(body, str) and body.strip() else title


def _fullname(prefix: str, post_id: Any) -> str | None:
    if not isinstance(post_id, str) or not post_id:
        return None
    return post_id if post_id.startswith(prefix) else prefix + post_id


REDDIT = JsonFormat("reddit", False, _matches, _records, _to_flat)
