-- Records left out because their export named another language (`mipulse run --languages`), per
-- language, in the whole database (a reject has no month).
SELECT regexp_extract(reason, '^language (\w+) not selected$', 1) AS language, count(*) AS records
FROM rejects
WHERE reason LIKE 'language % not selected'
GROUP BY ALL
ORDER BY records DESC, language;
