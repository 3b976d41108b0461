"""Scheduled work: the jobs (plain functions of a session, a clock and the settings), the
record that runs each period once (runner.py), the lease that lets one process run them
(lease.py) and the APScheduler that fires them in the team's timezone (scheduler.py)."""
