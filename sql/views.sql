-- mipulse report views: yearly / monthly sentiment and emotion shares, topic volume.
-- Created (and re-created) by flows.store.views.create_views after the schema, so a read-only
-- report connection finds them. Every statement is idempotent; all views work on empty
-- tables. Years are derived from post_scores.month ('YYYY-MM', UTC).

-- Wilson score interval for k successes in n trials (Wilson 1927), z = 1.96 for 95%:
--   centre = (p + z²/2n) / (1 + z²/n)
--   half   = z / (1 + z²/n) · sqrt(p(1 − p)/n + z²/4n²),   p = k/n
-- Unlike p ± z·se it stays inside [0, 1] and is sensible for k = 0 or k = n.
-- NULL when n = 0 (no trials, no interval); the bound is exactly 0 at k = 0 and exactly 1
-- at k = n, where the formula would leave rounding noise.
CREATE OR REPLACE MACRO wilson_low(k, n, z := 1.96) AS
    CASE WHEN n > 0 AND k = 0 THEN 0.0 WHEN n > 0 THEN
        ((k / n + z * z / (2 * n))
         - z * sqrt((k / n) * (1 - k / n) / n + z * z / (4 * n * n)))
        / (1 + z * z / n)
    END;

CREATE OR REPLACE MACRO wilson_high(k, n, z := 1.96) AS
    CASE WHEN n > 0 AND k = n THEN 1.0 WHEN n > 0 THEN
        ((k / n + z * z / (2 * n))
         + z * sqrt((k / n) * (1 - k / n) / n + z * z / (4 * n * n)))
        / (1 + z * z / n)
    END;

COMMENT ON MACRO wilson_low IS 'Lower bound of the Wilson score interval for k of n (z defaults to 1.96, 95%); NULL when n = 0.';
COMMENT ON MACRO wilson_high IS 'Upper bound of the Wilson score interval for k of n (z defaults to 1.96, 95%); NULL when n = 0.';


-- Sentiment label shares. Every label seen anywhere in post_scores gets a row in every
-- month × platform that has posts (n = 0 where it does not occur there), so a chart never
-- has to guess a missing point. total counts all posts of the month × platform, including
-- any with a NULL label (those posts get no row of their own).
CREATE OR REPLACE VIEW monthly_sentiment_share AS
WITH groups AS (
    SELECT month, platform, count(*) AS total FROM post_scores GROUP BY month, platform
),
labels AS (
    SELECT DISTINCT sentiment_label FROM post_scores WHERE sentiment_label IS NOT NULL
),
counts AS (
    SELECT month, platform, sentiment_label, count(*) AS n
    FROM post_scores WHERE sentiment_label IS NOT NULL
    GROUP BY month, platform, sentiment_label
)
SELECT
    g.month,
    CAST(left(g.month, 4) AS INTEGER) AS year,
    g.platform,
    l.sentiment_label,
    coalesce(c.n, 0) AS n,
    g.total,
    coalesce(c.n, 0) / g.total AS share,
    wilson_low(coalesce(c.n, 0), g.total) AS ci_low,
    wilson_high(coalesce(c.n, 0), g.total) AS ci_high
FROM groups AS g
CROSS JOIN labels AS l
LEFT JOIN counts AS c USING (month, platform, sentiment_label);

COMMENT ON VIEW monthly_sentiment_share IS 'Per month (YYYY-MM) × platform × sentiment_label: n posts, total posts of the month × platform, share = n/total, Wilson 95% interval (ci_low, ci_high).';
COMMENT ON COLUMN monthly_sentiment_share.month IS 'Month of the posts, YYYY-MM (UTC).';
COMMENT ON COLUMN monthly_sentiment_share.year IS 'Calendar year of the posts'' month (UTC).';
COMMENT ON COLUMN monthly_sentiment_share.platform IS 'Platform: twitter, reddit or youtube.';
COMMENT ON COLUMN monthly_sentiment_share.sentiment_label IS 'Sentiment label of the posts: positive, neutral or negative (post_scores.sentiment_label).';
COMMENT ON COLUMN monthly_sentiment_share.n IS 'Posts of the month × platform with this label.';
COMMENT ON COLUMN monthly_sentiment_share.total IS 'All scored posts of the month × platform.';
COMMENT ON COLUMN monthly_sentiment_share.share IS 'n / total.';
COMMENT ON COLUMN monthly_sentiment_share.ci_low IS 'Lower bound of the 95% Wilson score interval of share.';
COMMENT ON COLUMN monthly_sentiment_share.ci_high IS 'Upper bound of the 95% Wilson score interval of share.';

