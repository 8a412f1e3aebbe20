"""Tariff codes as Octopus writes them: `E-1R-{PRODUCT}-{REGION}` for a single-register
electricity tariff, `E-2R-…` for a day/night (two-register) one; REGION is a GSP group
letter (accounts/domain/regions.py).

A Gridline product's rates are the same in every region, so every letter names the same
prices; the letter only tells apps which region a customer is in.
"""
import re
from dataclasses import dataclass

from accounts.domain.regions import GSP_LETTERS
from core.errors import GridlineError

SINGLE = "1R"
DUAL = "2R"
_CODE = re.compile(r"^E-(?P<registers>1R|2R)-(?P<product>.+)-(?P<region>[A-Z])$")


class UnknownTariffCode(GridlineError):
    code = "not_found"
    status = 404


@dataclass(frozen=True)
class TariffCode:
    registers: str  # SINGLE or DUAL
    product: str
    region: str  # the letter, without the underscore

    def __str__(self) -> str:
        return f"E-{self.registers}-{self.product}-{self.region}"


def tariff_code(*, product_code: str, region: str, registers: str = SINGLE) -> str:
    return str(TariffCode(registers=registers, product=product_code, region=region))


def tariff_code_parse(*, code: str, product_code: str) -> TariffCode:
    """The parts of `code`, which must name `product_code` and a GSP group letter."""
    match = _CODE.match(code)
    if (match is None or match["product"] != product_code
            or match["region"] not in GSP_LETTERS):
        raise UnknownTariffCode(f"No tariff {code!r} of product {product_code!r}.")
    return TariffCode(registers=match["registers"], product=match["product"],
                      region=match["region"])
