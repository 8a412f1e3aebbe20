"""Query parameters as Octopus's API takes them; a bad one is a 400 naming it, in the
shape Octopus (a Django REST framework API) answers: `{"<parameter>": ["<message>"]}`.
"""
import re
from datetime import datetime
from zoneinfo import ZoneInfo

from rest_framework.exceptions import ValidationError

from core.api_inputs import offset_in_range

FIRST_YEAR, LAST_YEAR = 1970, 2100
TRUE = ("true", "1", "yes")
FALSE = ("false", "0", "no")
# A '+' of an offset that a client left unescaped arrives as a space.
_SPACED_OFFSET = re.compile(r" (\d{2}(:?\d{2})?)$")


def _refuse(name: str, message: str):
    raise ValidationError({name: [message]})


def boolean(params, name: str) -> bool | None:
    if name not in params:
        return None
    text = params[name].strip().lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    return _refuse(name, "Must be true or false.")


def instant(params, name: str, *, time_zone: str) -> datetime | None:
    """An ISO 8601 datetime; without an offset it is read in the retailer's zone (Octopus
    assumes Europe/London, its own)."""
    if name not in params:
        return None
    text = _SPACED_OFFSET.sub(r"+\1", params[name].strip())
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return _refuse(name, "Enter a valid ISO 8601 date/time, e.g. 2026-03-01T00:00:00Z.")
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(time_zone))
    if not offset_in_range(value):
        return _refuse(name, "The UTC offset must lie within ±14:59.")
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        return _refuse(name, f"Must lie between {FIRST_YEAR} and {LAST_YEAR}.")
    return value


def choice(params, name: str, choices: tuple[str, ...], default: str) -> str:
    value = params.get(name, default)
    if value not in choices:
        _refuse(name, f"Select a valid choice. {value!r} is not one of the available "
                      f"choices: {', '.join(c for c in choices if c)}.")
    return value


def period(params, *, time_zone: str) -> tuple[datetime | None, datetime | None]:
    start = instant(params, "period_from", time_zone=time_zone)
    end = instant(params, "period_to", time_zone=time_zone)
    if start is not None and end is not None and end <= start:
        _refuse("period_to", "Must be after period_from.")
    return start, end
