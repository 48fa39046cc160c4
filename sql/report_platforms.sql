-- The platforms that have posts (`mipulse report --platform` must name one of them).
SELECT DISTINCT platform FROM posts ORDER BY platform;
