"""The reliability suite (`make reliability`): load, crash, faults, hostile input and access."""
