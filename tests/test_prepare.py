"""PostPreparer as Beam ships it to a stage: pickled and unpickled."""

import pickle

from pipelines.config import load_seeds
from pipelines.text.prepare import PostPreparer

POST = {"text": "I don't love the smog, but the forest is beautiful :) #ClimateChange", "month": "2020-01"}


def test_a_pickled_preparer_prepares_posts_alike_and_ships_only_its_settings():
    for with_bigrams in (False, True):
        preparer = PostPreparer(load_seeds(), with_bigrams)
        shipped = pickle.dumps(preparer)
        # the anchor index (thousands of prior words) is rebuilt from the seed settings, not shipped
        assert len(shipped) < len(pickle.dumps(preparer.seeds)) + 1_000
        copy = pickle.loads(shipped)
        assert copy.with_bigrams is with_bigrams
        assert copy(POST, ["positive"]) == preparer(POST, ["positive"])


def test_the_anchor_index_is_built_once_per_process_for_a_seed_configuration():
    from pipelines.induction.anchors import anchor_index

    assert anchor_index(load_seeds()) is anchor_index(load_seeds())
