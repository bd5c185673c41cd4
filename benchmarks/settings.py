"""Settings for benchmarks/pages.py only: the production settings plus the floor views.

Only that script selects this module (DJANGO_SETTINGS_MODULE=benchmarks.settings); the portal
itself never routes to the floor views.
"""

from kloormokers.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.urls"
