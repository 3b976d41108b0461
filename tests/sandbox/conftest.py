"""Browser tests keep a screenshot and the HTML of a page they failed on."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.sandbox.browser import save_artifacts


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    pages = getattr(item, "sandbox_pages", None)
    if report.when == "call" and report.failed and pages:
        for label, page in pages.items():
            try:
                folder = save_artifacts(page, f"{item.name}-{label}")
            except Exception as exc:  # the page may be what broke
                report.sections.append(("browser artifacts", f"could not save: {exc}"))
                continue
            report.sections.append(
                ("browser artifacts", f"{label}: screenshot and HTML saved in {folder}")
            )
