import itertools

import factory

from market.models import Instrument

_codes = itertools.count(1)


class InstrumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Instrument

    code = factory.LazyFunction(lambda: f"TEST-{next(_codes)}")
    name = factory.LazyAttribute(lambda o: f"Test {o.code}")
    kind = "POWER_DAY_AHEAD"
    zone = "TESTZONE"
    unit = "EUR/MWh"
    currency = "EUR"
    interval_minutes = 60
