"""Association measures over document-presence counts.

Every scorer takes the same arguments, the way nltk's association measures do:
``c_xy`` posts containing both x and y, ``c_x`` and ``c_y`` posts containing each,
``n`` posts in all; plus the smoothing options. Counting lives elsewhere.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

#: PMI of a pair that never co-occurs (unsmoothed): log2(0) is minus infinity.
PMI_NEVER_COOCCUR = float("-inf")
#: nPMI of a pair that never co-occurs: the lower end of its range (Bouma 2009).
NPMI_NEVER_COOCCUR = -1.0


class CountError(ValueError):
    """Counts that cannot come from one corpus (negative, or a joint count above a marginal)."""


@dataclass(frozen=True)
class Smoothing:
    """Add-k smoothing of every count and context-distribution smoothing exponent alpha.

    ``alpha`` < 1 raises the probability of rare contexts (Levy, Goldberg & Dagan 2015
    use 0.75): p_alpha(y) = (c_y / n) ** alpha. ``alpha = 1`` and ``k = 0`` give plain PMI.
    """

    k: float = 0.0
    alpha: float = 1.0

    def __post_init__(self) -> None:
        if self.k < 0 or not math.isfinite(self.k):
            raise ValueError(f"add-k smoothing k must be a finite number >= 0, got {self.k}")
        if not 0 < self.alpha <= 1:
            raise ValueError(f"context smoothing alpha must be in (0, 1], got {self.alpha}")


NO_SMOOTHING = Smoothing()


def _probabilities(c_xy: float, c_x: float, c_y: float, n: float, s: Smoothing) -> tuple[float, float, float]:
    if n <= 0 or min(c_xy, c_x, c_y) < 0 or c_xy > min(c_x, c_y) or max(c_x, c_y) > n:
        raise CountError(f"inconsistent counts c_xy={c_xy} c_x={c_x} c_y={c_y} n={n}")
    total = n + s.k
    p_y = ((c_y + s.k) / total) ** s.alpha
    return (c_xy + s.k) / total, (c_x + s.k) / total, p_y


def pmi(c_xy: float, c_x: float, c_y: float, n: float, s: Smoothing = NO_SMOOTHING) -> float:
    """Pointwise mutual information, log2 p(x,y) / (p(x) p(y)) (Church & Hanks 1990).

    Returns PMI_NEVER_COOCCUR when the (smoothed) joint count is zero.
    """
    p_xy, p_x, p_y = _probabilities(c_xy, c_x, c_y, n, s)
    if p_xy == 0:
        return PMI_NEVER_COOCCUR
    return math.log2(p_xy / (p_x * p_y))


def npmi(c_xy: float, c_x: float, c_y: float, n: float, s: Smoothing = NO_SMOOTHING) -> float:
    """Normalized PMI, PMI / -log2 p(x,y), in [-1, 1] (Bouma 2009).

    -1: never together (NPMI_NEVER_COOCCUR); 0: independent; 1: always together.
    """
    p_xy, p_x, p_y = _probabilities(c_xy, c_x, c_y, n, s)
    if p_xy == 0:
        return NPMI_NEVER_COOCCUR
    if p_xy >= 1:
        return 1.0  # both occur in every post: perfectly associated
    value = math.log2(p_xy / (p_x * p_y)) / -math.log2(p_xy)
    return min(1.0, max(-1.0, value))  # clamp float noise and alpha<1 overshoot


def npmi_array(c_xy: np.ndarray, c_x: np.ndarray, c_y: np.ndarray, n: int) -> np.ndarray:
    """`npmi` without smoothing of arrays of counts, element by element, to the last bit: the
    same divisions, products and clamps in numpy, and every logarithm by `math.log2` (numpy's
    own may differ in the last bit, from one CPU to another). The lexicon's hundreds of
    thousands of associations in one call."""
    c_xy, c_x, c_y = (np.asarray(c) for c in (c_xy, c_x, c_y))
    wrong = ~((0 <= c_xy) & (c_xy <= c_x) & (c_x <= n) & (c_xy <= c_y) & (c_y <= n))
    if n <= 0 or wrong.any():
        i = int(np.argmax(wrong)) if wrong.size else None
        at = "" if i is None else f"c_xy={c_xy.flat[i]} c_x={c_x.flat[i]} c_y={c_y.flat[i]} "
        raise CountError(f"inconsistent counts {at}n={n}")
    p_xy, p_x, p_y = c_xy / n, c_x / n, c_y / n
    value = np.full(p_xy.shape, NPMI_NEVER_COOCCUR)
    value[p_xy >= 1] = 1.0
    inside = (p_xy > 0) & (p_xy < 1)
    log2 = np.frompyfunc(math.log2, 1, 1)
    ratio = log2(p_xy[inside] / (p_x[inside] * p_y[inside])).astype(float)
    value[inside] = ratio / -log2(p_xy[inside]).astype(float)
    value = np.where(value > -1.0, value, -1.0)  # max(-1.0, value), as `npmi` clamps
    return np.where(value < 1.0, value, 1.0)  # then min(1.0, ...)


def whole_counts(values) -> np.ndarray:
    """Counts as an int64 array, refusing fractional ones (a bootstrap's weighted counts are
    whole numbers held as floats: converted exactly)."""
    array = np.asarray(values)
    if array.dtype.kind == "f" and not np.array_equal(array, np.trunc(array)):
        raise CountError("counts must be whole numbers")
    return array.astype(np.int64)


def ppmi(c_xy: float, c_x: float, c_y: float, n: float, s: Smoothing = NO_SMOOTHING) -> float:
    """Positive PMI, max(PMI, 0) (Levy, Goldberg & Dagan 2015)."""
    return max(pmi(c_xy, c_x, c_y, n, s), 0.0)
