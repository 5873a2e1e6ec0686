"""Row queries compiled once per process and run again with other arguments (issue 14).

Compiling a wide ``values()`` query (forty joined columns, subqueries, an ordering) costs Django
several times what running it costs: on the API's hot lists it was most of a request. A
``PreparedRows`` builds its queryset once with marker arguments, keeps the SQL, the column
names and the value converters Django chose for it, and then runs that SQL with the real
arguments where the markers were, returning the same dicts ``values()`` would.

What may be an argument: whole numbers (primary and foreign keys) and UUIDs, used as plain
comparison values. The queryset's shape (its filters, joins and ordering) must not depend on
them; anything that changes the shape belongs in the key of a separate ``PreparedRows``.
Compilation checks that every marker is passed as a query parameter, never inlined."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connections
from django.db.models import QuerySet

# Negative (no key is) and inside PostgreSQL's integer range, so that Django's lookups keep them
# as ordinary parameters (an out-of-range integer would turn the condition into "no rows").
INTEGER_MARKER_BASE = -2_000_000_000
UUID_MARKER_BASE = 0x5EED_0000_0000_4000_8000_0000_0000_0000


@dataclass(frozen=True)
class _Compiled:
    sql: str
    slots: tuple  # per parameter: (argument name, form) or (None, constant value)
    names: tuple[str, ...]
    converters: tuple  # (column position, converter functions, expression)


class PreparedRows:
    """``build(**arguments)`` returns an unsliced ``values()`` queryset; ``rows(**arguments,
    limit=, offset=)`` gives its rows as dicts, compiling it only the first time per database."""

    def __init__(self, build: Callable[..., QuerySet], *, arguments: dict[str, type]):
        self.build = build
        self.arguments = arguments  # name → int or uuid.UUID
        self._compiled: dict[str, _Compiled] = {}
        self._lock = threading.Lock()

    def _markers(self) -> dict:
        markers = {}
        for index, (name, kind) in enumerate(self.arguments.items(), start=1):
            if kind is int:
                markers[name] = INTEGER_MARKER_BASE - index
            elif kind is uuid.UUID:
                markers[name] = uuid.UUID(int=UUID_MARKER_BASE + index)
            else:
                raise TypeError(f"A prepared argument is an int or a UUID, not {kind!r}.")
        return markers

    def _compile(self) -> _Compiled:
        markers = self._markers()
        queryset = self.build(**markers)
        query = queryset.query
        compiler = query.get_compiler(queryset.db)
        sql, params = compiler.as_sql()
        by_value = {}
        for name, marker in markers.items():
            if isinstance(marker, int):
                by_value[(int, marker)] = (name, "same")
            else:
                by_value[(uuid.UUID, marker)] = (name, "same")
                by_value[(str, marker.hex)] = (name, "hex")
                by_value[(str, str(marker))] = (name, "str")
            marker_text = marker.hex if isinstance(marker, uuid.UUID) else str(marker)
            if marker_text in sql:
                raise ValueError(f"The prepared argument {name!r} was inlined into the SQL.")
        slots = tuple(by_value.get((type(value), value)) or (None, value) for value in params)
        names = tuple(query.selected or (*query.extra_select, *query.values_select, *query.annotation_select))
        fields = [column[0] for column in compiler.select[: compiler.col_count]]
        converters = tuple(
            (position, tuple(functions), expression)
            for position, (functions, expression) in compiler.get_converters(fields).items()
        )
        return _Compiled(sql=sql, slots=slots, names=names, converters=converters)

    def compiled(self, alias: str = "default") -> _Compiled:
        compiled = self._compiled.get(alias)
        if compiled is None:
            with self._lock:
                compiled = self._compiled.get(alias) or self._compile()
                self._compiled[alias] = compiled
        return compiled

    def rows(
        self, *, limit: int | None = None, offset: int = 0, alias: str = "default", **arguments
    ) -> list[dict]:
        compiled = self.compiled(alias)
        params = []
        for name, form in compiled.slots:
            if name is None:
                params.append(form)
                continue
            value = arguments[name]
            params.append(value.hex if form == "hex" else str(value) if form == "str" else value)
        sql = compiled.sql
        if limit is not None:
            sql, params = f"{sql} LIMIT %s OFFSET %s", [*params, int(limit), int(offset)]
        connection = connections[alias]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            fetched = cursor.fetchall()
        names, converters, width = compiled.names, compiled.converters, len(compiled.names)
        result = []
        for raw in fetched:
            row = list(raw[:width])
            for position, functions, expression in converters:
                value = row[position]
                for function in functions:
                    value = function(value, expression, connection)
                row[position] = value
            result.append(dict(zip(names, row, strict=True)))
        return result
