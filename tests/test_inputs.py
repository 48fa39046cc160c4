"""--input takes files, folders and globs; literal file names stay literal, in discovery and in Beam."""

from __future__ import annotations

import json
from pathlib import Path

import apache_beam as beam
import pytest
from apache_beam.testing.test_pipeline import TestPipeline as BeamTestPipeline  # a name pytest does not collect
from apache_beam.testing.util import assert_that, equal_to

from pipelines.reading.inputs import NoInputFiles, find_inputs
from pipelines.reading.sources import FILE_READS, ReadPosts, SourceOptions


def post(post_id: str) -> str:
    return json.dumps({"platform": "twitter", "id": post_id, "created_at": "2020-01-02T00:00:00Z",
                       "text": f"post {post_id}"}) + "\n"


def test_a_folder_gives_its_supported_files_recursively_in_path_order(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "deep").mkdir()
    for name in ("z.jsonl", "a.csv", "b/deep/RC_2019-01.zst", "b/m.parquet", "notes.txt", ".hidden.jsonl"):
        (tmp_path / name).write_text("x")
    inputs = find_inputs([str(tmp_path)])
    assert inputs.files == tuple(str(tmp_path / n) for n in ("a.csv", "b/deep/RC_2019-01.zst", "b/m.parquet",
                                                              "z.jsonl"))
    assert inputs.skipped == ((str(tmp_path / ".hidden.jsonl"), "hidden file"),
                              (str(tmp_path / "notes.txt"), "not a supported extension"))
    assert "skipped 2 files" in inputs.describe_skipped()


def test_files_named_or_globbed_are_taken_as_given_and_listed_once(tmp_path):
    (tmp_path / "export.txt").write_text("x")
    (tmp_path / "a.jsonl").write_text("x")
    inputs = find_inputs([str(tmp_path / "export.txt"), str(tmp_path / "*.jsonl"), str(tmp_path / "a.jsonl")])
    assert inputs.files == (str(tmp_path / "a.jsonl"), str(tmp_path / "export.txt"))
    assert inputs.skipped == ()


@pytest.mark.parametrize("argument, message", [
    ("missing.jsonl", "input file 'missing.jsonl' does not exist"),
    ("nothing/*.jsonl", "no input file matches 'nothing/*.jsonl'"),
    ("empty", "input folder 'empty' holds no supported file"),
])
def test_an_argument_naming_no_file_says_which_and_why(tmp_path, monkeypatch, argument, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "readme.md").write_text("x")
    with pytest.raises(NoInputFiles) as error:
        find_inputs([argument])
    assert str(error.value).startswith(message)


def test_a_file_name_with_glob_characters_is_that_file_only(tmp_path):
    for name in ("x[1].jsonl", "x1.jsonl", "x?.jsonl", "xa.jsonl"):
        (tmp_path / name).write_text("x")
    assert find_inputs([str(tmp_path / "x[1].jsonl")]).files == (str(tmp_path / "x[1].jsonl"),)
    assert find_inputs([str(tmp_path / "x?.jsonl")]).files == (str(tmp_path / "x?.jsonl"),)
    assert find_inputs([str(tmp_path / "x[1]*")]).files == (str(tmp_path / "x1.jsonl"),)  # not literal: a glob


def test_beam_reads_x_bracket_1_and_x1_each_once(tmp_path):
    """Issue 16 item 4: MatchAll globbed `x[1].jsonl` again, read `x1.jsonl` twice and never the first."""
    (tmp_path / "x[1].jsonl").write_text(post("a1") + post("a2"))
    (tmp_path / "x1.jsonl").write_text(post("b1"))
    files = list(find_inputs([str(tmp_path)]).files)
    with BeamTestPipeline(runner="FnApiRunner") as p:
        read = p | ReadPosts(files, SourceOptions())
        ids = read.posts | beam.FlatMap(lambda batch: [(Path(x["source_file"]).name, x["post_id"]) for x in batch])
        assert_that(ids, equal_to([("x[1].jsonl", "a1"), ("x[1].jsonl", "a2"), ("x1.jsonl", "b1")]))
        assert_that(read[FILE_READS] | beam.MapTuple(lambda path, n: (Path(path).name, n)),
                    equal_to([("x[1].jsonl", 2), ("x1.jsonl", 1)]), label="records read per file")
