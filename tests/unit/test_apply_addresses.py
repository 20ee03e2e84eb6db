from milo_desktop.services.email_intake.addresses import address_for, plus_address, slug_for

PLUS = {"address": "Jobs@Agency.example", "mode": "plus"}
ALIASES = {"address": "jobs@agency.example", "mode": "aliases",
           "aliases": {"forklift-dallas": "Forklift@agency.example"}}


def test_plus_addressing_round_trips() -> None:
    assert plus_address("jobs+old@agency.example", "Nurse-RN") == "jobs+nurse-rn@agency.example"
    to = address_for(PLUS, "forklift-dallas")
    assert to == "Jobs+forklift-dallas@agency.example"
    assert slug_for(PLUS, to) == "forklift-dallas"
    assert slug_for(PLUS, "jobs@agency.example") is None  # the bare mailbox names nobody
    assert slug_for(PLUS, "jobs+x@elsewhere.example") is None
    assert slug_for(PLUS, "other+x@agency.example") is None


def test_aliases_and_no_mailbox() -> None:
    assert address_for(ALIASES, "forklift-dallas") == "forklift@agency.example"
    assert address_for(ALIASES, "nurse") is None
    assert slug_for(ALIASES, "FORKLIFT@agency.example") == "forklift-dallas"
    assert address_for(None, "x") is None and address_for({"address": "nope"}, "x") is None
