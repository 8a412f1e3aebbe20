"""Insights analytics: plain functions over pandas/numpy, no ORM, no Django, no clock.

- `days`: local days, daily usage from interval rows, daily mean temperature.
- `caltrack`: the CalTRACK 2.0 daily baseline model and its grid search.
- `baseline`: sufficiency, the baseline fit and the reporting-period figures.
- `weather`: weather-normalised usage and "this period vs last year, and the weather".
- `neighbours`, `breakdown`, `load_shift`, `forecast`, `segments`, `recommendations`:
  the other analytics of the home energy report.
- `files` and `baseline_report`: the CSV inputs and the JSON of `insights_baseline`.

See docs/insights.md for the method and the figures the tests reproduce.
"""
