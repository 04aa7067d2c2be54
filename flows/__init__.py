"""Prefect flows and tasks: the only place with network, disk and database I/O."""
