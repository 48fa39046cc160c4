"""The input texts a run's helper prepares for the report's intervals while the job runs
(`flows.reporting.intervals_helper`): which texts, and the hand-over file."""

from __future__ import annotations

import json
import sys
import threading
from types import SimpleNamespace

import pytest

from flows.reporting import intervals_helper
from flows.reporting.intervals import TextCounts
from pipelines.config import load_seeds
from tests.test_intervals import _cells

TEXTS = ["I love this, so happy! #ClimateAction 😀", "so sad about the smog :(", "", "null\x00byte and ＠handle",
         "I love this, so happy! #ClimateAction 😀", "not good, but fine"]


def test_the_input_texts_are_the_texts_a_run_keeps(tmp_path):
    """Mentions redacted (`canonical_text`), every format the job reads; records without a text and files
    that cannot be read give none."""
    jsonl, csv = tmp_path / "a.jsonl", tmp_path / "b.csv"
    jsonl.write_text("\n".join([json.dumps({"id": 1, "text": "thanks @someone for this"}), "{not json",
                                json.dumps({"id": 2, "body": "no text field"}), json.dumps({"id": 3, "text": 7}),
                                json.dumps({"id": 4, "text": "  "})]) + "\n")
    csv.write_text("id,body\n5,hello u/someone there\n")
    texts = list(intervals_helper.input_texts([str(jsonl), str(tmp_path / "gone.jsonl"), str(csv)]))
    assert texts == ["thanks @user for this", "  "]  # the CSV has no text column
    texts = list(intervals_helper.input_texts([str(jsonl), str(csv)], columns="text=body"))  # as --columns reads them
    assert texts == ["no text field", "hello @user there"]


@pytest.mark.parametrize("with_bigrams", [False, True])
def test_prepared_texts_handed_over_in_a_file_count_the_same(tmp_path, with_bigrams):
    seeds = load_seeds()
    counts = TextCounts(seeds, with_bigrams)
    matrix = counts.matrix(TEXTS)
    assert matrix.half_pairs and matrix.paired  # every table has cells
    intervals_helper.save_counts(counts, str(tmp_path / "ahead.npz"))
    loaded = intervals_helper.load_counts(str(tmp_path / "ahead.npz"), seeds)
    assert loaded.texts() == counts.texts() and loaded.serves(seeds, with_bigrams)
    assert not loaded.serves(seeds, not with_bigrams)
    assert _cells(loaded.matrix(TEXTS[::-1], {"happy", "sad"})) == _cells(counts.matrix(TEXTS[::-1], {"happy", "sad"}))
    loaded._prepare = None  # none of them is prepared again ...
    assert _cells(loaded.matrix(TEXTS)) == _cells(matrix)
    loaded._prepare = counts._prepare  # ... and a new text is added after them
    assert _cells(loaded.matrix(["so happy", *TEXTS])) == _cells(counts.matrix(["so happy", *TEXTS]))
    other = SimpleNamespace(fingerprint=seeds.fingerprint + "x")
    assert intervals_helper.load_counts(str(tmp_path / "ahead.npz"), other) is None
    intervals_helper.save_counts(TextCounts(seeds), str(tmp_path / "empty.npz"))
    assert intervals_helper.load_counts(str(tmp_path / "empty.npz"), seeds).matrix([]).n_posts == 0


def test_the_helper_prepares_the_input_texts_until_asked_for_them(tmp_path, monkeypatch):
    monkeypatch.setattr(intervals_helper, "_AHEAD", {})
    inputs = tmp_path / "posts.jsonl"
    inputs.write_text("".join(json.dumps({"id": i, "text": text}) + "\n" for i, text in enumerate(TEXTS)))
    intervals_helper.prepare_inputs([str(inputs)])
    intervals_helper._AHEAD["thread"].join()  # as when the job took longer than the texts
    assert intervals_helper.save_prepared(str(tmp_path / "ahead.npz")) == 5
    loaded = intervals_helper.load_counts(str(tmp_path / "ahead.npz"), load_seeds())
    # (a text the job rejects, such as the empty one, costs a preparation, nothing more)
    assert loaded.texts() == [intervals_helper.canonical_text(t) for t in dict.fromkeys(TEXTS)]
    assert _cells(loaded.matrix(loaded.texts())) == _cells(TextCounts(load_seeds()).matrix(loaded.texts()))


def test_asked_before_it_is_done_it_hands_over_what_it_has_and_an_error_of_its_own_fails_the_report(tmp_path,
                                                                                                  monkeypatch):
    monkeypatch.setattr(intervals_helper, "_AHEAD", {})
    assert intervals_helper.save_prepared(str(tmp_path / "none.npz")) == 0  # a helper given no warm-up call
    inputs = tmp_path / "posts.jsonl"
    inputs.write_text("".join(json.dumps({"id": i, "text": f"post {i}"}) + "\n" for i in range(50_000)))
    intervals_helper.prepare_inputs([str(inputs)])
    handed_over = intervals_helper.save_prepared(str(tmp_path / "early.npz"))
    assert 0 <= handed_over < 50_000 and not intervals_helper._AHEAD["thread"].is_alive()
    assert len(intervals_helper.load_counts(str(tmp_path / "early.npz"), load_seeds())) == handed_over

    monkeypatch.setattr(intervals_helper, "_AHEAD", {})
    monkeypatch.setattr(TextCounts, "row", lambda self, text: 1 / 0)
    intervals_helper.prepare_inputs([str(inputs)])
    intervals_helper._AHEAD["thread"].join()
    with pytest.raises(ZeroDivisionError):
        intervals_helper.save_prepared(str(tmp_path / "failed.npz"))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a thread's own nice value is Linux's")
def test_the_texts_are_prepared_at_the_lowest_cpu_priority_by_that_thread_alone(tmp_path, monkeypatch):
    """On a core nothing else wants; the helper still answers the report at its own priority."""
    def nice_of_this_thread() -> int:
        with open(f"/proc/self/task/{threading.get_native_id()}/stat") as stat:
            return int(stat.read().rsplit(")", 1)[1].split()[16])

    seen = {}
    worker = threading.Thread(target=lambda: (intervals_helper.lowest_priority(), seen.update(nice=nice_of_this_thread())))
    worker.start()
    worker.join()
    assert seen == {"nice": 19} and nice_of_this_thread() != 19
    called_by = []
    monkeypatch.setattr(intervals_helper, "lowest_priority", lambda: called_by.append(threading.current_thread().name))
    monkeypatch.setattr(intervals_helper, "_AHEAD", {})
    intervals_helper.prepare_inputs([])
    intervals_helper._AHEAD["thread"].join()
    assert called_by == ["prepare input texts"]