-- The yearly shares sum the monthly counts (every label has a row, n = 0 included).
CREATE OR REPLACE VIEW yearly_sentiment_share AS
SELECT
    year, platform, sentiment_label, sum(n)::BIGINT AS n, sum(total)::BIGINT AS total,
    sum(n) / sum(total) AS share,
    wilson_low(sum(n), sum(total)) AS ci_low,
    wilson_high(sum(n), sum(total)) AS ci_high
FROM monthly_sentiment_share
GROUP BY year, platform, sentiment_label;

COMMENT ON VIEW yearly_sentiment_share IS 'Per year × platform × sentiment_label: n posts, total posts of the year × platform, share = n/total, Wilson 95% interval (ci_low, ci_high). Shares of labels: if the model errs alike in every year they understate changes between years; where its errors differ by year a change can be partly its own (docs/intervals.md).';
COMMENT ON COLUMN yearly_sentiment_share.year IS 'Calendar year of the posts'' month (UTC).';
COMMENT ON COLUMN yearly_sentiment_share.platform IS 'Platform: twitter, reddit or youtube.';
COMMENT ON COLUMN yearly_sentiment_share.sentiment_label IS 'Sentiment label of the posts: positive, neutral or negative (post_scores.sentiment_label).';
COMMENT ON COLUMN yearly_sentiment_share.n IS 'Posts of the year × platform with this label.';
COMMENT ON COLUMN yearly_sentiment_share.total IS 'All scored posts of the year × platform.';
COMMENT ON COLUMN yearly_sentiment_share.share IS 'n / total.';
COMMENT ON COLUMN yearly_sentiment_share.ci_low IS 'Lower bound of the 95% Wilson score interval of share.';
COMMENT ON COLUMN yearly_sentiment_share.ci_high IS 'Upper bound of the 95% Wilson score interval of share.';


-- Emotion shares: one row per year × platform × each of Plutchik's eight emotions.
-- share is among posts that have a dominant emotion (dominant_emotion NULL = no emotion
-- evidence, left out of the denominator); mean_intensity averages the emotion's own column
-- over all posts of the year × platform, a post without a value counting as 0.
CREATE OR REPLACE VIEW yearly_emotion_share AS
WITH emotions(emotion) AS (
    VALUES ('anger'), ('anticipation'), ('disgust'), ('fear'),
           ('joy'), ('sadness'), ('surprise'), ('trust')
),
per_post AS (
    SELECT
        CAST(left(s.month, 4) AS INTEGER) AS year,
        s.platform,
        e.emotion,
        s.dominant_emotion,
        CASE e.emotion
            WHEN 'anger' THEN s.anger
            WHEN 'anticipation' THEN s.anticipation
            WHEN 'disgust' THEN s.disgust
            WHEN 'fear' THEN s.fear
            WHEN 'joy' THEN s.joy
            WHEN 'sadness' THEN s.sadness
            WHEN 'surprise' THEN s.surprise
            WHEN 'trust' THEN s.trust
        END AS intensity
    FROM post_scores AS s
    CROSS JOIN emotions AS e
),
counts AS (
    SELECT
        year,
        platform,
        emotion,
        count(*) FILTER (WHERE dominant_emotion = emotion) AS n,
        count(*) FILTER (WHERE dominant_emotion IS NOT NULL) AS total,
        count(*) AS posts,
        avg(coalesce(intensity, 0)) AS mean_intensity
    FROM per_post
    GROUP BY year, platform, emotion
)
SELECT
    year,
    platform,
    emotion,
    n,
    total,
    posts,
    n / nullif(total, 0) AS share,
    wilson_low(n, total) AS ci_low,
    wilson_high(n, total) AS ci_high,
    mean_intensity
FROM counts;

