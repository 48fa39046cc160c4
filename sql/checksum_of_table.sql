-- Row count and digest of one table ($name), by the table_checksum macro of checksum.sql.
SELECT row_count, digest FROM table_checksum($name);
