-- Schema version of this warehouse; zwgk applies sql/ again when it changes.
CREATE TABLE IF NOT EXISTS zwgk_meta (key VARCHAR, value VARCHAR);
