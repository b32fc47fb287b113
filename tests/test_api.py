"""The HTTP service through its test client: every endpoint, every refusal, keys and retries."""

from __future__ import annotations

import itertools
import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from store_helpers import CLINIC, DAY, MORNING, SetClock, clinic_set_up

from opd_tui.api import Today, create_app
from opd_tui.api.openapi import as_text
from opd_tui.api.schemas import DoctorOut, SlotOut
from opd_tui.engine import Book, Engine, Event
from opd_tui.store import Request as DeskRequest
from opd_tui.store import SqliteStore, as_dict

AT = MORNING.isoformat()


def service(path: Path, *, api_key: str | None = None, clock: SetClock | None = None) -> TestClient:
    today = Today(
        SqliteStore(path), clock=clock or SetClock(), setup=clinic_set_up, clinic_name=CLINIC
    )
    return TestClient(create_app(today, api_key=api_key))


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with service(tmp_path / "j.db") as client:
        yield client


def book(client: TestClient, patient: str, source: str = "walk-in", slot: str = "rao-10") -> Any:
    answer = client.post("/v1/tokens", json={"slot_id": slot, "patient": patient, "source": source})
    assert answer.status_code == 201, answer.text
    return answer.json()


def token(id_: str, number: str, patient: str, source: str, priority: int, arrival: int,
          status: str = "BOOKED", slot: str = "rao-10", preemptions: int = 0) -> dict[str, Any]:  # fmt: skip
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
        "arrived_at": AT,
        "preemptions": preemptions,
        "checked_in": None,
        "called_at": None,
        "unanswered": 0,
        "minutes": None,
    }


def recorded_actions(path: Path) -> list[str]:
    con = sqlite3.connect(path)
    try:
        return [row[0] for row in con.execute("SELECT name FROM actions ORDER BY id")]
    finally:
        con.close()


# ---------------------------------------------------------------------- booking


def test_a_booking_answers_201_with_its_status_seat_or_waitlist(client: TestClient) -> None:
    for patient in ("Asha", "Ravi", "Meena", "Imran"):
        assert book(client, patient)["status"] == "BOOKED"
    waiting = book(client, "Lakshmi", "walk-in")
    assert waiting == {
        "status": "WAITING",
        "token": token("T00005", "RAO-005", "Lakshmi", "walk-in", 1, 5, "WAITING"),
        "preempted": [],
        "also": [],
        "events": [
            {
                "kind": "waitlisted",
                "at": AT,
                "token_id": "T00005",
                "slot_id": "rao-10",
                "number": "RAO-005",
                "patient": "Lakshmi",
                "source": "walk-in",
                "priority": 1,
                "arrival": 5,
            }
        ],
    }


def test_an_emergency_preempts_the_latest_of_the_weakest(client: TestClient) -> None:
    for patient in ("Asha", "Ravi", "Meena", "Imran"):
        book(client, patient)
    answer = book(client, "Arjun", "emergency")
    assert answer["status"] == "BOOKED"
    assert answer["preempted"] == ["T00004"]
    assert answer["events"][0] == {
        "kind": "preempted",
        "at": AT,
        "token_id": "T00004",
        "slot_id": "rao-10",
        "by": "T00005",
        "reason": "emergency 5 > walk-in 1",
    }
    imran = client.get("/v1/tokens/T00004").json()
    assert imran == token("T00004", "RAO-004", "Imran", "walk-in", 1, 4, "WAITING", preemptions=1)


# ---------------------------------------------------------------------- reading


