"""Starter files built from a criteria file: the data-entry workbook, its help text, the judgement workbook."""
