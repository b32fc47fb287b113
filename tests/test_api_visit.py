"""The patient's visit over HTTP: check in, call (next, or out of turn), return to the queue,
overdue no-shows, rooms, and the doctor's queue with its expected call times."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from store_helpers import DAY, SetClock
from test_api import recorded_actions

from opd_tui.api import Today, create_app
from opd_tui.engine import Engine, Event
from opd_tui.store import SqliteStore

NINE = datetime(2026, 11, 25, 9, 0)


def at(hhmm: str) -> str:
    """The day's moment ``hhmm`` as the service writes times."""
    return f"{DAY.isoformat()}T{hhmm}:00"


def clinic(engine: Engine) -> list[Event]:
    """Dr Rao in room 3: rao-09 (09:00–10:00, 4 seats: 15 minutes a seat) and rao-10
    (10:00–11:00, 1 seat). Dr Mehta, no room yet: mehta-09 (09:00–10:00, 2 seats)."""
    events = engine.add_doctor("rao", "Dr Asha Rao", "Cardiology", "3")
    events += engine.add_slot("rao-09", "rao", "09:00", "10:00", 4)
    events += engine.add_slot("rao-10", "rao", "10:00", "11:00", 1)
    events += engine.add_doctor("mehta", "Dr Vikram Mehta", "Orthopaedics")
    events += engine.add_slot("mehta-09", "mehta", "09:00", "10:00", 2)
    return events


def service(path: Path, clock: SetClock) -> TestClient:
    today = Today(SqliteStore(path), clock=clock, setup=clinic, clinic_name="Visit Clinic")
    return TestClient(create_app(today))


@pytest.fixture
def clock() -> SetClock:
    return SetClock(NINE)


@pytest.fixture
def client(tmp_path: Path, clock: SetClock) -> Iterator[TestClient]:
    with service(tmp_path / "j.db", clock) as client:
        yield client


def post(client: TestClient, url: str, body: Any = None, status: int = 200) -> Any:
    answer = client.post(url, json=body)
    assert answer.status_code == status, answer.text
    return answer.json()


def get(client: TestClient, url: str, **params: str) -> Any:
    answer = client.get(url, params=params)
    assert answer.status_code == 200, answer.text
    return answer.json()


def book(client: TestClient, *patients: tuple[str, str, str]) -> None:
    for slot_id, patient, source in patients:
        body = {"slot_id": slot_id, "patient": patient, "source": source}
        post(client, "/v1/tokens", body, 201)


def token(id_: str, number: str, patient: str, source: str, priority: int, arrival: int,
          status: str = "BOOKED", slot: str = "rao-09", *, preemptions: int = 0,
          checked_in: str | None = None, called_at: str | None = None, unanswered: int = 0,
          minutes: float | None = None) -> dict[str, Any]:  # fmt: skip
    """A token as the service shows it; times as HH:MM of the day."""
    return {
        "id": id_,
        "number": number,
        "patient": patient,
        "phone": "",
        "patient_id": "",
        "source": source,
        "priority": priority,
        "status": status,
        "slot_id": slot,
        "arrival": arrival,
        "arrived_at": at("09:00"),
        "preemptions": preemptions,
        "checked_in": None if checked_in is None else at(checked_in),
        "called_at": None if called_at is None else at(called_at),
        "unanswered": unanswered,
        "minutes": minutes,
    }


# The morning of most tests, all booked at 09:00: rao-09 holds Asha (walk-in), Bala (paid),
# Chitra (online) and Dev (walk-in); rao-10's one seat is Esha's (follow-up), Farhan (walk-in)
# waits; mehta-09 holds Gita (online).
MORNING = [
    ("rao-09", "Asha", "walk-in"),
    ("rao-09", "Bala", "paid"),
    ("rao-09", "Chitra", "online"),
    ("rao-09", "Dev", "walk-in"),
    ("rao-10", "Esha", "follow-up"),
    ("rao-10", "Farhan", "walk-in"),
    ("mehta-09", "Gita", "online"),
]
ASHA = ("T00001", "RAO-001", "Asha", "walk-in", 1, 1)
BALA = ("T00002", "RAO-002", "Bala", "paid", 4, 2)
CHITRA = ("T00003", "RAO-003", "Chitra", "online", 2, 3)
DEV = ("T00004", "RAO-004", "Dev", "walk-in", 1, 4)
ESHA = ("T00005", "RAO-005", "Esha", "follow-up", 3, 5)
GITA = ("T00007", "MEHTA-001", "Gita", "online", 2, 7)