def test_the_day_doctors_and_slots_with_occupancy(client: TestClient) -> None:
    book(client, "Asha", "paid")
    book(client, "Ravi", slot="mehta-09")
    day = client.get("/v1/day").json()
    assert day == {
        "clinic": CLINIC,
        "day": DAY.isoformat(),
        "stats": {
            "capacity": 76,
            "booked": 2,
            "called": 0,
            "waiting": 0,
            "served": 0,
            "no_shows": 0,
            "cancelled": 0,
            "preemptions": 0,
            "promotions": 0,
            "utilisation": round(2 / 76, 4),
        },
        "last_seq": 22,
    }
    doctors = client.get("/v1/doctors").json()
    assert [(d["id"], d["name"], d["specialty"]) for d in doctors] == [
        ("rao", "Dr Asha Rao", "Cardiology"),
        ("mehta", "Dr Vikram Mehta", "Orthopaedics"),
        ("iyer", "Dr Priya Iyer", "Paediatrics"),
        ("khan", "Dr Sameer Khan", "Dermatology"),
    ]
    rao = client.get("/v1/doctors/rao").json()
    assert rao == doctors[0]
    assert [s["id"] for s in rao["slots"]] == ["rao-09", "rao-10", "rao-11", "rao-12"]
    assert rao["stats"]["booked"] == 1 and rao["stats"]["capacity"] == 16
    slot = rao["slots"][1]
    assert {k: slot[k] for k in ("id", "doctor_id", "start", "end", "delay", "runs_from")} == {
        "id": "rao-10",
        "doctor_id": "rao",
        "start": "10:00",
        "end": "11:00",
        "delay": 0,
        "runs_from": "10:00",
    }
    assert (slot["stats"]["booked"], slot["stats"]["utilisation"]) == (1, 0.25)
    mehta = client.get("/v1/slots", params={"doctor_id": "mehta"}).json()
    assert [s["id"] for s in mehta] == ["mehta-09", "mehta-10", "mehta-11", "mehta-12"]
    assert len(client.get("/v1/slots").json()) == 16


def test_a_slot_lists_its_seats_in_rank_order_and_its_waitlist(client: TestClient) -> None:
    for patient, source in (("Asha", "walk-in"), ("Ravi", "paid"), ("Meena", "online"),
                            ("Imran", "follow-up"), ("Lakshmi", "walk-in"), ("Arjun", "paid")):  # fmt: skip
        book(client, patient, source)
    view = client.get("/v1/slots/rao-10").json()
    assert [(s["position"], s["estimate"], s["token"]["patient"]) for s in view["booked"]] == [
        (1, "10:00", "Ravi"),
        (2, "10:15", "Arjun"),
        (3, "10:30", "Imran"),
        (4, "10:45", "Meena"),
    ]
    assert [t["patient"] for t in view["waiting"]] == ["Asha", "Lakshmi"]
    assert view["stats"]["waiting"] == 2 and view["stats"]["preemptions"] == 1
    assert (view["waiting_total"], view["last_position"], view["more"]) == (2, 2, False)


def test_a_slots_waitlist_comes_in_pages_and_its_booked_list_whole(client: TestClient) -> None:
    for i in range(1, 12):  # 4 seats: Walk 1-4 booked, Walk 5-11 waiting, in arrival order
        book(client, f"Walk {i}")

    def page(**params: int) -> Any:
        answer = client.get("/v1/slots/rao-10", params=params)
        assert answer.status_code == 200, answer.text
        return answer.json()

    def waiting(*numbers: int) -> list[dict[str, Any]]:
        return [
            token(f"T{n:05d}", f"RAO-{n:03d}", f"Walk {n}", "walk-in", 1, n, "WAITING")
            for n in numbers
        ]

    first = page(limit=3)
    assert [seat["token"]["patient"] for seat in first["booked"]] == [
        "Walk 1", "Walk 2", "Walk 3", "Walk 4",
    ]  # fmt: skip
    assert first["waiting"] == waiting(5, 6, 7)
    assert (first["waiting_total"], first["last_position"], first["more"]) == (7, 3, True)
    assert first["stats"]["waiting"] == 7
    second = page(after=3, limit=3)
    assert second["booked"] == first["booked"]
    assert second["waiting"] == waiting(8, 9, 10)
    assert (second["waiting_total"], second["last_position"], second["more"]) == (7, 6, True)
    last = page(after=6, limit=3)
    assert last["waiting"] == waiting(11)
    assert (last["waiting_total"], last["last_position"], last["more"]) == (7, 7, False)
    for after in (7, 8, 2**63 - 1):  # past the end: an empty page, and nothing more
        past = page(after=after, limit=3)
        assert past["booked"] == first["booked"]
        assert (past["waiting"], past["waiting_total"], past["last_position"], past["more"]) == (
            [],
            7,
            after,
            False,
        )
    whole = page()  # the default page holds up to 100
    assert whole["waiting"] == waiting(*range(5, 12))
    assert (whole["last_position"], whole["more"]) == (7, False)
    assert page(after=0, limit=1000) == whole


