-- The indicators a report shows when none is named: those with levels from the most publishers.
SELECT canonical
FROM indicator_panel
WHERE kind <> 'target' AND value_base IS NOT NULL
GROUP BY canonical
ORDER BY count(DISTINCT publisher) DESC, count(*) DESC, canonical
LIMIT $limit;
