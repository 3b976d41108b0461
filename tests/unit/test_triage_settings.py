"""The triage settings ([bant], [ownership], [handover]) and the BANT gate they configure."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import Settings, SettingsError
from bot.triage_settings import Triage, crm_link
from scoring.qualification import MISSING, NOT_MET, TOO_FEW, Gate, problems


def load(tmp_path: Path, toml: str) -> Settings:
    (tmp_path / "c.toml").write_text(toml, encoding="utf-8")
    return Settings.load(env_file=None, environ={"SDRBOT_CONFIG": str(tmp_path / "c.toml")})


def test_the_defaults_want_need_timing_and_pain_points(tmp_path: Path) -> None:
    triage = load(tmp_path, "").triage
    assert triage == Triage()
    assert triage.gate.required == ("need", "timing", "pain_points")
    assert triage.ownership == "confirm" and triage.aes == () and triage.crm_url is None


def test_every_key_is_read(tmp_path: Path) -> None:
    triage = load(
        tmp_path,
        """
[bant]
required = ["budget"]
must_meet = ["authority", "need"]
min_met = 3
[ownership]
policy = "refuse"
reassigners = ["U0LEAD0001"]
[handover]
crm_url = "https://crm.example.com/lead/{crm_id}?by={email}"
attributes = ["plan", "seats"]
aes = ["U0AEMAX001"]
ae_groups = ["S0AES00001"]
""",
    ).triage
    assert triage.gate == Gate(("budget",), ("authority", "need"), 3)
    assert (triage.ownership, triage.reassigners) == ("refuse", ("U0LEAD0001",))
    assert triage.attributes == ("plan", "seats")
    assert (triage.aes, triage.ae_groups) == (("U0AEMAX001",), ("S0AES00001",))
    link = crm_link(triage.crm_url, crm_id="A/1", lead_id=3, email="a@b.example")
    assert link == "https://crm.example.com/lead/A%2F1?by=a%40b.example"
    assert crm_link(triage.crm_url, crm_id=None, lead_id=3, email=None) is None


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[bant]\nrequired = ["money"]', "bant.required: 'money' is not one of budget"),
        ('[bant]\nmust_meet = ["pain_points"]', "bant.must_meet: 'pain_points' is not one"),
        ("[bant]\nmin_met = 5", "bant.min_met must be a whole number from 0 to 4"),
        ('[ownership]\npolicy = "ask"', 'ownership.policy must be "allow"'),
        ('[handover]\ncrm_url = "https://x/{id}"', "may use only {crm_id}, {lead_id}, {email}"),
        ('[handover]\ncrm_url = "crm/{crm_id}"', "must start with https://"),
        ('[handover]\naes = "U1"', "handover.aes must be a list of strings"),
        ("[handover]\nbuttons = true", "unknown key handover.buttons"),
    ],
)
def test_a_wrong_value_says_what_is_wrong(tmp_path: Path, toml: str, message: str) -> None:
    with pytest.raises(SettingsError, match=message.replace("{", r"\{").replace("(", r"\(")):
        load(tmp_path, toml)


def test_the_gate() -> None:
    default = Gate()
    known = {"budget": "none", "authority": "user", "need": "vague", "timing": "year"}
    assert problems(known, "Excel", default) == {}
    assert problems({**known, "need": "unknown"}, " ", default) == {
        "need": MISSING,
        "pain_points": MISSING,
    }
    assert problems({"need": "forged", "timing": "year"}, "x", default) == {"need": MISSING}
    strict = Gate(required=(), must_meet=("budget",), min_met=2)
    assert problems(known, None, strict) == {
        "budget": NOT_MET,
        "authority": TOO_FEW,
        "need": TOO_FEW,
        "timing": TOO_FEW,
    }
    good = {"budget": "planned", "authority": "influencer", "need": "vague", "timing": "year"}
    assert problems(good, None, strict) == {}
    with pytest.raises(ValueError, match="unknown BANT question"):
        Gate(must_meet=("pain_points",))
