"""Evaluation against labelled posts (metrics, VADER / EmoLex baselines, calibration) and the synthetic corpus of demos and scale tests: not part of a run's job."""
