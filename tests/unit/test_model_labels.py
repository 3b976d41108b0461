"""Rule labels by language: `labels = { de = ... }` next to `label`, checked with a clear message
for a wrong language or value, `label` the fallback; the default model speaks German throughout."""

from __future__ import annotations

import pytest

from bot.locales import LOCALES
from scoring.loader import default_model, load_model
from scoring.model import LABEL_LOCALES, Issue, ModelError

RULES = """
[[fit]]
id = "size"
label = "Company size 50–200"
{fit_labels}
field = "company_size"
op = "range"
min = 50
max = 200
points = 25

[[engagement_rule]]
id = "webinar"
label = "Webinar attended"
{eng_labels}
event = "webinar_attended"
points = 25
"""


def model_text(fit_labels: str = "", eng_labels: str = "") -> str:
    return RULES.format(fit_labels=fit_labels, eng_labels=eng_labels)


def problems(text: str) -> list[Issue]:
    with pytest.raises(ModelError) as info:
        load_model(text, source="test.toml")
    return info.value.issues


def test_a_german_label_is_read_and_label_is_the_fallback() -> None:
    model = load_model(model_text(fit_labels='labels = { de = " Unternehmensgröße 50–200 " }'))
    assert model.rule_labels("de") == {
        "size": "Unternehmensgröße 50–200",
        "webinar": "Webinar attended",
    }
    assert model.rule_labels("en") == {"size": "Company size 50–200", "webinar": "Webinar attended"}
    assert model.fit_rules[0].label_in("de") == "Unternehmensgröße 50–200"
    assert model.engagement_rules[0].label_in("de") == "Webinar attended"


def test_a_model_without_labels_tables_shows_label_in_every_language() -> None:
    model = load_model(model_text())
    assert model.rule_labels("de") == model.rule_labels("en")
    assert model.fit_rules[0].labels == model.engagement_rules[0].labels == ()


def test_labels_as_a_dotted_table_work_too() -> None:
    model = load_model(model_text(eng_labels='labels.de = "Webinar besucht"'))
    assert model.rule_labels("de")["webinar"] == "Webinar besucht"


@pytest.mark.parametrize(
    ("line", "field", "message"),
    [
        ('labels = { fr = "Taille" }', "labels.fr", "unknown language; labels may be given in: de"),
        ('labels = { en = "Size" }', "labels.en", "the English label is the rule's `label`"),
        ("labels = { de = 50 }", "labels.de", "expected a non-empty text, got 50"),
        ('labels = { de = "  " }', "labels.de", "expected a non-empty text, got '  '"),
        ('labels = "Unternehmensgröße"', "labels", "expected a table of labels by language"),
    ],
)
def test_a_wrong_labels_entry_is_named_with_its_rule_and_line(
    line: str, field: str, message: str
) -> None:
    text = model_text(fit_labels=line)
    [issue] = problems(text)
    assert issue.where == "fit 'size' (#1)"
    assert issue.field == field
    assert message in issue.message
    assert text.splitlines()[(issue.line or 0) - 1].strip() == line


def test_every_wrong_label_is_listed_at_once() -> None:
    text = model_text('labels = { de = 1, xx = "?" }', 'labels = ["Webinar besucht"]')
    fields = [(i.where, i.field) for i in problems(text)]
    assert fields == [
        ("fit 'size' (#1)", "labels.de"),
        ("fit 'size' (#1)", "labels.xx"),
        ("engagement_rule 'webinar' (#1)", "labels"),
    ]


def test_the_label_languages_are_the_bots_besides_english() -> None:
    assert ("en", *LABEL_LOCALES) == LOCALES


def test_the_default_model_has_a_german_label_for_every_rule() -> None:
    model = default_model()
    rules = [*model.fit_rules, *model.engagement_rules]
    for rule in rules:
        german = dict(rule.labels).get("de")
        assert german and german != rule.label, rule.id
    assert model.rule_labels("de")["company_size_50_200"] == "Firmengröße 50–200"


def test_the_default_models_english_labels_are_english() -> None:
    for label in default_model().rule_labels("en").values():
        assert not set(label) & set("äöüßÄÖÜ"), label
        assert "Geschäftsführer" not in label
