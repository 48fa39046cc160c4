"""Counting presence per partition, PMI / nPMI, and building a lexicon from the counts (priors, corpus adaptation, distant labels, supervised), in Beam and in memory."""
