"""Seed words, topic keyword sets and overrides shipped with mipulse, as plain files."""

from importlib import resources
from pathlib import Path

DEFAULT_SEEDS = "seeds.toml"


def default_seeds_path() -> Path:
    """Path of the shipped seed configuration."""
    return Path(str(resources.files(__name__).joinpath(DEFAULT_SEEDS)))
