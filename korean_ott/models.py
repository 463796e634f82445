"""Temporary alias: this module was renamed :mod:`korean_ott.expert_views`.

Kept only until chapter 5 imports the new name; then delete it.
"""

from korean_ott.expert_views import *  # noqa: F401,F403
from korean_ott.expert_views import VERDICTS, collect_evidence, predictions_table  # noqa: F401
