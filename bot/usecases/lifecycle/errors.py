"""The error every lifecycle use case raises for a lead that is not there."""

from __future__ import annotations


class LeadNotFound(LookupError):
    """No lead has this id (a click on an old alert) or identity (an outcome for an unknown
    lead); the message says which, and what to do."""
