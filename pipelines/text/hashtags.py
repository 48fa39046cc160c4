"""Hashtags into words: CamelCase boundaries, digit runs, then dictionary segmentation.

All-lowercase tags (`#savetheplanet`) are split by the most probable sequence of known
words (Viterbi over unigram log-probabilities, as in Norvig's `segment`). The word list
is spaCy's English lexeme probability table from `spacy-lookups-data`, an installed
dependency, so nothing is downloaded; it is loaded once per process, on the first tag
that needs it (from a cache of the words kept after the first time).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import math
import os
import re
import tempfile
from functools import lru_cache
from pathlib import Path

MIN_LOG_PROB = -15.0      # rarer words are mostly names and typos: never used as parts
MAX_WORD_CHARS = 20
MAX_TAG_CHARS = 40        # longer runs are left whole rather than guessed at
MIN_SEGMENT_CHARS = 5     # shorter runs are too ambiguous to split
WORD_PENALTY = 3.0        # added per word: prefer fewer, longer words
# The only words under three letters allowed as parts; others ('th', 'rg') make junk splits.
SHORT_WORDS = frozenset("a i am an as at be by do go he if in is it me my no of on or so to up us we".split())
# Digits stay glued to the letters before them: CO2, COP26, COVID19 are single terms.
_CAMEL_RE = re.compile(r"[A-Z]+\d*(?![a-z])|[A-Z]?[a-z]+\d*|\d+|[^\W\d_]+")


def split_hashtag(tag: str) -> list[str]:
    """`#ClimateChange` -> ['climate', 'change']; `#savetheplanet` -> ['save', 'the', 'planet'].

    A tag that is one known word, or cannot be split into known words, yields itself.
    """
    words: list[str] = []
    for part in _CAMEL_RE.findall(tag.lstrip("#")):
        lower = part.lower()
        # An all-capital part is an acronym (COVID, NASA): never segmented.
        splittable = lower.isalpha() and lower.isascii() and not (part.isupper() and len(part) > 1)
        words.extend(segment(lower) if splittable else [lower])
    return words


def segment(run: str) -> list[str]:
    """The most probable split of a lowercase run into known words, or [run] if none."""
    costs = word_costs()
    if len(run) < MIN_SEGMENT_CHARS or len(run) > MAX_TAG_CHARS or run in costs:
        return [run]
    best = [0.0] + [math.inf] * len(run)
    back = [0] * (len(run) + 1)
    # From each end of a split found (in order, so its best split is known), every word that starts there.
    # Each end's candidates are met in the order of their starts: of equal costs the earliest start wins.
    for start in range(len(run)):
        if best[start] == math.inf:  # no split ends here: no word can follow
            continue
        for end in range(start + 1, min(start + MAX_WORD_CHARS, len(run)) + 1):
            cost = costs.get(run[start:end])
            if cost is not None and best[start] + cost + WORD_PENALTY < best[end]:
                best[end], back[end] = best[start] + cost + WORD_PENALTY, start
    if math.isinf(best[-1]):
        return [run]
    words, end = [], len(run)
    while end:
        words.append(run[back[end]:end])
        end = back[end]
    return words[::-1]


@lru_cache(maxsize=1)
def word_costs() -> dict[str, float]:
    """Lowercase ASCII word -> -log probability, from spaCy's English lexeme table.

    Parsing the whole table takes 1-3 s; the 36k words kept are cached as JSON under the user's
    cache folder (`cached_costs_path`), which every later process (and every Beam worker) reads
    in a few milliseconds. A missing, stale or unreadable cache is rebuilt from the table.
    """
    from spacy_lookups_data import en

    path = Path(en["lexeme_prob"])
    if not path.exists():
        path = path.with_name(path.name + ".gz")
    cache = cached_costs_path(path)
    try:
        return json.loads(cache.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    costs = _costs_from_table(path)
    _write_atomically(cache, json.dumps(costs))
    return costs


def cached_costs_path(table: Path) -> Path:
    """Where the word costs of `table` are cached: named by the table's path, size and time and by
    the rules that pick the words, so a new table or new rules never read an old cache."""
    stat = table.stat()
    key = repr((str(table), stat.st_size, stat.st_mtime_ns, MIN_LOG_PROB, sorted(SHORT_WORDS)))
    root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return root / "mipulse" / f"hashtag-word-costs-{hashlib.sha256(key.encode()).hexdigest()[:16]}.json"


def _costs_from_table(path: Path) -> dict[str, float]:
    with gzip.open(path, "rt", encoding="utf-8") if path.suffix == ".gz" else open(path, encoding="utf-8") as f:
        table = json.load(f)
    costs: dict[str, float] = {}
    for word, log_prob in table.items():
        lower = word.lower()
        if log_prob < MIN_LOG_PROB or not (lower.isalpha() and lower.isascii()):
            continue
        if len(lower) < 3 and lower not in SHORT_WORDS:
            continue
        costs[lower] = min(costs.get(lower, math.inf), -log_prob)
    return costs


def _write_atomically(path: Path, text: str) -> None:
    """Write through a temporary file and a rename (concurrent workers never read half a file);
    a cache that cannot be written is only a slower next start."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    except OSError:
        return
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(temporary, path)
    except OSError:
        Path(temporary).unlink(missing_ok=True)
