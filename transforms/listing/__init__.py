"""Column and list pages to article refs: one reader per list kind, driven by a pure plan (plan.py)."""
