"""Renderers: numbers and words as people read them, export tables, charts, worked examples."""
