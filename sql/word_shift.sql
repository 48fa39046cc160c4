-- Word shifts (Gallagher et al. 2021, shifterator; Dodds et al.'s hedonometer): which terms
-- moved the average valence of the words used between two windows, and how.
--
-- With the lexicon in force (the general layer of the latest run's lexicon, terms with a
-- non-zero valence φ_t) and p_t = df_t / Σ df over those terms (df from the additive counts:
-- posts holding the term; within one topic, posts carrying the topic and the term):
--   Φ = Σ p_t φ_t                       the window's average valence of lexicon words
--   Φ_b − Φ_a = Σ (p_t,b − p_t,a)(φ_t − Φ_a)   exactly, since Σ (p_t,b − p_t,a) = 0
-- so each term's contribution is (p_t,b − p_t,a)(φ_t − Φ_a), and they sum to the change. A
-- term pushes the average up when it is used more and is more positive than Φ_a ("more +"),
-- or used less and more negative ("less −"); down in the other two cases.
-- Windows: months 'YYYY-MM' inclusive; platforms (a list) and topic_name NULL = all posts.
CREATE OR REPLACE MACRO word_shift(from_a, to_a, from_b, to_b, platforms := NULL, topic_name := NULL) AS TABLE
WITH in_force AS (
    SELECT l.lexicon_version
    FROM runs AS r JOIN lexicons AS l USING (lexicon_version)
    ORDER BY r.finished_at DESC, r.run_id DESC
    LIMIT 1
),
valence AS (
    SELECT term, sentiment AS phi
    FROM lexicon WHERE layer = 'general' AND sentiment <> 0
      AND lexicon_version = (SELECT lexicon_version FROM in_force)
),
presence AS (
    SELECT month, platform, term, df FROM term_counts WHERE topic_name IS NULL
    UNION ALL
    SELECT month, platform, term, df FROM anchor_pair_counts WHERE anchor = 'topic:' || topic_name
),
windows AS (
    SELECT term,
           sum(df) FILTER (WHERE month BETWEEN from_a AND to_a) AS df_a,
           sum(df) FILTER (WHERE month BETWEEN from_b AND to_b) AS df_b
    FROM presence JOIN valence USING (term)
    WHERE in_window(month, platform, NULL, NULL, platforms)
    GROUP BY term
),
shares AS (
    SELECT term, phi, coalesce(df_a, 0) AS df_a, coalesce(df_b, 0) AS df_b,
           coalesce(df_a, 0) / sum(coalesce(df_a, 0)) OVER () AS p_a,
           coalesce(df_b, 0) / sum(coalesce(df_b, 0)) OVER () AS p_b
    FROM windows JOIN valence USING (term)
),
reference AS (
    SELECT sum(p_a * phi) AS phi_a, sum(p_b * phi) AS phi_b FROM shares
)
SELECT s.term, s.phi AS valence, s.df_a, s.df_b, s.p_a, s.p_b,
       (s.p_b - s.p_a) * (s.phi - r.phi_a) AS contribution,
       CASE WHEN s.p_b >= s.p_a THEN 'more' ELSE 'less' END AS usage,
       CASE WHEN s.phi >= r.phi_a THEN '+' ELSE '-' END AS relative,
       r.phi_a AS average_a, r.phi_b AS average_b, r.phi_b - r.phi_a AS change
FROM shares AS s, reference AS r
WHERE s.df_a > 0 OR s.df_b > 0;

COMMENT ON MACRO TABLE word_shift IS 'Word shift between months from_a..to_a and from_b..to_b (platforms, topic_name: NULL = all): per lexicon term its valence, posts in each window, share of lexicon-word occurrences p_a, p_b, contribution (p_b - p_a)(valence - average_a) to the change of the average valence; contributions sum to change exactly.';
