"""SQLModel tables. Importing this package registers every table on SQLModel.metadata."""

from storage.tables.alerts import SlackAlert
from storage.tables.aliases import LeadAlias
from storage.tables.apikeys import ApiKey
from storage.tables.claims import LeadClaim
from storage.tables.decisions import Decision
from storage.tables.events import Event
from storage.tables.exploration import ExplorationSample
from storage.tables.handover_replies import HandoverReply
from storage.tables.jobs import JobLease, JobRun
from storage.tables.leads import Lead, LeadBase, LeadPublic
from storage.tables.messages import IngestMessage
from storage.tables.models import ModelVersion
from storage.tables.outbox import OutboxMessage
from storage.tables.proposals import ModelProposal
from storage.tables.rejected import RejectedCall
from storage.tables.reps import SdrRep
from storage.tables.scores import LeadScore, ScoreSnapshot
from storage.tables.transitions import LifecycleTransition
from storage.tables.webhooks import Webhook

__all__ = [
    "ApiKey",
    "Decision",
    "Event",
    "ExplorationSample",
    "HandoverReply",
    "IngestMessage",
    "JobLease",
    "JobRun",
    "Lead",
    "LeadAlias",
    "LeadBase",
    "LeadClaim",
    "LeadPublic",
    "LeadScore",
    "LifecycleTransition",
    "ModelProposal",
    "ModelVersion",
    "OutboxMessage",
    "RejectedCall",
    "ScoreSnapshot",
    "SdrRep",
    "SlackAlert",
    "Webhook",
]
