"""Inputs: discover, detect and read workbooks. The only place that imports a spreadsheet reader."""