COMMENT ON VIEW yearly_emotion_share IS 'Per year × platform × Plutchik emotion: n posts whose dominant_emotion it is, total posts with any dominant emotion, posts (all), share = n/total with Wilson 95% interval, mean_intensity = mean of the emotion column over all posts (NULL as 0). Rare emotions (trust, surprise, anticipation) are seldom any post''s most probable one, so their shares here read near 0 whatever the posts: count post_scores.emotion_labels for them (docs/lexicons.md).';
COMMENT ON COLUMN yearly_emotion_share.year IS 'Calendar year of the posts'' month (UTC).';
COMMENT ON COLUMN yearly_emotion_share.platform IS 'Platform: twitter, reddit or youtube.';
COMMENT ON COLUMN yearly_emotion_share.emotion IS 'One of Plutchik''s eight emotions.';
COMMENT ON COLUMN yearly_emotion_share.n IS 'Posts whose dominant_emotion is this emotion.';
COMMENT ON COLUMN yearly_emotion_share.total IS 'Posts of the year × platform with any dominant emotion (the denominator of share).';
COMMENT ON COLUMN yearly_emotion_share.posts IS 'All scored posts of the year × platform, with or without an emotion.';
COMMENT ON COLUMN yearly_emotion_share.share IS 'n / total (NULL when no post has an emotion).';
COMMENT ON COLUMN yearly_emotion_share.ci_low IS 'Lower bound of the 95% Wilson score interval of share.';
COMMENT ON COLUMN yearly_emotion_share.ci_high IS 'Upper bound of the 95% Wilson score interval of share.';
COMMENT ON COLUMN yearly_emotion_share.mean_intensity IS 'Mean of this emotion''s score over all posts of the year × platform (NULL counted as 0).';


-- Topic volume: a post counts once per topic it carries (topics de-duplicated per post);
-- posts without topics only enter the denominator. A post may carry several topics, so
-- shares of one year × platform can add up to more than 1.
CREATE OR REPLACE VIEW yearly_topic_volume AS
WITH scored AS (
    SELECT CAST(left(month, 4) AS INTEGER) AS year, platform, topics, sentiment_score
    FROM post_scores
),
groups AS (
    SELECT year, platform, count(*) AS total FROM scored GROUP BY year, platform
),
tagged AS (
    SELECT year, platform, unnest(list_distinct(topics)) AS topic, sentiment_score
    FROM scored
)
SELECT
    t.year,
    t.platform,
    t.topic,
    count(*) AS posts,
    any_value(g.total) AS total,
    count(*) / any_value(g.total) AS share,
    avg(t.sentiment_score) AS mean_sentiment
FROM tagged AS t
JOIN groups AS g USING (year, platform)
WHERE t.topic IS NOT NULL
GROUP BY t.year, t.platform, t.topic;

COMMENT ON VIEW yearly_topic_volume IS 'Per year × platform × topic: posts carrying the topic, total posts of the year × platform, share = posts/total, mean_sentiment = mean sentiment_score of those posts.';
COMMENT ON COLUMN yearly_topic_volume.year IS 'Calendar year of the posts'' month (UTC).';
COMMENT ON COLUMN yearly_topic_volume.platform IS 'Platform: twitter, reddit or youtube.';
COMMENT ON COLUMN yearly_topic_volume.topic IS 'Topic name from lexicons/seeds.toml (a post can carry several).';
COMMENT ON COLUMN yearly_topic_volume.posts IS 'Posts of the year × platform carrying the topic.';
COMMENT ON COLUMN yearly_topic_volume.total IS 'All scored posts of the year × platform.';
COMMENT ON COLUMN yearly_topic_volume.share IS 'posts / total.';
COMMENT ON COLUMN yearly_topic_volume.mean_sentiment IS 'Mean sentiment_score of the posts carrying the topic.';


-- Sentiment label shares per topic: the posts of a year (month) × platform that carry the
-- topic (topics de-duplicated per post) are the total; every label seen anywhere gets a row
-- (n = 0 where absent). Pool platforms with sum(n) / sum(total), never by averaging shares.


CREATE OR REPLACE VIEW monthly_topic_sentiment_share AS
WITH tagged AS (
    SELECT month, platform, unnest(list_distinct(topics)) AS topic, sentiment_label
    FROM post_scores
),
groups AS (
    SELECT month, platform, topic, count(*) AS total
    FROM tagged WHERE topic IS NOT NULL GROUP BY month, platform, topic
),
labels AS (
    SELECT DISTINCT sentiment_label FROM post_scores WHERE sentiment_label IS NOT NULL
),
counts AS (
    SELECT month, platform, topic, sentiment_label, count(*) AS n
    FROM tagged WHERE topic IS NOT NULL AND sentiment_label IS NOT NULL
    GROUP BY month, platform, topic, sentiment_label
)
SELECT
    g.month, CAST(left(g.month, 4) AS INTEGER) AS year, g.platform, g.topic, l.sentiment_label,
    coalesce(c.n, 0) AS n,
    g.total,
    coalesce(c.n, 0) / g.total AS share,
    wilson_low(coalesce(c.n, 0), g.total) AS ci_low,
    wilson_high(coalesce(c.n, 0), g.total) AS ci_high
