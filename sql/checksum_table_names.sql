-- The tables a database checksum covers (the checksum_tables macro of checksum.sql).
SELECT table_name FROM checksum_tables();
