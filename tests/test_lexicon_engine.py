"""The lexicon engine on hand-computed counts: corpus adaptation, shrinkage, distant labels,
supervised PMI differences; determinism; Beam equals the pure build; the lexicon file."""

from __future__ import annotations

import math
import random
import re
from collections import Counter

import apache_beam as beam
import numpy as np
import pyarrow.parquet as pq
import pytest
from apache_beam.testing.test_pipeline import TestPipeline as BeamTestPipeline  # a name pytest does not collect
from apache_beam.testing.util import assert_that, equal_to
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.induction.anchors import half_anchor, half_of
from pipelines.config import EMOTIONS, load_seeds
from pipelines.induction.induce import (
    ALL, ENGINE, Evidence, GeneralValues, LexiconSpec, Scales, TermMath, build_lexicon_from_counts,
    class_pmi_difference, fit_scales, general_entries, induction_spec, scale_sums,
    may_carry_sentiment, shrink, supervised_entry, term_evidence,
)
from pipelines.induction.lexicon import (
    GENERAL, METADATA_KEY, Lexicon, LexiconEntry, LexiconFileError, lexicon_file_bytes, read_lexicon)
from pipelines.induction.lexicon_local import build_local
from pipelines.induction.priors import emolex_emotions, polarity_of, vader_valences
from pipelines.induction.transforms import BuildLexicon, BuildLexicons, CacheWeighedLexicon, CountPresence
from pipelines.text.prepare import PostPreparer

SEEDS = load_seeds()
SPEC = LexiconSpec()


def one_term_evidence(term, df, pairs, anchors, n, valence=None, emotions=frozenset()):
    """`term_evidence` of one term: ``pairs`` its joint count per anchor."""
    valences = {} if valence is None else {term: valence}
    ev = term_evidence({term: df}, {(term, a): c for a, c in pairs.items()}, anchors, n, valences,
                       {term: emotions}, SPEC)
    assert ev.terms == (term,)
    return ev


def one_general_entry(term, df, valence=None, emotions=frozenset(), scales=Scales(), carrier=True, **evidence):
    """`general_entries` of one term with the given evidence, or None when it gets no entry."""
    priors = {"valence": [math.nan if valence is None else valence],
              "emotion_prior": [[1.0 if e in emotions else 0.0 for e in EMOTIONS] if emotions else [math.nan] * 8]}
    entries = general_entries(Evidence.of([term], [df], **priors, **{k: [v] for k, v in evidence.items()}),
                              scales, np.array([carrier]), SPEC)
    return entries[0] if entries else None


def npmi_by_hand(c_xy, c_x, c_y, n):
    if c_xy == 0:
        return -1.0
    p_xy = c_xy / n
    return math.log2(p_xy / ((c_x / n) * (c_y / n))) / -math.log2(p_xy)


# ---- corpus adaptation ------------------------------------------------------------------

def test_new_term_association_with_the_prior_classes():
    # 100 posts: 10 with a positive prior word, 10 with a negative one; 'thriving' in 8 posts,
    # 6 of them with a positive word, 1 with a negative one.
    anchors = {"sentiment:positive": 10, "sentiment:negative": 10}
    pairs = {"sentiment:positive": 6, "sentiment:negative": 1}
    ev = one_term_evidence("thriving", 8, pairs, anchors, 100)
    assert ev.adapted[0] == pytest.approx(npmi_by_hand(6, 8, 10, 100) - npmi_by_hand(1, 8, 10, 100))
    assert ev.adapted_support[0] == 7


def test_a_prior_word_is_measured_against_the_other_half_of_each_class():
    other = 1 - half_of("good")
    anchors = {"sentiment:positive": 30, "sentiment:negative": 20,
               half_anchor("sentiment:positive", other): 12, half_anchor("sentiment:negative", other): 9}
    # with the whole positive class 'good' co-occurs always (it is in it); with the other half 5 times
    pairs = {"sentiment:positive": 15, half_anchor("sentiment:positive", other): 5,
             half_anchor("sentiment:negative", other): 2}
    ev = one_term_evidence("good", 15, pairs, anchors, 200, valence=0.475)
    assert ev.adapted[0] == pytest.approx(npmi_by_hand(5, 15, 12, 200) - npmi_by_hand(2, 15, 9, 200))
    assert ev.adapted_support[0] == 7


def test_a_bootstraps_whole_counts_held_as_floats_give_the_same_evidence_and_fractions_are_refused():
    from pipelines.induction.pmi import CountError

    anchors = {"sentiment:positive": 10, "sentiment:negative": 10, "distant:positive": 4, "distant:negative": 6}
    pairs = {("sunny", "sentiment:positive"): 6, ("sunny", "sentiment:negative"): 1, ("sunny", "distant:positive"): 3}
    as_int = term_evidence({"sunny": 8}, pairs, anchors, 100, {}, {}, SPEC)
    as_float = term_evidence({"sunny": 8.0}, {k: float(v) for k, v in pairs.items()},
                             {k: float(v) for k, v in anchors.items()}, 100.0, {}, {}, SPEC)
    for column in ("adapted", "adapted_support", "distant", "distant_support", "emotions", "distant_emotions"):
        assert getattr(as_float, column).tolist() == getattr(as_int, column).tolist()
    with pytest.raises(CountError, match="whole numbers"):
        term_evidence({"sunny": 8}, {**pairs, ("sunny", "sentiment:positive"): 5.5}, anchors, 100, {}, {}, SPEC)


