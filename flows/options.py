"""The options of one `mipulse run`, declared once: the job's (`pipelines.options.JobOptions`) plus
where the run lands, the report and the load.

`mipulse run` builds its flags from this model and the model from its flags; the Prefect flow
`run_flow` takes it as its one parameter (validated, and shown as a form in the UI), and the
deployments in prefect.yaml pass it as `options:`. The runs table records it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

from pydantic import Field

from flows.store.retention import DEFAULT_KEEP_RUNS, default_out_dir
from pipelines.options import INTERVAL_REPLICATES_DEFAULT, Flag, JobOptions, ReplicateCount, parse_replicate_count


class RunOptions(JobOptions):
    """A run: the Beam job's options, then the database, the output folder, the load and the report."""

    db: str = Field(description="DuckDB file (created if missing)")
    out: Optional[str] = Field(None, description="folder for Parquet runs and the report (default: <DB name>-out "
                                                 "beside the DB, e.g. pulse-out/ for pulse.duckdb)")
    keep_runs: Annotated[int, Flag(metavar="N")] = Field(
        DEFAULT_KEEP_RUNS, ge=0, description="keep the Parquet folders of the last N loaded runs under OUT/runs; older "
                                       "ones are deleted after a load (the data is in the DB)")
    report: Annotated[bool, Flag(name="--no-report", negated=True)] = Field(True, description="skip the charts")
    interval_replicates: Annotated[Optional[ReplicateCount], Flag(metavar="N", parse=parse_replicate_count)] = Field(
        None, description="bootstrap lexicons behind the report's lexicon-aware intervals (default: "
                          f"{INTERVAL_REPLICATES_DEFAULT}; 0: Wilson intervals only, the cheapest report)")
    labelled: Annotated[Optional[str], Flag(metavar="FILE")] = Field(
        None, description="posts of this corpus you labelled (JSONL: text, platform, label negative / neutral / "
                          "positive): the report adds the yearly sentiment shares adjusted by how the lexicon labels "
                          "them, since label shares understate changes (docs/intervals.md)")
    rebuild_lexicon: bool = Field(False, description="build a new default lexicon from this run's posts even if --db "
                                  "has one in force (the report then warns that partitions carry different lexicons)")
    incremental: bool = Field(False, description="skip input files already loaded unchanged (size and mtime) "
                                                 "for this window")
    wait_for_writer: bool = Field(False, description="if another load into --db is running, wait for it "
                                                     "(default: fail at once)")
    beam_args: Annotated[list[str], Flag(hidden=True)] = Field(
        default_factory=list, description="Beam pipeline options, e.g. --direct_num_workers=2")

    def out_dir(self) -> Path:
        """Where run folders and the report go."""
        return Path(self.out or default_out_dir(self.db)).resolve()

    def run_record(self, seeds_source: str, lexicon_file: str | None, key_fingerprint: str) -> dict:
        """The runs table's `options`: every option, plus what the run resolved (seed file, lexicon
        file, author-key fingerprint — never the key)."""
        from flows.store.keys import FINGERPRINT_OPTION

        return {**self.model_dump(mode="json"), "seeds": seeds_source, "lexicon_file": lexicon_file,
                "platforms": list(self.window().platforms), FINGERPRINT_OPTION: key_fingerprint}
