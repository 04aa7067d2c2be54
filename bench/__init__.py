"""`make bench`: speed, scale and accuracy measured side by side in one run."""