# ---------------------------------------------------------------------- check in


def test_check_in_makes_the_booked_patient_present(client: TestClient) -> None:
    book(client, *MORNING)
    assert post(client, "/v1/tokens/T00001/check-in") == {
        "events": [
            {"kind": "checked-in", "at": at("09:00"), "token_id": "T00001", "slot_id": "rao-09"}
        ],
        "token": token(*ASHA, checked_in="09:00"),
    }
    waiting = post(client, "/v1/tokens/T00006/check-in")  # a waiting patient may check in too
    assert waiting["token"]["status"] == "WAITING"
    assert waiting["token"]["checked_in"] == at("09:00")


def test_a_retried_check_in_with_its_key_is_answered_from_the_journal(
    tmp_path: Path, clock: SetClock
) -> None:
    path = tmp_path / "j.db"
    headers = {"Idempotency-Key": "desk-7"}
    with service(path, clock) as client:
        book(client, *MORNING)
        first = client.post("/v1/tokens/T00001/check-in", headers=headers)
        assert first.status_code == 200 and "Idempotent-Replayed" not in first.headers
        clock.now = NINE.replace(minute=20)
        again = client.post("/v1/tokens/T00001/check-in", headers=headers)
        assert (again.status_code, again.headers["Idempotent-Replayed"]) == (200, "true")
        assert again.json() == first.json()
    with service(path, clock) as restarted:  # the retry may reach a restarted service
        later = restarted.post("/v1/tokens/T00001/check-in", headers=headers)
        assert (later.status_code, later.headers["Idempotent-Replayed"]) == (200, "true")
        assert later.json() == first.json()
        assert later.json()["events"][0]["at"] == at("09:00")  # decided once, at 09:00
        other = restarted.post("/v1/tokens/T00002/check-in", headers=headers)
        assert (other.status_code, other.json()) == (
            422,
            {
                "error": "invalid",
                "message": "idempotency key 'desk-7' was already used for a different request",
                "problems": [],
            },
        )
        assert get(restarted, "/v1/tokens/T00002")["checked_in"] is None
    assert recorded_actions(path) == ["open-day"] + ["book"] * 7 + ["check-in"]


# ---------------------------------------------------------------------- calling


def test_call_next_calls_the_best_present_patient_of_the_earliest_slot(
    client: TestClient,
) -> None:
    book(client, *MORNING)
    for token_id in ("T00005", "T00001", "T00003"):  # Esha (rao-10), Asha and Chitra (rao-09)
        post(client, f"/v1/tokens/{token_id}/check-in")
    assert post(client, "/v1/doctors/rao/call-next") == {
        "events": [
            {
                "kind": "called",
                "at": at("09:00"),
                "token_id": "T00003",
                "slot_id": "rao-09",
                "in_turn": True,
            }
        ],
        "token": token(*CHITRA, "CALLED", checked_in="09:00", called_at="09:00"),
    }
    second = post(client, "/v1/doctors/rao/call-next")
    assert (second["events"][0]["token_id"], second["events"][0]["in_turn"]) == ("T00001", True)
    headers = {"Idempotency-Key": "room-3-call"}
    third = client.post("/v1/doctors/rao/call-next", headers=headers)  # rao-09: nobody left
    assert (third.json()["events"][0]["token_id"], third.json()["token"]["id"]) == (
        "T00005",
        "T00005",
    )
    again = client.post("/v1/doctors/rao/call-next", headers=headers)  # answered, not decided
    assert (again.status_code, again.headers["Idempotent-Replayed"]) == (200, "true")
    assert again.json() == third.json()
    stats = get(client, "/v1/doctors/rao")["stats"]
    assert {k: stats[k] for k in ("capacity", "booked", "called", "waiting", "utilisation")} == {
        "capacity": 5,
        "booked": 2,
        "called": 3,
        "waiting": 1,
        "utilisation": 1.0,
    }
    assert get(client, "/v1/day")["stats"]["called"] == 3


