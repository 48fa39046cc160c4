"""Time from Enter to the error line for the command-line mistakes of issue 14 (items 3-6).

    python -m bench.cli_mistakes --mipulse /path/to/.venv/bin/mipulse [--work DIR]

Runs each mistake in a scratch folder (`--work`) with the given `mipulse` executable and
prints one Markdown row per case: seconds to the first line matching the expected error
(or to exit), seconds to exit, exit code, lines printed and tracebacks. A synthetic sample
and one loaded DB are made first (with the same executable) for the cases that need them.
Nothing here imports mipulse: any version of it can be measured.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Mistake:
    item: str
    what: str
    args: tuple[str, ...]
    error: str  # regex of the line that tells the user what went wrong


SAMPLE = "sample/twitter.jsonl"  # a file, so that versions without folder inputs reach the mistake
MISTAKES = (
    Mistake("3", "--input DIR (a folder written by `mipulse sample`)",
            ("run", "--input", "sample", "--db", "dir.duckdb", "--no-report"), r"no input file"),
    Mistake("4", "missing input file", ("run", "--input", "nope.jsonl", "--db", "x.duckdb"), r"nope\.jsonl"),
    Mistake("4", "empty glob", ("run", "--input", "nothing/*.jsonl", "--db", "x.duckdb"), r"nothing/\*\.jsonl"),
    Mistake("4", "bad --from-month", ("run", "--input", SAMPLE, "--db", "x.duckdb", "--from-month", "2019-13"),
            r"from-month"),
    Mistake("4", "bad --columns field", ("run", "--input", SAMPLE, "--db", "x.duckdb", "--columns", "txt=body"),
            r"columns"),
    Mistake("4", "--db is not a DuckDB file", ("run", "--input", SAMPLE, "--db", "notes.txt", "--no-report"),
            r"notes\.txt"),
    Mistake("4", "report --platform Reddit", ("report", "--db", "loaded.duckdb", "--out", "charts",
                                              "--platform", "Reddit"), r"[Rr]eddit"),
    Mistake("5", "misspelled option --from-mnth", ("run", "--input", SAMPLE, "--db", "typo.duckdb",
                                                    "--from-mnth", "2019-01", "--no-report"),
            r"from-mnth|[Uu]nparseable"),
    Mistake("6", "CSV with other column names", ("run", "--input", "other.csv", "--db", "csv.duckdb",
                                                  "--no-report"), r"missing|records have no"),
)


def prepare(mipulse: str, work: Path) -> None:
    """The sample folder, a text file posing as a DB, a CSV with other column names, a loaded DB."""
    work.mkdir(parents=True, exist_ok=True)
    if not (work / "sample").is_dir():
        subprocess.run([mipulse, "sample", "--posts", "300", "--out", "sample"], cwd=work, check=True)
    (work / "notes.txt").write_text("shopping list: milk, bread\n")
    (work / "other.csv").write_text("tweet_id,body,when,user\n1,Love this clean air,2019-05-01T10:00:00Z,a\n"
                                    "2,Plastic everywhere again,2019-06-01T10:00:00Z,b\n")
    if not (work / "loaded.duckdb").exists():
        subprocess.run([mipulse, "run", "--input", "sample/twitter.jsonl", "--db", "loaded.duckdb", "--no-report"],
                       cwd=work, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def measure(mipulse: str, work: Path, mistake: Mistake) -> dict:
    """Run one mistake; time every output line from the start."""
    started = time.perf_counter()
    process = subprocess.Popen([mipulse, *mistake.args], cwd=work, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True)
    error_at, lines = None, []
    for line in process.stdout:
        lines.append(line.rstrip("\n"))
        if error_at is None and re.search(mistake.error, line):
            error_at = time.perf_counter() - started
    code = process.wait()
    ended = time.perf_counter() - started
    return {"error_at": error_at, "exit_at": ended, "code": code, "lines": len(lines),
            "tracebacks": sum("Traceback (most recent call last)" in line for line in lines),
            "first_error": next((line for line in lines if re.search(mistake.error, line)), "")[:160]}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mipulse", required=True, help="the mipulse executable to measure")
    parser.add_argument("--work", default="/tmp/mipulse-bench-cli-mistakes", help="scratch folder")
    args = parser.parse_args(argv)
    work = Path(args.work)
    prepare(args.mipulse, work)
    print("| item | mistake | s to error line | s to exit | exit | lines | tracebacks | error line |")
    print("|---|---|---|---|---|---|---|---|")
    for mistake in MISTAKES:
        r = measure(args.mipulse, work, mistake)
        error_at = f"{r['error_at']:.1f}" if r["error_at"] is not None else "none"
        line = r["first_error"].replace("|", "\\|")
        print(f"| {mistake.item} | {mistake.what} | {error_at} | {r['exit_at']:.1f} | {r['code']} | "
              f"{r['lines']} | {r['tracebacks']} | `{line}` |", flush=True)


if __name__ == "__main__":
    sys.exit(main())