FROM groups AS g
CROSS JOIN labels AS l
LEFT JOIN counts AS c USING (month, platform, topic, sentiment_label);

COMMENT ON VIEW monthly_topic_sentiment_share IS 'Per month (YYYY-MM) × platform × topic × sentiment_label: n posts, total posts of the month × platform carrying the topic, share = n/total, Wilson 95% interval.';
COMMENT ON COLUMN monthly_topic_sentiment_share.month IS 'Month of the posts, YYYY-MM (UTC).';
COMMENT ON COLUMN monthly_topic_sentiment_share.year IS 'Calendar year of the posts'' month (UTC).';
COMMENT ON COLUMN monthly_topic_sentiment_share.platform IS 'Platform: twitter, reddit or youtube.';
COMMENT ON COLUMN monthly_topic_sentiment_share.topic IS 'Topic name from lexicons/seeds.toml (a post can carry several).';
COMMENT ON COLUMN monthly_topic_sentiment_share.sentiment_label IS 'Sentiment label of the posts: positive, neutral or negative (post_scores.sentiment_label).';
COMMENT ON COLUMN monthly_topic_sentiment_share.n IS 'Posts of the month × platform × topic with this label.';
COMMENT ON COLUMN monthly_topic_sentiment_share.total IS 'Posts of the month × platform carrying the topic.';
COMMENT ON COLUMN monthly_topic_sentiment_share.share IS 'n / total.';
COMMENT ON COLUMN monthly_topic_sentiment_share.ci_low IS 'Lower bound of the 95% Wilson score interval of share.';
COMMENT ON COLUMN monthly_topic_sentiment_share.ci_high IS 'Upper bound of the 95% Wilson score interval of share.';

CREATE OR REPLACE VIEW yearly_topic_sentiment_share AS
SELECT
    year, platform, topic, sentiment_label, sum(n)::BIGINT AS n, sum(total)::BIGINT AS total,
    sum(n) / sum(total) AS share,
    wilson_low(sum(n), sum(total)) AS ci_low,
    wilson_high(sum(n), sum(total)) AS ci_high
FROM monthly_topic_sentiment_share
GROUP BY year, platform, topic, sentiment_label;

COMMENT ON VIEW yearly_topic_sentiment_share IS 'Per year × platform × topic × sentiment_label: n posts, total posts of the year × platform carrying the topic, share = n/total, Wilson 95% interval.';
COMMENT ON COLUMN yearly_topic_sentiment_share.year IS 'Calendar year of the posts'' month (UTC).';
COMMENT ON COLUMN yearly_topic_sentiment_share.platform IS 'Platform: twitter, reddit or youtube.';
COMMENT ON COLUMN yearly_topic_sentiment_share.topic IS 'Topic name from lexicons/seeds.toml (a post can carry several).';
COMMENT ON COLUMN yearly_topic_sentiment_share.sentiment_label IS 'Sentiment label of the posts: positive, neutral or negative (post_scores.sentiment_label).';
COMMENT ON COLUMN yearly_topic_sentiment_share.n IS 'Posts of the year × platform × topic with this label.';
COMMENT ON COLUMN yearly_topic_sentiment_share.total IS 'Posts of the year × platform carrying the topic.';
COMMENT ON COLUMN yearly_topic_sentiment_share.share IS 'n / total.';
COMMENT ON COLUMN yearly_topic_sentiment_share.ci_low IS 'Lower bound of the 95% Wilson score interval of share.';
COMMENT ON COLUMN yearly_topic_sentiment_share.ci_high IS 'Upper bound of the 95% Wilson score interval of share.';


