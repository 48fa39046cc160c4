"""Class shares of a corpus corrected for the classifier's errors: adjusted classify and count.

A share of posts *labelled* negative is pulled toward the class mix the calibration was fitted on
(bench/README.md, "Label shares and the true class mix"): with P(label = j | class = i) = R[i, j],
the expected label shares are ``R.T @ s`` for true shares ``s``. Given R, counted on labelled posts
like the corpus's, the true shares are solved back (Forman 2008, "adjusted classify and count";
Hopkins & King 2010). R does not carry over between kinds of posts, so it is only ever counted
on posts the user labelled (docs/intervals.md).
"""

from __future__ import annotations

import numpy as np

#: gold posts each class needs before its row of the confusion matrix is trusted
MIN_POSTS_PER_CLASS = 20
#: bootstrap draws behind an adjusted share's interval
DRAWS = 1000


def adjusted_shares(observed: np.ndarray, rates: np.ndarray) -> np.ndarray:
    """The shares s (non-negative, summing to 1) that best explain the label shares `observed`
    through the confusion rates (rows gold, each summing to 1): least squares of rates.T @ s =
    observed, clipped at 0 and renormalized. Broadcasts over leading axes of both (stacks)."""
    solved = np.einsum("...ij,...j->...i", np.linalg.pinv(np.swapaxes(rates, -1, -2)), observed)
    solved = np.clip(solved, 0.0, None)
    return solved / solved.sum(axis=-1, keepdims=True)


def adjusted_with_interval(label_counts: np.ndarray, confusion: np.ndarray, draws: int = DRAWS,
                           seed: int = 0, level: float = 0.95) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(shares, low, high) of one group of posts: its label counts adjusted through the confusion
    counts, and a percentile bootstrap interval that redraws both the group's labels
    (multinomial, its own shares) and each gold class's labels (multinomial, that row's rates)."""
    label_counts, confusion = np.asarray(label_counts, dtype=float), np.asarray(confusion, dtype=float)
    rates = confusion / confusion.sum(axis=1, keepdims=True)
    n, observed = label_counts.sum(), label_counts / label_counts.sum()
    rng = np.random.default_rng(seed)
    observed_draws = rng.multinomial(int(n), observed, size=draws) / n
    rate_draws = np.stack([rng.multinomial(int(row_n), row, size=draws) / row_n
                           for row_n, row in zip(confusion.sum(axis=1), rates)], axis=1)
    replicated = adjusted_shares(observed_draws, rate_draws)
    tail = (1.0 - level) / 2 * 100
    return (adjusted_shares(observed, rates), np.nanpercentile(replicated, tail, axis=0),
            np.nanpercentile(replicated, 100 - tail, axis=0))
