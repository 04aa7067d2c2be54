-- value_base = value * multiplier wherever there is a value.
SELECT doc_id, name, value, multiplier, value_base FROM indicator_rows
WHERE (value IS NULL) <> (value_base IS NULL)
   OR (value IS NOT NULL AND abs(value * multiplier - value_base) > 1e-6 * greatest(abs(value_base), 1));
