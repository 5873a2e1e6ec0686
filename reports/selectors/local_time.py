"""A timestamp's local day, weekday and hour in the organization's time zone, computed by the
database for grouping.

PostgreSQL converts natively (``AT TIME ZONE``, what Django's ``TruncDate``/``Extract`` emit).
On SQLite Django converts each row with a Python function, which costs more than the rest of a
report; here the zone's UTC offsets over the period (a handful: one per daylight-saving change)
become a ``CASE`` of ``strftime`` modifiers, so SQLite shifts each row in C."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.db import connection
from django.db.models import CharField, F, Func, IntegerField
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay, TruncDate

from reports.periods import Period


def offsets(period: Period) -> list[tuple[datetime | None, int]]:
    """[(until, offset seconds)]: the zone's offset before each change inside the period, the
    last one (until None) to its end. Changes are found hour by hour (zones change on the hour or
    half hour; the half-hour ones are found within the hour by halving)."""
    tz = period.timezone
    moment = period.start.astimezone(UTC)
    end = period.end.astimezone(UTC)
    current = int(moment.astimezone(tz).utcoffset().total_seconds())
    result = []
    while moment < end:
        following = moment + timedelta(hours=1)
        offset = int(following.astimezone(tz).utcoffset().total_seconds())
        if offset != current:
            low, high = moment, following
            while high - low > timedelta(minutes=1):
                middle = low + (high - low) / 2
                if int(middle.astimezone(tz).utcoffset().total_seconds()) == current:
                    low = middle
                else:
                    high = middle
            result.append((high, current))
            current = offset
        moment = following
    result.append((None, current))
    return result


def _stored(moment: datetime) -> str:
    """How Django stores an aware datetime in SQLite (naive UTC text)."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(" ")


class SqliteLocal(Func):
    """``part`` (day, hour, weekday) of a UTC timestamp shifted by the period's offsets."""

    def __init__(self, expression, *, part: str, period: Period):
        self.part, self.shifts = part, offsets(period)
        output = IntegerField() if part in ("hour", "weekday") else CharField()
        super().__init__(expression, output_field=output)

    def as_sql(self, compiler, connection, **extra):
        column, params = compiler.compile(self.source_expressions[0])
        if len(self.shifts) == 1:
            modifier, modifier_params = "%s", [f"{self.shifts[0][1]:+d} seconds"]
        else:
            branches, modifier_params = [], []
            for until, offset in self.shifts[:-1]:
                branches.append(f"WHEN {column} < %s THEN %s")
                modifier_params += [*params, _stored(until), f"{offset:+d} seconds"]
            modifier = f"CASE {' '.join(branches)} ELSE %s END"
            modifier_params.append(f"{self.shifts[-1][1]:+d} seconds")
        if self.part == "day":
            sql = f"date({column}, {modifier})"
        elif self.part == "hour":
            sql = f"CAST(strftime('%%H', {column}, {modifier}) AS INTEGER)"
        else:  # ISO weekday, Monday = 1
            sql = f"((CAST(strftime('%%w', {column}, {modifier}) AS INTEGER) + 6) %% 7 + 1)"
        return sql, (*params, *modifier_params)


def local_day(field: str, period: Period):
    if connection.vendor == "sqlite":
        return SqliteLocal(F(field), part="day", period=period)
    return TruncDate(field, tzinfo=period.timezone)


def local_hour(field: str, period: Period):
    if connection.vendor == "sqlite":
        return SqliteLocal(F(field), part="hour", period=period)
    return ExtractHour(field, tzinfo=period.timezone)


def local_weekday(field: str, period: Period):
    if connection.vendor == "sqlite":
        return SqliteLocal(F(field), part="weekday", period=period)
    return ExtractIsoWeekDay(field, tzinfo=period.timezone)
