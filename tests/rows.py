"""Minimal rows of any model, for tests that walk every model (the admin smoke test).

`make_row(Model)` fills what the database requires (and every foreign key, so that lists show
related objects too) with plain values; it does not run the model's validators. A field type it
does not know fails with a message saying where to add it.
"""

import datetime
import decimal
import itertools
import uuid

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import IntegrityError, models, transaction
from django.utils import timezone

_numbers = itertools.count(1)


def make_row(model: type[models.Model], **given) -> models.Model:
    """Create and return one row of `model`, every value unique where uniqueness could bite;
    `given` values are used as they are."""
    number = next(_numbers)
    values = dict(given)
    for field in model._meta.concrete_fields:
        if field.name in given or _left_to_the_database_or_default(field):
            continue
        if field.is_relation:
            values[field.name] = make_row(field.related_model)
        else:
            values[field.name] = _value(field, number)
    return model.objects.create(**values)


def add_rows_of_every_kind(count: int, *, person=None) -> None:
    """`count` more rows of every model outside django.contrib (the portal's apps, allauth's
    addresses and authenticators), each linked to `person` where the model links to a user.

    A model that cannot take more rows (the one site configuration, one TOTP authenticator per
    person) gets what it can take. New apps' models are included without changing this.
    """
    for model in apps.get_models():
        if model._meta.app_config.name.startswith("django."):
            continue
        links = {
            field.name: person
            for field in model._meta.concrete_fields
            if person is not None and field.is_relation and field.related_model is get_user_model()
        }
        for _ in range(count):
            try:
                with transaction.atomic():
                    make_row(model, **links)
            except IntegrityError:
                break


def _left_to_the_database_or_default(field) -> bool:
    if isinstance(field, models.AutoField):  # BigAutoField and SmallAutoField too
        return True
    if field.is_relation:
        # Nullable or not, a list that shows related objects must be exercised (a nullable
        # link to the same model is left empty: it would never end).
        return field.null and field.related_model is field.model
    if field.has_default() or field.db_default is not models.NOT_PROVIDED:
        return True
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return True
    if field.null:
        return True  # filling optional values could break a check constraint between them
    return field.blank and field.empty_strings_allowed and not field.unique


def _within_validators(field, number: int) -> int | None:
    """A number inside the field's Min/MaxValueValidator range (a rating of 1 to 5 is often
    also a check constraint); None when the field has no such range."""
    low = [v.limit_value for v in field.validators if isinstance(v, MinValueValidator)]
    high = [v.limit_value for v in field.validators if isinstance(v, MaxValueValidator)]
    if not low or not high:
        return None
    return max(low) + number % (min(high) - max(low) + 1)


def _value(field, number: int):
    if field.attname == "password":
        return make_password(None)  # a user's password column: an unusable hash
    if field.choices and not field.unique:
        return field.choices[0][0]
    if isinstance(field, models.EmailField):
        return f"zeile{number}@beispiel.de"
    if isinstance(field, models.URLField):
        return f"https://beispiel.de/{number}"
    if isinstance(field, models.GenericIPAddressField):
        return "127.0.0.1"
    if isinstance(field, models.FileField):
        return f"zeile-{number}.txt"
    if isinstance(field, models.CharField | models.TextField):
        text = f"zeile-{number}" if isinstance(field, models.SlugField) else f"Zeile {number}"
        return text[-field.max_length :] if field.max_length else text
    if isinstance(field, models.BooleanField):
        return False
    if isinstance(field, models.IntegerField) and _within_validators(field, number) is not None:
        return _within_validators(field, number)
    if isinstance(field, models.SmallIntegerField | models.PositiveSmallIntegerField):
        return number % 30000 + 1  # the counter runs across the session: stay in range
    if isinstance(field, models.IntegerField):
        return number
    if isinstance(field, models.DecimalField):
        whole_digits = field.max_digits - field.decimal_places
        return decimal.Decimal(number % 10**whole_digits)
    if isinstance(field, models.FloatField):
        return float(number)
    if isinstance(field, models.DateTimeField):
        return timezone.now()
    if isinstance(field, models.DateField):
        return timezone.localdate()
    if isinstance(field, models.TimeField):
        return datetime.time(12)
    if isinstance(field, models.DurationField):
        return datetime.timedelta(0)
    if isinstance(field, models.UUIDField):
        return uuid.uuid4()
    if isinstance(field, models.JSONField):
        return {}
    if isinstance(field, models.BinaryField):
        return b""
    raise NotImplementedError(
        f"tests/rows.py has no value for {field.model._meta.label}.{field.name} "
        f"({type(field).__name__}): add one to _value()"
    )
