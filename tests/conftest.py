import os
import tempfile

# Prefect without a server starts a temporary local one; keep it quiet and offline.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
# Flow runs create an author-key file when none exists: keep it out of the user's ~/.config.
os.environ.setdefault("MIPULSE_AUTHOR_KEY_FILE", os.path.join(tempfile.mkdtemp(prefix="mipulse-test-key-"), "author.key"))