def test_a_call_out_of_turn_is_allowed_and_says_so(client: TestClient) -> None:
    book(client, *MORNING)
    for token_id in ("T00001", "T00003"):
        post(client, f"/v1/tokens/{token_id}/check-in")
    out_of_turn = post(client, "/v1/tokens/T00001/call")  # Chitra (online) is next, not Asha
    assert out_of_turn == {
        "events": [
            {
                "kind": "called",
                "at": at("09:00"),
                "token_id": "T00001",
                "slot_id": "rao-09",
                "in_turn": False,
            }
        ],
        "token": token(*ASHA, "CALLED", checked_in="09:00", called_at="09:00"),
    }
    in_turn = post(client, "/v1/tokens/T00003/call")
    assert in_turn["events"][0]["in_turn"] is True


def test_serve_from_the_room_records_the_consultation_minutes(
    client: TestClient, clock: SetClock
) -> None:
    book(client, *MORNING)
    post(client, "/v1/tokens/T00003/check-in")
    post(client, "/v1/doctors/rao/call-next")
    clock.now = NINE.replace(minute=12, second=30)
    served = post(client, "/v1/tokens/T00003/serve")
    assert served == {
        "events": [
            {
                "kind": "served",
                "at": "2026-11-25T09:12:30",
                "token_id": "T00003",
                "slot_id": "rao-09",
            }
        ],
        "token": token(*CHITRA, "SERVED", checked_in="09:00", called_at="09:00", minutes=12.5),
    }
    straight = post(client, "/v1/tokens/T00001/serve")  # seen without a call: no minutes
    assert (straight["token"]["status"], straight["token"]["minutes"]) == ("SERVED", None)
    assert get(client, "/v1/doctors/rao/queue")["minutes"] == 12.5


# ---------------------------------------------------------------------- returning


def test_return_puts_a_called_patient_back_present_with_an_unanswered_call(
    client: TestClient, clock: SetClock
) -> None:
    book(client, *MORNING)
    post(client, "/v1/tokens/T00003/check-in")
    post(client, "/v1/doctors/rao/call-next")
    clock.now = NINE.replace(minute=4)
    assert post(client, "/v1/tokens/T00003/return") == {
        "events": [
            {
                "kind": "returned",
                "at": at("09:04"),
                "token_id": "T00003",
                "slot_id": "rao-09",
                "called_at": at("09:00"),
            }
        ],
        "token": token(*CHITRA, checked_in="09:00", unanswered=1),
    }
    again = post(client, "/v1/doctors/rao/call-next")  # still present: the room calls again
    assert again["token"]["called_at"] == at("09:04")
    assert again["token"]["unanswered"] == 1


def test_a_return_lets_a_stronger_waiting_token_take_the_seat(client: TestClient) -> None:
    book(client, ("rao-10", "Esha", "follow-up"))  # rao-10's one seat
    post(client, "/v1/tokens/T00001/check-in")
    post(client, "/v1/tokens/T00001/call")
    book(client, ("rao-10", "Bala", "paid"))  # the seat is held in the room: Bala waits
    assert get(client, "/v1/tokens/T00002")["status"] == "WAITING"
    answer = post(client, "/v1/tokens/T00001/return")
    assert answer == {
        "events": [
            {
                "kind": "returned",
                "at": at("09:00"),
                "token_id": "T00001",
                "slot_id": "rao-10",
                "called_at": at("09:00"),
            },
            {
                "kind": "preempted",
                "at": at("09:00"),
                "token_id": "T00001",
                "slot_id": "rao-10",
                "by": "T00002",
                "reason": "paid 4 > follow-up 3",
            },
            {
                "kind": "promoted",
                "at": at("09:00"),
                "token_id": "T00002",
                "slot_id": "rao-10",
                "seat_of": "T00001",
            },
        ],
        "token": token("T00001", "RAO-001", "Esha", "follow-up", 3, 1, "WAITING", "rao-10",
                       preemptions=1, checked_in="09:00", unanswered=1),
    }  # fmt: skip
    seats = get(client, "/v1/slots/rao-10")
    assert [seat["token"]["id"] for seat in seats["booked"]] == ["T00002"]
    assert [waiting["id"] for waiting in seats["waiting"]] == ["T00001"]


# ---------------------------------------------------------------------- the queue


