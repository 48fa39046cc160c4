"""The report: queries, intervals, charts (PNG) and the HTML page, published all at once."""