def test_emotion_association_is_centered_against_the_other_emotions():
    anchors = {f"emotion:{e}": 10 for e in EMOTIONS}
    pairs = {"emotion:fear": 4}
    ev = one_term_evidence("dread", 5, pairs, anchors, 80)
    fear, never = npmi_by_hand(4, 5, 10, 80), -1.0
    scores = dict(zip(EMOTIONS, ev.emotions[0]))
    assert scores["fear"] == pytest.approx(fear - never)
    assert scores["joy"] == pytest.approx(never - (fear + 6 * never) / 7)
    assert dict(zip(EMOTIONS, ev.emotion_support[0]))["fear"] == 4


def test_only_a_default_lexicon_of_this_engine_seeds_and_recorded_options_is_induced_again():
    """Replicates and the report's window lexicons are induced with the options the lexicon in force
    records (a run's --min-df included), and never for a lexicon they would not reproduce."""
    own = {"kind": "default", "seeds": SEEDS.fingerprint, "engine": ENGINE,
           "options": {**LexiconSpec().as_dict(), "min_df": 9, "sources": ["priors", "corpus"]}}
    assert induction_spec(own, SEEDS) == (LexiconSpec(min_df=9, sources=("priors", "corpus")), "")
    for change, why in (({"kind": "supervised"}, "it is a supervised lexicon, not one induced from the posts' counts"),
                        ({"kind": None}, "it is a hand-made lexicon, not one induced from the posts' counts"),
                        ({"seeds": "other"}, "it was induced with other seeds than mipulse's default ones"),
                        ({"engine": ENGINE - 1}, "an earlier version of mipulse's engine induced it"),
                        ({"options": None}, "an earlier version of mipulse's engine induced it")):
        metadata = {k: v for k, v in {**own, **change}.items() if v is not None}
        assert induction_spec(metadata, SEEDS) == (None, why)


def test_shrinkage_by_support():
    spec = LexiconSpec(shrink_new=20, shrink_prior=200)
    assert shrink(None, 0.8, 2, spec) == pytest.approx(0.8 * 2 / 22)  # seen with a seed twice: near 0
    assert shrink(None, 0.8, 380, spec) == pytest.approx(0.8 * 380 / 400)
    assert shrink(0.5, -0.5, 200, spec) == pytest.approx(0.0)  # a prior moves half way at M posts
    assert shrink(0.5, -0.5, 0, spec) == 0.5


def test_a_prior_moves_at_most_as_far_as_the_corpus_measure_fits_the_priors():
    spec = LexiconSpec(shrink_new=20, shrink_prior=200)
    assert shrink(0.5, -0.5, 200, spec, fit=0.25) == pytest.approx(0.5 - 0.25 * 1.0 * 200 / 400)
    assert shrink(0.5, -0.5, 10 ** 9, spec, fit=0.25) == pytest.approx(0.25)  # however many posts: a quarter of the way
    assert shrink(0.5, -0.5, 10 ** 9, spec, fit=0.0) == 0.5  # a measure unrelated to the priors moves none
    assert shrink(None, 0.8, 380, spec, fit=0.1) == pytest.approx(0.8 * 380 / 400)  # a new term: by support only


def test_scales_are_exact_least_squares():
    # base = a * association over prior words: (0.2 -> 0.5), (-0.4 -> -0.5): a = (0.1 + 0.2) / (0.04 + 0.16)
    scales = fit_scales({"adapted": [(0.2 * 0.5, 0.04, 0.25), (-0.4 * -0.5, 0.16, 0.25)]})
    assert scales.adapted == pytest.approx(1.5)
    # fit = (sum xy)^2 / (sum xx * sum yy) = 0.09 / (0.2 * 0.5)
    assert scales.adapted_fit == pytest.approx(0.9)
    assert scales.distant == 0.0 and scales.distant_fit == 0.0  # no evidence: the source adds nothing
    # a third prior word (0.5) the corpus finds no association for: the same scale, a worse fit
    unmoved = fit_scales({"adapted": [(0.1, 0.04, 0.25), (0.2, 0.16, 0.25), (0.0, 0.0, 0.25)]})
    assert unmoved.adapted == pytest.approx(1.5) and unmoved.adapted_fit == pytest.approx(0.09 / (0.2 * 0.75))


def test_priors_stay_where_the_corpus_measure_says_nothing_about_them_however_many_posts():
    """'good' (+0.5) and 'bad' (-0.5) both associate +0.2 with the positive words, a million posts each: the
    association does not tell them apart (sum xy = 0), so the scale and its fit are 0 and both keep their
    priors. Moving by support alone took both to the corpus value 0."""
    ev = Evidence.of(["good", "bad"], [10 ** 6, 10 ** 6], valence=[0.5, -0.5], adapted=[0.2, 0.2],
                     adapted_support=[10 ** 6, 10 ** 6])
    scales = fit_scales(scale_sums(ev))
    assert (scales.adapted, scales.adapted_fit) == (0.0, 0.0)
    entries = general_entries(ev, scales, np.array([True, True]), SPEC)
    assert [(e.term, e.sentiment) for e in entries] == [("good", 0.5), ("bad", -0.5)]


