"""The item analysis read: a million response rows streamed in attempt order, four columns each."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from itertools import chain

from django.db import connections
from django.db.models import FloatField, QuerySet, TextField

from ..models import Response, SelfTestItem

CHUNK = 10_000


def counted_rows(
    model: type[Response | SelfTestItem], key: str, counted: QuerySet, question_ids: list[int] | None = None
) -> Iterator[tuple[int, int | None, float, str]]:
    """(attempt key, question id, mark, chosen ids as JSON text) rows in attempt order, streamed.

    `model`'s rows whose `key` (its attempt's id) is among `counted`, optionally only for
    `question_ids`. Four columns, on a raw (on PostgreSQL, server-side) cursor fetched in chunks:
    no model instance and no Django converter per row. The database casts the mark to a float
    (a blank one to 0) and the chosen ids to text. On PostgreSQL the rows are joined to the
    counted attempts in id order: its planner cannot tell how many attempts the per-learner
    window keeps, and for `IN (...)` it would sort the million rows instead.
    """
    connection = connections[counted.db]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    column = {name: "r." + quote(model._meta.get_field(name).column) for name in (key, "question", "mark", "chosen")}
    select = (
        f"SELECT {column[key]}, {column['question']}, "
        f"COALESCE(CAST({column['mark']} AS {FloatField().cast_db_type(connection)}), 0.0), "
        f"CAST({column['chosen']} AS {TextField().cast_db_type(connection)})"
    )
    conditions = []
    if connection.vendor == "postgresql":
        ids_sql, params = counted.values("id").order_by("id").query.get_compiler(connection=connection).as_sql()
        source = f"FROM ({ids_sql}) c INNER JOIN {table} r ON {column[key]} = c.id"
        order = "c.id"
    else:
        ids_sql, params = counted.values("id").query.get_compiler(connection=connection).as_sql()
        source = f"FROM {table} r"
        conditions.append(f"{column[key]} IN ({ids_sql})")
        order = column[key]
    if question_ids is not None:
        conditions.append(f"{column['question']} IN ({', '.join(['%s'] * len(question_ids))})")
        params = (*params, *question_ids)
    where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
    # Table and column names from the models, every value a parameter.
    sql = f"{select} {source}{where} ORDER BY {order}"
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        yield from chain.from_iterable(iter(partial(cursor.fetchmany, CHUNK), []))
