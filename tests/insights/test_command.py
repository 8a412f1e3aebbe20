"""`manage.py insights_baseline` on synthetic files: its JSON, the insufficient cases, bad
input, --celsius, and that it runs with no database at all."""
import json
import os
import subprocess
import sys
from datetime import date

import pytest
from django.core.management import CommandError

from .files import two_years, write_meter
from .samples import ROOT, run_baseline

START = date(2024, 1, 1)
BASELINE = ("2024-01-01", "2024-12-31")  # 365 days (2024 is a leap year)
REPORTING = ("2024-12-31", "2025-12-31")


def meter(tmp_path, **options):
    t, kwh = two_years()
    if "reporting_factor" in options:
        kwh = kwh.copy()
        kwh[365:] *= options.pop("reporting_factor")
    return write_meter(tmp_path, start=START, temperatures=t, daily_kwh=kwh, **options)


def run(usage, temperature, **options):
    return run_baseline(usage=usage, temperature=temperature, baseline=BASELINE,
                        reporting=REPORTING, **options)


def test_prints_the_documented_json_and_recovers_the_meter(tmp_path):
    usage, temperature = meter(tmp_path, reporting_factor=0.9)
    result, stderr = run(usage, temperature)
    assert stderr == ""
    assert set(result) == {"model", "baseline", "reporting"}
    assert set(result["model"]) == {"kind", "intercept_kwh_per_day", "beta_hdd", "beta_cdd",
                                    "heating_balance_point", "cooling_balance_point",
                                    "r_squared_adj"}
    assert set(result["baseline"]) == {"days", "observed_kwh"}
    assert set(result["reporting"]) == {"days", "observed_kwh", "predicted_kwh", "savings_kwh"}
    model = result["model"]
    assert (model["kind"], model["heating_balance_point"], model["cooling_balance_point"]) == (
        "hdd_cdd", 58, 71)
    assert model["intercept_kwh_per_day"] == pytest.approx(9.0, abs=1e-6)
    assert model["beta_hdd"] == pytest.approx(0.8, abs=1e-6)
    assert model["beta_cdd"] == pytest.approx(1.7, abs=1e-6)
    assert result["baseline"]["days"] == 365
    reporting = result["reporting"]
    assert reporting["days"] == 365
    # The reporting year used 10% less than the model predicts: savings = 10% of predicted.
    assert reporting["savings_kwh"] == pytest.approx(0.1 * reporting["predicted_kwh"], abs=0.01)
    assert reporting["savings_kwh"] == pytest.approx(
        reporting["predicted_kwh"] - reporting["observed_kwh"], abs=0.002)


def test_absent_terms_are_null(tmp_path):
    t, _ = two_years()
    usage, temperature = write_meter(tmp_path, start=START, temperatures=t,
                                     daily_kwh=4 + 1.2 * (t < 60) * (60 - t))
    model = run(usage, temperature)[0]["model"]
    assert (model["kind"], model["heating_balance_point"]) == ("hdd_only", 60)
    assert model["beta_cdd"] is None and model["cooling_balance_point"] is None


def test_too_many_missing_days_reason_on_stderr_and_the_fit_still_printed(tmp_path):
    usage, temperature = meter(tmp_path, skip_days=range(100, 137))  # 37 days: 89.9% left
    result, stderr = run(usage, temperature)
    assert stderr.strip() == (
        "insufficient baseline: only 328 of the 365 days of the baseline period "
        "[2024-01-01, 2024-12-31) have both usage and temperature (89.9%; 37 without usage); "
        "at least 90% are needed")
    assert result["baseline"]["days"] == 328
    assert result["model"]["kind"] == "hdd_cdd"


def test_thirty_six_missing_days_are_still_sufficient(tmp_path):
    usage, temperature = meter(tmp_path, skip_days=range(100, 136))  # 329 / 365 = 90.1%
    result, stderr = run(usage, temperature)
    assert stderr == "" and result["baseline"]["days"] == 329


