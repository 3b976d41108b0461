"""Outbound webhooks: signed JSON documents on lifecycle changes, sent through the outbox."""
