"""When BANT answers qualify a lead for a handover: the questions, their answers, which answers
meet the bar, and the team's gate over them. Pure: the promote modal asks these questions and
the server checks its submission against `problems` before anything is stored.

A gate names the answers that must be known (`required`, which may include the written pain
points), the questions whose answer must meet the bar (`must_meet`), and how many of the four
questions must meet it at least (`min_met`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

UNKNOWN = "unknown"
PAIN_POINTS = "pain_points"
# question -> its answers, the best first; UNKNOWN ("not known yet") is every question's last
ANSWERS: dict[str, tuple[str, ...]] = {
    "budget": ("confirmed", "planned", "none", UNKNOWN),
    "authority": ("decision_maker", "influencer", "user", UNKNOWN),
    "need": ("urgent", "identified", "vague", UNKNOWN),
    "timing": ("quarter", "half_year", "year", "later", UNKNOWN),
}
QUESTIONS = tuple(ANSWERS)
# the answers that meet the bar of each question
MET: dict[str, frozenset[str]] = {
    "budget": frozenset({"confirmed", "planned"}),
    "authority": frozenset({"decision_maker", "influencer"}),
    "need": frozenset({"urgent", "identified"}),
    "timing": frozenset({"quarter", "half_year"}),
}
REQUIRABLE = (*QUESTIONS, PAIN_POINTS)

# what is wrong with one answer: not answered (or "not known yet"), or below the bar
MISSING = "missing"
NOT_MET = "not_met"
TOO_FEW = "too_few"  # fewer than min_met questions meet the bar


@dataclass(frozen=True)
class Gate:
    required: tuple[str, ...] = ("need", "timing", PAIN_POINTS)
    must_meet: tuple[str, ...] = ()
    min_met: int = 0

    def __post_init__(self) -> None:
        for name in self.required:
            if name not in REQUIRABLE:
                raise ValueError(f"unknown BANT answer {name!r}; use {', '.join(REQUIRABLE)}")
        for name in self.must_meet:
            if name not in QUESTIONS:
                raise ValueError(f"unknown BANT question {name!r}; use {', '.join(QUESTIONS)}")
        if not 0 <= self.min_met <= len(QUESTIONS):
            raise ValueError(f"min_met must be 0 to {len(QUESTIONS)}, not {self.min_met}")


def answer(answers: Mapping[str, str | None], question: str) -> str:
    """A question's answer as stored: UNKNOWN when not given or not one of its answers."""
    value = answers.get(question)
    return value if value in ANSWERS[question] else UNKNOWN


def met(answers: Mapping[str, str | None]) -> tuple[str, ...]:
    return tuple(q for q in QUESTIONS if answer(answers, q) in MET[q])


def problems(
    answers: Mapping[str, str | None], pain_points: str | None, gate: Gate
) -> dict[str, str]:
    """What keeps these answers from passing the gate, per question (empty: they pass)."""
    out: dict[str, str] = {}
    for name in gate.required:
        if name == PAIN_POINTS:
            if not (pain_points or "").strip():
                out[name] = MISSING
        elif answer(answers, name) == UNKNOWN:
            out[name] = MISSING
    for question in gate.must_meet:
        if question not in out and answer(answers, question) not in MET[question]:
            out[question] = NOT_MET
    if len(met(answers)) < gate.min_met:
        short = [q for q in QUESTIONS if q not in out and answer(answers, q) not in MET[q]]
        # the questions without an error yet that could still meet the bar say so
        for question in short:
            out[question] = TOO_FEW
    return out
