"""The only place that imports Excel libraries: safe open, fast read, master writer."""
