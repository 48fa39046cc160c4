-- Every post of the database with its partition, in a fixed order (the bootstrap's weights
-- are drawn in this order, so a report is reproducible): what flows.reporting.intervals resamples.
SELECT month, platform, text FROM posts ORDER BY platform, month, post_id;
