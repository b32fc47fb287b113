"""The front desk over HTTP: a booking's phone and patient id, the duplicate guard and its 409,
the patient's other doctors noted, finding tokens, a doctor away and their patients reassigned;
each with the exact answer, its refusals and a retry."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from store_helpers import SetClock
from test_api import recorded_actions

from opd_tui.api import Today, create_app
from opd_tui.engine import Engine, Event
from opd_tui.store import SqliteStore

NINE = datetime(2026, 11, 25, 9, 0)
AT = NINE.isoformat()
SOURCES = {"emergency": 5, "paid": 4, "follow-up": 3, "online": 2, "walk-in": 1}


def clinic(engine: Engine) -> list[Event]:
    """Dr Rao: rao-09 (09:00–10:00) and rao-10 (10:00–11:00), 2 seats each. Dr Mehta: meh-09
    (09:00–10:00, 1 seat) and meh-10 (10:00–12:00, 2 seats)."""
    events = engine.add_doctor("rao", "Dr Asha Rao", "Cardiology")
    events += engine.add_slot("rao-09", "rao", "09:00", "10:00", 2)
    events += engine.add_slot("rao-10", "rao", "10:00", "11:00", 2)
    events += engine.add_doctor("meh", "Dr Vikram Mehta", "General medicine")
    events += engine.add_slot("meh-09", "meh", "09:00", "10:00", 1)
    events += engine.add_slot("meh-10", "meh", "10:00", "12:00", 2)
    return events


def service(path: Path) -> TestClient:
    today = Today(SqliteStore(path), clock=SetClock(NINE), setup=clinic, clinic_name="Desk")
    return TestClient(create_app(today))


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with service(tmp_path / "j.db") as client:
        yield client


def post(client: TestClient, url: str, body: Any = None, status: int = 200, **headers: str) -> Any:
    answer = client.post(url, json=body, headers=headers)
    assert answer.status_code == status, answer.text
    return answer.json()


def get(client: TestClient, url: str, status: int = 200, **params: Any) -> Any:
    answer = client.get(url, params=params)
    assert answer.status_code == status, answer.text
    return answer.json()


def book(client: TestClient, slot_id: str, patient: str, source: str, status: int = 201,
         **identity: Any) -> Any:  # fmt: skip
    body = {"slot_id": slot_id, "patient": patient, "source": source, **identity}
    return post(client, "/v1/tokens", body, status)


def token(id_: str, number: str, patient: str, source: str, arrival: int, slot: str,
          status: str = "BOOKED", *, phone: str = "", patient_id: str = "",
          preemptions: int = 0) -> dict[str, Any]:  # fmt: skip
    """A token as the service shows it, booked at 09:00 and not yet checked in."""
    return {
        "id": id_,
        "number": number,
        "patient": patient,
        "phone": phone,
        "patient_id": patient_id,
        "source": source,
        "priority": SOURCES[source],
        "status": status,
        "slot_id": slot,
        "arrival": arrival,
        "arrived_at": AT,
        "preemptions": preemptions,
        "checked_in": None,
        "called_at": None,
        "unanswered": 0,
        "minutes": None,
    }


def problem(code: str, message: str, **more: Any) -> dict[str, Any]:
    return {"error": code, "message": message, "problems": [], **more}


ASHA = {"phone": "+91 98450-12345", "patient_id": " mrn-2024/0042 "}
"""Asha Menon as she gives herself at the desk; kept as +919845012345 and MRN-2024/0042."""
ASHA_KEPT = {"phone": "+919845012345", "patient_id": "MRN-2024/0042"}


# ---------------------------------------------------------------------- who the patient is


def test_a_booking_keeps_the_phone_and_patient_id_as_the_engine_spells_them(
    client: TestClient,
) -> None:
    answer = book(client, "rao-09", "Asha Menon", "online", **ASHA)
    asha = token("T00001", "RAO-001", "Asha Menon", "online", 1, "rao-09", **ASHA_KEPT)
    assert answer == {
        "status": "BOOKED",
        "token": asha,
        "preempted": [],
        "also": [],
        "events": [
            {
                "kind": "booked",
                "at": AT,
                "token_id": "T00001",
                "slot_id": "rao-09",
                "number": "RAO-001",
                "patient": "Asha Menon",
                "source": "online",
                "priority": 2,
                "arrival": 1,
                "phone": "+919845012345",
                "patient_id": "MRN-2024/0042",
            }
        ],
    }
    assert get(client, "/v1/tokens/T00001") == asha
    assert get(client, "/v1/tokens/RAO-001") == asha
    assert get(client, "/v1/slots/rao-09")["booked"][0]["token"] == asha
    ravi = book(client, "rao-09", "Ravi", "walk-in")  # none given: none kept, none in the event
    assert (ravi["token"]["phone"], ravi["token"]["patient_id"]) == ("", "")
    assert "phone" not in ravi["events"][0] and "patient_id" not in ravi["events"][0]


def test_a_retried_booking_answers_the_identity_it_was_given(tmp_path: Path) -> None:
    body = {"slot_id": "rao-09", "patient": "Asha Menon", "source": "online", **ASHA}
    with service(tmp_path / "j.db") as client:
        first = post(client, "/v1/tokens", body, 201, **{"Idempotency-Key": "portal-1"})
    with service(tmp_path / "j.db") as restarted:
        again = restarted.post("/v1/tokens", json=body, headers={"Idempotency-Key": "portal-1"})
        assert again.status_code == 201
        assert again.headers["Idempotent-Replayed"] == "true"
        assert again.json() == first
        assert first["token"]["phone"] == "+919845012345"
        other = {**body, "phone": "98450 99999"}
        refused = post(restarted, "/v1/tokens", other, 422, **{"Idempotency-Key": "portal-1"})
        assert refused["message"] == (
            "idempotency key 'portal-1' was already used for a different request"
        )
    assert recorded_actions(tmp_path / "j.db") == ["open-day", "book"]


BAD_IDENTITY = [
    ({"phone": "98450"}, "phone '98450' is not a phone number: 7 to 15 digits, "
     "with an optional leading +"),
    ({"phone": "call 9845012345"}, "phone 'call 9845012345' is not a phone number: 7 to 15 "
     "digits, with an optional leading +"),
    ({"phone": "+1234567890123456"}, "phone '+1234567890123456' is not a phone number: 7 to 15 "
     "digits, with an optional leading +"),
    ({"patient_id": "MRN 42"}, "patient id 'MRN 42' may hold only letters, digits, '-' and '/', "
     "at most 24 characters"),
    ({"patient_id": "M" * 25}, f"patient id '{'M' * 25}' may hold only letters, digits, '-' and "
     "'/', at most 24 characters"),
]  # fmt: skip


@pytest.mark.parametrize(("identity", "message"), BAD_IDENTITY)
def test_a_phone_or_patient_id_that_is_not_one_is_422_naming_it(
    tmp_path: Path, identity: dict[str, str], message: str
) -> None:
    with service(tmp_path / "j.db") as client:
        refused = book(client, "rao-09", "Asha", "online", 422, **identity)
        assert refused == problem("invalid", message)
        assert get(client, "/v1/slots/rao-09")["booked"] == []
    assert recorded_actions(tmp_path / "j.db") == ["open-day"]


@pytest.mark.parametrize(
    ("more", "message"),
    [
        ({"again": "yes"}, "body.again: Input should be a valid boolean"),
        ({"again": 1}, "body.again: Input should be a valid boolean"),
        ({"again": None}, "body.again: Input should be a valid boolean"),
        ({"phone": 9845012345}, "body.phone: Input should be a valid string"),
        ({"patient_id": "M" * 65}, "body.patient_id: String should have at most 64 characters"),
    ],
)
def test_a_malformed_identity_or_again_is_422_from_the_body(
    client: TestClient, more: dict[str, Any], message: str
) -> None:
    refused = book(client, "rao-09", "Asha", "online", 422, **more)
    assert refused == {"error": "invalid", "message": message, "problems": [message]}


# ---------------------------------------------------------------------- the duplicate guard

DUPLICATE = (
    "Asha Menon already holds RAO-001 with Dr Asha Rao today (booked, 09:00–10:00); "
    "book again only if intended"
)


@pytest.mark.parametrize(
    "second",
    [
        {"patient_id": "MRN-2024/0042"},  # the same id, another phone
        {"phone": "+91 98450 12345", "patient_id": ""},  # the same line and name
        {"phone": "9845012345"},  # the same line without its country code
    ],
    ids=["id", "phone", "local-phone"],
)
def test_the_same_patient_twice_with_one_doctor_is_409_naming_the_open_token(
    tmp_path: Path, second: dict[str, str]
) -> None:
    with service(tmp_path / "j.db") as client:
        book(client, "rao-09", "Asha Menon", "online", **ASHA)
        refused = book(client, "rao-10", "asha  MENON", "walk-in", 409, **second)
        existing = {"id": "T00001", "number": "RAO-001"}
        assert refused == problem("conflict", DUPLICATE, existing=existing)
        assert get(client, "/v1/slots/rao-10")["booked"] == []
    assert recorded_actions(tmp_path / "j.db") == ["open-day", "book"]


def test_the_duplicate_answer_is_the_same_past_the_booking_lane(client: TestClient) -> None:
    """A body the lane does not take (another content type spelling) reaches FastAPI's route:
    the refusal reads the same."""
    book(client, "rao-09", "Asha Menon", "online", **ASHA)
    booking = {"slot_id": "rao-10", "patient": "Asha Menon", "source": "paid"}
    body = json.dumps({**booking, "patient_id": "mrn-2024/0042"}).encode()
    lane = client.post("/v1/tokens", content=body, headers={"content-type": "application/json"})
    routed = client.post(
        "/v1/tokens", content=body, headers={"content-type": "application/json; charset=utf-8"}
    )
    assert (lane.status_code, routed.status_code) == (409, 409)
    assert (
        lane.json()
        == routed.json()
        == problem("conflict", DUPLICATE, existing={"id": "T00001", "number": "RAO-001"})
    )


def test_another_name_on_the_same_phone_is_another_patient(client: TestClient) -> None:
    book(client, "rao-09", "Asha Menon", "online", phone="9845012345")
    answer = book(client, "rao-10", "Ravi Menon", "online", phone="9845012345")
    assert (answer["status"], answer["also"]) == ("BOOKED", [])


def test_again_books_the_second_token_and_notes_the_first(client: TestClient) -> None:
    book(client, "rao-09", "Asha Menon", "online", **ASHA)
    answer = book(client, "rao-10", "Asha Menon", "follow-up", again=True, **ASHA)
    assert answer["status"] == "BOOKED"
    assert answer["token"] == token(
        "T00002", "RAO-002", "Asha Menon", "follow-up", 2, "rao-10", **ASHA_KEPT
    )
    assert answer["also"] == ["RAO-001"]
    assert [e["kind"] for e in answer["events"]] == ["booked"]
    again = book(client, "rao-10", "Asha Menon", "online", 409, again=False, **ASHA)  # stated
    assert again == book(client, "rao-10", "Asha Menon", "online", 409, **ASHA)
    assert again["existing"] == {"id": "T00001", "number": "RAO-001"}  # the earliest held


def test_a_closed_token_is_no_duplicate(client: TestClient) -> None:
    book(client, "rao-09", "Asha Menon", "online", **ASHA)
    post(client, "/v1/tokens/T00001/cancel")
    answer = book(client, "rao-10", "Asha Menon", "online", **ASHA)
    assert (answer["token"]["number"], answer["also"]) == ("RAO-002", [])


def test_the_patients_tokens_with_other_doctors_are_noted(client: TestClient) -> None:
    book(client, "rao-09", "Asha Menon", "online", **ASHA)
    book(client, "rao-09", "Ravi", "walk-in")
    with_mehta = book(client, "meh-10", "Asha Menon", "paid", patient_id="MRN-2024/0042")
    assert with_mehta["token"]["number"] == "MEH-001"
    assert with_mehta["also"] == ["RAO-001"]
    by_phone = book(client, "meh-09", "ASHA MENON", "walk-in", phone="98450 12345")
    assert by_phone["also"] == ["RAO-001"]  # by phone and name: MEH-001 only had the id
    assert book(client, "meh-10", "Ravi", "walk-in")["also"] == []  # nothing to know him by


# ---------------------------------------------------------------------- find


def test_tokens_are_found_by_number_digits_phone_id_and_name(client: TestClient) -> None:
    book(client, "rao-09", "Asha Menon", "online", phone="+91 98450 12345")
    book(client, "meh-10", "Ravi Shankar", "paid", patient_id="MRN-2024/0042")
    book(client, "rao-10", "Asha Pillai", "walk-in")
    book(client, "meh-10", "Menaka Rao", "walk-in")
    asha = token("T00001", "RAO-001", "Asha Menon", "online", 1, "rao-09", phone="+919845012345")
    ravi = token("T00002", "MEH-001", "Ravi Shankar", "paid", 2, "meh-10",
                 patient_id="MRN-2024/0042")  # fmt: skip
    pillai = token("T00003", "RAO-002", "Asha Pillai", "walk-in", 3, "rao-10")
    menaka = token("T00004", "MEH-002", "Menaka Rao", "walk-in", 4, "meh-10")

    def found(q: str, **params: Any) -> Any:
        return get(client, "/v1/tokens", q=q, **params)

    assert found("RAO-001") == [asha]
    assert found("rao1") == [asha]
    assert found("1") == [asha, ravi]
    assert found("002") == [pillai, menaka]
    assert found("98450 12345") == [asha]
    assert found("+919845012345") == [asha]
    assert found("mrn-2024/0042") == [ravi]
    assert found("asha") == [asha, pillai]
    assert found("men") == [asha, menaka]
    assert found("ASHA men") == [asha]
    assert found("rao") == [menaka]  # a name word, not a doctor
    assert found("asha", limit=1) == [asha]
    assert found("zed") == []
    assert found("   ") == []
    post(client, "/v1/tokens/T00001/cancel")
    assert found("asha") == [{**asha, "status": "CANCELLED"}, pillai]  # closed ones too


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "query.q: Field required"),
        ({"q": ""}, "query.q: String should have at least 1 character"),
        ({"q": "a" * 201}, "query.q: String should have at most 200 characters"),
        ({"q": "asha", "limit": 0}, "query.limit: Input should be greater than or equal to 1"),
        ({"q": "asha", "limit": 201}, "query.limit: Input should be less than or equal to 200"),
        ({"q": "asha", "limit": "x"}, "query.limit: Input should be a valid integer, unable to "
         "parse string as an integer"),
    ],
)  # fmt: skip
def test_a_bad_search_is_422(client: TestClient, params: dict[str, Any], message: str) -> None:
    assert get(client, "/v1/tokens", 422, **params) == {
        "error": "invalid",
        "message": message,
        "problems": [message],
    }


def test_a_search_up_to_200(client: TestClient) -> None:
    for n in range(1, 56):
        book(client, "meh-10", f"Ravi {n}", "walk-in")
    assert len(get(client, "/v1/tokens", q="ravi")) == 50
    everyone = get(client, "/v1/tokens", q="ravi", limit=200)
    assert [t["arrival"] for t in everyone] == list(range(1, 56))


# ---------------------------------------------------------------------- away


def test_a_doctor_away_takes_no_new_bookings_in_the_slots_they_leave(client: TestClient) -> None:
    assert get(client, "/v1/doctors/rao")["away"] is None
    assert post(client, "/v1/doctors/rao/away", {"at": "10:30"}) == {
        "events": [{"kind": "away-set", "at": AT, "doctor_id": "rao", "old": None, "new": 630}],
        "token": None,
    }
    assert get(client, "/v1/doctors/rao")["away"] == "10:30"
    assert [d["away"] for d in get(client, "/v1/doctors")] == ["10:30", None]
    assert book(client, "rao-10", "Asha", "walk-in", 409) == problem(
        "conflict", "Dr Asha Rao is away from 10:30: the 10:00–11:00 slot takes no new patients"
    )
    assert book(client, "rao-09", "Asha", "walk-in")["status"] == "BOOKED"  # over before 10:30
    assert post(client, "/v1/tokens/T00001/move", {"slot_id": "rao-10"}, 409)["message"] == (
        "Dr Asha Rao is away from 10:30: the 10:00–11:00 slot takes no new patients"
    )
    assert post(client, "/v1/doctors/rao/away", {"at": None})["events"] == [
        {"kind": "away-set", "at": AT, "doctor_id": "rao", "old": 630, "new": None}
    ]
    assert get(client, "/v1/doctors/rao")["away"] is None
    assert book(client, "rao-10", "Bala", "walk-in")["status"] == "BOOKED"


@pytest.mark.parametrize(
    ("url", "body", "status", "code", "message"),
    [
        ("/v1/doctors/rao/away", {"at": None}, 409, "conflict", "Dr Asha Rao is already here"),
        ("/v1/doctors/nobody/away", {"at": "10:00"}, 404, "not-found", "unknown doctor 'nobody'"),
        ("/v1/doctors/rao/away", {"at": "25:00"}, 422, "invalid",
         "body.at: String should match pattern '^([01][0-9]|2[0-3]):[0-5][0-9]$'"),
        ("/v1/doctors/rao/away", {}, 422, "invalid", "body.at: Field required"),
        ("/v1/doctors/rao/reassign", {"to": "nobody"}, 404, "not-found",
         "unknown doctor 'nobody'"),
        ("/v1/doctors/nobody/reassign", {"to": "meh"}, 404, "not-found",
         "unknown doctor 'nobody'"),
        ("/v1/doctors/rao/reassign", {"to": "meh"}, 409, "conflict",
         "Dr Asha Rao has no waiting or booked patients to reassign"),
        ("/v1/doctors/rao/reassign", {"to": "rao"}, 422, "invalid",
         "reassign Dr Asha Rao's patients to another doctor"),
        ("/v1/doctors/rao/reassign", {"to": "meh", "slot_id": "rao-10"}, 422, "invalid",
         "Dr Asha Rao 10:00 is not one of Dr Vikram Mehta's slots"),
        ("/v1/doctors/rao/reassign", {"to": "meh", "slot_id": "meh-99"}, 404, "not-found",
         "unknown slot 'meh-99'"),
        ("/v1/doctors/rao/reassign", {}, 422, "invalid", "body.to: Field required"),
    ],
)  # fmt: skip
def test_away_and_reassign_refusals(
    tmp_path: Path, url: str, body: Any, status: int, code: str, message: str
) -> None:
    with service(tmp_path / "j.db") as client:
        refused = post(client, url, body, status)
        assert (refused["error"], refused["message"]) == (code, message)
    assert recorded_actions(tmp_path / "j.db") == ["open-day"]


# ---------------------------------------------------------------------- reassign


def rao_day(client: TestClient) -> None:
    """rao-10: Asha walk-in (T1) and Bala online (T2) seated, Chitra walk-in (T3) waiting;
    meh-10: Dev follow-up (T4) and Esha walk-in (T5) seated. Dr Rao is away from 10:00."""
    for slot_id, patient, source in [
        ("rao-10", "Asha", "walk-in"),
        ("rao-10", "Bala", "online"),
        ("rao-10", "Chitra", "walk-in"),
        ("meh-10", "Dev", "follow-up"),
        ("meh-10", "Esha", "walk-in"),
    ]:
        book(client, slot_id, patient, source)
    post(client, "/v1/doctors/rao/away", {"at": "10:00"})


REASSIGNED = [
    {"kind": "preempted", "at": AT, "token_id": "T00005", "slot_id": "meh-10", "by": "T00002",
     "reason": "online 2 > walk-in 1"},
    {"kind": "reassigned", "at": AT, "token_id": "T00002", "from_slot": "rao-10",
     "to_slot": "meh-10", "was": "BOOKED", "old_number": "RAO-002", "number": "MEH-003",
     "seated": True},
    {"kind": "reassigned", "at": AT, "token_id": "T00001", "from_slot": "rao-10",
     "to_slot": "meh-10", "was": "BOOKED", "old_number": "RAO-001", "number": "MEH-004",
     "seated": False},
    {"kind": "reassigned", "at": AT, "token_id": "T00003", "from_slot": "rao-10",
     "to_slot": "meh-10", "was": "WAITING", "old_number": "RAO-003", "number": "MEH-005",
     "seated": False},
]  # fmt: skip
"""Best first: Bala (online) outranks Esha (walk-in) and takes her seat; Asha and Chitra
outrank nobody seated and wait, by their own arrivals: ahead of Esha."""


def test_reassign_moves_the_away_doctors_patients_and_the_rule_decides(
    client: TestClient,
) -> None:
    rao_day(client)
    assert post(client, "/v1/doctors/rao/reassign", {"to": "meh"}) == {
        "events": REASSIGNED,
        "token": None,
    }
    mehta = get(client, "/v1/slots/meh-10")
    assert [seat["token"] for seat in mehta["booked"]] == [
        token("T00004", "MEH-001", "Dev", "follow-up", 4, "meh-10"),
        token("T00002", "MEH-003", "Bala", "online", 2, "meh-10"),
    ]
    assert mehta["waiting"] == [
        token("T00001", "MEH-004", "Asha", "walk-in", 1, "meh-10", "WAITING"),
        token("T00003", "MEH-005", "Chitra", "walk-in", 3, "meh-10", "WAITING"),
        token("T00005", "MEH-002", "Esha", "walk-in", 5, "meh-10", "WAITING", preemptions=1),
    ]
    assert (mehta["stats"]["booked"], mehta["stats"]["waiting"]) == (2, 3)
    rao = get(client, "/v1/slots/rao-10")
    assert (rao["booked"], rao["waiting"], rao["stats"]["booked"]) == ([], [], 0)
    assert get(client, "/v1/tokens", q="MEH-004") == [mehta["waiting"][0]]
    assert get(client, "/v1/tokens", q="RAO-001") == []  # the old number is gone with her


def test_reassign_into_one_picked_slot(client: TestClient) -> None:
    rao_day(client)
    events = post(client, "/v1/doctors/rao/reassign", {"to": "meh", "slot_id": "meh-09"})
    assert [(e["token_id"], e["to_slot"], e["number"], e["seated"]) for e in events["events"]] == [
        ("T00002", "meh-09", "MEH-003", True),
        ("T00001", "meh-09", "MEH-004", False),
        ("T00003", "meh-09", "MEH-005", False),
    ]
    mehta = get(client, "/v1/slots/meh-09")
    assert [seat["token"]["number"] for seat in mehta["booked"]] == ["MEH-003"]
    assert [t["number"] for t in mehta["waiting"]] == ["MEH-004", "MEH-005"]


def test_reassign_to_a_doctor_with_no_slot_left_is_409_and_moves_nobody(tmp_path: Path) -> None:
    with service(tmp_path / "j.db") as client:
        rao_day(client)
        post(client, "/v1/doctors/meh/away", {"at": "10:00"})
        before = (get(client, "/v1/slots/rao-10"), get(client, "/v1/slots/meh-10"))
        assert post(client, "/v1/doctors/rao/reassign", {"to": "meh"}, 409) == problem(
            "conflict", "Dr Vikram Mehta has no slot at or after 10:00 for RAO-002"
        )
        refused = post(client, "/v1/doctors/rao/reassign", {"to": "meh", "slot_id": "meh-10"}, 409)
        assert refused == problem(
            "conflict", "Dr Vikram Mehta 10:00 is off: Dr Vikram Mehta is away then"
        )
        assert (get(client, "/v1/slots/rao-10"), get(client, "/v1/slots/meh-10")) == before
    assert recorded_actions(tmp_path / "j.db")[-2:] == ["away", "away"]


def test_a_retried_reassign_with_its_key_is_answered_from_the_journal(tmp_path: Path) -> None:
    key = {"Idempotency-Key": "desk-9"}
    with service(tmp_path / "j.db") as client:
        rao_day(client)
        first = client.post("/v1/doctors/rao/reassign", json={"to": "meh"}, headers=key)
        assert first.status_code == 200 and "Idempotent-Replayed" not in first.headers
    with service(tmp_path / "j.db") as restarted:
        again = restarted.post("/v1/doctors/rao/reassign", json={"to": "meh"}, headers=key)
        assert again.status_code == 200
        assert again.headers["Idempotent-Replayed"] == "true"
        assert again.json() == first.json() == {"events": REASSIGNED, "token": None}
        other = post(restarted, "/v1/doctors/rao/reassign", {"to": "meh", "slot_id": "meh-09"},
                     422, **key)  # fmt: skip
        assert other["message"] == (
            "idempotency key 'desk-9' was already used for a different request"
        )
        assert len(get(restarted, "/v1/slots/meh-10")["waiting"]) == 3
    assert recorded_actions(tmp_path / "j.db")[-2:] == ["away", "reassign"]
