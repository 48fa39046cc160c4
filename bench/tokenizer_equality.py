"""Token-for-token equality of mipulse's tokenizer with spaCy's path and with an older revision.

    PYTHONPATH=. python bench/tokenizer_equality.py [--data 'GLOB'] [--against REV]

On every text of the data files: (1) `tokenize` against the same post tokenized with
every chunk sent through spaCy (`_spacy_chunks`), so the paths that skip spaCy are
checked; (2) against `tokenize` of `pipelines/text/tokenizer.py` at git revision REV (default
`main`), loaded from `git show` into a module of its own, given the text with its HTML
entities decoded (older revisions did not decode them); (3) `_SpacySplitter`'s pieces against
spaCy's own (`spacy_pieces`) on every distinct chunk of the texts and every stand-in chunk the affix
templates asked about, counting those it gave up on (spaCy's special-case matcher). Prints the counts
and the first differences; exits 1 on any difference.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import types

from bench import SHARED_DATA, data_files
from pipelines.text import tokenizer as current

DEFAULT_DATA = str(SHARED_DATA / "*" / "*.jsonl")


def load_texts(pattern: str) -> list[str]:
    texts = []
    for path in data_files(pattern):
        with open(path, encoding="utf-8") as f:
            texts.extend(json.loads(line)["text"] for line in f if line.strip())
    return texts


def module_at(revision: str) -> types.ModuleType:
    """The tokenizer module as it was at `revision` (`pipelines/text.py` before the folders by
    role), as a module."""
    for path in ("pipelines/text/tokenizer.py", "pipelines/text.py"):
        shown = subprocess.run(["git", "show", f"{revision}:{path}"], capture_output=True, text=True)
        if shown.returncode == 0:
            module = types.ModuleType(f"text_at_{revision}")
            exec(compile(shown.stdout, f"{revision}:{path}", "exec"), module.__dict__)
            return module
    raise SystemExit(f"no tokenizer module at {revision}")


def spacy_path_tokens(texts: list[str]) -> list[list[str]]:
    """Each text tokenized with all of its chunks through spaCy (one call for all chunks)."""
    chunked = [current._placeholders(t).split() for t in texts]
    distinct = list(dict.fromkeys(c for chunks in chunked for c in chunks if c not in current._PLACEHOLDER_CHUNKS))
    pieces = {**current._spacy_chunks(distinct), **current._PLACEHOLDER_CHUNKS}  # as `tokenize` has them
    return [current.mark_negation([tok for c in chunks for tok in pieces[c]]) for chunks in chunked]


def splitter_differences(texts: list[str]) -> int:
    """(3): run after `tokenize` has seen the texts, so that the affix templates' stand-ins are known."""
    chunks = {c for t in texts for c in current._placeholders(t).split() if c not in current._PLACEHOLDER_CHUNKS}
    stand_ins = {"".join(key) for key in current._AFFIX_TEMPLATES}
    distinct = sorted(chunks | stand_ins)
    expected: dict[str, list[str]] = {}
    for start in range(0, len(distinct), 5000):
        expected.update(current.spacy_pieces(distinct[start:start + 5000]))
    splitter = current._spacy_splitter()
    answered = {chunk: splitter.chunk_pieces(chunk) for chunk in distinct}
    differences = [c for c, pieces in answered.items() if pieces is not None and pieces != expected[c]]
    given_up = sum(pieces is None for pieces in answered.values())
    print(f"splitter vs spaCy: {len(distinct)} distinct chunks ({len(chunks)} of the texts, {len(stand_ins)} stand-ins),"
          f" {given_up} given up to spaCy, {len(differences)} differ")
    for chunk in differences[:10]:
        print(f"  {chunk!r}\n    spaCy    {expected[chunk]}\n    splitter {answered[chunk]}")
    return len(differences)


def compare(name: str, texts: list[str], expected: list[list[str]], actual: list[list[str]]) -> int:
    differences = [(t, e, a) for t, e, a in zip(texts, expected, actual, strict=True) if e != a]
    tokens = sum(map(len, actual))
    print(f"{name}: {len(texts)} texts, {tokens} tokens, {len(differences)} texts differ")
    for text, e, a in differences[:10]:
        print(f"  {text!r}\n    expected {e}\n    actual   {a}")
    return len(differences)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=DEFAULT_DATA)
    parser.add_argument("--against", default="main", help="git revision of the tokenizer to compare with")
    args = parser.parse_args()
    texts = load_texts(args.data)
    if not texts:
        sys.exit(f"no texts in {args.data}")
    actual = [current.tokenize(t) for t in texts]
    older = module_at(args.against)
    differences = compare("fast path vs spaCy path", texts, spacy_path_tokens(texts), actual)
    # Texts are decoded first: the older tokenizer may predate HTML entity decoding.
    differences += compare(f"tokenize vs {args.against}:pipelines/text/tokenizer.py on entity-decoded texts", texts,
                           [older.tokenize(current.decode_html_entities(t)) for t in texts], actual)
    differences += splitter_differences(texts)
    sys.exit(1 if differences else 0)


if __name__ == "__main__":
    main()