def test_a_long_waitlist_is_100_at_a_time_unless_asked_for_up_to_1000(tmp_path: Path) -> None:
    today = Today(SqliteStore(tmp_path / "j.db"), clock=SetClock(), setup=clinic_set_up)
    today().act_batch(
        [DeskRequest(Book("rao-10", f"P{i}", "walk-in")) for i in range(1504)]
    )  # 4 booked, 1,500 waiting
    with TestClient(create_app(today)) as client:

        def page(**params: int) -> tuple[list[str], int, int, bool]:
            view = client.get("/v1/slots/rao-10", params=params).json()
            patients = [t["patient"] for t in view["waiting"]]
            return patients, view["waiting_total"], view["last_position"], view["more"]

        names = [f"P{i}" for i in range(4, 1504)]
        assert page() == (names[:100], 1500, 100, True)
        assert page(after=100) == (names[100:200], 1500, 200, True)
        assert page(limit=1000) == (names[:1000], 1500, 1000, True)
        assert page(after=1000, limit=1000) == (names[1000:], 1500, 1500, False)
        assert page(after=1499, limit=1000) == (names[1499:], 1500, 1500, False)


@pytest.mark.parametrize(
    ("params", "problem"),
    [
        ({"limit": 0}, "query.limit: Input should be greater than or equal to 1"),
        ({"limit": 1001}, "query.limit: Input should be less than or equal to 1000"),
        ({"limit": "ten"}, "query.limit: Input should be a valid integer, unable to parse string as an integer"),
        ({"after": -1}, "query.after: Input should be greater than or equal to 0"),
    ],
)  # fmt: skip
def test_a_bad_waitlist_page_is_422(
    client: TestClient, params: dict[str, Any], problem: str
) -> None:
    answer = client.get("/v1/slots/rao-10", params=params)
    assert (answer.status_code, answer.json()) == (
        422,
        {"error": "invalid", "message": problem, "problems": [problem]},
    )


def test_a_token_is_found_by_id_or_by_the_number_staff_call_out(client: TestClient) -> None:
    book(client, "Asha", "paid")
    by_id = client.get("/v1/tokens/T00001").json()
    assert by_id == token("T00001", "RAO-001", "Asha", "paid", 4, 1)
    assert client.get("/v1/tokens/RAO-001").json() == by_id
    assert client.get("/v1/tokens/rao-001").json() == by_id
    missing = client.get("/v1/tokens/RAO-002")
    assert (missing.status_code, missing.json()["message"]) == (
        404,
        "no token 'RAO-002' (neither an id nor a number)",
    )


def test_events_since_a_sequence_number_in_pages(client: TestClient) -> None:
    first = client.get("/v1/events", params={"limit": 2}).json()
    assert [e["kind"] for e in first["events"]] == ["doctor-added", "slot-added"]
    assert (first["last_seq"], first["more"]) == (2, True)
    assert first["events"][0] == {
        "seq": 1,
        "action_id": 1,
        "kind": "doctor-added",
        "at": AT,
        "doctor_id": "rao",
        "name": "Dr Asha Rao",
        "specialty": "Cardiology",
    }
    setup = client.get("/v1/events", params={"after": 2}).json()
    assert (len(setup["events"]), setup["last_seq"], setup["more"]) == (18, 20, False)
    book(client, "Asha")
    news = client.get("/v1/events", params={"after": 20}).json()
    assert [(e["seq"], e["action_id"], e["kind"]) for e in news["events"]] == [(21, 2, "booked")]
    assert client.get("/v1/events", params={"after": 21}).json() == {
        "events": [],
        "last_seq": 21,
        "more": False,
    }


