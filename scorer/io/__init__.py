"""The input/output edge: the only place that touches files."""
