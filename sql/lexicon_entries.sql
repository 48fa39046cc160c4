-- Every entry of one lexicon version, as pipelines.induction.lexicon rows. Bind: $version.
SELECT layer, term, sentiment, neutral, anger, anticipation, disgust, fear, joy, sadness, surprise, trust,
       df, support, source
FROM lexicon WHERE lexicon_version = $version
ORDER BY layer, term;
