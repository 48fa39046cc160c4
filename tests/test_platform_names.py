"""Platform names and what a platform means for a generic record: exports since 2023 name Twitter "X"
(twitter, in records and in --platform); Reddit's placeholders of deleted texts are no posts."""

from __future__ import annotations

import io
import json

import pytest

from pipelines.reading.posts import Reject
from pipelines.reading.sources import SourceOptions, read_records


def platforms(records: list[dict], **options) -> list[str]:
    content = b"".join(json.dumps(r).encode() + b"\n" for r in records)
    items = read_records("export.jsonl", io.BytesIO(content), SourceOptions(author_salt="pepper", **options))
    return [i.reason if isinstance(i, Reject) else i["platform"] for i in items]


def post(i: int, **fields) -> dict:
    return {"id": str(i), "text": "hello", "created_at": "2024-01-01T00:00:00Z", **fields}


def test_x_and_its_spellings_are_twitter_and_unknown_names_still_rejects():
    assert platforms([post(1, platform="X"), post(2, platform=" twitter/x "), post(3, platform="X (Twitter)"),
                      post(4, platform="Twitter"), post(5, platform="mastodon")]) == [
        "twitter", "twitter", "twitter", "twitter", "unknown platform"]
    assert platforms([post(1)], default_platform="x") == ["twitter"]


def test_mipulse_run_takes_platform_x(tmp_path, monkeypatch):
    import flows.run_flow
    from flows.cli.commands import main

    class Started(Exception):
        pass

    def started(**parameters):
        raise Started(parameters)

    monkeypatch.setattr(flows.run_flow, "run_flow", started)
    export = tmp_path / "x.jsonl"
    export.write_text(json.dumps(post(1)) + "\n")
    with pytest.raises(Started):  # the preflight let it through: the flow was about to start
        main(["run", "--input", str(export), "--db", str(tmp_path / "m.duckdb"), "--platform", "X"])


def test_reddit_placeholders_in_a_generic_export_are_rejects_as_in_the_reddit_reader():
    """A CSV or JSONL of Reddit comments with "[deleted]" bodies had loaded them as neutral posts."""
    assert platforms([post(1, platform="reddit", text="[deleted]"), post(2, platform="reddit", text="[ Removed by Reddit ]"),
                      post(3, platform="twitter", text="[deleted]"), post(4, platform="reddit", text="[removed] by the mods?")]) == [
        "[deleted]", "[removed]", "twitter", "reddit"]  # a tweet may say it; a sentence around it is text
