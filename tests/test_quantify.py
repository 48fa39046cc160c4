"""Adjusted classify and count (`pipelines.evaluation.quantify`)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.evaluation.quantify import adjusted_shares, adjusted_with_interval

RATES = np.array([[0.6, 0.3, 0.1],   # gold negative: 60 % labelled negative, 30 % neutral, 10 % positive
                  [0.1, 0.7, 0.2],
                  [0.0, 0.2, 0.8]])


def test_label_shares_made_by_known_rates_are_solved_back_to_the_true_shares():
    # 50 % negative, 30 % neutral, 20 % positive, labelled through RATES:
    # negative 0.5*0.6 + 0.3*0.1 = 0.33; neutral 0.5*0.3 + 0.3*0.7 + 0.2*0.2 = 0.40; positive 0.05 + 0.06 + 0.16 = 0.27
    observed = np.array([0.33, 0.40, 0.27])
    assert adjusted_shares(observed, RATES) == pytest.approx([0.5, 0.3, 0.2])


def test_shares_no_mix_explains_are_clipped_at_zero_and_renormalized():
    # all posts labelled positive: RATES.T @ s = (0, 0, 1) gives s1 = -s2 / 6, s2 = -4 s3 / 13, and
    # s3 = 39 / 29, so s = (2, -12, 39) / 29; the negative share clipped, (2, 0, 39) / 41
    assert adjusted_shares(np.array([0.0, 0.0, 1.0]), RATES) == pytest.approx([2 / 41, 0.0, 39 / 41])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0.05, 1.0), min_size=3, max_size=3),
       st.lists(st.lists(st.floats(0.0, 0.3), min_size=3, max_size=3), min_size=3, max_size=3))
def test_any_mix_labelled_through_any_diagonal_heavy_rates_is_recovered(mix, noise):
    shares = np.array(mix) / sum(mix)
    rates = np.eye(3) + np.array(noise)
    rates /= rates.sum(axis=1, keepdims=True)
    assert adjusted_shares(rates.T @ shares, rates) == pytest.approx(shares, abs=1e-9)


def test_stacks_of_groups_are_solved_one_by_one():
    observed = np.array([[0.33, 0.40, 0.27], [0.0, 0.0, 1.0]])
    stacked = adjusted_shares(observed, np.stack([RATES, RATES]))
    assert stacked == pytest.approx(np.stack([adjusted_shares(o, RATES) for o in observed]))


def test_the_interval_holds_the_estimate_and_covers_the_true_mix_about_as_often_as_it_says():
    rng = np.random.default_rng(7)
    truth = np.array([0.4, 0.45, 0.15])
    covered = 0
    for trial in range(200):
        confusion = np.stack([rng.multinomial(150, row) for row in RATES])  # 150 labelled posts per class
        labels = rng.multinomial(800, RATES.T @ truth)  # a year of 800 posts
        estimate, low, high = adjusted_with_interval(labels, confusion, draws=400, seed=trial)
        assert np.all(low <= estimate + 1e-12) and np.all(estimate <= high + 1e-12)
        covered += bool(low[0] <= truth[0] <= high[0])
    assert covered >= 180  # 95 % intervals: 190 expected; 180 leaves room for 200 trials' noise
