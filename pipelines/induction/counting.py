"""Document-presence counts keyed by `Partition` (month, platform).

Counts are additive: any window's PMI is a sum of its (month, platform) parts. Only
term x anchor pairs are counted, never all pairs of terms. `PresenceCounts` counts posts, their
pairs summed by a sparse product: the job per bundle (`pipelines.induction.transforms.CountPresence`),
the calibration and the tests in one process (`count_posts`, `pipelines.induction.lexicon_local`).
The job keys its counts by (month, platform, source_file) (`FilePartition`), so a load can replace
exactly the counts of the files a run read while the other files' counts of the same months stay;
the lexicon sums over every partition anyway: the large tables (terms, pairs) as Arrow tables
(`counts_table`, `summed_counts`), since a Counter's update costs ~1 µs a cell on real vocabulary
(10.7 million pair cells per 500,000 real posts).
"""

from __future__ import annotations

from array import array
from collections import Counter, defaultdict
from typing import Hashable, Iterable, Mapping, NamedTuple

import numpy as np
import pyarrow as pa
from scipy import sparse

TOTALS = "totals"
TERMS = "terms"
ANCHORS = "anchors"
PAIRS = "pairs"
TABLES = (TOTALS, TERMS, ANCHORS, PAIRS)


class Partition(NamedTuple):
    """The part of the corpus a count belongs to; its fields are the post fields it is read from."""

    month: str
    platform: str


class FilePartition(NamedTuple):
    """A `Partition` of one input file: the job's count tables, so that a load can replace the
    counts of exactly the files a run read."""

    month: str
    platform: str
    source_file: str


PartitionKey = type[Partition] | type[FilePartition]
Counters = dict[str, dict[Partition | FilePartition, Counter]]


def new_counters() -> Counters:
    """Per table, per partition: a Counter (totals count under the key None)."""
    return {table: defaultdict(Counter) for table in TABLES}


def count_posts(posts: Iterable[dict], key: PartitionKey = Partition) -> Counters:
    """The presence counts of posts under their `key` (Partition or FilePartition); each post
    carries that key's fields, terms and anchors (`PresenceCounts`, as the job counts a bundle).

    Pairs: every term with each of ``paired_anchors``, plus the post's ``half_pairs``
    (`pipelines.induction.anchors.PostAnchors`); a post without those fields (made by hand) pairs
    every term with every anchor.
    """
    counts = PresenceCounts(key)
    for post in posts:
        counts.add(post)
    return counts.drain()


#: the Arrow columns of a count table's key (`counts_table`), its count column named COUNT
KEY_COLUMNS = {TERMS: ("term",), ANCHORS: ("anchor",), PAIRS: ("term", "anchor")}
COUNT = "df"


def counts_table(counter: Mapping, table: str) -> pa.Table:
    """One count table's Counter (TERMS, ANCHORS, PAIRS) as Arrow: its key's columns (KEY_COLUMNS,
    one per part of a tuple key) and COUNT."""
    names = KEY_COLUMNS[table]
    keys = [list(counter)] if len(names) == 1 else [[key[i] for key in counter] for i in range(len(names))]
    return pa.table({**{name: pa.array(column, pa.string()) for name, column in zip(names, keys)},
                     COUNT: pa.array(list(counter.values()), pa.int64())})


def summed_counts(tables: list[pa.Table]) -> pa.Table:
    """Count tables (`counts_table`) of one table as one: a row per distinct key, its COUNT summed.
    Integer sums are exact, so the result does not depend on the order of the tables."""
    table = pa.concat_tables(tables)
    keys = [name for name in table.column_names if name != COUNT]
    sums = table.group_by(keys, use_threads=False).aggregate([(COUNT, "sum")])
    # one chunk: a chunk of the group-by's output holds whole buffers of its input, which pickling
    # (Beam's coder) would copy once per chunk: 200 MB instead of 15 MB for 400,000 pairs
    return pa.table({**{key: sums[key] for key in keys}, COUNT: sums[f"{COUNT}_sum"]}).combine_chunks()


def summed_counter(counters: Iterable[Mapping], table: str) -> Counter:
    """Many partitions' Counters of one count table (TERMS, PAIRS) summed as the job sums them:
    `summed_counts` of their `counts_table`s, back as one Counter."""
    return table_counter(summed_counts([counts_table(counter, table) for counter in counters]
                                       or [counts_table({}, table)]))


def table_counter(table: pa.Table) -> Counter:
    """A count table (`counts_table`) as the Counter it was made of (keyed as the job's counts are)."""
    keys = [table[name].to_pylist() for name in table.column_names if name != COUNT]
    counter: Counter = Counter()
    dict.update(counter, zip(keys[0] if len(keys) == 1 else zip(*keys), table[COUNT].to_pylist()))
    return counter


def merge_counters(parts: Iterable[Counter]) -> Counter:
    """Sum Counters (the first one is reused as the accumulator)."""
    total: Counter = Counter()
    for part in parts:
        total.update(part)
    return total


class _Ids(dict):
    """key -> its index in ``in_order``, a new key given the next index (``ids[key]`` never fails);
    with ``within``, ``in_order`` gets (within, key): one partition's anchors, numbered among every
    partition's cells."""

    def __init__(self, in_order: list, within: Hashable = None):
        super().__init__()
        self.in_order, self.within = in_order, within

    def __missing__(self, key: Hashable) -> int:
        self[key] = index = len(self.in_order)
        self.in_order.append(key if self.within is None else (self.within, key))
        return index


