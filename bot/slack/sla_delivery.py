"""Posting one SLA reminder (in the alert's thread) or escalation (to the managers' channel,
with the alert's permalink), if its MQL is still open and undecided."""

from __future__ import annotations

from slack_sdk import WebClient
from sqlalchemy.engine import Engine

from bot.outbox.messages import Reminder
from bot.outbox.transport import Defer, Outcome, Sent
from bot.texts import render
from storage.db import session_scope
from storage.repositories import decisions as decisions_repo
from storage.repositories import held_alerts
from storage.repositories import sla as sla_repo

WAIT_FOR_ALERT = 5.0  # seconds: the alert itself may still be on its way to Slack


def deliver(engine: Engine, client: WebClient, message: Reminder) -> Outcome:
    with session_scope(engine) as session:
        lead = sla_repo.still_open(session, message.lead_id, message.mql_at)
        alert = decisions_repo.latest_alert(session=session, lead_id=message.lead_id)
        held = alert is None and bool(held_alerts.without_alert(session, [message.lead_id]))
    if held:  # announced in a model change's summary: it has no alert thread to remind in
        return Sent({"skipped": "the MQL was announced in a summary, without an alert"})
    if lead is None:  # decided, expired or moved on since: the SLA ended
        return Sent({"skipped": "the MQL is no longer open"})
    if alert is None or alert.posted_at < message.mql_at:
        return Defer("the MQL's alert is not in Slack yet", WAIT_FOR_ALERT)
    name = " ".join(p for p in (lead.first_name, lead.last_name) if p) or lead.email or ""
    if lead.company:
        name = f"{name} ({lead.company})" if name else lead.company
    mentions = (lead.owner,) if lead.owner else message.mentions
    values = {"lead": name, "hours": f"{message.hours:g}", "mentions": mentions}
    if not message.escalate:
        text = render("sla/reminder.mrkdwn", message.locale, **values)
        answer = client.chat_postMessage(channel=alert.channel, thread_ts=alert.ts, text=text)
        return Sent({"channel": answer["channel"], "ts": answer["ts"], "thread_ts": alert.ts})
    link = client.chat_getPermalink(channel=alert.channel, message_ts=alert.ts)["permalink"]
    text = render("sla/escalation.mrkdwn", message.locale, link=link, **values)
    answer = client.chat_postMessage(channel=message.channel, text=text, unfurl_links=False)
    return Sent({"requested": message.channel, "channel": answer["channel"], "ts": answer["ts"]})
