-- Indicators per document version and parser version; fields as in spec/indicators.md.
-- value, value_base and value_high are exact: DECIMAL(38, 6) holds any amount in 元 and any count without rounding
-- (transforms/exact.py says why that width and scale); the rates stay DOUBLE. period_norm is the period in the
-- panel's grammar (2024, 2024H1, 2024Q3, 2024M01-09) and period_raw the words it was read from (transforms/period.py).
-- Schema 5 made these changes; a schema-4 warehouse is rebuilt in place on open (flows/warehouse.py).
CREATE TABLE IF NOT EXISTS indicator_rows (
    doc_id VARCHAR,
    version INTEGER,
    parser_version VARCHAR,
    seq INTEGER,
    name VARCHAR,
    value DECIMAL(38, 6),
    multiplier DOUBLE,
    unit VARCHAR,
    value_base DECIMAL(38, 6),
    raw VARCHAR,
    yoy_pct DOUBLE,
    target_pct DOUBLE,
    kind VARCHAR,
    bound VARCHAR,
    value_high DECIMAL(38, 6),
    masked BOOLEAN,
    parent VARCHAR,
    period VARCHAR,
    period_norm VARCHAR,
    period_raw VARCHAR,
    quote VARCHAR,
    canonical VARCHAR,
    valid BOOLEAN,
    issues VARCHAR
);
