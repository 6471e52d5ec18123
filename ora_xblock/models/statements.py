"""Raw SQL for the peer hot path, written once per database connection (docs/decisions/0033-peer-hot-path.md).

Handing out a review and recording one run on every peer page. Through the ORM most of their time went into
compiling SQL, so :mod:`ora_xblock.services.peer` sends these few statements instead. Each is written from the
models' own table and column names and kept on the connection (so one set per thread and database). Each runs on
Django's cursor, so transactions, query counting and error wrapping behave as for the ORM; parameters are named,
which SQLite's adapter maps without scanning the SQL. Rows come back as model instances through the ORM's own
converters. Tested on SQLite, PostgreSQL and MariaDB.
"""

# ruff: noqa: S608 - the SQL is built from the models' own table and column names; every value is a parameter

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model

from . import Assessment, PeerLease, Workflow

CACHE_ATTRIBUTE = "_ora_peer_statements"


class Columns:
    """A model's concrete columns under a table alias: their SELECT list, and rows read back as instances."""

    def __init__(self, db: BaseDatabaseWrapper, model: type[Model], alias: str):
        fields = model._meta.concrete_fields
        self.db, self.model, self.width = db, model, len(fields)
        self.sql = ", ".join(f"{alias}.{db.ops.quote_name(field.column)}" for field in fields)
        self.attnames = [field.attname for field in fields]
        self.converters = []
        for position, field in enumerate(fields):
            column = field.get_col(alias)
            convert = db.ops.get_db_converters(column) + column.get_db_converters(db)
            if convert:
                self.converters.append((position, convert, column))

    def instance(self, row: Sequence[Any], start: int = 0) -> Any:
        """The instance whose columns start at ``start`` in ``row``; None where an outer join found none."""
        values = list(row[start : start + self.width])
        if values[0] is None:
            return None
        for position, convert, column in self.converters:
            value = values[position]
            for converter in convert:
                value = converter(value, column, self.db)
            values[position] = value
        return self.model.from_db(self.db.alias, self.attnames, values)


class PeerStatements:
    """The statements of one connection; get them with :func:`statements`."""

    def __init__(self, db: BaseDatabaseWrapper):
        self.db = db
        quote = db.ops.quote_name
        workflow, lease = quote(Workflow._meta.db_table), quote(PeerLease._meta.db_table)
        self.workflow_r, self.lease_l, self.workflow_t = (
            Columns(db, Workflow, "r"),
            Columns(db, PeerLease, "l"),
            Columns(db, Workflow, "t"),
        )
        self._setters: dict[tuple[str, ...], str] = {}
        self.returning = " RETURNING id" if db.vendor == "postgresql" else ""
        everything = f"{self.workflow_r.sql}, {self.lease_l.sql}, {self.workflow_t.sql}"
        locked = self._lock()
        reviewer = "WHERE r.item_id = %(item)s AND r.student_id = %(student)s"
        # The reviewer, their current lease and its response. Only the reviewer's row is locked (PostgreSQL cannot
        # lock an outer join's side); other writers of this lease are the reclaim, whose work the pick only reads
        # here, and the end of a lapsed lease, which locks it.
        self.reviewer_and_lease = (
            f"SELECT {everything} FROM {workflow} r LEFT JOIN {lease} l ON l.active_key = %(key)s"
            f" LEFT JOIN {workflow} t ON t.id = l.workflow_id {reviewer}{self._lock(of='r')}"
        )
        # The same three rows when the reviewer holds a lease, all locked: the review is landing on them.
        self.review_in_hand = (
            f"SELECT {everything} FROM {workflow} r INNER JOIN {lease} l ON l.active_key = %(key)s"
            f" INNER JOIN {workflow} t ON t.id = l.workflow_id {reviewer}{locked}"
        )
        skip = " SKIP LOCKED" if locked and db.features.has_select_for_update_skip_locked else ""
        self.candidate = (
            f"SELECT {self.workflow_t.sql} FROM {workflow} t"
            f" WHERE t.item_id = %(item)s AND NOT (t.student_id = %(student)s) AND NOT (t.status = %(cancelled)s)"
            f" AND NOT (t.id IN (SELECT l.workflow_id FROM {lease} l WHERE l.reviewer_id = %(student)s))"
            f" ORDER BY t.peer_rank ASC, t.reviews_load ASC, t.peer_tiebreak ASC LIMIT 1{locked}{skip}"
        )
        lease_columns = (
            "item_id",
            "reviewer_id",
            "workflow_id",
            "created_at",
            "blocks_until",
            "valid_until",
            "blocking",
            "active_key",
            "done",
        )
        self.hand_out = self._insert(PeerLease, lease_columns)
        self.finish_lease = (
            f"UPDATE {lease} SET active_key = NULL, done = %(done)s, blocking = %(blocking)s WHERE id = %(id)s"
        )
        assessment_columns = (
            "workflow_id",
            "kind",
            "scorer_id",
            "parts",
            "overall_feedback",
            "points_earned",
            "points_possible",
            "created_at",
            "once_key",
        )
        self.record = self._insert(Assessment, assessment_columns)
        self.parts = Assessment._meta.get_field("parts")

    def set_columns(self, workflow: Workflow, names: tuple[str, ...]) -> None:
        """Write these columns of the workflow's row, in one UPDATE, and remember them as saved."""
        sql = self._setters.get(names)
        if sql is None:
            quote = self.db.ops.quote_name
            assignments = ", ".join(f"{quote(Workflow._meta.get_field(name).column)} = %({name})s" for name in names)
            sql = f"UPDATE {quote(Workflow._meta.db_table)} SET {assignments} WHERE id = %(pk)s"
            self._setters[names] = sql
        values = {name: getattr(workflow, name) for name in names}
        params = {
            name: Workflow._meta.get_field(name).get_db_prep_save(value, self.db) for name, value in values.items()
        }
        self.update(sql, {**params, "pk": workflow.pk})
        workflow._loaded.update(values)

    def insert(self, sql: str, params: Mapping[str, Any]) -> int:
        """Run an INSERT; the new row's id."""
        with self.db.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()[0] if self.returning else cursor.lastrowid

    def update(self, sql: str, params: Mapping[str, Any]) -> None:
        with self.db.cursor() as cursor:
            cursor.execute(sql, params)

    def row(self, sql: str, params: Mapping[str, Any]) -> tuple[Any, ...] | None:
        with self.db.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()

    def moment(self, value: datetime) -> Any:
        """A datetime as the connection stores it."""
        return self.db.ops.adapt_datetimefield_value(value)

    def _insert(self, model: type[Model], columns: tuple[str, ...]) -> str:
        quote = self.db.ops.quote_name
        values = ", ".join(f"%({name})s" for name in columns)
        names = ", ".join(quote(name) for name in columns)
        return f"INSERT INTO {quote(model._meta.db_table)} ({names}) VALUES ({values}){self.returning}"

    def _lock(self, of: str | None = None) -> str:
        """The row-lock clause the connection understands: none on SQLite (its transactions lock the database)."""
        features = self.db.features
        if not features.has_select_for_update:
            return ""
        return f" FOR UPDATE OF {of}" if of and features.has_select_for_update_of else " FOR UPDATE"


def statements() -> PeerStatements:
    """The current connection's statements, written on its first use."""
    db = connections[DEFAULT_DB_ALIAS]  # the thread's wrapper itself, not the proxy: no lookup on every use
    made = getattr(db, CACHE_ATTRIBUTE, None)
    if made is None:
        made = PeerStatements(db)
        setattr(db, CACHE_ATTRIBUTE, made)
    return made
