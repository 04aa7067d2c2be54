-- Coverage: how many current documents each publisher has per year of publication.
SELECT publisher, coalesce(CAST(year(TRY_CAST(published_at AS TIMESTAMP)) AS VARCHAR), 'unknown') AS year,
       count(*) AS documents, count(DISTINCT portal) AS portals
FROM documents
GROUP BY ALL
ORDER BY publisher, year;