def test_a_long_page_of_events_is_the_journal_as_recorded(tmp_path: Path) -> None:
    today = Today(SqliteStore(tmp_path / "j.db"), clock=SetClock(), setup=clinic_set_up)
    requests = [
        DeskRequest(Book(f"{d}-{h:02d}", f"P{i}", source))
        for i, (d, h, source) in enumerate(
            itertools.product(("rao", "iyer"), (9, 10, 11), ("walk-in", "paid", "emergency"))
        )
    ] * 120  # 2,160 bookings: seats, waitlists and preemptions
    today().act_batch(requests)
    recorded = today().store.events(DAY, 20)
    expected = [{"seq": r.seq, "action_id": r.action_id, **as_dict(r.event)} for r in recorded]
    assert len(recorded) > 2000  # read and answered in several parts
    with TestClient(create_app(today)) as client:

        def page(limit: int) -> Any:
            return client.get("/v1/events", params={"after": 20, "limit": limit}).json()

        everything = {"events": expected, "last_seq": recorded[-1].seq, "more": False}
        assert page(len(recorded)) == page(len(recorded) + 1) == everything
        for limit in (1000, 1500, 2000):
            last_seq = recorded[limit - 1].seq
            assert page(limit) == {"events": expected[:limit], "last_seq": last_seq, "more": True}


def test_long_lists_answered_in_parts_are_whole(tmp_path: Path) -> None:
    def hospital(engine: Engine) -> list[Event]:  # 130 doctors and 520 slots: several parts
        events: list[Event] = []
        for d in range(130):
            events += engine.add_doctor(f"d{d:03d}", f"Dr {d}", "Medicine")
            for hour in (9, 10, 11, 12):
                events += engine.add_slot(f"d{d:03d}-{hour}", f"d{d:03d}", f"{hour:02d}:00", f"{hour + 1:02d}:00", 2)  # fmt: skip
        return events

    today = Today(SqliteStore(tmp_path / "j.db"), clock=SetClock(), setup=hospital)
    today().act_batch([DeskRequest(Book(f"d{i % 130:03d}-9", f"P{i}", "paid")) for i in range(300)])
    engine = today().engine
    slots = [SlotOut.of(slot, engine.slot_stats(slot.id)) for slot in engine.slots()]
    doctors = [
        DoctorOut.of(
            doctor,
            engine.doctor_stats(doctor.id),
            [SlotOut.of(slot, engine.slot_stats(slot.id)) for slot in engine.slots(doctor.id)],
        )
        for doctor in engine.doctors()
    ]
    with TestClient(create_app(today)) as client:
        assert client.get("/v1/slots").json() == [slot.model_dump() for slot in slots]
        assert client.get("/v1/doctors").json() == [doctor.model_dump() for doctor in doctors]
    assert (len(slots), len(doctors)) == (520, 130)
    assert [s.stats.booked for s in slots[:8]] == [2, 0, 0, 0, 2, 0, 0, 0]


# ---------------------------------------------------------------------- acting


def test_cancel_promotes_the_earliest_of_the_best_waiting(client: TestClient) -> None:
    for patient in ("Asha", "Ravi", "Meena", "Imran", "Lakshmi", "Arjun"):
        book(client, patient)
    answer = client.post("/v1/tokens/T00002/cancel")
    assert answer.status_code == 200
    assert answer.json() == {
        "events": [
            {
                "kind": "cancelled",
                "at": AT,
                "token_id": "T00002",
                "slot_id": "rao-10",
                "was": "BOOKED",
            },
            {
                "kind": "promoted",
                "at": AT,
                "token_id": "T00005",
                "slot_id": "rao-10",
                "seat_of": "T00002",
            },
        ],
        "token": token("T00002", "RAO-002", "Ravi", "walk-in", 1, 2, "CANCELLED"),
    }


def test_serve_no_show_bump_and_move(client: TestClient) -> None:
    for patient in ("Asha", "Ravi", "Meena", "Imran", "Lakshmi"):
        book(client, patient)
    served = client.post("/v1/tokens/T00001/serve").json()
    assert [e["kind"] for e in served["events"]] == ["served"]
    assert served["token"]["status"] == "SERVED"
    gone = client.post("/v1/tokens/T00002/no-show").json()
    assert [e["kind"] for e in gone["events"]] == ["no-show", "promoted"]
    up = client.post("/v1/tokens/T00003/bump", json={"direction": "up"}).json()
    assert up["events"][0]["new_priority"] == 2 and up["token"]["priority"] == 2
    to = client.post("/v1/tokens/T00004/bump", json={"to": "emergency"}).json()
    assert to["token"]["priority"] == 5
    down = client.post("/v1/tokens/T00004/bump", json={"direction": "down"}).json()
    assert down["token"]["priority"] == 4
    default = client.post("/v1/tokens/T00005/bump", json={}).json()
    assert default["token"]["priority"] == 2
    moved = client.post("/v1/tokens/T00005/move", json={"slot_id": "mehta-11"}).json()
    assert [e["kind"] for e in moved["events"]] == ["moved", "booked"]
    assert (moved["token"]["slot_id"], moved["token"]["number"]) == ("mehta-11", "MEHTA-001")


