"""The outbox: typed messages queued in the transaction that causes them, and their sender."""
