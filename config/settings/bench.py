"""Benchmark settings (bench/run.py): base, plus the proof-of-work bypass for the
complaint scenario. The token is read once here, at start-up; the request path only
compares a header with this setting. Never use this module outside the bench."""

import os

from .base import *  # noqa: F403

# 24+ characters; the bench sends it as X-Complaints-Bench-Token (complaints/antiabuse.py).
COMPLAINT_BENCH_TOKEN = os.environ.get("COMPLAINT_BENCH_TOKEN", "")
