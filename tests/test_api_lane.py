"""The booking lane: which requests it answers itself, and that it answers them as FastAPI would."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from starlette.responses import JSONResponse, Response
from starlette.types import Message, Receive, Scope, Send
from store_helpers import SetClock
from test_api import book, service

from opd_tui.api.lane import BookingLane
from opd_tui.api.schemas import BookingIn
from opd_tui.engine import NotFound, OpdError

GOOD = b'{"slot_id": "rao-10", "patient": "Asha", "source": "paid"}'
JSON = (b"content-type", b"application/json")


class Recorder:
    """The lane's two ways out: the handler it calls, and the app it passes requests on to."""

    def __init__(self, refuse: OpdError | None = None) -> None:
        self.booked: list[tuple[BookingIn, str | None]] = []
        self.passed: list[bytes] = []
        self.refuse = refuse

    async def book(self, booking: BookingIn, key: str | None) -> Response:
        self.booked.append((booking, key))
        if self.refuse is not None:
            raise self.refuse
        return Response(b"{}", 201, media_type="application/json")

    async def app(self, scope: Scope, receive: Receive, send: Send) -> None:
        message = await receive()
        self.passed.append(message["body"])
        await Response(b"", 299)(scope, receive, send)


def refusal(error: OpdError) -> Response:
    return JSONResponse({"refused": str(error)}, 404)


async def through_lane(
    recorder: Recorder,
    body: bytes = GOOD,
    headers: list[tuple[bytes, bytes]] | None = None,
    method: str = "POST",
    path: str = "/v1/tokens",
    declared: bool = True,
) -> tuple[int, bytes]:
    lane = BookingLane(recorder.app, book=recorder.book, refusal=refusal)
    chunks = [body[:10], body[10:]]  # the body may come in parts

    async def receive() -> Message:
        chunk = chunks.pop(0)
        return {"type": "http.request", "body": chunk, "more_body": bool(chunks)}

    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    headers = headers or [JSON]
    if declared:
        headers = [*headers, (b"content-length", str(len(body)).encode())]
    scope = {"type": "http", "method": method, "path": path, "headers": headers}
    await lane(scope, receive, send)
    return sent[0]["status"], b"".join(m.get("body", b"") for m in sent[1:])


async def test_a_well_formed_booking_is_answered_by_the_handler() -> None:
    recorder = Recorder()
    answer = await through_lane(recorder, headers=[JSON, (b"idempotency-key", b"portal-7")])
    assert answer == (201, b"{}")
    assert recorder.booked == [
        (BookingIn(slot_id="rao-10", patient="Asha", source="paid"), "portal-7")
    ]
    assert recorder.passed == []


async def test_a_refused_booking_is_answered_with_the_refusal() -> None:
    recorder = Recorder(refuse=NotFound("no slot 'rao-10'"))
    assert await through_lane(recorder) == (404, b'{"refused":"no slot \'rao-10\'"}')


@pytest.mark.parametrize(
    "body",
    [
        b'{"slot_id": "rao-10", "patient": "Asha", "source": "royalty"}',
        b'{"slot_id": "rao-10", "patient": "Asha"}',
        b"not json",
    ],
    ids=["bad-source", "missing-field", "not-json"],
)
async def test_a_malformed_booking_goes_on_to_fastapi_with_its_body_whole(body: bytes) -> None:
    recorder = Recorder()
    assert await through_lane(recorder, body) == (299, b"")
    assert (recorder.booked, recorder.passed) == ([], [body])


@pytest.mark.parametrize(
    ("headers", "method", "path"),
    [
        ([(b"content-type", b"application/json; charset=utf-8")], "POST", "/v1/tokens"),
        ([(b"content-type", b"text/plain")], "POST", "/v1/tokens"),
        ([(b"x-other", b"1")], "POST", "/v1/tokens"),
        ([JSON, (b"idempotency-key", b"")], "POST", "/v1/tokens"),
        ([JSON, (b"idempotency-key", b"k" * 256)], "POST", "/v1/tokens"),
        ([JSON], "PUT", "/v1/tokens"),
        ([JSON], "POST", "/v1/tokens/T00001/cancel"),
    ],
    ids=["charset", "text", "no-type", "empty-key", "long-key", "put", "other-path"],
)
async def test_any_other_request_goes_on_to_fastapi_unread(
    headers: list[tuple[bytes, bytes]], method: str, path: str
) -> None:
    recorder = Recorder()
    assert await through_lane(recorder, GOOD, headers, method, path) == (299, b"")
    assert (recorder.booked, recorder.passed) == ([], [GOOD[:10]])  # its first part, as sent


async def test_a_booking_of_undeclared_length_goes_on_to_fastapi_unread() -> None:
    recorder = Recorder()
    assert await through_lane(recorder, declared=False) == (299, b"")
    assert (recorder.booked, recorder.passed) == ([], [GOOD[:10]])


def test_the_lane_answers_exactly_as_fastapi_does(tmp_path: Path) -> None:
    def answer(
        name: str, content_type: str, body: dict[str, Any]
    ) -> tuple[int, dict[str, str], Any]:
        with service(tmp_path / name, clock=SetClock()) as client:
            for patient in ("Meena", "Imran", "Lakshmi", "Kiran"):  # rao-10's four seats
                book(client, patient)
            got = client.post(
                "/v1/tokens",
                content=json.dumps(body),
                headers={"content-type": content_type, "Idempotency-Key": "k-1"},
            )
            again = client.post(
                "/v1/tokens",
                content=json.dumps(body),
                headers={"content-type": content_type, "Idempotency-Key": "k-1"},
            )
            assert again.json() == got.json()
            headers = {k: v for k, v in again.headers.items() if k != "date"}
            return got.status_code, headers, got.json()

    emergency = {"slot_id": "rao-10", "patient": "Asha", "source": "emergency"}
    lane = answer("lane.db", "application/json", emergency)
    fastapi = answer("fastapi.db", "application/json; charset=utf-8", emergency)
    assert lane == fastapi
    assert lane[0] == 201 and lane[1]["idempotent-replayed"] == "true"
    assert lane[2]["status"] == "BOOKED" and lane[2]["preempted"] == ["T00004"]
    unknown = {"slot_id": "nowhere", "patient": "Asha", "source": "paid"}
    assert answer("lane2.db", "application/json", unknown) == answer(
        "fastapi2.db", "application/json; charset=utf-8", unknown
    )
