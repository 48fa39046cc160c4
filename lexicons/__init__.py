"""Seed words, topic keyword sets and overrides shipped with mipulse, as plain files."""

from importlib import resources
from pathlib import Path

DEFAULT_SEEDS = "seeds.toml"


def default_seeds_path() -> Path:
    """Path of the shipped seed configuration."""
    return Path(str(resources.files(__name__).joinpath(DEFAULT_SEEDS)))


DEFAULT_CALIBRATION = "default_calibration.json"


def default_calibration() -> dict:
    """The default lexicon's calibration, fitted on development data by bench/calibrate_default.py."""
    import json

    return json.loads(resources.files(__name__).joinpath(DEFAULT_CALIBRATION).read_text(encoding="utf-8"))
