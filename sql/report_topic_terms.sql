-- Top nPMI terms per topic and year (yearly_topic_top_terms, all platforms pooled), the
-- first $per_topic of each. Bind: $from_year, $to_year (NULL = no bound), $per_topic.
SELECT year, topic, rank, term, npmi, c_xy
FROM yearly_topic_top_terms
WHERE in_report_window(year, NULL, $from_year, $to_year, NULL)
  AND rank <= $per_topic
ORDER BY topic, year, rank;
