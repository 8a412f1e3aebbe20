"""Green Button (NAESB ESPI) XML: an Atom feed whose entries hold UsagePoint, MeterReading,
ReadingType and IntervalBlock resources, related by their `link` hrefs.

Streamed with SAX in two passes (the ReadingType may come after the blocks that use it):
pass 1 collects ReadingTypes (uom, powerOfTenMultiplier, intervalLength), MeterReadings
(their ReadingType and UsagePoint) and UsagePoint titles; pass 2 emits one row per
IntervalReading. Values are `value × 10^powerOfTenMultiplier` in the unit `uom`; only
energy in Wh (uom 72) is accepted, converted to kWh. The meter serial is the caller's
`serial` if given, else the UsagePoint's title. "line" is the XML line of the reading.
"""
import xml.sax
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from xml.sax.expatreader import ExpatLocator

from metering.domain.errors import UnableToIngestReadings

ESPI = "http://naesb.org/espi"
ATOM = "http://www.w3.org/2005/Atom"
UOM_WH = "72"


class _Pass(xml.sax.handler.ContentHandler):
    def __init__(self):
        super().__init__()
        self.path: list[str] = []
        self.text: list[str] = []
        self.links: dict[str, list[str]] = {}
        self.title = ""

    def setDocumentLocator(self, locator):
        self.locator = locator

    def startElementNS(self, name, qname, attrs):
        namespace, local = name
        self.path.append(local)
        self.text = []
        if namespace == ATOM and local == "entry":
            self.links, self.title = {}, ""
            self.entry_start()
        elif namespace == ATOM and local == "link":
            rel = attrs.get((None, "rel"), "")
            self.links.setdefault(rel, []).append(attrs.get((None, "href"), ""))
        self.start(namespace, local)

    def characters(self, content):
        self.text.append(content)

    def endElementNS(self, name, qname):
        namespace, local = name
        value = "".join(self.text).strip()
        if namespace == ATOM and local == "title" and len(self.path) >= 2 \
                and self.path[-2] == "entry":
            self.title = value
        self.end(namespace, local, value)
        self.path.pop()
        self.text = []

    def entry_start(self):
        pass

    def start(self, namespace, local):
        pass

    def end(self, namespace, local, value):
        pass

    def self_href(self) -> str:
        return (self.links.get("self") or [""])[0]


class _Catalogue(_Pass):
    def __init__(self):
        super().__init__()
        self.reading_types: dict[str, dict] = {}
        self.meter_readings: dict[str, dict] = {}
        self.usage_points: dict[str, str] = {}
        self.current: dict | None = None

    def start(self, namespace, local):
        if namespace == ESPI and local == "ReadingType":
            self.current = {}

    def end(self, namespace, local, value):
        if namespace != ESPI:
            return
        if local == "ReadingType":
            self.reading_types[self.self_href()] = self.current or {}
            self.current = None
        elif self.current is not None and self.path[-2] == "ReadingType":
            self.current[local] = value
        elif local == "MeterReading":
            up = (self.links.get("up") or [""])[0]
            self.meter_readings[self.self_href()] = {
                "reading_type": (self.links.get("related") or [""])[0],
                "usage_point": up.rsplit("/MeterReading", 1)[0],
            }
        elif local == "UsagePoint":
            self.usage_points[self.self_href()] = self.title


class _Readings(_Pass):
    def __init__(self, catalogue: _Catalogue, serial: str | None, rows: list):
        super().__init__()
        self.catalogue = catalogue
        self.serial = serial
        self.rows = rows
        self.block: dict | None = None
        self.reading: dict = {}

    def start(self, namespace, local):
        if namespace == ESPI and local == "IntervalBlock":
            self.block = self._block_context()
        elif namespace == ESPI and local == "IntervalReading":
            self.reading = {"line": self.locator.getLineNumber()}

    def _block_context(self) -> dict:
        up = (self.links.get("up") or [""])[0]
        meter_reading = self.catalogue.meter_readings.get(up.rsplit("/IntervalBlock", 1)[0])
        types = self.catalogue.reading_types
        if meter_reading is not None and meter_reading["reading_type"] in types:
            reading_type = types[meter_reading["reading_type"]]
        elif len(types) == 1:
            reading_type = next(iter(types.values()))
        else:
            return {"error": "IntervalBlock without a resolvable ReadingType"}
        serial = self.serial
        if serial is None and meter_reading is not None:
            serial = self.catalogue.usage_points.get(meter_reading["usage_point"])
        if not serial:
            return {"error": "no meter serial: pass one, or give the UsagePoint a title"}
        if reading_type.get("uom") != UOM_WH:
            return {"error": f"unsupported unit of measure {reading_type.get('uom')!r} "
                             "(only Wh, uom 72)"}
        power = int(reading_type.get("powerOfTenMultiplier") or 0)
        return {"serial": serial, "scale": Decimal(10) ** power / 1000,
                "interval": reading_type.get("intervalLength")}

    def end(self, namespace, local, value):
        if namespace != ESPI or self.block is None:
            return
        if local in ("start", "duration") and "IntervalReading" in self.path[:-1]:
            self.reading[local] = value
        elif local == "value" and self.path[-2] == "IntervalReading":
            self.reading["value"] = value
        elif local == "IntervalReading":
            self.rows.append(self._row(self.reading))
        elif local == "IntervalBlock":
            self.block = None

    def _row(self, reading: dict) -> tuple:
        line, block = reading["line"], self.block
        if "error" in block:
            return line, None, None, block["error"]
        try:
            start = datetime.fromtimestamp(int(reading["start"]), tz=UTC)
            kwh = Decimal(reading["value"]) * block["scale"]
        except (KeyError, ValueError, ArithmeticError):
            return line, None, None, "IntervalReading without a valid start and value"
        return line, block["serial"], start.isoformat(), format(kwh.normalize(), "f")


def _parse(stream, handler) -> Iterator[None]:
    parser = xml.sax.make_parser()
    parser.setFeature(xml.sax.handler.feature_namespaces, True)
    parser.setFeature(xml.sax.handler.feature_external_ges, False)
    parser.setContentHandler(handler)
    # feed() (unlike parse()) does not hand the handler a locator; give it one for lines.
    handler.setDocumentLocator(ExpatLocator(parser))
    try:
        while chunk := stream.read(1 << 16):
            parser.feed(chunk)
            yield
        parser.close()
    except xml.sax.SAXParseException as exc:
        raise UnableToIngestReadings(
            f"Not a readable Green Button (XML) file: line {exc.getLineNumber()}: "
            f"{exc.getMessage()}.") from None
    yield


def greenbutton_rows(stream, *, serial: str | None = None) -> Iterator[tuple]:
    """`(line, serial, interval_start_iso, kwh_text)` per IntervalReading, or `(line, None,
    None, reason)`; `stream` must be seekable (two passes)."""
    catalogue = _Catalogue()
    for _ in _parse(stream, catalogue):
        pass
    stream.seek(0)
    rows: list = []
    for _ in _parse(stream, _Readings(catalogue, serial, rows)):
        yield from rows
        rows.clear()