def test_emotion_fit_counts_every_emotion_a_prior_word_has_support_for():
    """'dread' (EmoLex: fear) with positive association 0.4 with fear, -0.2 with joy (positive part 0),
    support for both; 'calm' (no emotion prior) does not count; 'gloom' (sadness) has support for none."""
    fear, joy, sadness = (EMOTIONS.index(e) for e in ("fear", "joy", "sadness"))
    emotions, support, prior = np.zeros((3, 8)), np.zeros((3, 8), dtype=np.int64), np.full((3, 8), np.nan)
    emotions[0, fear], emotions[0, joy], support[0, fear], support[0, joy] = 0.4, -0.2, 6, 3
    emotions[1, joy], support[1, joy] = 0.5, 9
    prior[0], prior[2] = 0.0, 0.0
    prior[0, fear], prior[2, sadness] = 1.0, 1.0
    ev = Evidence.of(["dread", "calm", "gloom"], [10, 10, 10], emotion_prior=prior, emotions=emotions,
                     emotion_support=support)
    assert list(scale_sums(ev)) == ["emotion"] and scale_sums(ev)["emotion"] == [pytest.approx((0.4, 0.16, 1.0))]
    assert fit_scales(scale_sums(ev)).emotion_fit == pytest.approx(1.0)


def test_general_entry_of_a_new_term_and_of_a_prior_word():
    scales = Scales(adapted=2.0, adapted_fit=0.5)
    entry = one_general_entry("solar", 40, scales=scales, adapted=0.3, adapted_support=20)
    assert entry.sentiment == pytest.approx(0.6 * 20 / (20 + SPEC.shrink_new))
    assert entry.source == "corpus" and entry.support == 20
    weak = one_general_entry("rare", 6, scales=scales, adapted=0.3, adapted_support=1)
    assert weak is None  # 0.6 / 21 < min_value
    prior = one_general_entry("great", 90, 0.775, frozenset({"joy"}), scales, adapted=-0.2, adapted_support=50)
    assert prior.sentiment == pytest.approx(0.775 + 0.5 * (-0.4 - 0.775) * 50 / 250)
    assert dict(zip(EMOTIONS, prior.emotions))["joy"] == 1.0 and prior.source == "prior+corpus"


def test_cant_wait_takes_the_priors_of_eager():
    """VADER rates 'eager' 1.5 of 4 and EmoLex lists it with four emotions; neither lists "can't wait"."""
    assert vader_valences()["cant_wait"] == pytest.approx(1.5 / 4)
    assert emolex_emotions()["cant_wait"] == {"anticipation", "joy", "surprise", "trust"}
    assert polarity_of(vader_valences()["cant_wait"]) == "positive"


@pytest.mark.parametrize("term", ["97", "2015", "rt", "amp", "climate", "#climatechange", "good_NEG", "<url>", "x"])
def test_numbers_markup_and_query_terms_carry_no_corpus_sentiment(term):
    query = TermMath(SEEDS, SPEC).query_terms
    assert not may_carry_sentiment(term, 50, 1000, SPEC, query)


def test_topic_keywords_are_no_priors_either():
    # 'change' (of 'climate change') is an EmoLex fear word, 'clean' (not a keyword) stays one
    from pipelines.induction.priors import emotion_priors, sentiment_priors

    assert "change" not in emotion_priors(SEEDS) and "solar" not in sentiment_priors(SEEDS)
    assert "fear" in emotion_priors(SEEDS)["terrified"]
    lexicon, _ = build_local([{"text": f"climate change is here {i}"} for i in range(5)], SEEDS, SPEC)
    assert "change" not in lexicon.general


def test_a_term_in_most_posts_is_a_query_term():
    assert may_carry_sentiment("storm", 50, 1000, SPEC, frozenset())
    assert not may_carry_sentiment("storm", 500, 1000, SPEC, frozenset())


# ---- distant labels ---------------------------------------------------------------------

def test_emoji_are_distant_labels_for_the_words_beside_them():
    posts = ([{"text": f"sunny afternoon walk {i} happy 😊"} for i in range(12)]
             + [{"text": f"gloomy afternoon queue {i} sad 😞"} for i in range(12)]
             + [{"text": f"ordinary note {i}"} for i in range(250)])  # no term in over 10 % of posts
    spec = LexiconSpec(sources=("distant",), min_df=3, shrink_new=0, min_value=0.0)
    lexicon, _ = build_local(posts, SEEDS, spec)
    general = lexicon.general
    assert general["sunny"].sentiment > 0 > general["gloomy"].sentiment
    assert "afternoon" not in general or general["afternoon"].sentiment == pytest.approx(0.0)
    assert "😊" not in general  # a marker is no evidence about itself (and priors are off)


# ---- supervised ---------------------------------------------------------------------------

