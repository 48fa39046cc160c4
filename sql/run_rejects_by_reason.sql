-- Per input file of one run: rejected records by reason, most frequent first.
SELECT source_file, reason, count(*) AS records
FROM rejects WHERE run_id = $run_id
GROUP BY source_file, reason ORDER BY source_file, records DESC, reason;