def test_capacity_and_delay(client: TestClient) -> None:
    for patient in ("Asha", "Ravi", "Meena", "Imran"):
        book(client, patient)
    cut = client.post("/v1/slots/rao-10/capacity", json={"capacity": 2}).json()
    assert [(e["kind"], e.get("token_id")) for e in cut["events"]] == [
        ("capacity-changed", None),
        ("preempted", "T00004"),
        ("preempted", "T00003"),
    ]
    assert cut["token"] is None
    late = client.post("/v1/doctors/rao/delay", json={"minutes": 20}).json()
    assert late["events"] == [
        {
            "kind": "delayed",
            "at": AT,
            "doctor_id": "rao",
            "minutes": 20,
            "slot_ids": ["rao-09", "rao-10", "rao-11", "rao-12"],
        }
    ]
    assert client.get("/v1/slots/rao-10").json()["runs_from"] == "10:20"


def test_doctors_and_slots_can_be_added(client: TestClient) -> None:
    doctor = client.post(
        "/v1/doctors", json={"id": "das", "name": "Dr Ira Das", "specialty": "ENT"}
    )
    assert doctor.status_code == 201
    slot = client.post(
        "/v1/slots",
        json={"id": "das-14", "doctor_id": "das", "start": "14:00", "end": "15:00", "capacity": 3},
    )
    assert slot.status_code == 201
    assert [e["kind"] for e in slot.json()["events"]] == ["slot-added"]
    assert book(client, "Asha", slot="das-14")["token"]["number"] == "DAS-001"


# ---------------------------------------------------------------------- refusals


REFUSALS = [
    ("post", "/v1/tokens", {"slot_id": "nowhere", "patient": "A", "source": "paid"}, 404,
     "not-found", "unknown slot 'nowhere'"),
    ("post", "/v1/tokens", {"slot_id": "rao-10", "patient": "A", "source": "vip"}, 422,
     "invalid", "body.source: Input should be 'emergency', 'paid', 'follow-up', 'online' or 'walk-in'"),
    ("post", "/v1/tokens", {"slot_id": "rao-10", "source": "paid"}, 422, "invalid",
     "body.patient: Field required"),
    ("post", "/v1/tokens", {"slot_id": "rao-10", "patient": "  ", "source": "paid"}, 422,
     "invalid", "body.patient: String should match pattern '\\S'"),
    ("post", "/v1/tokens", {"slot_id": "rao-10", "patient": "A", "source": "paid", "vip": 1},
     422, "invalid", "body.vip: Extra inputs are not permitted"),
    ("post", "/v1/tokens/T00099/cancel", None, 404, "not-found", "unknown token 'T00099'"),
    ("post", "/v1/tokens/T00001/bump", {"direction": "up", "to": "paid"}, 422, "invalid",
     "give direction or to, not both"),
    ("post", "/v1/tokens/T00001/move", {"slot_id": "rao-10"}, 409, "conflict",
     "RAO-001 is already in Dr Asha Rao 10:00"),
    ("post", "/v1/slots/rao-10/capacity", {"capacity": -1}, 422, "invalid",
     "body.capacity: Input should be greater than or equal to 0"),
    ("post", "/v1/doctors/rao/delay", {"minutes": 0}, 422, "invalid",
     "delay must be a whole number of minutes from -720 to 720, other than 0; not 0"),
    ("post", "/v1/doctors/rao/delay", {"minutes": 1440}, 422, "invalid",
     "body.minutes: Input should be less than or equal to 720"),
    ("post", "/v1/doctors/rao/delay", {"minutes": -721}, 422, "invalid",
     "body.minutes: Input should be greater than or equal to -720"),
    ("post", "/v1/doctors/rao/delay", {"minutes": 1.5}, 422, "invalid",
     "body.minutes: Input should be a valid integer"),
    ("post", "/v1/doctors/rao/delay", {"minutes": 15.0}, 422, "invalid",
     "body.minutes: Input should be a valid integer"),
    ("post", "/v1/doctors/rao/delay", {"minutes": "15"}, 422, "invalid",
     "body.minutes: Input should be a valid integer"),
    ("post", "/v1/doctors/rao/delay", {"minutes": True}, 422, "invalid",
     "body.minutes: Input should be a valid integer"),
    ("post", "/v1/doctors/nobody/delay", {"minutes": 5}, 404, "not-found",
     "unknown doctor 'nobody'"),
    ("post", "/v1/doctors", {"id": "rao", "name": "Dr X", "specialty": "ENT"}, 409, "conflict",
     "doctor 'rao' already exists"),
    ("post", "/v1/slots", {"id": "rao-x", "doctor_id": "rao", "start": "09:30", "end": "10:30",
     "capacity": 1}, 409, "conflict", "slot rao-x overlaps Dr Asha Rao 09:00–10:00"),
    ("post", "/v1/slots", {"id": "rao-x", "doctor_id": "rao", "start": "9:30", "end": "10:30",
     "capacity": 1}, 422, "invalid",
     "body.start: String should match pattern '^([01][0-9]|2[0-3]):[0-5][0-9]$'"),
    ("get", "/v1/slots/nowhere", None, 404, "not-found", "unknown slot 'nowhere'"),
    ("get", "/v1/doctors/nobody", None, 404, "not-found", "unknown doctor 'nobody'"),
    ("get", "/v1/events?after=-1", None, 422, "invalid",
     "query.after: Input should be greater than or equal to 0"),
    ("get", "/v1/nothing", None, 404, "not-found", "Not Found"),
    ("delete", "/v1/tokens", None, 405, "refused", "Method Not Allowed"),
]  # fmt: skip


