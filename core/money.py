"""Money and quantity conversion: the one place where floats become Decimals.

Rounding rules of the pricing engine (every bill line follows them):

1. Inside the engine energy, demand and spot arithmetic runs on numpy float64 arrays.
2. When a quantity (kWh, kW) leaves numpy it becomes a `Decimal` rounded to 1e-6
   (`quantity_from_float`). Meter data carry at most Wh precision, so this loses nothing
   real and removes float noise such as 199.99999999997.
3. A fixed-price line's amount is `money_round(quantity * unit_price)`, computed in Decimal,
   so what the customer sees on the line (quantity, unit price, amount) always agrees.
   Tier boundaries are applied to the Decimal quantities, so 200 kWh against a 200 kWh tier
   limit splits exactly.
4. A spot-indexed line's amount is the float sum of kWh x interval price, converted through
   its shortest repr (`Decimal(repr(x))`, so 1.005 stays 1.005) and then rounded once with
   `money_round`; its unit price is the volume-weighted average and is for display only.
5. Every line is rounded to the cent, half up (`ROUND_HALF_UP`), exactly once.
6. Totals are sums of rounded lines, so a total always equals the sum of its lines.
7. Tax (VAT) is computed on the rounded pre-tax total and rounded once.
"""
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
QUANTITY_STEP = Decimal("0.000001")
ZERO = Decimal("0")


def money_round(amount: Decimal) -> Decimal:
    """Round an amount to the cent, half up. The engine's only money rounding."""
    # Adding ZERO turns a negative zero (-0.00) into 0.00 so that equal bills compare equal
    # and print alike.
    return amount.quantize(CENT, rounding=ROUND_HALF_UP) + ZERO


def quantity_from_float(value: float) -> Decimal:
    """A numpy quantity (kWh or kW) as a Decimal with six decimals."""
    return Decimal(f"{value:.6f}") + ZERO


def amount_from_float(value: float) -> Decimal:
    """A float money amount as the Decimal its shortest repr spells, before rounding."""
    return Decimal(repr(float(value)))
