"""Issue 13's folder moves: modules into role packages with `git mv`, every reference rewritten
(dotted and path forms, in code, docs and config), pyproject's package list regenerated.

Run from the repository root: `python harness/restructure.py`. Re-running it is safe (a module
already moved is skipped, rewritten names no longer match), so after merging a branch that
still uses the old names, run it again. A one-off: delete it once every branch has merged."""
import re, subprocess, sys
from pathlib import Path

MOVES = {  # old dotted module -> new dotted module
    # evaluation (and the synthetic corpus generator of demos and scale tests)
    "pipelines.baselines": "pipelines.evaluation.baselines",
    "pipelines.calibrate": "pipelines.evaluation.calibrate",
    "pipelines.labelled": "pipelines.evaluation.labelled",
    "pipelines.metrics": "pipelines.evaluation.metrics",
    "pipelines.synthetic": "pipelines.evaluation.synthetic",
    "flows.evaluate": "pipelines.evaluation.evaluate",
    # reading posts
    "pipelines.sources": "pipelines.reading.sources",
    "pipelines.readers": "pipelines.reading.readers",
    "pipelines.inputs": "pipelines.reading.inputs",
    "pipelines.posts": "pipelines.reading.posts",
    "pipelines.authors": "pipelines.reading.authors",
    "pipelines.dedupe": "pipelines.reading.dedupe",
    "pipelines.window": "pipelines.reading.window",
    "pipelines.months": "pipelines.reading.months",
    "pipelines.excerpts": "pipelines.reading.excerpts",
    # writing
    "pipelines.sinks": "pipelines.writing.sinks",
    "pipelines.manifest": "pipelines.writing.manifest",
    # the DuckDB store
    "flows.db": "flows.store.db",
    "flows.checksum": "flows.store.checksum",
    "flows.incremental": "flows.store.incremental",
    "flows.keys": "flows.store.keys",
    "flows.lexicon_store": "flows.store.lexicon_store",
    "flows.retention": "flows.store.retention",
    "flows.views": "flows.store.views",
    # the report
    "flows.report": "flows.reporting.report",
    "flows.report_html": "flows.reporting.report_html",
    "flows.report_lexicon": "flows.reporting.report_lexicon",
    "flows.report_shifts": "flows.reporting.report_shifts",
    "flows.chart_text": "flows.reporting.chart_text",
    "flows.intervals": "flows.reporting.intervals",
    "flows.publish": "flows.reporting.publish",
    "flows.window_lexicon": "flows.reporting.window_lexicon",
}
PACKAGES = {
    "pipelines.evaluation": "Evaluation against labelled posts (metrics, VADER / EmoLex baselines, calibration) and the "
                            "synthetic corpus of demos and scale tests: not part of a run's job.",
    "pipelines.reading": "Reading posts: input files and formats to canonical posts and reject rows, author keys, "
                         "the run's window and duplicates.",
    "pipelines.writing": "Writing the job's tables: Arrow schemas, Parquet shards, the run folder's manifest.",
    "flows.store": "The DuckDB store: schema, loads, read-only queries, checksums, author-key fingerprints, "
                   "lexicons in force, run folders kept.",
    "flows.reporting": "The report: queries, intervals, charts (PNG) and the HTML page, published all at once.",
}


def path_of(dotted: str, package: bool) -> Path:
    base = Path(*dotted.split("."))
    return base if package else base.with_suffix(".py")


def main() -> None:
    for package, doc in PACKAGES.items():
        folder = Path(*package.split("."))
        folder.mkdir(parents=True, exist_ok=True)
        init = folder / "__init__.py"
        if not init.exists():
            init.write_text(f'"""{doc}"""\n')
    for old, new in MOVES.items():
        is_package = Path(*old.split(".")).is_dir()
        src, dst = path_of(old, is_package), path_of(new, is_package)
        if src.exists():
            subprocess.run(["git", "mv", str(src), str(dst)], check=True)
    files = subprocess.run(["git", "ls-files"], capture_output=True, text=True, check=True).stdout.split()
    texts = [f for f in files if f.endswith((".py", ".md", ".toml", ".yaml", ".yml", ".sql", ".cfg", ".txt"))
             or Path(f).name in ("Makefile", "Dockerfile")]
    texts = [f for f in texts if not f.startswith("bench/results/") and f != "harness/restructure.py"]
    # longest names first so 'flows.report_html' is not taken for 'flows.report'
    ordered = sorted(MOVES, key=len, reverse=True)
    dotted = re.compile(r"(?<![\w.])(" + "|".join(re.escape(o) for o in ordered) + r")(?![\w])")
    pathed = re.compile(r"(?<![\w/])(" + "|".join(re.escape(o.replace(".", "/")) for o in ordered) + r")(?=[./])")
    from_import = re.compile(r"^(\s*)from (pipelines|flows) import ([\w, ]+?)(\s*(#.*)?)$", re.M)
    for name in texts:
        path = Path(name)
        text = path.read_text(encoding="utf-8")
        new = dotted.sub(lambda m: MOVES[m.group(1)], text)
        new = pathed.sub(lambda m: MOVES[m.group(1).replace("/", ".")].replace(".", "/"), new)

        def regroup(m):
            names = [n.strip() for n in m.group(3).split(",")]
            targets = {MOVES.get(f"{m.group(2)}.{n}", f"{m.group(2)}.{n}").rsplit(".", 1)[0] for n in names}
            if len(targets) != 1:
                print(f"CHECK {name}: {m.group(0).strip()}", file=sys.stderr)
                return m.group(0)
            return f"{m.group(1)}from {targets.pop()} import {m.group(3)}{m.group(4)}"
        new = from_import.sub(regroup, new)
        if new != text:
            path.write_text(new, encoding="utf-8")


def fix_packages() -> None:
    """pyproject's package list: every package under pipelines/ and flows/, then lexicons and sql."""
    found = sorted(".".join(p.parent.parts) for root in ("pipelines", "flows") for p in Path(root).rglob("__init__.py"))
    listed = ", ".join(f'"{name}"' for name in [*found, "lexicons", "sql"])
    path = Path("pyproject.toml")
    text = re.sub(r"^packages = \[.*?\]$", f"packages = [{listed}]", path.read_text(), flags=re.M | re.S)
    path.write_text(text)


if __name__ == "__main__":
    main()
    fix_packages()
