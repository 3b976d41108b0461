"""The words of the labels calibration writes for the rules it creates, in English (`label`) and
in every other language a model's `labels` may hold.

They are written into the model file, where marketing may reword them; scoring imports nothing
from bot/, so these few phrases live here and not in templates/.
"""

from __future__ import annotations

from collections.abc import Mapping

from scoring.model import LABEL_LOCALES, Labels

LOCALES = ("en", *LABEL_LOCALES)

_PHRASES: dict[str, dict[str, str]] = {
    "between": {"en": "{field} {low}–{high}", "de": "{field} {low}–{high}"},
    "up_to": {"en": "{field} up to {high}", "de": "{field} bis {high}"},
    "or_more": {"en": "{field} {low} or more", "de": "{field} ab {low}"},
    "exactly": {"en": "{field} {low}", "de": "{field} {low}"},
    "equals": {"en": "{field}: {value}", "de": "{field}: {value}"},
    "empty": {"en": "{field} empty", "de": "{field} nicht angegeben"},
    "given": {"en": "{field} given", "de": "{field} angegeben"},
    "event_once": {"en": "{event} once or more", "de": "{event} mindestens einmal"},
    "event_times": {"en": "{event} {count}+ times", "de": "{event} mindestens {count}-mal"},
    "path_once": {"en": "/{path} visited once or more", "de": "/{path} mindestens einmal besucht"},
    "path_times": {
        "en": "/{path} visited {count}+ times",
        "de": "/{path} mindestens {count}-mal besucht",
    },
}

# the canonical event types (scoring.model.CANONICAL_EVENT_TYPES) as nouns; English names them
# by their type with spaces, as the labels of earlier models did
_EVENTS_DE = {
    "page_view": "Seitenaufruf",
    "content_download": "Download",
    "webinar_registered": "Webinar-Anmeldung",
    "webinar_attended": "Webinar-Teilnahme",
    "email_open": "E-Mail geöffnet",
    "email_click": "Klick in einer E-Mail",
    "newsletter_open": "Newsletter geöffnet",
    "unsubscribe": "Abmeldung",
    "form_submit": "Formular gesendet",
    "demo_request": "Demo-Anfrage",
    "pricing_request": "Preisanfrage",
    "contact_request": "Kontaktanfrage",
    "chat_with_sales": "Chat mit dem Vertrieb",
}

Value = str | int | float | Mapping[str, str]  # a mapping: the value in each language


def phrase(key: str, **values: Value) -> dict[str, str]:
    """The phrase `key` in every language, with `values` put in (a number in its language's
    form: 1,000.5 in English, 1.000,5 in German)."""
    return {
        locale: _PHRASES[key][locale].format(
            **{name: _in(locale, value) for name, value in values.items()}
        )
        for locale in LOCALES
    }


def event_name(event: str) -> dict[str, str]:
    plain = event.replace("_", " ")
    return {"en": plain, "de": _EVENTS_DE.get(event, plain)}


def split(labels: Mapping[str, str]) -> tuple[str, Labels]:
    """The English label and the others, as a rule holds them."""
    return labels["en"], tuple(sorted((k, v) for k, v in labels.items() if k != "en"))


def _in(locale: str, value: Value) -> str:
    if isinstance(value, Mapping):
        return value[locale]
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    shown = f"{int(value):,}" if float(value).is_integer() else f"{value:,g}"
    if locale == "de":  # swap the separators: 1,000.5 → 1.000,5
        shown = shown.translate(str.maketrans(",.", ".,"))
    return shown