def test_class_pmi_difference_by_hand():
    # 10 posts, 5 in c (rate r = 1/2); the term in 4 posts, 3 of them in c; k = 2:
    # p(t|c) = (3 + 2 r) / 5 = 4/5, p(t|not c) = (1 + 2 (1 - r)) / 5 = 2/5 -> log2 2 = 1
    assert class_pmi_difference(3, 4, 5, 10, 2.0) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="inconsistent"):
        class_pmi_difference(5, 3, 4, 10, 1.0)


@pytest.mark.parametrize("k", [0.5, 1.0, 5.0, 50.0])
def test_a_term_seen_at_the_class_rate_scores_zero_whatever_the_smoothing(k):
    # 4 of 20 posts in c (r = 0.2), the term in 1 of its 5 posts there: (1 + 0.2k)/4 = (4 + 0.8k)/16
    assert class_pmi_difference(1, 5, 4, 20, k) == pytest.approx(0.0)


@settings(max_examples=200, deadline=None)
@given(st.integers(2, 5000), st.data(), st.floats(0.1, 100.0))
def test_a_term_leans_towards_a_class_exactly_when_its_rate_there_is_above_the_class_rate(n, data, k):
    # (df_tc + k r)(n - n_c) > (df_t - df_tc + k (1 - r)) n_c  <=>  df_tc n > df_t n_c: the prior cancels
    n_c = data.draw(st.integers(1, n - 1))
    df_t = data.draw(st.integers(1, n))
    df_tc = data.draw(st.integers(max(0, df_t - (n - n_c)), min(df_t, n_c)))
    value = class_pmi_difference(df_tc, df_t, n_c, n, k)
    lean = df_tc * n - df_t * n_c
    if lean == 0:
        assert value == pytest.approx(0.0, abs=1e-9)
    else:
        assert (value > 0) == (lean > 0) and value != 0


def test_a_term_never_seen_in_a_small_class_leans_away_from_it():
    # 10 of 1000 posts in c (r = 0.01), the term in 5 posts, none in c; k = 5:
    # p(t|c) = 0.05 / 10, p(t|not c) = (5 + 4.95) / 990 -> log2 0.4975 (add-k on both sides
    # alike gave log2 [(5/20) / (10/1000)] = +4.6: every rare term "belonged" to a small class)
    assert class_pmi_difference(0, 5, 10, 1000, 5.0) == pytest.approx(math.log2((0.05 / 10) / (9.95 / 990)))
    assert class_pmi_difference(0, 0, 0, 1000, 5.0) == 0.0  # a class without posts says nothing


def test_supervised_sentiment_entry_is_positive_minus_negative():
    spec = LexiconSpec(sources=("supervised",), classes=("negative", "neutral", "positive"), supervised_k=1.0,
                       supervised_min_df=3, supervised_min_class_df=2)
    anchors = {"label:positive": 4, "label:negative": 3, "label:neutral": 3}
    entry = supervised_entry("win", 3, {"label:positive": 2, "label:negative": 1}, anchors, 10, spec)
    pos = math.log2(((2 + 0.4) / 4) / ((1 + 0.6) / 6))
    neg = math.log2(((1 + 0.3) / 3) / ((2 + 0.7) / 7))
    neutral = math.log2(((0 + 0.3) / 3) / ((3 + 0.7) / 7))
    assert entry.sentiment == pytest.approx(pos - neg)
    assert entry.neutral == pytest.approx(neutral)
    assert supervised_entry("win", 2, {"label:positive": 2}, anchors, 10, spec) is None  # below min_df
    assert supervised_entry("win", 3, {"label:positive": 1, "label:negative": 1}, anchors, 10, spec) is None


def test_negated_forms_get_their_own_supervised_entries():
    posts = [{"text": f"not good at all {i}"} for i in range(6)] + [{"text": f"good fun {i}"} for i in range(6)]
    labels = [("negative",)] * 6 + [("positive",)] * 6
    spec = LexiconSpec(sources=("supervised",), classes=("negative", "positive"), supervised_min_df=3)
    lexicon, _ = build_local(posts, SEEDS, spec, labels)
    assert lexicon.supervised["good_NEG"].sentiment < 0 < lexicon.supervised["good"].sentiment


# ---- determinism, Beam == pure ------------------------------------------------------------

WORDS = ["good", "bad", "storm", "solar", "happy", "sad", "river", "plastic", "😊", "#angry", "great", "awful"]


@settings(max_examples=5, deadline=None)
@given(st.lists(st.lists(st.sampled_from(WORDS), min_size=1, max_size=6), min_size=5, max_size=40),
       st.randoms(use_true_random=False))
def test_a_lexicon_built_twice_or_in_another_order_is_identical(texts, rng):
    posts = [{"text": " ".join(words)} for words in texts]
    spec = LexiconSpec(min_df=1)
    first, _ = build_local(posts, SEEDS, spec)
    again, _ = build_local(posts, SEEDS, spec)
    shuffled = list(posts)
    rng.shuffle(shuffled)
    other, _ = build_local(shuffled, SEEDS, spec)
    assert first.version == again.version == other.version
    assert first.rows() == other.rows()


