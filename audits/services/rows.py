"""Rows written without model instances, where an ingest writes thousands."""

from __future__ import annotations

from django.db import connection, models
from django.db.models.constants import OnConflict

BATCH = 1000  # rows per executemany and per bulk_create


def insert_rows(model, rows: list[dict], *, ignore_conflicts: bool = False) -> None:
    """INSERT plain field dicts without building model instances.

    An ingest writes about 60,000 child rows; Django model construction and per-field
    preparation cost several times the SQL itself. Only JSON fields need preparing.
    Every dict of one call has the same keys (field names, `*_id` for foreign keys). `ignore_conflicts`: a row
    whose key is there already is left out, as bulk_create(ignore_conflicts=True) does.
    """
    if not rows:
        return
    given = {model._meta.get_field(name).attname for name in rows[0]}
    # fields a caller does not give get their model default, as Model.save would (a field added by a
    # migration without a database default is NOT NULL)
    defaults = {f.attname: f.get_default() for f in model._meta.concrete_fields
                if f.attname not in given and not f.primary_key}
    if defaults:
        rows = [{**row, **defaults} for row in rows]
    fields = [model._meta.get_field(name) for name in rows[0]]
    ops, on_conflict = connection.ops, OnConflict.IGNORE if ignore_conflicts else None
    sql = "{} {} ({}) VALUES ({}) {}".format(  # as bulk_create words it: INSERT OR IGNORE, or ON CONFLICT DO NOTHING
        ops.insert_statement(on_conflict=on_conflict), ops.quote_name(model._meta.db_table),
        ", ".join(ops.quote_name(f.column) for f in fields), ", ".join(["%s"] * len(fields)),
        ops.on_conflict_suffix_sql(fields, on_conflict, None, None),
    ).rstrip()
    prepare = [
        (lambda value, f=f: f.get_db_prep_save(value, connection)) if isinstance(f, models.JSONField) else None
        for f in fields
    ]
    values = [
        [p(v) if p else v for p, v in zip(prepare, row.values())]
        for row in rows
    ]
    with connection.cursor() as cursor:
        for start in range(0, len(values), BATCH):
            cursor.executemany(sql, values[start : start + BATCH])
