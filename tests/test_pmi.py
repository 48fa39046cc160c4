"""PMI, nPMI and PPMI on a hand-computed five-post corpus, plus properties."""

import math

import numpy as np
import pytest
from hypothesis import given, strategies as st
from nltk.metrics.association import BigramAssocMeasures

from pipelines.induction.pmi import (NPMI_NEVER_COOCCUR, PMI_NEVER_COOCCUR, CountError, Smoothing,
                           npmi, npmi_array, pmi, ppmi)

# Five posts (document presence): P1 {a b c}, P2 {a b}, P3 {a c}, P4 {b d}, P5 {c d}.
# N = 5; c(a) = c(b) = c(c) = 3, c(d) = 2; c(a,b) = 2, c(b,d) = 1, c(a,d) = 0, c(c,d) = 1.
N = 5


def test_pmi_of_a_and_b_by_hand():
    # p(a,b) = 2/5, p(a) = p(b) = 3/5: PMI = log2(0.4 / 0.36) = log2(10/9)
    assert pmi(2, 3, 3, N) == pytest.approx(0.15200309344504995, abs=1e-12)
    assert pmi(2, 3, 3, N) == pytest.approx(math.log2(10 / 9))


def test_npmi_of_a_and_b_by_hand():
    # nPMI = log2(10/9) / -log2(2/5) = 0.152003 / 1.321928
    assert npmi(2, 3, 3, N) == pytest.approx(0.152003093445 / 1.321928094887, rel=1e-9)


def test_negative_association_b_and_d():
    # p(b,d) = 1/5, p(b) = 3/5, p(d) = 2/5: PMI = log2(0.2 / 0.24) = log2(5/6)
    assert pmi(1, 3, 2, N) == pytest.approx(-0.2630344058337938)
    assert npmi(1, 3, 2, N) == pytest.approx(-0.2630344058337938 / 2.321928094887362)
    assert ppmi(1, 3, 2, N) == 0.0


def test_never_cooccurring_pair_a_and_d():
    assert pmi(0, 3, 2, N) == PMI_NEVER_COOCCUR == float("-inf")
    assert npmi(0, 3, 2, N) == NPMI_NEVER_COOCCUR == -1.0
    assert ppmi(0, 3, 2, N) == 0.0


def test_term_always_with_anchor_has_npmi_one():
    # d occurs only in posts that hold d: nPMI(d, d) = 1
    assert npmi(2, 2, 2, N) == pytest.approx(1.0)


@pytest.mark.parametrize("c_xy,c_x,c_y", [(2, 3, 3), (1, 3, 2), (1, 3, 3), (2, 2, 3)])
def test_pmi_equals_nltk_on_same_counts(c_xy, c_x, c_y):
    assert pmi(c_xy, c_x, c_y, N) == pytest.approx(BigramAssocMeasures.pmi(c_xy, (c_x, c_y), N))


def test_add_k_smoothing_by_hand():
    # k = 1: p(a,b) = 3/6, p(a) = p(b) = 4/6: PMI = log2(0.5 / (4/9)) = log2(1.125)
    assert pmi(2, 3, 3, N, Smoothing(k=1)) == pytest.approx(math.log2(1.125))
    # a never-seen pair is finite once smoothed: p = 1/6, p(a) = 4/6, p(d) = 3/6
    assert pmi(0, 3, 2, N, Smoothing(k=1)) == pytest.approx(math.log2((1 / 6) / ((4 / 6) * (3 / 6))))


def test_context_distribution_smoothing_by_hand():
    # alpha = 0.75 raises p(y): p(b) = 0.6 ** 0.75
    expected = math.log2(0.4 / (0.6 * 0.6 ** 0.75))
    assert pmi(2, 3, 3, N, Smoothing(alpha=0.75)) == pytest.approx(expected)


@pytest.mark.parametrize("bad", [dict(k=-1), dict(k=float("nan")), dict(alpha=0), dict(alpha=1.5)])
def test_bad_smoothing_parameters_are_refused(bad):
    with pytest.raises(ValueError):
        Smoothing(**bad)


@pytest.mark.parametrize("counts", [(4, 3, 3, 5), (-1, 3, 3, 5), (1, 6, 3, 5), (1, 1, 1, 0)])
def test_inconsistent_counts_raise(counts):
    with pytest.raises(CountError):
        pmi(*counts)


@st.composite
def corpus_counts(draw, n=None):
    n = draw(st.integers(1, 10_000)) if n is None else n
    c_x = draw(st.integers(0, n))
    c_y = draw(st.integers(0, n))
    c_xy = draw(st.integers(max(0, c_x + c_y - n), min(c_x, c_y)))
    return c_xy, c_x, c_y, n


@given(corpus_counts(), st.sampled_from([Smoothing(), Smoothing(k=0.5), Smoothing(alpha=0.75)]))
def test_npmi_stays_in_range_and_ppmi_is_non_negative(counts, smoothing):
    assert -1.0 <= npmi(*counts, smoothing) <= 1.0
    assert ppmi(*counts, smoothing) >= 0.0


@given(corpus_counts())
def test_pmi_is_symmetric_without_context_smoothing(counts):
    c_xy, c_x, c_y, n = counts
    assert pmi(c_xy, c_x, c_y, n) == pytest.approx(pmi(c_xy, c_y, c_x, n))


@given(st.integers(1, 10_000).flatmap(lambda n: st.lists(corpus_counts(n), min_size=0, max_size=40).map(
    lambda counts: (counts, n))))
def test_npmi_of_arrays_equals_npmi_of_each_count_to_the_last_bit(counts_and_n):
    # the lexicon computes its associations as arrays: the values (and so its version, a hash
    # of them) must be those of `npmi`, bit for bit, including the clamped and -0.0 cases
    counts, n = counts_and_n
    expected = [npmi(c_xy, c_x, c_y, n) for c_xy, c_x, c_y, _ in counts]
    got = npmi_array(*(np.array([c[k] for c in counts], dtype=np.int64) for k in range(3)), n).tolist()
    assert [v.hex() for v in got] == [v.hex() for v in expected]


@pytest.mark.parametrize("counts", [(4, 3, 3, 5), (-1, 3, 3, 5), (1, 6, 3, 5), (1, 3, 6, 5), (2, 3, 1, 5),
                                    (1, 1, 1, 0), (0, 0, 0, 0), (0, -1, 0, 5)])
def test_npmi_of_arrays_refuses_inconsistent_counts_as_npmi_does(counts):
    c_xy, c_x, c_y, n = counts
    with pytest.raises(CountError):
        npmi(*counts)
    with pytest.raises(CountError):
        npmi_array(np.array([1, c_xy]), np.array([1, c_x]), np.array([1, c_y]), n)