def test_a_short_baseline_says_so(tmp_path):
    usage, temperature = meter(tmp_path)
    result, stderr = run_baseline(usage=usage, temperature=temperature,
                                  baseline=("2024-01-01", "2024-07-19"), reporting=REPORTING)
    assert "insufficient baseline: the baseline period [2024-01-01, 2024-07-19) has 200 days; " \
           "a CalTRACK baseline needs 365" in stderr
    assert result["baseline"]["days"] == 200


def test_no_weather_for_the_baseline_is_an_error_and_no_figure(tmp_path):
    usage, temperature = meter(tmp_path, temperature_skip_days=range(0, 365))
    with pytest.raises(CommandError, match="insufficient_data: cannot fit a baseline: no "
                                           "weather: no temperature for any day of the "
                                           "baseline period"):
        run(usage, temperature)


def test_celsius_temperatures_give_the_same_model(tmp_path):
    (tmp_path / "f").mkdir()
    (tmp_path / "c").mkdir()
    fahrenheit = run(*meter(tmp_path / "f"))[0]
    celsius = run(*meter(tmp_path / "c", celsius=True), extra=["--celsius"])[0]
    assert celsius["model"]["kind"] == fahrenheit["model"]["kind"]
    assert celsius["model"]["heating_balance_point"] == fahrenheit["model"][
        "heating_balance_point"]
    assert celsius["model"]["beta_hdd"] == pytest.approx(fahrenheit["model"]["beta_hdd"])
    assert celsius["reporting"] == pytest.approx(fahrenheit["reporting"])


def test_bad_lines_are_left_out_and_reported_the_rest_is_used(tmp_path):
    usage, temperature = meter(tmp_path)
    lines = usage.read_text().splitlines()
    lines[1] = "yesterday,0.5"  # line 2
    lines[2] = "2024-01-01T01:00:00,0.5"  # line 3: no offset
    lines[3] = "2024-01-01T02:00:00-06:00,-0.5"  # line 4: negative
    lines[4] = "2024-01-01T03:00:00-06:00,lots"  # line 5
    lines[5] = "2024-01-01T04:00:00-06:00,0.5,extra"  # line 6
    usage.write_text("\n".join(lines) + "\n")
    result, stderr = run(usage, temperature)
    assert stderr.splitlines() == [
        "skipped usage line 2: 'yesterday' is not an ISO 8601 date-time",
        "skipped usage line 3: '2024-01-01T01:00:00' has no UTC offset (write e.g. -06:00 or Z)",
        "skipped usage line 4: kWh must be a finite number >= 0, got -0.5",
        "skipped usage line 5: 'lots' is not a kWh number",
        "skipped usage line 6: expected 2 fields (timestamp,kWh), got 3",
    ]
    assert result["baseline"]["days"] == 365  # 19 of 24 hours left on 1 January


def test_unreadable_inputs_are_clear_errors(tmp_path):
    usage, temperature = meter(tmp_path)
    with pytest.raises(CommandError, match="cannot read .*nowhere.csv"):
        run(tmp_path / "nowhere.csv", temperature)
    with pytest.raises(CommandError, match="invalid_range: .*the end must be after the start"):
        run_baseline(usage=usage, temperature=temperature,
                     baseline=("2024-12-31", "2024-01-01"), reporting=REPORTING)
    with pytest.raises(CommandError, match="neither a time zone name"):
        run(usage, temperature, extra=["--tz=Mars/Olympus"])
    empty = tmp_path / "empty.csv"
    empty.write_text("interval_start,kwh\nnonsense\n")
    with pytest.raises(CommandError, match="the usage file has no readable rows"):
        run(empty, temperature)


def test_runs_with_no_database_reachable(tmp_path):
    """The real entry point in a fresh process whose DATABASE_URL points at nothing."""
    usage, temperature = meter(tmp_path)
    env = dict(os.environ, DATABASE_URL="postgres://nobody@127.0.0.1:9/nothing",
               DJANGO_SETTINGS_MODULE="config.settings.local")
    done = subprocess.run(
        [sys.executable, "manage.py", "insights_baseline", f"--usage={usage}",
         f"--temperature={temperature}", f"--baseline-from={BASELINE[0]}",
         f"--baseline-to={BASELINE[1]}", f"--reporting-from={REPORTING[0]}",
         f"--reporting-to={REPORTING[1]}"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["model"]["kind"] == "hdd_cdd"
