-- The report window, the filter of every sql/report_*.sql: a year inside from_year..to_year
-- (inclusive) of the platform asked for; a NULL bound or platform does not filter.
-- Created with the views (flows.store.views.create_views, on every load); a report on an older
-- database, opened read-only, creates it as a TEMP macro instead (flows.store.views.add_report_window).
CREATE OR REPLACE MACRO in_report_window(year, platform, from_year, to_year, only_platform) AS
    (from_year IS NULL OR year >= from_year)
    AND (to_year IS NULL OR year <= to_year)
    AND (only_platform IS NULL OR platform = only_platform);
