"""Green Button (ESPI) XML: ReadingType units and powerOfTenMultiplier, linked by hrefs.

The fixture is written by hand from the published ESPI schema (Atom feed, entries with
UsagePoint, MeterReading, ReadingType, IntervalBlock). Real published samples are read
in place when present (never copied into the repository)."""
import io
from datetime import UTC, datetime
from decimal import Decimal

from metering.domain.greenbutton import greenbutton_rows
from metering.domain.ingest import readings_ingest_file
from metering.models import Reading
from tests.metering.conftest import LONDON, NOW
from tests.shared_data import shared_data

BASE = "/espi/1_1/resource/RetailCustomer/1/UsagePoint/7"


def feed(*, power: int, uom: int = 72, values=(1500, 2500), start=1780272000) -> bytes:
    readings = "".join(
        f"<IntervalReading><timePeriod><duration>1800</duration>"
        f"<start>{start + 1800 * i}</start></timePeriod><value>{v}</value></IntervalReading>"
        for i, v in enumerate(values)
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>urn:uuid:feed</id><title>Green Button Download</title>
  <entry>
    <link rel="self" href="{BASE}/MeterReading/1/IntervalBlock/1"/>
    <link rel="up" href="{BASE}/MeterReading/1/IntervalBlock"/>
    <content><IntervalBlock xmlns="http://naesb.org/espi">
      <interval><duration>{1800 * len(values)}</duration><start>{start}</start></interval>
      {readings}
    </IntervalBlock></content>
  </entry>
  <entry>
    <link rel="self" href="{BASE}"/>
    <title>ALPHA-M-0001</title>
    <content><UsagePoint xmlns="http://naesb.org/espi">
      <ServiceCategory><kind>0</kind></ServiceCategory></UsagePoint></content>
  </entry>
  <entry>
    <link rel="self" href="{BASE}/MeterReading/1"/>
    <link rel="up" href="{BASE}/MeterReading"/>
    <link rel="related" href="/espi/1_1/resource/ReadingType/3"/>
    <content><MeterReading xmlns="http://naesb.org/espi"/></content>
  </entry>
  <entry>
    <link rel="self" href="/espi/1_1/resource/ReadingType/3"/>
    <content><ReadingType xmlns="http://naesb.org/espi">
      <accumulationBehaviour>4</accumulationBehaviour><commodity>1</commodity>
      <flowDirection>1</flowDirection><intervalLength>1800</intervalLength>
      <kind>12</kind><powerOfTenMultiplier>{power}</powerOfTenMultiplier>
      <uom>{uom}</uom></ReadingType></content>
  </entry>
</feed>""".encode()


def ingest(data: bytes, **kwargs):
    return readings_ingest_file(stream=io.BytesIO(data), file_format="greenbutton",
                                source="gb.xml", now=NOW, options=LONDON, **kwargs)


def test_wh_values_become_kwh_with_the_usage_point_title_as_serial(alpha_meter):
    report = ingest(feed(power=0))
    assert (report.inserted, report.rejected) == (2, [])
    kwh = list(Reading.objects.order_by("interval_start").values_list("interval_start", "kwh"))
    assert kwh == [(datetime(2026, 6, 1, tzinfo=UTC), Decimal("1.5")),
                   (datetime(2026, 6, 1, 0, 30, tzinfo=UTC), Decimal("2.5"))]


def test_power_of_ten_multiplier_scales_the_values(alpha_meter):
    report = ingest(feed(power=-3, values=(450000, 12)), serial="ALPHA-M-0001")
    assert report.inserted == 2
    assert sorted(Reading.objects.values_list("kwh", flat=True)) == [
        Decimal("0.000012"), Decimal("0.45")]


def test_a_unit_other_than_wh_is_rejected_per_reading(alpha_meter):
    report = ingest(feed(power=0, uom=169))
    assert report.inserted == 0
    assert len(report.rejected) == 2
    assert "unit of measure '169'" in report.rejected[0]["reason"]


def test_published_openespi_samples_parse_to_wh_readings():
    samples = sorted(shared_data("greenbutton/openespi").glob("*.xml"))
    assert samples, "the OpenESPI sample folder holds no XML files"
    for path in samples:
        with path.open("rb") as stream:
            rows = list(greenbutton_rows(stream, serial="X"))
        good = [row for row in rows if row[1] is not None]
        assert good, path.name
        assert all(Decimal(row[3]) >= 0 for row in good), path.name
        datetime.fromisoformat(good[0][2])