def test_counting_only_the_half_anchor_pairs_cross_fitting_reads_leaves_the_lexicon_unchanged():
    from itertools import product

    from pipelines.induction.counting import ANCHORS, PAIRS, TERMS, TOTALS, count_posts

    rng = random.Random(11)
    prepare = PostPreparer(SEEDS)
    posts = [prepare({"text": " ".join(rng.choice(WORDS) for _ in range(5))}) for _ in range(400)]
    counters = count_posts({**post, "month": "m", "platform": "x"} for post in posts)
    every_pair = Counter()  # every term with every anchor of its post, as counted before
    for post in posts:
        every_pair.update(product(post["terms"], post["anchors"]))
    tables = {table: counters[table][("m", "x")] for table in (TOTALS, TERMS, ANCHORS, PAIRS)}
    assert len(tables[PAIRS]) < len(every_pair) and set(tables[PAIRS]) < set(every_pair)
    assert all(every_pair[pair] == df for pair, df in tables[PAIRS].items())
    for spec in (LexiconSpec(min_df=2), LexiconSpec(sources=("corpus",), min_df=2)):
        halved = build_lexicon_from_counts(tables[TERMS], tables[ANCHORS], tables[PAIRS], tables[TOTALS][None],
                                           SEEDS, spec)
        whole = build_lexicon_from_counts(tables[TERMS], tables[ANCHORS], every_pair, tables[TOTALS][None],
                                          SEEDS, spec)
        assert halved.rows() == whole.rows() and halved.version == whole.version


def test_beam_build_equals_the_pure_build():
    rng = random.Random(5)
    posts = [{"text": " ".join(rng.choice(WORDS) for _ in range(5)), "month": f"2020-0{1 + i % 3}",
              "platform": "twitter"} for i in range(300)]
    spec = LexiconSpec(min_df=2)
    expected, _ = build_local(posts, SEEDS, spec)
    prepare = PostPreparer(SEEDS)
    with BeamTestPipeline(runner="FnApiRunner") as p:
        lexicon = (p | beam.Create([posts[:150], posts[150:]])
                   | beam.Map(lambda batch: [prepare(post) for post in batch])
                   | CountPresence()
                   | BuildLexicon(SEEDS, spec))
        assert_that(lexicon | beam.Map(lambda lex: lex.rows()), equal_to([expected.rows()]))


def test_a_lexicon_that_leaves_a_group_out_equals_one_built_without_it():
    rng = random.Random(8)
    posts = [{"text": " ".join(rng.choice(WORDS) for _ in range(4)), "month": f"fold-{i % 3}", "platform": "x"}
             for i in range(240)]
    spec = LexiconSpec(min_df=2)
    expected = {ALL: build_local(posts, SEEDS, spec)[0].rows(),
                "fold-1": build_local([p for p in posts if p["month"] != "fold-1"], SEEDS, spec)[0].rows()}
    prepare = PostPreparer(SEEDS)
    with BeamTestPipeline(runner="FnApiRunner") as p:
        lexicons = (p | beam.Create([posts[:120], posts[120:]])
                    | beam.Map(lambda batch: [prepare(post) for post in batch])
                    | CountPresence()
                    | BuildLexicons(SEEDS, spec, group_of=lambda partition: partition[0], leave_out=["fold-1"]))
        assert_that(lexicons | beam.MapTuple(lambda name, lex: (name, lex.rows())),
                    equal_to(list(expected.items())))


# ---- the lexicon file ---------------------------------------------------------------------

def test_lexicon_file_round_trip_and_edits_change_the_version(tmp_path):
    lexicon = Lexicon({GENERAL: {"good": LexiconEntry("good", 0.5, source="prior"),
                                 "grim": LexiconEntry("grim", -0.3, (0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0),
                                                      df=12, support=7, source="corpus")}},
                      {"kind": "test"}, {"sentiment": {"neutral_band": 0.2}})
    path = str(tmp_path / "lex.parquet")
    version = lexicon.write(path)
    again = read_lexicon(path)
    assert again.version == version and again.rows() == lexicon.rows()
    assert again.calibration == {"sentiment": {"neutral_band": 0.2}}
    table = pq.read_table(path)
    rows = table.to_pylist()
    rows[0]["sentiment"] = 0.9  # a user edits a value and saves with the metadata kept
    import pyarrow as pa
    pq.write_table(pa.Table.from_pylist(rows, schema=table.schema), path)
    assert read_lexicon(path).version != version


def test_bad_lexicon_files_are_refused_with_the_reason(tmp_path):
    with pytest.raises(LexiconFileError, match="not found"):
        read_lexicon(str(tmp_path / "missing.parquet"))
    with pytest.raises(LexiconFileError, match="missing.parquet: lexicon file not found"):
        lexicon_file_bytes(str(tmp_path / "missing.parquet"))
    (tmp_path / "junk.parquet").write_text("not parquet")
    with pytest.raises(LexiconFileError, match="not a Parquet"):
        read_lexicon(str(tmp_path / "junk.parquet"))
    with pytest.raises(LexiconFileError, match="junk.parquet: not a Parquet"):  # bytes read already: still named
        read_lexicon(str(tmp_path / "junk.parquet"), b"not parquet")
    import pyarrow as pa
    pq.write_table(pa.table({"term": ["a"]}), tmp_path / "plain.parquet")
    with pytest.raises(LexiconFileError, match="no mipulse lexicon metadata"):
        read_lexicon(str(tmp_path / "plain.parquet"))


