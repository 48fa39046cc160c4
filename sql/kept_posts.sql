-- (platform, post_id) of the loaded posts a run over input files $inputs in its window
-- (from_month..to_month on platforms, NULL = open) keeps: those of every other file, and
-- those of its own files outside the window.
SELECT DISTINCT platform, post_id FROM posts
WHERE NOT (coalesce(list_contains(CAST($inputs AS VARCHAR[]), source_file), false)
           AND in_window(month, platform, CAST($from_month AS VARCHAR), CAST($to_month AS VARCHAR),
                         CAST($platforms AS VARCHAR[])));
