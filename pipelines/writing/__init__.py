"""Writing the job's tables: Arrow schemas, Parquet shards, the run folder's manifest."""
