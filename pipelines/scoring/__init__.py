"""Scoring a post with a lexicon: rules (negation, boosters, contrast), the feature vector and the calibrated models."""
