"""Meters for demo data and benchmarks: one per existing meter point, then as many extra
demo customers (each with a premise, meter point and meter) as asked for."""
from datetime import datetime

from accounts.models import Customer, CustomerKind, MeterPoint, Premise
from metering.models import Direction, Meter


def demo_meters_ensure(*, count: int, installed_at: datetime) -> list[tuple[str, str]]:
    """At least `count` meters exist; returns `(serial, customer kind)` of the first
    `count`, in a stable order."""
    free_points = MeterPoint.objects.filter(meters__isnull=True).order_by("pk")
    Meter.objects.bulk_create([
        Meter(serial=f"M-{point.identifier}", meter_point=point, installed_at=installed_at)
        for point in free_points
    ])
    # Longer demo history than before: the demo meters are installed from its start.
    Meter.objects.filter(installed_at__gt=installed_at, removed_at__isnull=True,
                         serial__startswith="M-").update(installed_at=installed_at)
    # Import meters only: a cooperative's generators have export meters of their own.
    consumers = Meter.objects.filter(direction=Direction.IMPORT)
    missing = count - consumers.count()
    if missing > 0:
        start = Customer.objects.filter(reference__startswith="DEMO-C-").count()
        numbers = range(start, start + missing)
        customers = Customer.objects.bulk_create([
            Customer(reference=f"DEMO-C-{n:07d}", name=f"Demo customer {n}",
                     kind=CustomerKind.ENTERPRISE if n % 10 == 9 else CustomerKind.HOUSEHOLD,
                     segment="demo")
            for n in numbers
        ])
        premises = Premise.objects.bulk_create([
            Premise(customer=c, address_line=f"{n} Demo Road", city="Demoton", region="North")
            for n, c in zip(numbers, customers, strict=True)
        ])
        points = MeterPoint.objects.bulk_create([
            MeterPoint(premise=p, identifier=f"DEMO-MP-{n:07d}")
            for n, p in zip(numbers, premises, strict=True)
        ])
        Meter.objects.bulk_create([
            Meter(serial=f"M-{point.identifier}", meter_point=point, installed_at=installed_at)
            for point in points
        ])
    meters = (consumers.order_by("pk")
              .values_list("serial", "meter_point__premise__customer__kind")[:count])
    return list(meters)
