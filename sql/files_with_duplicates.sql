-- Input files whose last load dropped copies of posts as duplicates (the copy loaded from another
-- file, or read first, stayed). They may hold posts that the database has only from that other
-- file: when it is read again and no longer holds them, only these files still do.
SELECT source_file FROM file_accounting WHERE duplicates > 0 ORDER BY source_file;
