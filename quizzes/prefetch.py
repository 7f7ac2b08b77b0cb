"""Hand a freshly written relation to Django's prefetch cache, so reading it costs no query.

Django has no public API to say "these are the related rows" without a query:
`prefetch_related_objects` always runs one. Right after `bulk_create`, the rows are in memory
already, so they are attached the way a prefetch would attach them. This uses private
attributes of Django's model instances and querysets (`_prefetched_objects_cache`,
`_result_cache`, `_prefetch_done`); `tests/test_prefetch.py` fails if an upgrade changes them.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import models


def attach_prefetched(instance: models.Model, relation: str, objects: Sequence[models.Model]) -> None:
    """Make `getattr(instance, relation).all()` return `objects` without a query."""
    queryset = getattr(instance, relation).all()
    queryset._result_cache = list(objects)
    queryset._prefetch_done = True
    cache = getattr(instance, "_prefetched_objects_cache", None)
    if cache is None:
        cache = instance._prefetched_objects_cache = {}
    cache[relation] = queryset