@pytest.mark.parametrize(("method", "url", "body", "status", "code", "message"), REFUSALS)
def test_bad_input_gets_a_clear_4xx_and_changes_nothing(
    client: TestClient,
    tmp_path: Path,
    method: str,
    url: str,
    body: dict[str, Any] | None,
    status: int,
    code: str,
    message: str,
) -> None:
    book(client, "Asha")
    before = client.get("/v1/events").json()
    answer = client.request(method, url, json=body)
    assert answer.status_code == status
    assert answer.json()["error"] == code
    assert answer.json()["message"] == message
    assert client.get("/v1/events").json() == before
    assert recorded_actions(tmp_path / "j.db") == ["open-day", "book"]


def test_acting_on_a_cancelled_token_is_409(client: TestClient) -> None:
    book(client, "Asha")
    client.post("/v1/tokens/T00001/cancel")
    for action in ("cancel", "serve", "no-show"):
        answer = client.post(f"/v1/tokens/T00001/{action}")
        assert answer.status_code == 409
        assert answer.json()["message"].endswith("it is cancelled")


def test_a_body_that_is_not_json_is_422(client: TestClient) -> None:
    answer = client.post(
        "/v1/tokens", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert answer.status_code == 422
    assert answer.json()["message"].startswith("body.1: JSON decode error")


def test_a_body_over_64_kib_is_413_and_records_nothing(tmp_path: Path) -> None:
    huge = json.dumps({"slot_id": "rao-10", "patient": "x" * 65_536, "source": "paid"}).encode()
    small = b'{"slot_id": "rao-10", "patient": "Asha", "source": "paid"}'
    json_type = {"Content-Type": "application/json"}
    with service(tmp_path / "j.db") as client:
        declared = client.post("/v1/tokens", content=huge, headers=json_type)
        streamed = client.post("/v1/tokens", content=iter([huge[:40_000], huge[40_000:]]), headers=json_type)  # fmt: skip
        for answer in (declared, streamed):
            assert answer.status_code == 413
            assert answer.json() == {
                "error": "too-large",
                "message": "the request body is larger than 64 KiB",
                "problems": [],
            }
        assert "content-length" not in streamed.request.headers
        within = client.post("/v1/tokens", content=iter([small]), headers=json_type)
        assert within.status_code == 201  # a length not declared, but within the bound
    assert recorded_actions(tmp_path / "j.db") == ["open-day", "book"]


def test_a_journal_that_cannot_be_written_is_503_and_records_nothing(tmp_path: Path) -> None:
    path = tmp_path / "j.db"
    with service(path) as client:
        book(client, "Asha")
        con = sqlite3.connect(path)
        con.execute(
            "CREATE TRIGGER full_disk BEFORE INSERT ON actions BEGIN SELECT RAISE(ABORT, 'disk full'); END"
        )
        con.commit()
        con.close()
        answer = client.post(
            "/v1/tokens", json={"slot_id": "rao-10", "patient": "Ravi", "source": "paid"}
        )
        assert answer.status_code == 503
        assert answer.headers["Retry-After"] == "1"
        assert answer.json()["message"] == "cannot write to the journal: disk full"
        seats = client.get("/v1/slots/rao-10").json()["booked"]
        assert [seat["token"]["patient"] for seat in seats] == ["Asha"]
        assert client.get("/v1/tokens/T00001").json()["patient"] == "Asha"
        assert client.get("/v1/day").json()["stats"]["booked"] == 1
    assert recorded_actions(path) == ["open-day", "book"]


# ---------------------------------------------------------------------- keys


def test_with_an_api_key_every_request_must_carry_it(tmp_path: Path) -> None:
    with service(tmp_path / "j.db", api_key="s3cret") as client:
        for headers in ({}, {"X-API-Key": "wrong"}, {"X-API-Key": ""}):
            for method, url in (
                ("get", "/v1/day"),
                ("post", "/v1/tokens"),
                ("get", "/openapi.json"),
            ):
                answer = client.request(method, url, headers=headers, json={})
                assert answer.status_code == 401, (method, url, headers)
                assert answer.json() == {
                    "error": "unauthorized",
                    "message": "a valid X-API-Key header is required",
                    "problems": [],
                }
        good = client.get("/v1/day", headers={"X-API-Key": "s3cret"})
        assert good.status_code == 200
    assert recorded_actions(tmp_path / "j.db") == ["open-day"]


# ---------------------------------------------------------------------- retries


def test_a_retried_booking_with_its_key_is_answered_again_not_booked_twice(
    tmp_path: Path,
) -> None:
    body = {"slot_id": "rao-10", "patient": "Asha", "source": "paid"}
    with service(tmp_path / "j.db") as client:
        first = client.post("/v1/tokens", json=body, headers={"Idempotency-Key": "portal-77"})
        assert first.status_code == 201 and "Idempotent-Replayed" not in first.headers
        client.post("/v1/tokens/T00001/bump", json={"direction": "down"})
    with service(tmp_path / "j.db") as restarted:  # the retry may reach a restarted service
        again = restarted.post("/v1/tokens", json=body, headers={"Idempotency-Key": "portal-77"})
        assert again.status_code == 201
        assert again.headers["Idempotent-Replayed"] == "true"
        assert again.json() == first.json()
        other = restarted.post(
            "/v1/tokens", json={**body, "patient": "Ravi"}, headers={"Idempotency-Key": "portal-77"}
        )
        assert other.status_code == 422
        assert other.json()["message"] == (
            "idempotency key 'portal-77' was already used for a different request"
        )
        assert len(restarted.get("/v1/slots/rao-10").json()["booked"]) == 1
    assert recorded_actions(tmp_path / "j.db") == ["open-day", "book", "bump"]


def test_a_retried_cancel_with_its_key_is_answered_again(client: TestClient) -> None:
    for patient in ("Asha", "Ravi", "Meena", "Imran", "Lakshmi"):
        book(client, patient)
    headers = {"Idempotency-Key": "c-1"}
    first = client.post("/v1/tokens/T00001/cancel", headers=headers)
    again = client.post("/v1/tokens/T00001/cancel", headers=headers)
    assert (first.status_code, again.status_code) == (200, 200)
    assert again.json()["events"] == first.json()["events"]
    assert again.headers["Idempotent-Replayed"] == "true"


# ---------------------------------------------------------------------- group commit


def test_bookings_waiting_on_the_journal_are_committed_together(tmp_path: Path) -> None:
    path = tmp_path / "j.db"
    with service(path) as client:
        writer = client.app.state.writer  # type: ignore[attr-defined]
        blocker = sqlite3.connect(path, isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")  # another desk holds the write lock for a moment
        answers: list[int] = []

        def one(i: int) -> None:
            body = {"slot_id": f"iyer-{9 + i % 4:02d}", "patient": f"P{i}", "source": "walk-in"}
            answers.append(client.post("/v1/tokens", json=body).status_code)

        first = threading.Thread(target=one, args=(0,))
        first.start()
        deadline = time.monotonic() + 10
        while writer.waiting != 1 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert writer.waiting == 1  # the first batch waits on the lock
        threads = [first] + [threading.Thread(target=one, args=(i,)) for i in range(1, 20)]
        for thread in threads[1:]:
            thread.start()
        while writer.waiting < 20 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert writer.waiting == 20  # the rest queue behind it
        blocker.execute("COMMIT")
        blocker.close()
        for thread in threads:
            thread.join()
        assert answers == [201] * 20
        assert (writer.batches, writer.requests) == (2, 20)
    assert recorded_actions(path) == ["open-day"] + ["book"] * 20
    con = sqlite3.connect(path)
    ids = [row[0] for row in con.execute("SELECT json_extract(data, '$.token_id') FROM events "
                                         "WHERE kind = 'booked' ORDER BY seq")]  # fmt: skip
    assert sorted(ids) == [f"T{i:05d}" for i in range(1, 21)]


# ---------------------------------------------------------------------- the day and the description


def test_at_midnight_the_service_moves_on_to_the_new_day(tmp_path: Path) -> None:
    clock = SetClock()
    with service(tmp_path / "j.db", clock=clock) as client:
        book(client, "Asha")
        clock.now = clock.now.replace(day=DAY.day + 1, hour=0, minute=5)
        day = client.get("/v1/day").json()
        assert (day["day"], day["stats"]["booked"], day["stats"]["capacity"]) == (
            "2026-11-26",
            0,
            76,
        )
        assert book(client, "Ravi")["token"]["id"] == "T00001"
    assert SqliteStore(tmp_path / "j.db").days() == [DAY, DAY.replace(day=DAY.day + 1)]


def test_an_action_decided_just_before_midnight_is_answered_from_its_own_day(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = SetClock()
    store = SqliteStore(tmp_path / "j.db")
    today = Today(store, clock=clock, setup=clinic_set_up, clinic_name=CLINIC)
    transaction = store.transaction
    midnight = datetime.combine(DAY + timedelta(days=1), datetime.min.time())

    @contextmanager
    def then_midnight_passes(*args: Any, **kwargs: Any) -> Iterator[Any]:
        with transaction(*args, **kwargs) as tx:
            yield tx
        clock.now = midnight + timedelta(seconds=1)  # after the decision, before the answer

    with TestClient(create_app(today)) as client:
        book(client, "Asha")
        clock.now = datetime.combine(DAY, datetime.max.time()).replace(microsecond=0)
        monkeypatch.setattr(store, "transaction", then_midnight_passes)
        answer = client.post("/v1/tokens/T00001/cancel")
        assert (answer.status_code, answer.json()) == (
            200,
            {
                "events": [
                    {
                        "kind": "cancelled",
                        "at": "2026-11-25T23:59:59",
                        "token_id": "T00001",
                        "slot_id": "rao-10",
                        "was": "BOOKED",
                    }
                ],
                "token": token("T00001", "RAO-001", "Asha", "walk-in", 1, 1, "CANCELLED"),
            },
        )
        assert client.get("/v1/day").json()["day"] == "2026-11-26"  # reads moved on
        assert client.get("/v1/tokens/T00001").status_code == 404  # nothing booked on the 26th
    assert [a.name for a in SqliteStore(tmp_path / "j.db").actions(DAY)][-1] == "cancel"


def test_the_kept_openapi_description_is_the_services(client: TestClient) -> None:
    kept = Path(__file__).resolve().parents[1] / "openapi.json"
    assert kept.read_text(encoding="utf-8") == as_text(), (
        "openapi.json is stale: python -m opd_tui.api.openapi > openapi.json"
    )
    assert client.get("/openapi.json").json() == json.loads(as_text())
