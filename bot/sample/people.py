"""Who the sample's leads are: titles, industries, countries, sources, names and companies.

Weights are relative frequencies; `fit` (0-1) is how well a value matches the ideal customer of
the default model (seed 000: executives, companies of 50-200 people, hospitality), and it feeds
the hidden propensity, never the CSV directly.
"""

from __future__ import annotations

import re
from typing import NamedTuple

import numpy as np


class Title(NamedTuple):
    name: str
    weight: float
    fit: float


class Industry(NamedTuple):
    name: str
    weight: float
    fit: float
    nouns: tuple[str, str, str]  # words for company names, so names hint at the trade


class Country(NamedTuple):
    code: str
    weight: float
    fit: float
    tld: str
    legal: str


class Source(NamedTuple):
    name: str
    weight: float
    fit: float


TITLES = [
    Title("CEO", 3, 1.0),
    Title("Geschäftsführer", 4, 1.0),
    Title("Geschäftsführerin", 2, 1.0),
    Title("Founder", 2, 1.0),
    Title("Co-Founder", 1, 1.0),
    Title("Managing Director", 2, 1.0),
    Title("Inhaber", 2, 1.0),
    Title("Owner", 1, 0.9),
    Title("Head of Marketing", 4, 0.7),
    Title("Head of Sales", 3, 0.7),
    Title("Marketing Manager", 6, 0.6),
    Title("Sales Manager", 6, 0.6),
    Title("IT Manager", 4, 0.5),
    Title("Leiter Vertrieb", 2, 0.7),
    Title("Director of Operations", 2, 0.6),
    Title("Restaurant Manager", 3, 0.6),
    Title("Hotel Manager", 2, 0.6),
    Title("Operations Manager", 2, 0.55),
    Title("Marketing Specialist", 8, 0.3),
    Title("Sales Representative", 5, 0.3),
    Title("Account Executive", 4, 0.3),
    Title("Consultant", 6, 0.25),
    Title("Data Analyst", 3, 0.2),
    Title("Software Engineer", 5, 0.15),
    Title("Office Assistant", 3, 0.15),
    Title("Student", 5, 0.0),
    Title("Werkstudent", 3, 0.0),
    Title("Intern", 3, 0.0),
    Title("Praktikant", 2, 0.0),
    Title("Trainee", 2, 0.05),
]

INDUSTRIES = [
    Industry("Hospitality", 6, 1.0, ("Hotels", "Hospitality", "Resorts")),
    Industry("Gastronomie", 5, 1.0, ("Gastro", "Gasthaus", "Bistro")),
    Industry("Restaurants", 4, 1.0, ("Restaurants", "Kitchen", "Dining")),
    Industry("Hotels", 2, 1.0, ("Hotel", "Inn", "Suites")),
    Industry("Food & Beverage", 2, 0.8, ("Foods", "Getränke", "Brewing")),
    Industry("Software", 10, 0.2, ("Software", "Labs", "Digital")),
    Industry("Manufacturing", 8, 0.1, ("Werke", "Industries", "Maschinenbau")),
    Industry("Retail", 7, 0.2, ("Handel", "Stores", "Retail")),
    Industry("Healthcare", 5, 0.1, ("Health", "Medical", "Pflege")),
    Industry("Education", 4, 0.0, ("Academy", "Education", "Schule")),
    Industry("Finance", 5, 0.1, ("Finance", "Capital", "Finanz")),
    Industry("Logistics", 5, 0.1, ("Logistik", "Logistics", "Transport")),
    Industry("Consulting", 5, 0.1, ("Consulting", "Beratung", "Partners")),
    Industry("Real Estate", 3, 0.1, ("Immobilien", "Properties", "Estates")),
    Industry("Media", 3, 0.1, ("Media", "Verlag", "Studios")),
    Industry("Construction", 3, 0.0, ("Bau", "Construction", "Bauprojekte")),
    Industry("Automotive", 3, 0.0, ("Automotive", "Autohaus", "Motors")),
]

