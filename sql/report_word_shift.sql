-- The word shift between two windows for the report (the word_shift macro, sql/word_shift.sql),
-- largest contributions first. Bind: $from_a, $to_a, $from_b, $to_b ('YYYY-MM'), $platform (NULL = all).
SELECT term, valence, df_a, df_b, p_a, p_b, contribution, usage, relative, average_a, average_b, change
FROM word_shift($from_a, $to_a, $from_b, $to_b,
                platforms := CASE WHEN $platform IS NULL THEN NULL ELSE [$platform] END)
ORDER BY abs(contribution) DESC, term;