@pytest.mark.parametrize("edit, reason", [
    (lambda rows: rows[0].update(sentiment=float("nan")), "general term 'good': sentiment is nan (a finite number"),
    (lambda rows: rows[1].update(fear=float("inf")), "general term 'grim': fear is inf (a finite number"),
    (lambda rows: rows[0].update(sentiment=5.0), "general term 'good': sentiment 5.0 is outside [-1, 1]"),
    (lambda rows: rows[0].update(term=None), "a row of layer general has the term None"),
    (lambda rows: rows[0].update(term="  "), "a row of layer general has the term '  '"),
    (lambda rows: rows[1].update(term="good"), "general term 'good' appears twice"),
    (lambda rows: rows[0].update(sentiment=None), "general term 'good': sentiment is empty"),
    (lambda rows: rows.clear(), "the lexicon holds no terms"),
])
def test_an_edited_lexicon_that_scoring_would_misuse_is_refused_naming_the_row(tmp_path, edit, reason):
    """A NaN had reached post_scores and the report (+nan), 5.0 scored as +5.07, a missing term failed
    inside the Beam job with a traceback, a repeated term silently kept its last row."""
    import pyarrow as pa

    path = str(tmp_path / "lex.parquet")
    Lexicon({GENERAL: {"good": LexiconEntry("good", 0.5), "grim": LexiconEntry("grim", -0.3)}},
            {"kind": "test"}, {}).write(path)
    table = pq.read_table(path)
    rows = table.to_pylist()
    edit(rows)
    pq.write_table(pa.Table.from_pylist(rows, schema=table.schema), path)
    with pytest.raises(LexiconFileError, match=re.escape(f"lex.parquet: {reason}")):
        read_lexicon(path)


def test_lexicon_metadata_that_is_not_json_is_named_as_such(tmp_path):
    path = str(tmp_path / "lex.parquet")
    Lexicon({GENERAL: {"good": LexiconEntry("good", 0.5)}}, {"kind": "test"}, {}).write(path)
    table = pq.read_table(path)
    broken = {METADATA_KEY: table.schema.metadata[METADATA_KEY][:-5]}  # an editor cut it short
    pq.write_table(table.replace_schema_metadata(broken), path)
    with pytest.raises(LexiconFileError, match="lex.parquet: its mipulse metadata is not valid JSON"):
        read_lexicon(path)


def test_a_given_lexicon_travels_with_the_job_as_its_file_bytes(tmp_path):
    """Beam pickles and compresses what the job's graph holds: the file's bytes (Beam's bytes coder),
    parsed where the lexicon is used, not the parsed lexicon (pickled Python objects; ~10 s of a run
    with a 77,000-row supervised lexicon)."""
    from types import SimpleNamespace

    from apache_beam.portability import common_urns

    from pipelines.job import LexiconInForce

    lexicon = Lexicon({GENERAL: {f"term{i}": LexiconEntry(f"term{i}", (i % 200) / 100 - 1, df=i, support=i,
                                                        source="prior") for i in range(2_000)}},
                      {"kind": "test"}, {"sentiment": {"neutral_band": 0.2}})
    path = str(tmp_path / "lex.parquet")
    lexicon.write(path)
    with BeamTestPipeline(runner="FnApiRunner") as p:
        given = {"counts": p | beam.Create([0])} | LexiconInForce(SimpleNamespace(lexicon_file=path))
        # its version computed once, before it reaches the steps that use it; weighed by a sample
        # of its entries when scoring caches it as a side input (the test below)
        assert_that(given | beam.Map(lambda lex: ("version" in vars(lex), lex.version, lex.rows() == lexicon.rows(),
                                                  type(lex).__name__)),
                    equal_to([(True, lexicon.version, True, "CacheWeighedLexicon")]))
        graph = p.to_runner_api().components
    read = next(t for t in graph.transforms.values() if t.unique_name.endswith("/ReadLexicon"))
    shipped = graph.pcollections[next(iter(read.outputs.values()))]
    assert graph.coders[shipped.coder_id].spec.urn == common_urns.coders.BYTES.urn
    (tmp_path / "junk.parquet").write_text("not parquet")
    with pytest.raises(LexiconFileError, match="junk.parquet: not a Parquet"):  # refused before any job runs
        {"counts": beam.Pipeline(runner="FnApiRunner") | beam.Create([0])} | LexiconInForce(
            SimpleNamespace(lexicon_file=str(tmp_path / "junk.parquet")))