COUNTRIES = [
    Country("DE", 34, 1.0, "de", "GmbH"),
    Country("AT", 8, 1.0, "at", "GmbH"),
    Country("CH", 8, 1.0, "ch", "AG"),
    Country("US", 14, 0.3, "com", "Inc."),
    Country("GB", 9, 0.4, "co.uk", "Ltd"),
    Country("FR", 6, 0.4, "fr", "SAS"),
    Country("NL", 6, 0.5, "nl", "B.V."),
    Country("ES", 3, 0.3, "es", "S.L."),
    Country("IT", 3, 0.3, "it", "S.r.l."),
    Country("PL", 3, 0.3, "pl", "Sp. z o.o."),
    Country("SE", 2, 0.3, "se", "AB"),
    Country("BE", 2, 0.4, "be", "BV"),
    Country("DK", 2, 0.3, "dk", "ApS"),
]

SOURCES = [
    Source("organic", 25, 0.3),
    Source("paid_search", 15, 0.3),
    Source("linkedin", 15, 0.4),
    Source("webinar", 10, 0.7),
    Source("referral", 8, 1.0),
    Source("event", 7, 0.7),
    Source("partner", 5, 0.9),
    Source("direct", 15, 0.3),
]

FIRST_NAMES = [
    "Anna",
    "Lukas",
    "Sophie",
    "Jonas",
    "Marie",
    "Felix",
    "Lena",
    "Maximilian",
    "Laura",
    "Paul",
    "Julia",
    "Tobias",
    "Hannah",
    "Jan",
    "Katharina",
    "Stefan",
    "Emma",
    "Michael",
    "Sarah",
    "Thomas",
    "Jörg",
    "Zoë",
    "James",
    "Olivia",
    "Pierre",
    "Camille",
    "Sanne",
    "Daan",
    "Marco",
    "Giulia",
    "Ingrid",
    "Mateusz",
    "Chloé",
    "René",
    "Aylin",
    "Mehmet",
]
LAST_NAMES = [
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Schulz",
    "Hoffmann",
    "Schäfer",
    "Koch",
    "Bauer",
    "Richter",
    "Klein",
    "Wolf",
    "Schröder",
    "Neumann",
    "Weiß",
    "Huber",
    "Gruber",
    "Steiner",
    "Brunner",
    "Smith",
    "Johnson",
    "Brown",
    "Taylor",
    "Dubois",
    "Martin",
    "de Vries",
    "Jansen",
    "Rossi",
    "Nowak",
    "Andersson",
    "Yılmaz",
    "Öztürk",
]

_PREFIXES = [
    "Alpen",
    "Nord",
    "Rhein",
    "Stern",
    "Blau",
    "Linden",
    "Adler",
    "Sonnen",
    "Kaiser",
    "Falken",
    "Elb",
    "Eichen",
    "Silber",
    "Grün",
    "Summit",
    "Harbor",
    "Maple",
    "Brightline",
    "Nova",
    "Atlas",
    "Vista",
    "Oak",
    "Isar",
    "Boden",
]
_SUFFIXES = ["", "hof", "feld", "blick", "stein", "tal", "wald", "berg", "quelle", "see"]
COMPANY_CORES = [p + s for p in _PREFIXES for s in _SUFFIXES]

_TRANSLIT = str.maketrans(
    {
        "ä": "ae",
        "ö": "oe",
        "ü": "ue",
        "ß": "ss",
        "é": "e",
        "è": "e",
        "ë": "e",
        "ı": "i",
        "ç": "c",
        "ş": "s",
    }
)


def slug(text: str) -> str:
    """ASCII, lower-case, letters and digits only: usable in an email address or domain."""
    return re.sub(r"[^a-z0-9]", "", text.lower().translate(_TRANSLIT))


def segment(employees: int) -> str:
    return "SMB" if employees < 50 else "Mid-Market" if employees < 1000 else "Enterprise"


FIRST_SLUGS = [slug(n) for n in FIRST_NAMES]
LAST_SLUGS = [slug(n) for n in LAST_NAMES]
TITLE_FIT = np.array([t.fit for t in TITLES])
INDUSTRY_FIT = np.array([i.fit for i in INDUSTRIES])
COUNTRY_FIT = np.array([c.fit for c in COUNTRIES])
SOURCE_FIT = np.array([s.fit for s in SOURCES])
HOSPITALITY_ROLE = np.array([t.name in ("Restaurant Manager", "Hotel Manager") for t in TITLES])
OPERATIONS_MANAGER = next(i for i, t in enumerate(TITLES) if t.name == "Operations Manager")
