-- The metadata and calibration (JSON text) of one lexicon version. Bind: $version.
SELECT CAST(metadata AS VARCHAR) AS metadata, CAST(calibration AS VARCHAR) AS calibration
FROM lexicons WHERE lexicon_version = $version;
