"""Data preparation: cells as people type them, country identity, panels, offices, territories, validation."""
