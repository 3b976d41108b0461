"""A stand-in for Slack's Web API: a real HTTP endpoint that answers like slack.com.

It began as the tests' fake (`tests.fakeslack` still re-exports it) and is now also what the
sandbox's page is served from: every method checks its arguments against Slack's own method
contracts (`contracts/`) and its blocks against Block Kit's rules (`blockkit.py`).
"""
