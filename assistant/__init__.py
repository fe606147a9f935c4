"""MLOps maturity assessment assistant."""
