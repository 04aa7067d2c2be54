"""Pure transforms: HTML/text in, records or polars frames out. No network, no database, no Prefect."""

PARSER_VERSION = "0.5.8"
