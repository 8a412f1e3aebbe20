"""The interval a tariff prices: one settlement period of the half-hourly meter data that
bills are made from. Pages say "half-hour" (or what this is set to), never "hour"."""
PRICED_INTERVAL_MINUTES = 30

_WORDS = {15: "quarter-hour", 30: "half-hour", 60: "hour"}


def interval_wording(minutes: int = PRICED_INTERVAL_MINUTES) -> str:
    return _WORDS.get(minutes, f"{minutes}-minute period")
