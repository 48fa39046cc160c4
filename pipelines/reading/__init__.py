"""Reading posts: input files and formats to canonical posts and reject rows, author keys, the run's window and duplicates."""
