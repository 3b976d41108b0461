"""The weekly digest for marketing: its numbers (numbers.py), the verdict on the MQL definition
(verdict.py), its texts and blocks, its chart (chart.py) and its delivery to Slack."""