class PresenceCounts:
    """The presence counts of many posts (a Beam bundle's; `count_posts`), as Counters out of `drain`.

    Most of a post's counts are its (term, paired anchor) pairs, its terms times its paired
    anchors (~45 per synthetic post): one Counter entry per pair costs ~0.4 µs, most of it a
    new tuple and a cache miss in a dict of millions of them, though the same pairs come again
    and again. Here a post adds only the ids of its terms and of its paired anchors' cells
    (partition, anchor), and the pairs are summed by a sparse product, df(term, cell) = sum
    over posts of x[post, term] x[post, cell] (x: how often the post holds it), folded in when
    `pairs_exceed` needs to know or at the drain; the tuples are made once per distinct pair,
    by `drain`. Totals, terms, anchors and the few half pairs (`PostAnchors.half_pairs`) are
    counted one by one.
    """

    def __init__(self, key: PartitionKey = Partition):
        self._key = key
        self._start()

    def _start(self) -> None:
        """No post counted yet."""
        self._counters = new_counters()
        self._terms: list[str] = []
        self._term_ids = _Ids(self._terms)
        self._cells: list[tuple[Partition | FilePartition, str]] = []  # cell id -> (partition, anchor)
        self._cell_ids: dict[Partition | FilePartition, _Ids] = {}  # partition -> {anchor: cell id}
        self._summed: sparse.csr_matrix | None = None  # terms x cells: the pairs folded in so far
        self._new_posts()

    def _new_posts(self) -> None:
        """Empty the posts not folded in yet: their term and cell ids, how many of each a post has,
        and how many pairs they make."""
        self._post_terms, self._post_cells = array("q"), array("q")
        self._terms_per_post, self._cells_per_post = array("q"), array("q")
        self._pending_pairs = 0

    def add(self, post: dict) -> None:
        """Count one post (see `count_posts`)."""
        partition = self._key._make(map(post.__getitem__, self._key._fields))
        terms, anchors = post["terms"], post["anchors"]
        counters = self._counters
        counters[TOTALS][partition][None] += 1
        counters[TERMS][partition].update(terms)
        if anchors:
            counters[ANCHORS][partition].update(anchors)
            paired = post.get("paired_anchors", anchors)
            cells = self._cell_ids.get(partition)
            if cells is None:
                cells = self._cell_ids[partition] = _Ids(self._cells, within=partition)
            self._post_terms.extend(map(self._term_ids.__getitem__, terms))
            self._post_cells.extend(map(cells.__getitem__, paired))
            self._terms_per_post.append(len(terms))
            self._cells_per_post.append(len(paired))
            self._pending_pairs += len(terms) * len(paired)
            counters[PAIRS][partition].update(post.get("half_pairs", ()))

    def pairs_exceed(self, limit: int) -> bool:
        """Whether more than `limit` pair entries are counted: the distinct pairs of paired anchors
        plus the distinct half pairs (a pair that is both counts twice: never in a job, where no
        half anchor is paired). Folds the posts added since the last fold in only when their pairs
        could take it past `limit`."""
        halves = sum(map(len, self._counters[PAIRS].values()))
        if self._entries() + self._pending_pairs + halves <= limit:
            return False
        self._fold()
        return self._entries() + halves > limit

    def drain(self) -> Counters:
        """The counts of every post added since the last drain; starts afresh."""
        self._fold()
        counters, summed, terms, cell_ids = self._counters, self._summed, self._terms, self._cell_ids
        self._start()
        if summed is not None:
            by_cell = summed.T.tocsr()
            for partition, cells in cell_ids.items():
                pairs = pair_counter(by_cell, terms, cells)
                pairs.update(counters[PAIRS][partition])  # the half pairs
                counters[PAIRS][partition] = pairs
        return counters

    def _entries(self) -> int:
        return 0 if self._summed is None else self._summed.nnz

    def _fold(self) -> None:
        """Add the pairs of the posts added since the last fold to the sums."""
        if not self._terms_per_post:
            return
        shape = (len(self._terms), len(self._cells))
        pairs = (presence_matrix(self._terms_per_post, self._post_terms, shape[0]).T
                 @ presence_matrix(self._cells_per_post, self._post_cells, shape[1])).tocsr()
        if self._summed is not None:
            self._summed.resize(shape)  # ids only ever grow
            pairs = pairs + self._summed
        self._summed = pairs
        self._new_posts()


def presence_matrix(per_row: array, columns: array, n_columns: int) -> sparse.csr_matrix:
    """rows x columns counts of ids: row i holds the next ``per_row[i]`` ids of ``columns``
    (an id twice in a row counts 2)."""
    indptr = np.zeros(len(per_row) + 1, dtype=np.int64)
    np.cumsum(np.frombuffer(per_row, dtype=np.int64), out=indptr[1:])
    indices = np.frombuffer(columns, dtype=np.int64)
    return sparse.csr_matrix((np.ones(len(indices), dtype=np.int64), indices, indptr),
                             shape=(len(per_row), n_columns))


def pair_counter(by_cell: sparse.csr_matrix, terms: list[str], cells: dict[str, int]) -> Counter:
    """One partition's summed pairs as a Counter {(term, anchor): df} of the non-zero ones, cell
    by cell: `by_cell` is cells x terms, ``cells`` that partition's {anchor: cell id}."""
    anchors = list(cells)
    counts = by_cell[list(cells.values())].tocoo()
    present = counts.data != 0
    keys = zip(map(terms.__getitem__, counts.col[present].tolist()),
               map(anchors.__getitem__, counts.row[present].tolist()))
    pairs = Counter()
    dict.update(pairs, zip(keys, counts.data[present].tolist()))  # distinct keys: no counting needed
    return pairs
