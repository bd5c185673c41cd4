"""Filled by the advice feature issue."""
