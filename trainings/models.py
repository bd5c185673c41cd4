"""Filled by the trainings feature issue."""
