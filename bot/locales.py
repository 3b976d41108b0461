"""The languages sdrbot speaks to Slack users (`general.locale`); templates/ has one folder each."""

LOCALES = ("en", "de")
