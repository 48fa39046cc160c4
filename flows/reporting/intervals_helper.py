"""The texts of a run's input files prepared for the report's lexicon-aware intervals while the
Beam job runs, in a helper process the run starts before its job
(`flows.reporting.helper_process.helpers_started_early`).

The report prepares again (tokens, topics, anchors) the posts its replicate lexicons are counted
from: up to `intervals.MAX_POSTS` of them, ~2-4 s at 100,000 posts, after the job has prepared
every post. The preparation depends on the text alone (and the seeds), so this helper does it
meanwhile, on the core Beam's in-process runner leaves free (at the lowest CPU priority: only if it is
free, `lowest_priority`): `prepare_inputs` (its warm-up call)
reads the texts of the run's input files as the job does (`read_flat_records`, `canonical_text`)
and adds each distinct one to a `TextCounts`, in a thread. The report asks for them when it starts
(`save_prepared`): the thread stops where it is and the counts go to a file (numbers and UTF-8 bytes,
`save_counts`), which the report loads (`load_counts`) and hands to `lexicon_intervals`; the helper
then exits. A text the inputs did not hold (a post loaded by another run) or that the thread had not
reached is prepared by the report, as without the helper. The numbers are the same either way: a
text's row holds its own preparation's cells, whoever added it.
"""

from __future__ import annotations

import os
import threading
from typing import Any, Iterator

import numpy as np

from flows.reporting.intervals import TextCounts
from pipelines.config import SeedConfig, load_seeds
from pipelines.gc_passes import fewer_gc_passes
from pipelines.induction.bootstrap import CountRows
from pipelines.reading.posts import canonical_text
from pipelines.reading.readers import Unreadable, parse_columns, read_flat_records

_AHEAD: dict[str, Any] = {}  # "counts": the TextCounts, "thread", "stop"; "error" if the thread failed


def input_texts(files: list[str], input_format: str = "auto", columns: str | None = None) -> Iterator[str]:
    """The text of every record of the files that has one, as a run keeps it (`canonical_text`); a file
    that cannot be read ends its texts (the job rejects it)."""
    for path in files:
        try:
            with open(path, "rb") as stream:
                for _, record in read_flat_records(path, stream, input_format, parse_columns(columns)):
                    if not isinstance(record, Unreadable) and isinstance(record.get("text"), str):
                        yield canonical_text(record["text"])
        except OSError:
            continue


def prepare_inputs(files: list[str], input_format: str = "auto", columns: str | None = None) -> None:
    """Start adding the files' texts to this process's `TextCounts` (a thread); returns at once."""
    counts, stop = TextCounts(load_seeds()), threading.Event()

    def add_all() -> None:
        try:
            lowest_priority()
            with fewer_gc_passes():
                for text in input_texts(files, input_format, columns):
                    if stop.is_set():
                        return
                    counts.row(text)
        except Exception as exc:  # noqa: BLE001  (raised again by `save_prepared`)
            _AHEAD["error"] = exc

    thread = threading.Thread(target=add_all, name="prepare input texts", daemon=True)
    _AHEAD.update(counts=counts, thread=thread, stop=stop)
    thread.start()


def lowest_priority() -> None:
    """The calling thread's CPU priority at its lowest (Linux: nice 19, a thread's own): it then takes
    only a core nothing else wants. With none free (Beam's workers, another job on the machine) it
    would slow the run's job down, and the report prepares what it did not."""
    if hasattr(os, "nice"):
        os.nice(19)


def save_prepared(path: str) -> int:
    """Stop preparing, write what was prepared to `path` (`save_counts`); how many texts it holds."""
    if "thread" in _AHEAD:
        _AHEAD["stop"].set()
        _AHEAD["thread"].join()
    if "error" in _AHEAD:
        raise _AHEAD["error"]
    counts = _AHEAD["counts"] if "counts" in _AHEAD else TextCounts(load_seeds())
    save_counts(counts, path)
    return len(counts)


def save_counts(counts: TextCounts, path: str) -> None:
    """A TextCounts as one .npz file of numbers and UTF-8 bytes (no pickle): `load_counts` reads it."""
    arrays = {"rows": np.array([counts.counts.rows]),
              "made_with": np.array([counts.seeds_fingerprint, str(counts.with_bigrams)])}
    _put_strings(arrays, "texts", counts.texts())
    for table in CountRows.TABLES:
        keys, rows, columns = counts.counts.cells(table)
        # (term, anchor) keys of half pairs: their terms, then their anchors
        _put_strings(arrays, f"{table}.keys", [k for part in zip(*keys) for k in part] if table == "half_pairs" else keys)
        arrays[f"{table}.rows"] = np.frombuffer(rows, dtype=np.int32)
        arrays[f"{table}.columns"] = np.frombuffer(columns, dtype=np.int32)
    with open(path, "wb") as out:
        np.savez(out, **arrays)


def load_counts(path: str, seeds: SeedConfig) -> TextCounts | None:
    """The TextCounts `save_counts` wrote (the texts added to it later prepared with `seeds`), or None
    when it was made with other seeds."""
    with np.load(path, allow_pickle=False) as saved:
        fingerprint, with_bigrams = saved["made_with"].tolist()
        if fingerprint != seeds.fingerprint:
            return None
        cells = {}
        for table in CountRows.TABLES:
            keys = _strings(saved, f"{table}.keys")
            if table == "half_pairs":
                keys = list(zip(keys[:len(keys) // 2], keys[len(keys) // 2:]))
            cells[table] = (keys, saved[f"{table}.rows"].tobytes(), saved[f"{table}.columns"].tobytes())
        return TextCounts(seeds, with_bigrams == "True", _strings(saved, "texts"),
                          CountRows(int(saved["rows"][0]), cells))


def _put_strings(arrays: dict[str, np.ndarray], name: str, strings: list[str]) -> None:
    """Strings as two arrays: their UTF-8 bytes one after another, and where each starts (and the last ends)."""
    encoded = [s.encode("utf-8", "surrogatepass") for s in strings]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum(np.array([len(e) for e in encoded], dtype=np.int64), out=offsets[1:])
    arrays[f"{name}.utf8"], arrays[f"{name}.at"] = np.frombuffer(b"".join(encoded), dtype=np.uint8), offsets


def _strings(saved: Any, name: str) -> list[str]:
    data, offsets = saved[f"{name}.utf8"].tobytes(), saved[f"{name}.at"].tolist()
    return [data[start:end].decode("utf-8", "surrogatepass") for start, end in zip(offsets, offsets[1:])]