def test_the_queue_gives_each_present_patient_an_expected_call_time(
    client: TestClient, clock: SetClock
) -> None:
    book(client, *MORNING)
    for token_id in ("T00001", "T00003", "T00005"):  # Asha, Chitra (rao-09), Esha (rao-10)
        post(client, f"/v1/tokens/{token_id}/check-in")
    assert get(client, "/v1/doctors/rao/queue") == {
        "doctor_id": "rao",
        "name": "Dr Asha Rao",
        "room": "3",
        "at": at("09:00"),
        "in_room": [],
        "next_up": [  # rao-09 first, in rank order, 15 minutes a seat; then rao-10's
            {"position": 1, "expected_at": at("09:00"), "token": token(*CHITRA, checked_in="09:00")},
            {"position": 2, "expected_at": at("09:15"), "token": token(*ASHA, checked_in="09:00")},
            {"position": 3, "expected_at": at("09:30"),
             "token": token(*ESHA, slot="rao-10", checked_in="09:00")},
        ],
        "not_arrived": [token(*BALA), token(*DEV)],
        "overdue": [],
        "minutes": None,
        "grace": 15,
        "calls": 3,
    }  # fmt: skip

    def expected(queue: Any) -> list[tuple[int, str, str]]:
        return [(e["position"], e["expected_at"], e["token"]["id"]) for e in queue["next_up"]]

    post(client, "/v1/doctors/rao/call-next")  # Chitra, at 09:00
    clock.now = NINE.replace(minute=10)
    queue = get(client, "/v1/doctors/rao/queue")
    assert queue["in_room"] == [
        {"token": token(*CHITRA, "CALLED", checked_in="09:00", called_at="09:00"), "elapsed": 10.0}
    ]
    assert expected(queue) == [(1, at("09:15"), "T00001"), (2, at("09:30"), "T00005")]
    clock.now = NINE.replace(minute=12)
    post(client, "/v1/tokens/T00003/serve")  # 12 minutes: the observed median from now on
    queue = get(client, "/v1/doctors/rao/queue")
    assert (queue["in_room"], queue["minutes"]) == ([], 12.0)
    assert expected(queue) == [(1, at("09:12"), "T00001"), (2, at("09:24"), "T00005")]
    post(client, "/v1/tokens/T00002/check-in")  # Bala (paid) goes before Asha
    queue = get(client, "/v1/doctors/rao/queue")
    assert expected(queue) == [
        (1, at("09:12"), "T00002"),
        (2, at("09:24"), "T00001"),
        (3, at("09:36"), "T00005"),
    ]
    assert queue["not_arrived"] == [token(*DEV)]
    slot = get(client, "/v1/slots/rao-09")  # a present patient's estimate: the expected call
    assert [(s["position"], s["estimate"], s["token"]["id"]) for s in slot["booked"]] == [
        (1, "09:12", "T00003"),  # seen: its schedule's 09:00 is past, so now
        (2, "09:12", "T00002"),
        (3, "09:24", "T00001"),
        (4, "09:45", "T00004"),  # not arrived: its place in the slot's schedule
    ]
    assert get(client, "/v1/doctors/mehta/queue") == {
        "doctor_id": "mehta",
        "name": "Dr Vikram Mehta",
        "room": "",
        "at": at("09:12"),
        "in_room": [],
        "next_up": [],
        "not_arrived": [token(*GITA, slot="mehta-09")],
        "overdue": [],
        "minutes": None,
        "grace": 15,
        "calls": 3,
    }


# ---------------------------------------------------------------------- overdue


def test_overdue_patients_are_listed_and_marked_no_show_together(
    client: TestClient, clock: SetClock
) -> None:
    book(client, *MORNING[:4], ("rao-09", "Esha", "walk-in"), MORNING[6])  # Esha waits
    post(client, "/v1/tokens/T00001/check-in")
    clock.now = NINE.replace(hour=10, minute=14)  # rao-09 ended at 10:00: 15 minutes' grace
    assert get(client, "/v1/overdue") == []
    clock.now = NINE.replace(hour=10, minute=15)
    bala, chitra, dev = token(*BALA), token(*CHITRA), token(*DEV)
    gita = token("T00006", "MEHTA-001", "Gita", "online", 2, 6, slot="mehta-09")
    assert get(client, "/v1/overdue") == [bala, chitra, dev, gita]
    assert get(client, "/v1/overdue", doctor="mehta") == [gita]
    queue = get(client, "/v1/doctors/rao/queue")
    assert (queue["overdue"], queue["not_arrived"]) == ([bala, chitra, dev], [])
    answer = post(client, "/v1/doctors/rao/overdue/no-show")
    no_show = {"kind": "no-show", "at": at("10:15"), "slot_id": "rao-09", "was": "BOOKED"}
    assert answer == {
        "events": [
            {**no_show, "token_id": "T00002"},
            {**no_show, "token_id": "T00003"},
            {**no_show, "token_id": "T00004"},
            {
                "kind": "promoted",
                "at": at("10:15"),
                "token_id": "T00005",
                "slot_id": "rao-09",
                "seat_of": None,
            },
        ],
        "token": None,
    }
    esha = token("T00005", "RAO-005", "Esha", "walk-in", 1, 5)  # seated, and not come: overdue
    assert get(client, "/v1/overdue", doctor="rao") == [esha]
    day = post(client, "/v1/overdue/no-show")
    assert day == {
        "events": [
            {**no_show, "token_id": "T00005"},
            {**no_show, "token_id": "T00006", "slot_id": "mehta-09"},
        ],
        "token": None,
    }
    assert get(client, "/v1/overdue") == []
    stats = get(client, "/v1/day")["stats"]
    assert (stats["booked"], stats["no_shows"], stats["promotions"]) == (1, 5, 1)


