"""Identifiers that outside apps know customers by: an Octopus-style account number
(`A-` and eight hex digits) and an MPAN-like meter point number (13 digits: a distributor
id, ten digits, a check digit), as Octopus-API clients expect (docs/api_compat.md).

New rows get a random one (model field defaults); the unique constraints decide, so two
equal draws can never both be stored.
"""
import secrets

# The check digit of a 13-digit core MPAN: the first twelve digits weighted by these
# primes, summed, modulo 11, modulo 10.
MPAN_WEIGHTS = (3, 5, 7, 13, 17, 19, 23, 29, 31, 37, 41, 43)
# Great Britain's distribution areas 10-23 (the first two digits of a real MPAN).
DISTRIBUTOR_IDS = tuple(range(10, 24))


def mpan_check_digit(stem: str) -> int:
    if len(stem) != 12 or not stem.isdigit():
        raise ValueError(f"an MPAN stem is 12 digits, got {stem!r}")
    return sum(int(d) * w for d, w in zip(stem, MPAN_WEIGHTS, strict=True)) % 11 % 10


def mpan_is_valid(mpan: str) -> bool:
    return (len(mpan) == 13 and mpan.isdigit()
            and mpan_check_digit(mpan[:12]) == int(mpan[12]))


def new_mpan() -> str:
    stem = f"{secrets.choice(DISTRIBUTOR_IDS)}{secrets.randbelow(10**10):010d}"
    return f"{stem}{mpan_check_digit(stem)}"


def new_account_number() -> str:
    return f"A-{secrets.token_hex(4).upper()}"
