"""Association measures over document-presence counts.

Every scorer takes the same arguments, the way nltk's association measures do:
``c_xy`` posts containing both x and y, ``c_x`` and ``c_y`` posts containing each,
``n`` posts in all; plus the smoothing options. Counting lives elsewhere.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

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
    if s is NO_SMOOTHING:  # the lexicon's millions of calls: the same values without the smoothing steps
        if not (n > 0 and 0 <= c_xy <= c_x <= n and c_xy <= c_y <= n):
            raise CountError(f"inconsistent counts c_xy={c_xy} c_x={c_x} c_y={c_y} n={n}")
        p_xy, p_x, p_y = c_xy / n, c_x / n, c_y / n
    else:
        p_xy, p_x, p_y = _probabilities(c_xy, c_x, c_y, n, s)
    if p_xy == 0:
        return NPMI_NEVER_COOCCUR
    if p_xy >= 1:
        return 1.0  # both occur in every post: perfectly associated
    value = math.log2(p_xy / (p_x * p_y)) / -math.log2(p_xy)
    return min(1.0, max(-1.0, value))  # clamp float noise and alpha<1 overshoot


def ppmi(c_xy: float, c_x: float, c_y: float, n: float, s: Smoothing = NO_SMOOTHING) -> float:
    """Positive PMI, max(PMI, 0) (Levy, Goldberg & Dagan 2015)."""
    return max(pmi(c_xy, c_x, c_y, n, s), 0.0)