# ---------------------------------------------------------------------- rooms


def test_a_doctors_room_is_set_changed_and_cleared(client: TestClient) -> None:
    assert post(client, "/v1/doctors/mehta/room", {"room": " 2B "}) == {
        "events": [
            {"kind": "room-set", "at": at("09:00"), "doctor_id": "mehta", "old": "", "new": "2B"}
        ],
        "token": None,
    }
    assert get(client, "/v1/doctors/mehta")["room"] == "2B"
    assert get(client, "/v1/doctors/mehta/queue")["room"] == "2B"
    cleared = post(client, "/v1/doctors/rao/room", {"room": ""})
    assert cleared["events"] == [
        {
            "kind": "room-set",
            "at": at("09:00"),
            "doctor_id": "rao",
            "old": "3",
            "new": "",
        }
    ]
    sixteen = "OPD-2B east wing"
    assert len(sixteen) == 16
    assert post(client, "/v1/doctors/rao/room", {"room": sixteen})["events"][0]["new"] == sixteen
    assert [d["room"] for d in get(client, "/v1/doctors")] == [sixteen, "2B"]


def test_a_doctor_is_added_with_or_without_a_room(client: TestClient) -> None:
    body = {"id": "das", "name": "Dr Ira Das", "specialty": "ENT", "room": "7"}
    assert post(client, "/v1/doctors", body, 201)["events"] == [
        {
            "kind": "doctor-added",
            "at": at("09:00"),
            "doctor_id": "das",
            "name": "Dr Ira Das",
            "specialty": "ENT",
            "room": "7",
        }
    ]
    post(client, "/v1/doctors", {"id": "sen", "name": "Dr Sen", "specialty": "ENT"}, 201)
    assert [(d["id"], d["room"]) for d in get(client, "/v1/doctors")] == [
        ("rao", "3"),
        ("mehta", ""),
        ("das", "7"),
        ("sen", ""),
    ]


# ---------------------------------------------------------------------- refusals


def the_morning(client: TestClient) -> None:
    """``MORNING``, then Hari (walk-in) booked in mehta-09 and cancelled; Asha and Chitra
    checked in, and Chitra called into Dr Rao's room."""
    book(client, *MORNING, ("mehta-09", "Hari", "walk-in"))
    post(client, "/v1/tokens/T00008/cancel")
    for token_id in ("T00001", "T00003"):
        post(client, f"/v1/tokens/{token_id}/check-in")
    post(client, "/v1/doctors/rao/call-next")


