"""Form fields and widgets for content edited in the admin.

A JSON string may spell a NUL character ("\\u0000") or half of a surrogate pair ("\\ud800"):
valid JSON, but PostgreSQL refuses the first and UTF-8 cannot encode the second, so saving one
(or showing the form again with it) was a server error. The field refuses them as invalid
input, like Django's CharField refuses NUL.
"""

import re

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.fields import InvalidJSONInput

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def storable(value) -> bool:
    """Whether every string in a decoded JSON value can be stored and shown."""
    return not any(UNSTORABLE.search(text) for text in _strings(value))


class StorableJSONField(forms.JSONField):
    default_error_messages = {"unstorable": "Text cannot contain NUL characters or unpaired surrogates."}

    def to_python(self, value):
        converted = super().to_python(value)
        if not storable(converted):
            raise ValidationError(self.error_messages["unstorable"], code="unstorable")
        return converted

    def bound_data(self, data, initial):
        value = super().bound_data(data, initial)
        if not isinstance(value, InvalidJSONInput) and not storable(value):
            return InvalidJSONInput(data)  # shown again as typed, escapes and all
        return value


# For every ModelAdmin and inline that edits a JSONField.
JSON_FIELD_OVERRIDES = {models.JSONField: {"form_class": StorableJSONField}}


class StorableAutocompleteSelect(AutocompleteSelect):
    """Django's autocomplete widget, which looks the posted id up to show it again: an id that is
    not a number (" ", NUL) raised ValueError there, so a form with one was a server error
    instead of "Select a valid choice". Such an id is shown as nothing chosen."""

    def optgroups(self, name, value, attr=None):
        remote = self.field.remote_field
        target = remote.model._meta.get_field(getattr(remote, "field_name", None) or remote.model._meta.pk.name)
        return super().optgroups(name, [v for v in value if _convertible(target, v)], attr)


def _convertible(field, value) -> bool:
    """Whether `value` is an id the database can look up: a number, and within the column's
    range (SQLite raised OverflowError for one past 64 bits)."""
    try:
        field.run_validators(field.to_python(value))
    except ValidationError:
        return False
    return True


class StorableAutocompleteMixin:
    """For a ModelAdmin or inline with `autocomplete_fields`."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request) and "widget" not in kwargs:
            kwargs["widget"] = StorableAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
