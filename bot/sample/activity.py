"""What the sample's leads do: the event types, their property variants and how often.

A lead's events mix a browser's pattern and a buyer's in proportion to its hidden propensity;
the hand-raisers and unsubscribes are drawn apart, at most once per lead.
"""

from __future__ import annotations

from typing import Any

import numpy as np

PROPERTY_COLUMNS = ("url", "asset_type", "asset", "form", "campaign")
_SITE = "https://www.example-saas.com"
_WEBINARS = [
    "webinar-lead-scoring-101",
    "webinar-hospitality-trends-2026",
    "webinar-product-tour",
    "webinar-ask-an-expert",
]
_EMAILS = [
    "nurture-week-1",
    "nurture-week-2",
    "nurture-week-3",
    "product-update-march",
    "event-invite-spring",
]
_NEWSLETTERS = [f"newsletter-2026-{n:02d}" for n in range(1, 13)]


def _pages(*paths: str) -> list[tuple[str, ...]]:
    return [(f"{_SITE}{p}", "", "", "", "") for p in paths]


def _assets(kind: str, *names: str) -> list[tuple[str, ...]]:
    return [("", kind, name, "", "") for name in names]


def _campaigns(names: list[str]) -> list[tuple[str, ...]]:
    return [("", "", "", "", name) for name in names]


# (type, weight in a browser's activity, weight in a buyer's activity, property variants);
# a lead's events mix the two patterns in proportion to its propensity.
_ACTIVITY: list[tuple[str, float, float, list[tuple[str, ...]]]] = [
    ("page_view", 14, 10, _pages("/")),
    (
        "page_view",
        22,
        7,
        _pages(
            "/blog/lead-scoring-basics",
            "/blog/mql-vs-sql",
            "/blog/email-benchmarks-2026",
            "/blog/restaurant-marketing-tips",
            "/blog/crm-hygiene",
            "/blog/remote-team-rituals",
        ),
    ),
    (
        "page_view",
        3,
        22,
        _pages(
            "/product",
            "/product/scoring",
            "/product/integrations",
            "/product/analytics",
            "/product/automation",
            "/product/security",
        ),
    ),
    ("page_view", 1, 12, _pages("/pricing", "/pricing/enterprise")),
    (
        "page_view",
        10,
        0.5,
        _pages(
            "/careers",
            "/careers/account-executive",
            "/careers/software-engineer",
            "/careers/werkstudent-marketing",
        ),
    ),
    (
        "page_view",
        6,
        8,
        _pages("/about", "/customers", "/customers/hotel-alpenblick", "/partners", "/events"),
    ),
    (
        "content_download",
        1,
        5,
        _assets(
            "whitepaper",
            "Lead Scoring Playbook",
            "State of Hospitality Tech 2026",
            "From MQL to SQL: The Handover Guide",
        ),
    ),
    (
        "content_download",
        3,
        2,
        _assets("ebook", "Email Marketing for Beginners", "Growth Hacks for Small Teams"),
    ),
    (
        "content_download",
        0.5,
        5,
        _assets(
            "case_study",
            "Hotel Alpenblick: 30% more direct bookings",
            "Gasthaus zur Linde goes digital",
            "Nordsee Logistik halves response times",
        ),
    ),
    (
        "content_download",
        0.2,
        3,
        _assets("pricing_sheet", "Price List 2026", "Enterprise Pricing Overview"),
    ),
    ("webinar_registered", 1, 1.5, _campaigns(_WEBINARS)),  # the no-shows
    ("webinar_attended", 0.3, 4, _campaigns(_WEBINARS)),
    ("email_open", 15, 8, _campaigns(_EMAILS)),
    (
        "email_click",
        2,
        7,
        [
            (f"{_SITE}{p}", "", "", "", c)
            for p, c in zip(
                ["/blog/mql-vs-sql", "/product/scoring", "/customers", "/pricing", "/events"],
                _EMAILS,
                strict=True,
            )
        ],
    ),
    ("newsletter_open", 20, 4, _campaigns(_NEWSLETTERS)),
    (
        "form_submit",
        1.5,
        3,
        [
            ("", "", "", f, "")
            for f in ("newsletter_signup", "event_signup", "free_trial", "survey")
        ],
    ),
]
BROWSER_WEIGHTS = [a[1] for a in _ACTIVITY]
BUYER_WEIGHTS = [a[2] for a in _ACTIVITY]
WEBINAR_REGISTERED, WEBINAR_ATTENDED = 10, 11
MAIL_KINDS = np.array([12, 13, 14])
# (type, chance at propensity 0, extra chance scaled by propensity², property variants)
_RAISERS = [
    ("demo_request", 0.002, 0.30, _pages("/demo")),
    ("pricing_request", 0.002, 0.15, _pages("/pricing/quote")),
    ("contact_request", 0.01, 0.08, _pages("/contact")),
    ("chat_with_sales", 0.005, 0.12, _pages("/pricing")),
]
_KINDS: list[tuple[str, list[tuple[str, ...]]]] = [
    *((a[0], a[3]) for a in _ACTIVITY),
    *((r[0], r[3]) for r in _RAISERS),
    ("unsubscribe", _campaigns(["newsletter", *_EMAILS[:3]])),
]
HAND_RAISERS = [(len(_ACTIVITY) + i, r[1], r[2]) for i, r in enumerate(_RAISERS)]
UNSUBSCRIBE = len(_KINDS) - 1

# One flat table of complete (type, *properties) rows; an event is an index into it.
EVENT_ROWS: list[tuple[Any, ...]] = [
    (name, *props) for name, variants in _KINDS for props in variants
]
KIND_SIZES = np.array([len(variants) for _, variants in _KINDS], dtype=np.int64)
KIND_OFFSETS = np.concatenate([[0], np.cumsum(KIND_SIZES)[:-1]]).astype(np.int64)

assert _ACTIVITY[WEBINAR_REGISTERED][3] == _ACTIVITY[WEBINAR_ATTENDED][3]
assert {_ACTIVITY[k][0] for k in MAIL_KINDS} == {"email_open", "email_click", "newsletter_open"}
