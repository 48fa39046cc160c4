-- Input files whose last load dropped copies of posts loaded from other files as duplicates (the
-- copy loaded from another file, or read first, stayed). They may hold posts that the database has
-- only from that other file: when it is read again and no longer holds them, only these files still
-- do. A windowed run also counts as duplicates its file's own posts outside its window, loaded by
-- runs over other windows: the file's posts beyond those the run accepted, which are not counted here.
SELECT a.source_file
FROM file_accounting AS a
LEFT JOIN (SELECT source_file, count(*) AS posts FROM posts GROUP BY source_file) AS p USING (source_file)
WHERE a.duplicates > coalesce(p.posts, 0) - a.accepted
ORDER BY a.source_file;