-- The terms most associated with each topic in each year, all platforms pooled: nPMI(term,
-- topic:<t>) from the additive counts of the year, unsmoothed. Only pairs seen in at least 3
-- posts of the year (nPMI favours rare terms); seed words (every word anchor) are left out. A
-- topic's own keywords are not: they come from the seed file, which the database does not hold, and
-- top their topic's list (the report leaves them out; in SQL, leave out the keywords of your seed
-- file). Ten per year × topic.
CREATE OR REPLACE VIEW yearly_topic_top_terms AS
WITH n AS (
    SELECT CAST(left(month, 4) AS INTEGER) AS year, sum(posts) AS n FROM totals GROUP BY year
),
topics AS (
    SELECT CAST(left(month, 4) AS INTEGER) AS year, anchor, sum(df) AS c_y
    FROM anchor_counts WHERE anchor LIKE 'topic:%' GROUP BY year, anchor
),
word_anchors AS (
    SELECT DISTINCT anchor AS term FROM anchor_counts WHERE anchor NOT LIKE '%:%'
),
pairs AS (
    SELECT CAST(left(month, 4) AS INTEGER) AS year, term, anchor, sum(df) AS c_xy
    FROM anchor_pair_counts WHERE anchor LIKE 'topic:%' GROUP BY year, term, anchor
    HAVING sum(df) >= 3
),
terms AS (
    SELECT CAST(left(month, 4) AS INTEGER) AS year, term, sum(df) AS c_x
    FROM term_counts WHERE term IN (SELECT term FROM pairs) GROUP BY year, term
),
scored AS (
    SELECT p.year, substr(p.anchor, 7) AS topic, p.term, p.c_xy, t.c_x, o.c_y, n.n,
           npmi_value(p.c_xy, t.c_x, o.c_y, n.n) AS npmi
    FROM pairs AS p
    JOIN terms AS t USING (year, term)
    JOIN topics AS o USING (year, anchor)
    JOIN n USING (year)
    WHERE p.term NOT IN (SELECT term FROM word_anchors)
)
SELECT year, topic,
       row_number() OVER (PARTITION BY year, topic ORDER BY npmi DESC, term) AS rank,
       term, npmi, c_xy, c_x, c_y, n
FROM scored
QUALIFY rank <= 10;

COMMENT ON VIEW yearly_topic_top_terms IS 'Per year × topic: the 10 terms with the highest nPMI(term, topic) of the year (all platforms, pairs in >= 3 posts, seed words left out; the topic''s own keywords stay, the report leaves them out), with the counts behind it.';
COMMENT ON COLUMN yearly_topic_top_terms.year IS 'Calendar year of the posts'' month (UTC).';
COMMENT ON COLUMN yearly_topic_top_terms.topic IS 'Topic name from lexicons/seeds.toml (a post can carry several).';
COMMENT ON COLUMN yearly_topic_top_terms.rank IS '1 = the highest nPMI of the year and topic; ties broken by term.';
COMMENT ON COLUMN yearly_topic_top_terms.term IS 'A counted term (seed words left out; the topic''s own keywords stay).';
COMMENT ON COLUMN yearly_topic_top_terms.npmi IS 'nPMI(term, topic) of the year over all platforms, in [-1, 1].';
COMMENT ON COLUMN yearly_topic_top_terms.c_xy IS 'Posts of the year holding both the term and the topic (at least 3).';
COMMENT ON COLUMN yearly_topic_top_terms.c_x IS 'Posts of the year holding the term.';
COMMENT ON COLUMN yearly_topic_top_terms.c_y IS 'Posts of the year carrying the topic.';
COMMENT ON COLUMN yearly_topic_top_terms.n IS 'All posts of the year (all platforms).';

-- The lexicon in force: the one the latest run scored with, which later runs (backfills,
-- incremental runs) score with too, so that years stay comparable. The same rule as
-- sql/lexicon_in_force.sql, which the flow reads before a run (views exist only once a load
-- made them); tests/test_views_report.py checks that the two agree.
CREATE OR REPLACE VIEW lexicon_in_force AS
SELECT r.lexicon_version
FROM runs AS r JOIN lexicons AS l USING (lexicon_version)
ORDER BY r.finished_at DESC, r.run_id DESC
LIMIT 1;

COMMENT ON VIEW lexicon_in_force IS 'One row (none before a run): the lexicon version new posts are scored with, that of the latest run; the lexicon and lexicons tables also keep every older version a run scored with. Join it to lexicon for the entries in force.';
COMMENT ON COLUMN lexicon_in_force.lexicon_version IS 'As lexicon.lexicon_version.';
