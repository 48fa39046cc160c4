"""Comparable history: partial runs score with the lexicon in force; a rebuild is reported loudly."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from flows.cli.commands import main
from flows.store.lexicon_store import lexicon_in_force, stored_lexicon

pytestmark = pytest.mark.slow


def versions(db: Path) -> dict[str, int]:
    with duckdb.connect(str(db), read_only=True) as con:
        return dict(con.execute("SELECT lexicon_version, count(*) FROM post_scores GROUP BY ALL").fetchall())


def test_a_backfill_scores_with_the_lexicon_in_force_and_a_rebuild_is_flagged(tmp_path, capsys):
    sample, db = tmp_path / "sample", tmp_path / "m.duckdb"
    assert main(["sample", "--posts", "1500", "--out", str(sample), "--seed", "4"]) == 0
    inputs = str(sample / "*.jsonl")
    assert main(["run", "--input", inputs, "--db", str(db), "--to-month", "2019-12", "--no-report"]) == 0
    first = lexicon_in_force(str(db))
    assert set(versions(db)) == {first}
    # the same lexicon, read back from the database, has the same content version
    assert stored_lexicon(str(db), first).version == first

    assert main(["run", "--input", inputs, "--db", str(db), "--from-month", "2020-01", "--no-report"]) == 0
    assert set(versions(db)) == {first}  # the backfill did not re-induce a lexicon from 2020-2023 alone

    exported = tmp_path / "in-force.parquet"
    assert main(["lexicon", "export", "--db", str(db), "--out", str(exported)]) == 0
    assert first in capsys.readouterr().out

    assert main(["run", "--input", inputs, "--db", str(db), "--from-month", "2023-01", "--rebuild-lexicon",
                 "--out", str(tmp_path / "out")]) == 0
    found = versions(db)
    assert len(found) == 2 and first in found
    html = (tmp_path / "out" / "report" / "report.html").read_text(encoding="utf-8")
    assert "scored with 2 different lexicons" in html


def test_a_lexicon_induced_from_the_first_year_only_is_named_and_its_intervals_resample_that_year(tmp_path):
    """A history backfilled one year at a time had been scored with the first year's lexicon without a word,
    and its intervals had resampled lexicons from every post, as if it had been induced from them all."""
    from flows.reporting.intervals import lexicon_intervals

    sample, db, out = tmp_path / "sample", tmp_path / "m.duckdb", tmp_path / "out"
    assert main(["sample", "--posts", "1500", "--out", str(sample), "--seed", "4"]) == 0
    inputs = str(sample / "*.jsonl")
    assert main(["run", "--input", inputs, "--db", str(db), "--to-month", "2014-12", "--no-report"]) == 0
    assert main(["run", "--input", inputs, "--db", str(db), "--from-month", "2015-01", "--out", str(out)]) == 0
    html = (out / "report" / "report.html").read_text(encoding="utf-8")
    with duckdb.connect(str(db), read_only=True) as con:
        first_year, everything = con.execute("SELECT count(*) FILTER (WHERE month < '2015'), count(*) FROM posts").fetchone()
        intervals = lexicon_intervals(con, replicates=2)
    assert 0 < first_year < everything / 2
    assert f"was induced from {first_year:,} posts of 2014-" in html and f"scores {everything:,} posts" in html
    assert intervals.lexicon_resampled and intervals.posts == first_year
