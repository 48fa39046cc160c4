"""`mipulse lexicon build --input`: its inputs are found as `mipulse run` finds them, and inputs that
give no post build nothing (a helper had a typo in a rebuild report an old file as the new lexicon)."""

from __future__ import annotations

import pytest

from flows.cli.commands import main


def test_a_folder_builds_and_inputs_without_posts_leave_an_earlier_file_as_it_was(tmp_path, capsys):
    assert main(["sample", "--posts", "300", "--out", str(tmp_path / "sample")]) == 0
    capsys.readouterr()
    out = tmp_path / "lexicon.parquet"
    assert main(["lexicon", "build", "--input", str(tmp_path / "sample"), "--out", str(out)]) == 0  # a folder
    assert capsys.readouterr().out.startswith("lexicon lex-")
    built = out.read_bytes()
    (tmp_path / "empty.jsonl").write_text("")
    assert main(["lexicon", "build", "--input", str(tmp_path / "empty.jsonl"), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("mipulse lexicon: no post to build a lexicon from in ") and err.endswith("nothing was written")
    assert main(["lexicon", "build", "--input", str(tmp_path / "typo" / "*.jsonl"), "--out", str(out)]) == 2
    assert capsys.readouterr().err.strip() == f"mipulse lexicon: no input file matches '{tmp_path / 'typo' / '*.jsonl'}'"
    assert out.read_bytes() == built  # had been reported as newly built
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.jsonl", "lexicon.parquet", "sample"]


pytestmark = pytest.mark.slow
