"""Outputs: the master, annotated copies, workbook templates, Word reports. The only place that imports writers."""
