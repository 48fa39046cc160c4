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
    err = capsys.readouterr().err.strip().splitlines()[-1]  # after the build's progress lines
    assert err.startswith("mipulse lexicon: no post to build a lexicon from in ") and err.endswith("nothing was written")
    assert main(["lexicon", "build", "--input", str(tmp_path / "typo" / "*.jsonl"), "--out", str(out)]) == 2
    assert capsys.readouterr().err.strip().splitlines()[-1] == \
        f"mipulse lexicon: no input file matches '{tmp_path / 'typo' / '*.jsonl'}'"
    assert out.read_bytes() == built  # had been reported as newly built
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.jsonl", "lexicon.parquet", "sample"]


def test_an_export_is_read_with_the_options_run_reads_it_with(tmp_path, capsys):
    """`--columns` and `--min-df` were unknown to `lexicon build`, and an export whose columns need a
    mapping gave "no post to build a lexicon from", naming no field."""
    export = tmp_path / "comments.csv"
    rows = [f"c{i},2023-11-0{1 + i % 9} 14:03:22 UTC,I love solar power and hate coal {i}" for i in range(30)]
    export.write_text("id,date,body\n" + "\n".join(rows) + "\n")
    out = tmp_path / "lexicon.parquet"
    assert main(["lexicon", "build", "--input", str(export), "--out", str(out)]) == 2
    assert capsys.readouterr().err.strip().endswith(
        "map them, e.g. --columns created_at=date,text=body --platform twitter|reddit|youtube "
        "(or --undated-as YYYY-MM for an undated corpus)")
    assert main(["lexicon", "build", "--input", str(export), "--out", str(out), "--columns", "created_at=date,text=body",
                 "--platform", "reddit", "--min-df", "0"]) == 2
    assert capsys.readouterr().err.strip() == "mipulse lexicon: --min-df: Input should be greater than or equal to 1"
    assert main(["lexicon", "build", "--input", str(export), "--out", str(out), "--columns", "created_at=date,text=body",
                 "--platform", "reddit", "--min-df", "2"]) == 0
    from pipelines.induction.lexicon import read_lexicon

    lexicon = read_lexicon(str(out))
    assert lexicon.metadata["options"]["min_df"] == 2 and lexicon.general["love"].df == 30  # every post read


pytestmark = pytest.mark.slow


def test_ctrl_c_stops_a_build_in_one_line(tmp_path):
    """Inside Beam's steps it had ended in three tracebacks and exit 1."""
    import os
    import signal
    import subprocess
    import sys
    from pathlib import Path

    assert main(["sample", "--posts", "20000", "--out", str(tmp_path / "s"), "--seed", "5"]) == 0
    build = subprocess.Popen([sys.executable, "-c", "import sys; from flows.cli.commands import main; sys.exit(main())",
                              "lexicon", "build", "--input", str(tmp_path / "s"), "--out", str(tmp_path / "l.parquet")],
                             cwd=Path(__file__).resolve().parents[1], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             text=True, start_new_session=True)
    lines = []
    for line in build.stdout:
        lines.append(line)
        if "reading: " in line:  # the job has started
            os.killpg(build.pid, signal.SIGINT)
            break
    lines += build.stdout.readlines()
    assert build.wait() == 130, "".join(lines)
    assert lines[-1] == "mipulse lexicon: interrupted\n" and not any("Traceback" in line for line in lines)
    assert not (tmp_path / "l.parquet").exists()
