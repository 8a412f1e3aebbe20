"""A small URDB rate written for these tests (not taken from any published file).

Two energy periods: period 1 is weekday 14:00-19:00 in June-September at 0.30 $/kWh (first
500 kWh) then 0.35, everything else is period 0 at 0.12 $/kWh. A TOU demand charge of
8 $/kW in period 1, a flat demand charge of 5 $/kW in summer and 3 $/kW otherwise, a fixed
charge of 0.80 $/day and a minimum of 15 $/month.
"""
SUMMER = range(5, 9)  # June-September as 0-based month rows


def _grid(weekday: bool) -> list[list[int]]:
    return [
        [1 if weekday and month in SUMMER and 14 <= hour < 19 else 0 for hour in range(24)]
        for month in range(12)
    ]


def small_rate() -> dict:
    return {
        "label": "test-rate-1",
        "name": "Test TOU with demand",
        "utility": "Example Utility",
        "energyratestructure": [
            [{"rate": 0.12, "unit": "kWh"}],
            [{"rate": 0.30, "max": 500, "unit": "kWh"}, {"rate": 0.33, "adj": 0.02, "unit": "kWh"}],
        ],
        "energyweekdayschedule": _grid(weekday=True),
        "energyweekendschedule": _grid(weekday=False),
        "demandratestructure": [[{"rate": 0.0}], [{"rate": 8.0}]],
        "demandweekdayschedule": _grid(weekday=True),
        "demandweekendschedule": _grid(weekday=False),
        "flatdemandstructure": [[{"rate": 3.0}], [{"rate": 5.0}]],
        "flatdemandmonths": [1 if month in SUMMER else 0 for month in range(12)],
        "fixedchargefirstmeter": 0.8,
        "fixedchargeunits": "$/day",
        "mincharge": 15,
        "minchargeunits": "$/month",
    }
