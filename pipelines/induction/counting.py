"""Document-presence counts keyed by `Partition` (month, platform).

Counts are additive: any window's PMI is a sum of its (month, platform) parts. Only
term x anchor pairs are counted, never all pairs of terms. `count_post` adds one post's counts;
the job runs it in Beam (`pipelines.induction.transforms.CountPresence`), the calibration and the
tests in one process (`pipelines.induction.lexicon_local`). The job keys its counts by (month,
platform, source_file) (`FilePartition`), so a load can replace exactly the counts of the files a
run read while the other files' counts of the same months stay; the lexicon sums over every
partition anyway.
"""

from __future__ import annotations

from array import array
from collections import Counter, defaultdict
from itertools import product
from typing import Hashable, Iterable, NamedTuple

import numpy as np
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


def count_post(counters: Counters, post: dict, key: PartitionKey = Partition) -> None:
    """Add one post's presence counts under its `key` (Partition or FilePartition); the post
    carries that key's fields, terms and anchors.

    Pairs: every term with each of ``paired_anchors``, plus the post's ``half_pairs``
    (`pipelines.induction.anchors.PostAnchors`); a post without those fields (made by hand) pairs
    every term with every anchor.
    """
    partition = key._make(map(post.__getitem__, key._fields))
    terms, anchors = post["terms"], post["anchors"]
    counters[TOTALS][partition][None] += 1
    counters[TERMS][partition].update(terms)
    if anchors:
        counters[ANCHORS][partition].update(anchors)
        pairs = counters[PAIRS][partition]
        pairs.update(product(terms, post.get("paired_anchors", anchors)))  # (term, anchor) tuples made in C
        pairs.update(post.get("half_pairs", ()))


def merge_counters(parts: Iterable[Counter]) -> Counter:
    """Sum Counters (the first one is reused as the accumulator)."""
    total: Counter = Counter()
    for part in parts:
        total.update(part)
    return total


class _Ids(dict):
    """key -> its index in ``keys``, a new key given the next index (``ids[key]`` never fails)."""

    def __init__(self, keys: list):
        super().__init__()
        self.in_order = keys

    def __missing__(self, key: Hashable) -> int:
        self[key] = index = len(self.in_order)
        self.in_order.append(key)
        return index


class _CellIds(dict):
    """One partition's anchor -> its cell's index in ``cells`` (a new anchor's cell is appended there)."""

    def __init__(self, partition: Hashable, cells: list[tuple[Hashable, str]]):
        super().__init__()
        self.partition, self.cells = partition, cells

    def __missing__(self, anchor: str) -> int:
        self[anchor] = index = len(self.cells)
        self.cells.append((self.partition, anchor))
        return index


class PresenceCounts:
    """`count_post` over many posts (a Beam bundle's), with the same Counters out of `drain`.

    Most of a post's counts are its (term, paired anchor) pairs, its terms times its paired
    anchors (~45 per post, ~9 million per 200,000 posts): one Counter entry per pair costs
    ~0.4 µs, most of it a new tuple and a cache miss in a dict of millions of them. Here a
    post adds only the ids of its terms and of its paired anchors' cells (partition, anchor),
    and the pairs are summed by one sparse product, df(term, cell) = sum over posts of
    x[post, term] x[post, cell] (x: how often the post holds it), folded in now and then
    (`pair_entries`); tuples are made once per distinct pair, by `drain`. Totals, terms,
    anchors and the few half pairs (`PostAnchors.half_pairs`) are counted as `count_post`
    counts them.
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
        self._cell_ids: dict[Partition | FilePartition, _CellIds] = {}  # partition -> {anchor: cell id}
        self._summed: sparse.csr_matrix | None = None  # terms x cells: the pairs folded in so far
        self._new_posts()

    def _new_posts(self) -> None:
        """Empty the posts not folded in yet: their term and cell ids, and how many of each a post has."""
        self._post_terms, self._post_cells = array("q"), array("q")
        self._terms_per_post, self._cells_per_post = array("q"), array("q")

    def add(self, post: dict) -> None:
        """Count one post, as `count_post` would."""
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
                cells = self._cell_ids[partition] = _CellIds(partition, self._cells)
            self._post_terms.extend(map(self._term_ids.__getitem__, terms))
            self._post_cells.extend(map(cells.__getitem__, paired))
            self._terms_per_post.append(len(terms))
            self._cells_per_post.append(len(paired))
            counters[PAIRS][partition].update(post.get("half_pairs", ()))

    def pair_entries(self) -> int:
        """Distinct pairs counted so far (the posts added since the last call folded in); a pair
        that is a half pair and a paired anchor's too counts twice (never in a job: no half anchor
        is paired)."""
        self._fold()
        summed = 0 if self._summed is None else self._summed.nnz
        return summed + sum(map(len, self._counters[PAIRS].values()))

    def drain(self) -> Counters:
        """The counts of every post added since the last drain, as `count_post` gives them; starts afresh."""
        self._fold()
        counters, summed, terms, cells = self._counters, self._summed, self._terms, self._cells
        self._start()
        if summed is not None:
            for partition, pairs in pair_counters(summed.tocoo(), terms, cells).items():
                pairs.update(counters[PAIRS][partition])  # the half pairs (another anchor: no key in common)
                counters[PAIRS][partition] = pairs
        return counters

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


def pair_counters(pairs: sparse.coo_matrix, terms: list[str], cells: list[tuple[Hashable, str]]
                  ) -> dict[Hashable, Counter]:
    """Summed pairs (terms x cells, a cell a (partition, anchor)) -> {partition: Counter {(term,
    anchor): df}} of the non-zero ones, each partition's ordered by cell, then term."""
    partitions = _Ids([])
    partition_of_cell = np.fromiter((partitions[partition] for partition, _ in cells), dtype=np.int64,
                                    count=len(cells))
    present = pairs.data != 0
    rows, columns, values = pairs.row[present], pairs.col[present], pairs.data[present]
    if not len(values):
        return {}
    order = np.lexsort((rows, columns, partition_of_cell[columns]))
    rows, columns, values = rows[order], columns[order], values[order]
    partition_of_entry = partition_of_cell[columns]
    ends = (np.flatnonzero(np.diff(partition_of_entry)) + 1).tolist()
    starts, ends = [0, *ends], [*ends, len(values)]
    keys = list(zip(map(terms.__getitem__, rows.tolist()), [cells[cell][1] for cell in columns.tolist()]))
    counts = values.tolist()
    return {partitions.in_order[partition_of_entry[start]]: Counter(dict(zip(keys[start:end], counts[start:end])))
            for start, end in zip(starts, ends)}