def test_term_math_pickles_as_its_settings_and_builds_the_same_lexicon():
    import pickle

    math_ = TermMath(SEEDS, SPEC)
    shipped = pickle.dumps(math_)
    # the seed settings and the spec, not the priors built from them (~300 KB)
    assert len(shipped) < len(pickle.dumps(SEEDS)) + len(pickle.dumps(SPEC)) + 1_000
    again = pickle.loads(shipped)
    assert pickle.loads(shipped) is again  # built once per process, however often Beam unpickles it
    assert (again.valences, again.emotions, again.query_terms, again.distant_markers, again.spec) == (
        math_.valences, math_.emotions, math_.query_terms, math_.distant_markers, math_.spec)


def test_group_sums_leave_their_inputs_as_they_were():
    from pipelines.induction.transforms import _SumGroups

    sums = _SumGroups()
    part = {"a": Counter(x=1), "b": Counter(y=2)}
    acc = sums.add_input(sums.add_input(sums.create_accumulator(), part), part)
    other = sums.add_input(sums.create_accumulator(), {"a": Counter(z=5)})
    merged = sums.merge_accumulators([acc, other, sums.create_accumulator()])
    assert merged == {"a": Counter(x=2, z=5), "b": Counter(y=4)}
    assert part == {"a": Counter(x=1), "b": Counter(y=2)} and other == {"a": Counter(z=5)}


def test_count_tables_sum_the_counts_of_the_same_key_and_give_the_counter_back():
    from pipelines.induction.counting import PAIRS, TERMS, counts_table, summed_counts, table_counter

    first = Counter({("river", "+"): 2, ("flood", "-"): 1, ("river", "-"): 4})
    second = Counter({("river", "+"): 3, ("dam", "+"): 7})
    summed = summed_counts([counts_table(first, PAIRS), counts_table(second, PAIRS)])
    assert summed.column_names == ["term", "anchor", "df"]
    assert table_counter(summed) == Counter({("river", "+"): 5, ("flood", "-"): 1, ("river", "-"): 4, ("dam", "+"): 7})
    assert table_counter(counts_table(Counter(a=1, b=2), TERMS)) == Counter(a=1, b=2)
    assert table_counter(summed_counts([counts_table(Counter(), TERMS)])) == Counter()


@settings(max_examples=50, deadline=None)
@given(st.lists(st.dictionaries(st.tuples(st.sampled_from("abcdefgh"), st.sampled_from("+-x")),
                                st.integers(1, 10**12), max_size=12), max_size=6),
       st.integers(1, 20))
def test_count_table_sums_equal_counter_sums_however_often_they_are_compacted(parts, compact_rows):
    from pipelines.induction.counting import PAIRS, table_counter
    from pipelines.induction.transforms import SumCountTables

    sums = SumCountTables(compact_rows)
    halves = [sums.create_accumulator(), sums.create_accumulator()]
    for i, part in enumerate(parts):
        sums.add_input(halves[i % 2], ((PAIRS, "all"), Counter(part)))
    out = sums.extract_output(sums.merge_accumulators([sums.compact(halves[0]), halves[1]]))
    expected = sum(map(Counter, parts), Counter())
    assert table_counter(out[(PAIRS, "all")]) == expected if parts else out == {}


def test_group_shards_put_each_terms_counts_in_the_shard_of_the_term_for_every_group():
    from pipelines.induction.counting import PAIRS, TERMS, counts_table
    from pipelines.induction.induce import group_shards, term_shard

    terms = [f"term{i}" for i in range(40)]
    shards = list(group_shards({(TERMS, "2014"): counts_table(Counter({t: i + 1 for i, t in enumerate(terms)}), TERMS),
                                (TERMS, "2015"): counts_table(Counter({terms[0]: 9}), TERMS),
                                (PAIRS, "2014"): counts_table(Counter({(t, "+"): 1 for t in terms[::3]}), PAIRS)}))
    assert [shard for shard, _ in shards] == sorted({term_shard(t) for t in terms})
    for shard, (groups_df, groups_pairs) in shards:
        assert groups_df["2014"] == Counter({t: i + 1 for i, t in enumerate(terms) if term_shard(t) == shard})
        assert groups_df.get("2015", Counter()) == Counter({terms[0]: 9} if term_shard(terms[0]) == shard else {})
        assert groups_pairs.get("2014", Counter()) == Counter({(t, "+"): 1 for t in terms[::3] if term_shard(t) == shard})


# ---- work per term on real vocabulary -----------------------------------------------------

def test_evidence_skips_terms_that_can_neither_get_an_entry_nor_feed_a_scale():
    # 1,000 posts; 'good' (a VADER word) and 'zzyzx' in 2 posts each (below min_df 5), 'river' in 50:
    # only the prior word and the term that may carry sentiment are worth their nPMI.
    math_ = TermMath(SEEDS, SPEC)
    assert "good" in math_.valences and not {"zzyzx", "river"} & (set(math_.valences) | set(math_.emotions))
    term_df = {"good": 2, "zzyzx": 2, "river": 50}
    anchor_df = {"sentiment:positive": 100, "sentiment:negative": 100}
    pair_df = {(term, anchor): 1 for term in term_df for anchor in anchor_df}
    assert math_.evidence(term_df, pair_df, anchor_df, 1_000).terms == ("good", "river")


