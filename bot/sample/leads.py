"""The sample's leads: companies and people drawn from the vocabulary, their CSV rows, and the
hidden propensity their fit gives them."""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from bot.sample import people as p
from bot.sample import truth as truths
from bot.sample.draws import FloatArray, IntArray, pick

# Export gaps per column (title, industry, company_size, country, revenue, segment): CRM data
# is never complete, and the importer and the fit rules must cope with it.
_BLANK_RATES = np.array([0.04, 0.05, 0.08, 0.03, 0.25, 0.12])


@dataclass(frozen=True)
class Companies:
    """Per company: indexes into the vocabulary, its head count and its revenue in euros."""

    industry: IntArray
    country: IntArray
    size: IntArray
    name: IntArray
    noun: IntArray
    revenue: FloatArray


def crm_id(email: str) -> str:
    """A person's CRM id, from their e-mail: samples of other sizes or seeds hold other people,
    and a numbered id would name one of them in one sample and another in the next, so that
    importing a second sample would rename the first one's leads."""
    return "CRM-" + hashlib.blake2b(email.encode(), digest_size=8).hexdigest().upper()


def make_leads(
    rng: np.random.Generator, n: int, truth: str = "seed"
) -> tuple[list[str], list[tuple[Any, ...]], FloatArray]:
    """Return the leads' emails, their CSV rows and their latent propensity under `truth`."""
    # Several contacts per company, as in a real CRM.
    count = max(1, n // 3)
    companies = draw_companies(rng, count)
    company = rng.integers(count, size=n)
    title = pick(rng, [t.weight for t in p.TITLES], n)
    source = pick(rng, [s.weight for s in p.SOURCES], n)
    first = rng.integers(len(p.FIRST_NAMES), size=n)
    last = rng.integers(len(p.LAST_NAMES), size=n)
    industry, size = companies.industry[company], companies.size[company]
    # Restaurant and hotel managers work in hospitality; elsewhere they run operations.
    title = np.where(
        p.HOSPITALITY_ROLE[title] & (p.INDUSTRY_FIT[industry] < 0.8), p.OPERATIONS_MANAGER, title
    )
    propensity = truths.propensity(
        rng, truth, title, size, industry, companies.country[company], source
    )
    # The propensity above uses the true attributes; the export then loses some of them.
    blank = (rng.random((n, _BLANK_RATES.size)) < _BLANK_RATES).tolist()
    emails, rows = _rows(companies, company, title, source, first, last, blank)
    return emails, rows, propensity


def draw_companies(rng: np.random.Generator, count: int) -> Companies:
    industry = pick(rng, [i.weight for i in p.INDUSTRIES], count)
    country = pick(rng, [c.weight for c in p.COUNTRIES], count)
    # A long-tailed (log-normal) size puts roughly a quarter of the companies in the 50-200
    # sweet spot.
    size = np.clip(np.exp(rng.normal(3.6, 1.7, count)), 1, 20_000).astype(np.int64)
    name = rng.integers(len(p.COMPANY_CORES), size=count)
    noun = rng.integers(3, size=count)
    revenue = size * rng.lognormal(math.log(110_000), 0.5, count)
    return Companies(industry, country, size, name, noun, revenue)


def _rows(
    companies: Companies,
    company: IntArray,
    title: IntArray,
    source: IntArray,
    first: IntArray,
    last: IntArray,
    blank: list[list[bool]],
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """The leads' e-mails and CSV rows (in LEAD_HEADER's order), blanking the export's gaps."""
    c_industry, c_country, c_size = companies.industry, companies.country, companies.size
    c_name, c_noun, c_revenue = companies.name, companies.noun, companies.revenue
    emails: list[str] = []
    rows: list[tuple[Any, ...]] = []
    for i, (c, t, s, f, la, b) in enumerate(
        zip(
            company.tolist(),
            title.tolist(),
            source.tolist(),
            first.tolist(),
            last.tolist(),
            blank,
            strict=True,
        )
    ):
        ind, ctry = p.INDUSTRIES[c_industry[c]], p.COUNTRIES[c_country[c]]
        core, noun = p.COMPANY_CORES[c_name[c]], ind.nouns[c_noun[c]]
        domain = f"{p.slug(core)}-{p.slug(noun)}.{ctry.tld}"
        email = f"{p.FIRST_SLUGS[f]}.{p.LAST_SLUGS[la]}.{i + 1}@{domain}"
        emails.append(email)
        employees = int(c_size[c])
        rows.append(
            (
                email,
                crm_id(email),
                p.FIRST_NAMES[f],
                p.LAST_NAMES[la],
                "" if b[0] else p.TITLES[t].name,
                f"{core} {noun} {ctry.legal}",
                "" if b[1] else ind.name,
                "" if b[2] else employees,
                "" if b[3] else ctry.code,
                p.SOURCES[s].name,
                "" if b[4] else int(round(c_revenue[c], -3)),
                "" if b[5] else p.segment(employees),
            )
        )
    return emails, rows
