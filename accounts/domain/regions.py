"""A premise's region as one of Great Britain's 14 grid supply point (GSP) groups, the
letters `_A` … `_P` that Octopus-API clients put in tariff codes (`E-1R-FLEX-A`).

A region named like a GSP group (its name, its distribution area or a short form:
"London", "Eastern England", "South Wales", or a bare compass point: North is the North
East's F, South is Southern England's H, East A and West the South West's L; case and
punctuation ignored) gets that group's letter. Any other name gets a letter derived from
the name itself (the same every time, on every host), so a region need not be renamed
for apps to work; two such names may share a letter, which is harmless because a
product's rates do not vary by region in Gridline. The table is in docs/api_compat.md.
"""
import hashlib
import re

# Letter, names. I and O are not used (as in the industry's lettering).
GSP_GROUPS = (
    ("A", ("Eastern England", "Eastern", "East England", "East Anglia", "East")),
    ("B", ("East Midlands",)),
    ("C", ("London",)),
    ("D", ("Merseyside and Northern Wales", "Merseyside and North Wales", "Merseyside",
           "North Wales", "Northern Wales")),
    ("E", ("West Midlands", "Midlands")),
    ("F", ("North Eastern England", "North East England", "North East", "North")),
    ("G", ("North Western England", "North West England", "North West")),
    ("H", ("Southern England", "Southern", "South")),
    ("J", ("South Eastern England", "South East England", "South East")),
    ("K", ("Southern Wales", "South Wales", "Wales")),
    ("L", ("South Western England", "South West England", "South West", "West")),
    ("M", ("Yorkshire",)),
    ("N", ("Southern Scotland", "South Scotland", "Scotland")),
    ("P", ("Northern Scotland", "North Scotland")),
)
GSP_LETTERS = tuple(letter for letter, _ in GSP_GROUPS)


def _key(name: str) -> str:
    return re.sub(r"[^a-z]+", " ", name.casefold()).strip()


_BY_NAME = {_key(name): letter for letter, names in GSP_GROUPS for name in names}


def gsp_letter(region: str) -> str:
    """The GSP group letter (without the underscore) of a premise's region."""
    known = _BY_NAME.get(_key(region))
    if known is not None:
        return known
    digest = hashlib.sha256(_key(region).encode()).digest()
    return GSP_LETTERS[digest[0] % len(GSP_LETTERS)]


def gsp_group(region: str) -> str:
    """`_A` … `_P`, as Octopus writes a GSP group."""
    return f"_{gsp_letter(region)}"