def test_joint_counts_of_the_terms_kept_asking_once_per_term_in_term_order():
    from pipelines.induction.induce import ANCHOR_COLUMNS, joint_counts

    positive, fear, distant_joy = "sentiment:positive", "emotion:fear", "distant:joy"
    pairs = {("river", positive): 4, ("good", positive): 3, ("good", "topic:climate"): 9, ("rare", fear): 2,
             ("good", "sentiment:negative#1"): 1, ("river", distant_joy): 7, ("rare", positive): 5,
             ("lonely", "topic:climate"): 1}
    asked = []

    def keep(term):
        asked.append(term)
        return term != "rare"

    terms, whole, halves = joint_counts(pairs, keep)
    assert terms == ["good", "lonely", "river"]  # sorted; a pair with any anchor makes a term count
    assert sorted(asked) == ["good", "lonely", "rare", "river"]
    column = {a: j for j, a in enumerate(ANCHOR_COLUMNS)}
    assert whole[0, column[positive]] == 3 and whole[2, column[positive]] == 4 and whole[2, column[distant_joy]] == 7
    assert whole.sum() == 3 + 4 + 7 and whole[1].sum() == 0  # topics are no class of the evidence
    assert halves[0, column["sentiment:negative"], 1] == 1 and halves.sum() == 1


@settings(max_examples=10, deadline=None)
@given(st.lists(st.lists(st.sampled_from(WORDS + ["zzyzx", "wombat", "bad_NEG"]), min_size=1, max_size=6),
                min_size=5, max_size=60),
       st.integers(min_value=1, max_value=6))
def test_a_lexicon_from_the_evidence_that_matters_equals_one_from_every_terms_evidence(texts, min_df):
    from pipelines.induction.counting import ANCHORS, PAIRS, TERMS, TOTALS, count_posts
    from pipelines.text.tokenizer import NEG_SUFFIX, PLACEHOLDERS

    prepare = PostPreparer(SEEDS)
    counters = count_posts({**prepare({"text": " ".join(words)}), "month": "m", "platform": "x"} for words in texts)
    terms, anchors, pairs = (counters[table][("m", "x")] for table in (TERMS, ANCHORS, PAIRS))
    n = counters[TOTALS][("m", "x")][None]
    spec = LexiconSpec(min_df=min_df)
    math_ = TermMath(SEEDS, spec)
    every = term_evidence(terms, pairs, anchors, n, math_.valences, math_.emotions, spec, math_.distant_markers,
                          keep=lambda t: not t.endswith(NEG_SUFFIX) and t not in PLACEHOLDERS and " " not in t)
    kept = math_.evidence(terms, pairs, anchors, n)
    assert set(kept.terms) <= set(every.terms)
    every_scales, kept_scales = fit_scales(scale_sums(every)), fit_scales(scale_sums(kept))
    assert kept_scales == every_scales
    assert math_.general_entries(kept, kept_scales, n) == math_.general_entries(every, every_scales, n)


def test_beams_state_cache_weighs_a_lexicon_without_walking_every_entry():
    from apache_beam.runners.worker import statecache
    import objsize

    entries = {f"term{i}": LexiconEntry(f"term{i}", i / 2000, tuple(float(i + k) for k in range(len(EMOTIONS))),
                                        df=i, support=i // 2, source="corpus") for i in range(2000)}
    plain = Lexicon({GENERAL: entries}, {"kind": "default"}, {"band": 0.05})
    lexicon = CacheWeighedLexicon.of(plain)
    assert lexicon.version == plain.version and lexicon.rows() == plain.rows()
    referents = statecache._get_referents_func(lexicon)
    assert not any(r is lexicon.layers or r is entries for r in referents)  # a walk of the entries starts there
    walked = objsize.get_deep_size(lexicon)  # every object of every entry
    assert 0.8 * walked < statecache.get_deep_size(lexicon) < 1.2 * walked


def test_general_values_shrink_at_their_own_support_or_at_most_at_another():
    """Rows: a prior word (prior +0.5, corpus -0.5, support 100, fit 0.6), a corpus-only term (0.6,
    support 20), a term that may not carry a corpus value (0.6, support 20). Shrinkage constants 200 and 20."""
    nan = float("nan")
    general = GeneralValues(prior=np.array([[0.5], [nan], [nan]]), corpus=np.array([[-0.5], [0.6], [0.6]]),
                            support=np.array([[100], [20], [20]]), fit=np.array([[0.6], [0.6], [0.6]]),
                            carriers=np.array([True, True, False]))
    own = general.shrunk(LexiconSpec())
    assert own[:, 0].tolist() == pytest.approx([0.5 - 0.6 * 100 / 300, 0.6 * 20 / 40, 0.0])
    at_most = general.shrunk(LexiconSpec(), at_most=np.array([[50], [10], [10]]))
    assert at_most[:, 0].tolist() == pytest.approx([0.5 - 0.6 * 50 / 250, 0.6 * 10 / 30, 0.0])
    assert general.shrunk(LexiconSpec(), at_most=np.array([[500], [500], [500]])).tolist() == own.tolist()
    none = general.take([1, -1])  # -1: a term without evidence
    assert none.shrunk(LexiconSpec())[:, 0].tolist() == pytest.approx([0.3, 0.0])
