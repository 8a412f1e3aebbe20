"""Unmodified Octopus-API client libraries from PyPI (`octopus-energy`, `octopy-energy`)
calling a Gridline server; run as a subprocess by tests/api_compat/test_clients.py, which
passes the calls as JSON on stdin and reads the libraries' answers as JSON on stdout.

`*.localhost` names do not resolve on every machine (and not on this one), and the
libraries only take a base URL: this process maps such names to 127.0.0.1 before any
library opens a connection. Nothing of the libraries is changed.
"""
import asyncio
import json
import socket
import sys
from datetime import datetime

_resolve = socket.getaddrinfo


def _localhost_resolves(host, *args, **kwargs):
    if isinstance(host, str) and host.endswith(".localhost"):
        host = "127.0.0.1"
    return _resolve(host, *args, **kwargs)


socket.getaddrinfo = _localhost_resolves

from octopus_energy import (  # noqa: E402 (after the resolver is in place)
    Aggregate,
    ApiAuthenticationError,
    ApiNotFoundError,
    EnergyTariffType,
    OctopusEnergyRestClient,
    RateType,
    SortOrder,
)
from octopus_energy.mappers import (  # noqa: E402
    consumption_from_response,
    meters_from_response,
    tariff_rates_from_response,
)
from octopy_energy import ConsumptionGroupings  # noqa: E402
from octopy_energy.rest import ClientSession  # noqa: E402


def _when(text):
    return None if text is None else datetime.fromisoformat(text)


async def octopus_energy(call: dict):
    """One call through octopus-energy's REST client (and its own response mappers)."""
    async with OctopusEnergyRestClient(call.get("key"), base_url=call["base_url"]) as client:
        kind = call["call"]
        try:
            if kind == "products":
                return await client.get_products_v1()
            if kind == "rates":
                response = await client.get_tariff_v1(
                    call["product"], EnergyTariffType.ELECTRICITY, call["tariff"],
                    RateType[call["rate"]], period_from=_when(call["period_from"]),
                    period_to=_when(call["period_to"]), page_size=call.get("page_size"))
                mapped = tariff_rates_from_response(response)
                return {"response": response,
                        "mapped": [[str(r.cost_exc_vat), str(r.cost_inc_vat),
                                    r.valid_from.isoformat()] for r in mapped]}
            if kind == "consumption":
                group = call.get("group_by")
                response = await client.get_electricity_consumption_v1(
                    call["mpan"], call["serial"], period_from=_when(call["period_from"]),
                    period_to=_when(call["period_to"]), order=SortOrder.OLDEST_FIRST,
                    group_by=Aggregate[group] if group else None,
                    page_size=call.get("page_size"))
                return {"response": response}
            if kind == "meter_point":
                return await client.get_electricity_meter_points_v1(call["mpan"])
            if kind == "account":
                response = await client.get_account_details(call["number"])
                meters = meters_from_response(response)
                consumption = None
                if meters and call.get("period_from"):
                    # The library's own consumer path: its meter model, then its mapping.
                    raw = await client.get_electricity_consumption_v1(
                        meters[0].meter_point.id, meters[0].serial_number,
                        period_from=_when(call["period_from"]),
                        period_to=_when(call["period_to"]), order=SortOrder.OLDEST_FIRST)
                    consumption = [str(i.consumed_units) for i in
                                   consumption_from_response(raw, meters[0]).intervals]
                return {"response": response,
                        "meters": [{"mpan": m.meter_point.id, "serial": m.serial_number,
                                    "tariffs": [t.code for t in m.tariffs],
                                    "direction": m.direction.value} for m in meters],
                        "consumption": consumption}
        except ApiAuthenticationError:
            return {"error": 401}
        except ApiNotFoundError:
            return {"error": 404}
    raise ValueError(f"unknown call {kind!r}")


async def octopy_energy(call: dict):
    """Consumption through octopy-energy's REST session, which follows `next` pages."""
    grouping = ConsumptionGroupings[call.get("grouping", "HALF_HOUR")]
    period = (_when(call["period_from"]), _when(call["period_to"]))
    async with ClientSession(call["key"], base_url=call["base_url"]) as session:
        return [{"consumption": c.consumption, "interval_start": c.interval_start.isoformat(),
                 "interval_end": c.interval_end.isoformat()}
                async for c in session.electricity_meter_consumption(
                    call["mpan"], call["serial"], period_range=period, grouping=grouping)]


async def main(calls: list[dict]) -> list:
    results = []
    for call in calls:
        run = octopy_energy if call.get("library") == "octopy-energy" else octopus_energy
        results.append(await run(call))
    return results


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main(json.load(sys.stdin)))))
