"""How report queries run on PostgreSQL: without JIT compilation. A report's aggregate queries
over many rows have plan costs above ``jit_above_cost``, and compiling them takes seconds (2.6 s
of a 3 s bot report in bench/reports_bench.py) where running them takes milliseconds.
``SET LOCAL`` lasts for the report's own transaction only, so pooled connections keep their
settings."""

from __future__ import annotations

from functools import wraps

from django.db import connection, transaction


def without_jit(report):
    @wraps(report)
    def run(*args, **kwargs):
        if connection.vendor != "postgresql":
            return report(*args, **kwargs)
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
            return report(*args, **kwargs)

    return run
