"""Model instances for long plain lists, without Model.__init__'s per-field walk.

A due list of a 100,000-child panel loads ten columns of each child: Django's from_db maps the
ten onto the model's 38 fields (DEFERRED for the rest) and __init__ walks all 38, about 35 µs a
row, three times the query itself on PostgreSQL (docs/benchmarks.md, "Due list"). Here an
instance is the model's own class with the loaded columns in its __dict__ and a loaded state,
which is what from_db leaves behind: a column not loaded is fetched on access, as with only().

Only for a plain query of one model; anything else (select_related, known related objects,
init signals, a fetch mode that tracks peers) takes Django's own path.
"""

from collections.abc import Iterator
from typing import Any

from django.db.models import Model
from django.db.models.base import ModelState
from django.db.models.query import ModelIterable, QuerySet
from django.db.models.signals import post_init, pre_init


class LeanModelIterable(ModelIterable):
    def __iter__(self) -> Iterator[Any]:
        queryset = self.queryset
        model = queryset.model
        if (
            queryset.query.select_related
            or getattr(queryset, "_known_related_objects", None)
            or pre_init.has_listeners(model)
            or post_init.has_listeners(model)
            or getattr(getattr(queryset, "_fetch_mode", None), "track_peers", False)
        ):
            yield from super().__iter__()
            return
        db = queryset.db
        compiler = queryset.query.get_compiler(using=db)
        results = compiler.execute_sql(chunked_fetch=self.chunked_fetch, chunk_size=self.chunk_size)
        select, klass_info = compiler.select, compiler.klass_info
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        names = [column[0].target.attname for column in select[start:end]]
        annotations = list(compiler.annotation_col_map.items())
        new = Model.__new__
        for row in compiler.results_iter(results):
            obj = new(model)
            state = ModelState()
            state.adding = False
            state.db = db
            values = obj.__dict__
            values["_state"] = state
            values.update(zip(names, row[start:end], strict=True))
            for name, position in annotations:
                values[name] = row[position]
            yield obj


def lean(queryset: QuerySet[Any]) -> QuerySet[Any]:
    """The same queryset, iterated into lean instances (see the module's docstring)."""
    chained = queryset.all()
    chained._iterable_class = LeanModelIterable
    return chained