PATTERN = "'^[^\\x00-\\x1f\\x7f-\\x9f]*$'"
REFUSALS = [
    ("/v1/tokens/T00001/check-in", None, 409, "conflict", "RAO-001 checked in already, at 09:00"),
    ("/v1/tokens/T00008/check-in", None, 409, "conflict",
     "cannot check in MEHTA-002: it is cancelled"),
    ("/v1/tokens/T00003/check-in", None, 409, "conflict",
     "cannot check in RAO-003: it is in the room"),
    ("/v1/doctors/mehta/call-next", None, 409, "conflict",
     "nobody to call for Dr Vikram Mehta: no booked patient has checked in"),
    ("/v1/tokens/T00006/call", None, 409, "conflict",
     "RAO-006 is on the waitlist; only a booked token can be called"),
    ("/v1/tokens/T00002/call", None, 409, "conflict",
     "RAO-002 has not checked in; check the patient in first"),
    ("/v1/tokens/T00003/call", None, 409, "conflict", "cannot call RAO-003: it is in the room"),
    ("/v1/tokens/T00008/call", None, 409, "conflict", "cannot call MEHTA-002: it is cancelled"),
    ("/v1/tokens/T00001/return", None, 409, "conflict",
     "cannot return RAO-001 to the queue: it is booked, not in the room"),
    ("/v1/doctors/rao/overdue/no-show", None, 409, "conflict", "nobody is overdue for Dr Asha Rao"),
    ("/v1/overdue/no-show", None, 409, "conflict", "nobody is overdue today"),
    ("/v1/doctors/rao/room", {"room": "3"}, 409, "conflict", "Dr Asha Rao is already in room 3"),
    ("/v1/doctors/mehta/room", {"room": " "}, 409, "conflict",
     "Dr Vikram Mehta is already in room (none)"),
    ("/v1/tokens/T00099/check-in", None, 404, "not-found", "unknown token 'T00099'"),
    ("/v1/tokens/T00099/call", None, 404, "not-found", "unknown token 'T00099'"),
    ("/v1/tokens/T00099/return", None, 404, "not-found", "unknown token 'T00099'"),
    ("/v1/doctors/nobody/call-next", None, 404, "not-found", "unknown doctor 'nobody'"),
    ("/v1/doctors/nobody/overdue/no-show", None, 404, "not-found", "unknown doctor 'nobody'"),
    ("/v1/doctors/nobody/room", {"room": "1"}, 404, "not-found", "unknown doctor 'nobody'"),
    ("/v1/tokens/T0000!/call", None, 422, "invalid",
     "path.token_id: String should match pattern '^[A-Za-z0-9_.\\-]+$'"),
    ("/v1/doctors/rao/room", {"room": "OPD-2B east wing!"}, 422, "invalid",
     "body.room: String should have at most 16 characters"),
    ("/v1/doctors/rao/room", {"room": "2\nB"}, 422, "invalid",
     f"body.room: String should match pattern {PATTERN}"),
    ("/v1/doctors/rao/room", {"room": "2\u200bB"}, 422, "invalid",
     "a room is at most 16 printable characters on one line"),
    ("/v1/doctors/rao/room", {"room": 3}, 422, "invalid", "body.room: Input should be a valid string"),
    ("/v1/doctors/rao/room", {}, 422, "invalid", "body.room: Field required"),
    ("/v1/doctors/rao/room", {"room": "4", "floor": 1}, 422, "invalid",
     "body.floor: Extra inputs are not permitted"),
    ("/v1/doctors", {"id": "das", "name": "Dr Ira Das", "specialty": "ENT", "room": "\x1b[2J"},
     422, "invalid", f"body.room: String should match pattern {PATTERN}"),
]  # fmt: skip


@pytest.mark.parametrize(("url", "body", "status", "code", "message"), REFUSALS)
def test_a_refused_visit_action_is_a_clear_4xx_and_changes_nothing(
    client: TestClient,
    tmp_path: Path,
    url: str,
    body: dict[str, Any] | None,
    status: int,
    code: str,
    message: str,
) -> None:
    the_morning(client)
    before = get(client, "/v1/events")
    actions = recorded_actions(tmp_path / "j.db")
    answer = client.post(url, json=body)
    problems = [message] if message.startswith(("body.", "path.")) else []  # FastAPI's checks
    assert (answer.status_code, answer.json()) == (
        status,
        {"error": code, "message": message, "problems": problems},
    )
    assert get(client, "/v1/events") == before
    assert recorded_actions(tmp_path / "j.db") == actions


@pytest.mark.parametrize(
    ("url", "params", "status", "message"),
    [
        ("/v1/doctors/nobody/queue", {}, 404, "unknown doctor 'nobody'"),
        ("/v1/overdue", {"doctor": "nobody"}, 404, "unknown doctor 'nobody'"),
        ("/v1/overdue", {"doctor": "d" * 65}, 422,
         "query.doctor: String should have at most 64 characters"),
        ("/v1/doctors/no%20body/queue", {}, 422,
         "path.doctor_id: String should match pattern '^[A-Za-z0-9_.\\-]+$'"),
    ],
)  # fmt: skip
def test_a_bad_visit_read_is_a_clear_4xx(
    client: TestClient, url: str, params: dict[str, str], status: int, message: str
) -> None:
    answer = client.get(url, params=params)
    problems = [message] if status == 422 else []
    code = "invalid" if status == 422 else "not-found"
    assert (answer.status_code, answer.json()) == (
        status,
        {"error": code, "message": message, "problems": problems},
    )
