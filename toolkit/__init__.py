"""Ops Tracker Toolkit: validate, consolidate and report on department Excel trackers."""

__version__ = "0.1.0"
