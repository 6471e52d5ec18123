"""Saving only what changed: a model row read from the database writes back only the columns that changed."""

from __future__ import annotations

import copy
from typing import Any

from django.db import models


class SavesChangedColumns(models.Model):
    """A row read from the database remembers its columns; ``save()`` without arguments writes only those that
    changed since (none: no query), so it never overwrites what another transaction wrote to the row's others.
    A row created in memory saves as Django saves it."""

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db, field_names, values):
        row = super().from_db(db, field_names, values)
        row._loaded = {
            name: _copied(value)
            for name, value in zip(field_names, values, strict=True)
            if name != row._meta.pk.attname
        }
        return row

    def save(self, *args: Any, **kwargs: Any) -> None:
        loaded = getattr(self, "_loaded", None)
        if loaded is not None and not args and set(kwargs) <= {"using"} and not self._state.adding:
            kwargs["update_fields"] = [name for name, value in self._columns().items() if loaded.get(name) != value]
        super().save(*args, **kwargs)
        if loaded is not None:
            written, now = kwargs.get("update_fields"), self._columns()
            loaded.update(now if written is None else {name: now[name] for name in written if name in now})

    def refresh_from_db(self, using=None, fields=None, from_queryset=None):
        super().refresh_from_db(using, fields, from_queryset)
        if hasattr(self, "_loaded"):
            fresh = self._columns()
            self._loaded.update(fresh if fields is None else {name: fresh[name] for name in fields if name in fresh})

    def _columns(self) -> dict[str, object]:
        """The values of the loaded columns (JSON copied: it may be changed in place)."""
        deferred = self.get_deferred_fields()
        return {
            field.attname: _copied(getattr(self, field.attname))
            for field in self._meta.concrete_fields
            if field.attname not in deferred and not field.primary_key
        }


def _copied(value: object) -> object:
    return copy.deepcopy(value) if isinstance(value, dict | list) else value
