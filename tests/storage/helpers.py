"""Small CSV writers for the storage and CLI tests."""

from __future__ import annotations

import csv
from pathlib import Path

LEAD_HEADER = [
    "email",
    "id",
    "first_name",
    "last_name",
    "title",
    "company",
    "industry",
    "company_size",
    "country",
    "source",
]
EVENT_HEADER = ["email", "type", "occurred_at", "url", "asset_type"]


def write_csv(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


CEO = [
    "ceo@hotel.example",
    "CRM-1",
    "Anna",
    "Adler",
    "CEO",
    "Adler Hotels",
    "Hospitality",
    "120",
    "DE",
    "webinar",
]
MANAGER = [
    "mgr@soft.example",
    "CRM-2",
    "Ben",
    "Berg",
    "Sales Manager",
    "Soft GmbH",
    "Software",
    "5000",
    "AT",
    "organic",
]
