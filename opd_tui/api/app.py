"""The HTTP service: JSON requests turned into engine calls on the journal's current day.

Writes go through the group-commit writer and are answered once durable; reads take the desk as
it stands after catching up with other desks (dashboards on the same journal). Both run on the
event loop's thread, so nothing else touches the desk meanwhile. Well-formed bookings reach
``book`` through the booking lane (``lane.py``), everything else through FastAPI. The service
decides nothing itself: every refusal is the engine's (or the journal's), mapped to a status code.
"""

import asyncio
import json
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from contextlib import asynccontextmanager, contextmanager
from typing import Annotated, Any, TypeVar

from fastapi import FastAPI, Header, Path, Query, Response
from fastapi.exceptions import RequestValidationError
from fastapi.requests import Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException

from .. import __version__
from ..desk import ReadOnly
from ..engine import (
    AddDoctor,
    AddSlot,
    Book,
    Bump,
    Call,
    Called,
    CallNext,
    Cancel,
    CheckIn,
    Command,
    Conflict,
    Delay,
    Doctor,
    Duplicate,
    Engine,
    Invalid,
    Move,
    NoShow,
    NoShowOverdue,
    NotFound,
    OpdError,
    Placed,
    Preempted,
    Reassign,
    Rename,
    ReturnToQueue,
    Serve,
    SetAway,
    SetCapacity,
    SetRoom,
    Slot,
    Stats,
    Token,
    carry_over_of,
    token_story,
)
from ..store import JournalDesk, Outcome, RecordedText, StoreError, as_dict
from ..store import Request as DeskRequest
from ..store.codec import dumps
from . import keys
from .heap import keep_heap_frozen
from .keys import RequireKey
from .lane import BookingLane
from .limit import TOO_LARGE, LimitBody
from .schemas import (
    ActionOut,
    AwayIn,
    BookingIn,
    BookingOut,
    BookingProblem,
    BumpIn,
    CapacityIn,
    DayOut,
    DelayIn,
    DoctorIn,
    DoctorOut,
    EventsOut,
    Identifier,
    MoveIn,
    Problem,
    QueueOut,
    ReassignIn,
    RenameIn,
    RoomIn,
    SeatOut,
    SlotDetail,
    SlotIn,
    SlotOut,
    StatsOut,
    StoryOut,
    TokenOut,
    TokenRef,
)
from .today import decided_on
from .writer import BatchWriter, Overloaded

REPLAYED_HEADER = "Idempotent-Replayed"
T = TypeVar("T")
PART = {"events": 1000, "slots": 500, "doctors": 60, "tokens": 500}
"""How many of each a long answer encodes between two turns of the event loop: about 5 ms."""

_STATUS: list[tuple[type[OpdError], int, str]] = [
    (NotFound, 404, "not-found"),
    (Conflict, 409, "conflict"),
    (ReadOnly, 409, "conflict"),
    (Invalid, 422, "invalid"),
    (Overloaded, 429, "overloaded"),
    (StoreError, 503, "unavailable"),
    (OpdError, 400, "refused"),
]
_HTTP_CODES = {404: "not-found", 405: "refused", 413: "too-large", 422: "invalid"}
DUPLICATE = (
    "the booking conflicts with the clinic as it stands: the slot is off (its doctor is away), "
    "or the patient already holds an open token with this doctor today (`existing` names it)"
)


def _problem(
    status: int,
    code: str,
    message: str,
    problems: list[str] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Any:
    body = Problem(error=code, message=message, problems=problems or [])  # type: ignore[arg-type]
    if status in (429, 503):
        headers = {**(headers or {}), "Retry-After": "1"}
    return JSONResponse(body.model_dump(), status_code=status, headers=headers)


def _refusal(error: OpdError) -> Any:
    for kind, status, code in _STATUS:
        if isinstance(error, kind):
            return _problem(status, code, str(error))
    raise AssertionError("OpdError is the last entry")  # pragma: no cover


def _duplicate(error: Duplicate, engine: Engine) -> Response:
    """A duplicate booking's 409: the usual problem, and the token the patient already holds."""
    held = engine.token(error.existing)
    existing = TokenRef(id=held.id, number=held.number)
    body = BookingProblem(error="conflict", message=str(error), existing=existing)
    return JSONResponse(body.model_dump(), status_code=409)


def _problems(error: RequestValidationError) -> Any:
    lines = []
    for problem in error.errors():
        where = ".".join(str(part) for part in problem.get("loc", ()))
        lines.append(f"{where}: {problem.get('msg', 'invalid')}")
    message = lines[0] if len(lines) == 1 else f"{len(lines)} problems in the request"
    return _problem(422, "invalid", message, lines)


_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": Problem, "description": text}
    for code, text in (
        (401, "the API key is missing or wrong"),
        (404, "no such doctor, slot or token"),
        (409, "the action conflicts with the clinic as it stands (e.g. the token is closed)"),
        (413, TOO_LARGE),
        (422, "the request is malformed or a value is out of range"),
        (429, "too many requests wait for the journal; nothing was recorded: retry shortly"),
        (503, "the journal is busy or cannot be written; nothing was recorded"),
    )
}

TokenPath = Annotated[
    str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.\-]+$", examples=["T00042"])
]
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=255,
        description="a key of the client's choosing: a retry with it is never recorded twice",
    ),
]


def create_app(
    today: Callable[[], JournalDesk],
    *,
    api_key: str | None = None,
    on_ready: Callable[[JournalDesk], None] | None = None,
) -> FastAPI:
    """The service on ``today``'s journal; every request must carry ``api_key`` when it is set.
    ``on_ready`` hears when the service is taking requests."""
    writer = BatchWriter(today)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        desk = today()  # open (or start) the day now, so a broken journal shows at once
        writer.start()
        heap = asyncio.get_running_loop().create_task(keep_heap_frozen(), name="heap")
        if on_ready is not None:
            on_ready(desk)
        yield
        heap.cancel()
        await writer.stop()

    app = FastAPI(
        title="opd-tui",
        version=__version__,
        summary="The OPD token queue of one clinic day, shared with the dashboards.",
        lifespan=lifespan,
        responses=_ERRORS,
        openapi_url=None,  # served below, behind the key like everything else
        docs_url=None,
        redoc_url=None,
    )
    app.state.writer = writer

    @app.exception_handler(OpdError)
    async def refused(request: Request, error: OpdError) -> Any:
        return _refusal(error)

    @app.exception_handler(RequestValidationError)
    async def malformed(request: Request, error: RequestValidationError) -> Any:
        return _problems(error)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> Any:
        if error.status_code == 400:  # FastAPI's word for a body that is not UTF-8 JSON
            return _problem(422, "invalid", "the body is not JSON text in UTF-8")
        code = _HTTP_CODES.get(error.status_code, "refused")
        return _problem(error.status_code, code, str(error.detail), headers=error.headers)

    openapi = app.openapi
    app.openapi = lambda: keys.describe(openapi())  # type: ignore[method-assign]

    @app.get("/openapi.json", include_in_schema=False)
    async def description() -> JSONResponse:
        return JSONResponse(app.openapi())

    # ------------------------------------------------------------------ acting

    async def act(key: str | None, command: Command) -> Outcome:
        outcome = await writer.submit(DeskRequest(command, key))
        if outcome.error is not None:
            raise outcome.error
        return outcome

    def answer(outcome: Outcome, body: BaseModel, status: int = 200) -> Response:
        """The answer encoded once, here: FastAPI would validate the model all over again."""
        headers = {REPLAYED_HEADER: "true"} if outcome.replayed else None
        return Response(body.model_dump_json(), status, headers, media_type="application/json")

    def acted(outcome: Outcome, token_id: str | None = None, status: int = 200) -> Response:
        """The token as the desk that decided the action holds it: ``today()`` may be the next
        day's desk by now, if midnight passed while the batch was written."""
        desk = decided_on(outcome, today)
        token = None if token_id is None else TokenOut.of(desk.engine.token(token_id))
        events = [as_dict(event) for event in outcome.events]
        return answer(outcome, ActionOut(events=events, token=token), status)

    @app.post(
        "/v1/tokens",
        status_code=201,
        tags=["tokens"],
        response_model=BookingOut,
        responses={409: {"model": BookingProblem, "description": DUPLICATE}},
    )
    async def book(body: BookingIn, key: IdempotencyKey = None) -> Response:
        """Book a patient into a slot: a seat, a seat taken from a weaker token, or the waitlist.
        A patient who gives a phone or a patient id and already holds an open token with this
        doctor today is refused (409, ``existing``) unless the booking says ``again``."""
        command = Book(
            body.slot_id,
            body.patient,
            body.source,
            phone=body.phone,
            patient_id=body.patient_id,
            again=body.again,
        )
        outcome = await writer.submit(DeskRequest(command, key))
        if isinstance(outcome.error, Duplicate):
            return _duplicate(outcome.error, decided_on(outcome, today).engine)
        if outcome.error is not None:
            raise outcome.error
        events = outcome.events
        placed = next(e for e in reversed(events) if isinstance(e, Placed))
        token = _placed_token(placed)
        also: list[str] = []
        if placed.phone or placed.patient_id:
            held = decided_on(outcome, today).engine.same_patient(placed.token_id)
            also = [other.number for other in held]
        booking = BookingOut(
            status=token.status,  # type: ignore[arg-type]
            token=token,
            preempted=[e.token_id for e in events if isinstance(e, Preempted)],
            also=also,
            events=[as_dict(event) for event in events],
        )
        return answer(outcome, booking, 201)

    @app.post("/v1/tokens/{token_id}/cancel", tags=["tokens"], response_model=ActionOut)
    async def cancel(token_id: TokenPath, key: IdempotencyKey = None) -> Response:
        """The patient cancels; the best waiting token takes a freed seat."""
        return acted(await act(key, Cancel(token_id)), token_id)

    @app.post("/v1/tokens/{token_id}/no-show", tags=["tokens"], response_model=ActionOut)
    async def no_show(token_id: TokenPath, key: IdempotencyKey = None) -> Response:
        """The patient did not come when called; the best waiting token takes a freed seat."""
        return acted(await act(key, NoShow(token_id)), token_id)

    @app.post("/v1/tokens/{token_id}/serve", tags=["tokens"], response_model=ActionOut)
    async def serve(token_id: TokenPath, key: IdempotencyKey = None) -> Response:
        """The doctor saw the patient; the seat stays used."""
        return acted(await act(key, Serve(token_id)), token_id)

    @app.post("/v1/tokens/{token_id}/check-in", tags=["tokens"], response_model=ActionOut)
    async def check_in(token_id: TokenPath, key: IdempotencyKey = None) -> Response:
        """The patient has arrived: present from now, so the doctor's room may call them once
        they hold a seat."""
        return acted(await act(key, CheckIn(token_id)), token_id)

    @app.post("/v1/tokens/{token_id}/call", tags=["tokens"], response_model=ActionOut)
    async def call(token_id: TokenPath, key: IdempotencyKey = None) -> Response:
        """Call this present booked patient into the room, in turn or out of it (the ``called``
        event's ``in_turn`` says which); the seat is held until they are seen or return."""
        return acted(await act(key, Call(token_id)), token_id)

    @app.post("/v1/tokens/{token_id}/return", tags=["tokens"], response_model=ActionOut)
    async def return_to_queue(token_id: TokenPath, key: IdempotencyKey = None) -> Response:
        """A called patient did not come to the room: booked and present again, one unanswered
        call more; a stronger waiting token may now take the seat."""
        return acted(await act(key, ReturnToQueue(token_id)), token_id)

    @app.post("/v1/tokens/{token_id}/bump", tags=["tokens"], response_model=ActionOut)
    async def bump(token_id: TokenPath, body: BumpIn, key: IdempotencyKey = None) -> Response:
        """Raise or lower a live token's priority (one class, or to a source's priority)."""
        if body.direction is not None and body.to is not None:
            raise Invalid("give direction or to, not both")
        if body.to is not None:
            outcome = await act(key, Bump(token_id, to=body.to))
        else:
            outcome = await act(key, Bump(token_id, up=body.direction != "down"))
        return acted(outcome, token_id)

    @app.post("/v1/tokens/{token_id}/move", tags=["tokens"], response_model=ActionOut)
    async def move(token_id: TokenPath, body: MoveIn, key: IdempotencyKey = None) -> Response:
        """Move a live token to another slot, where it joins as a new arrival."""
        return acted(await act(key, Move(token_id, body.slot_id)), token_id)

    @app.post("/v1/tokens/{token_id}/rename", tags=["tokens"], response_model=ActionOut)
    async def rename(token_id: TokenPath, body: RenameIn, key: IdempotencyKey = None) -> Response:
        """Correct the patient's name; the token keeps its number and its place."""
        return acted(await act(key, Rename(token_id, body.patient)), token_id)

    @app.post("/v1/slots/{slot_id}/capacity", tags=["slots"], response_model=ActionOut)
    async def set_capacity(
        slot_id: Identifier, body: CapacityIn, key: IdempotencyKey = None
    ) -> Response:
        """Change a slot's seats: a cut preempts the weakest, a rise promotes the best waiting."""
        return acted(await act(key, SetCapacity(slot_id, body.capacity)))

    @app.post("/v1/doctors/{doctor_id}/delay", tags=["doctors"], response_model=ActionOut)
    async def delay(doctor_id: Identifier, body: DelayIn, key: IdempotencyKey = None) -> Response:
        """The doctor runs late (or early) for every slot not yet over."""
        return acted(await act(key, Delay(doctor_id, body.minutes)))

    @app.post("/v1/doctors/{doctor_id}/call-next", tags=["doctors"], response_model=ActionOut)
    async def call_next(doctor_id: Identifier, key: IdempotencyKey = None) -> Response:
        """The doctor's room calls its next patient: the best present booked token of the
        earliest slot that has one. The answer's token is the one called."""
        outcome = await act(key, CallNext(doctor_id))
        called = next(e for e in outcome.events if isinstance(e, Called))
        return acted(outcome, called.token_id)

    @app.post("/v1/doctors/{doctor_id}/overdue/no-show", tags=["doctors"], response_model=ActionOut)
    async def doctor_overdue_no_show(doctor_id: Identifier, key: IdempotencyKey = None) -> Response:
        """Mark every overdue patient of the doctor no-show at once; freed seats promote."""
        return acted(await act(key, NoShowOverdue(doctor_id)))

    @app.post("/v1/overdue/no-show", tags=["day"], response_model=ActionOut)
    async def overdue_no_show(key: IdempotencyKey = None) -> Response:
        """Mark every overdue patient of the day no-show at once; freed seats promote."""
        return acted(await act(key, NoShowOverdue()))

    @app.post("/v1/doctors/{doctor_id}/room", tags=["doctors"], response_model=ActionOut)
    async def set_room(doctor_id: Identifier, body: RoomIn, key: IdempotencyKey = None) -> Response:
        """The doctor works in this room from now; ``""`` clears it."""
        return acted(await act(key, SetRoom(doctor_id, body.room)))

    @app.post("/v1/doctors/{doctor_id}/away", tags=["doctors"], response_model=ActionOut)
    async def set_away(doctor_id: Identifier, body: AwayIn, key: IdempotencyKey = None) -> Response:
        """The doctor is away from ``at``: the slots they would leave before their end take no
        new bookings (nor moves in); ``null`` says they are here after all."""
        return acted(await act(key, SetAway(doctor_id, body.at)))

    @app.post("/v1/doctors/{doctor_id}/reassign", tags=["doctors"], response_model=ActionOut)
    async def reassign(
        doctor_id: Identifier, body: ReassignIn, key: IdempotencyKey = None
    ) -> Response:
        """The doctor's remaining booked and waiting patients (of the slots they are away for,
        if away) go to doctor ``to``: each to the slot at the same time or the nearest later one,
        or all to ``slot_id``, keeping source, priority and arrival, with that doctor's next
        numbers; the rule there decides who sits and who waits. If any cannot be placed, none
        is moved (409)."""
        return acted(await act(key, Reassign(doctor_id, body.to, body.slot_id)))

    @app.post("/v1/carry-over", tags=["day"], response_model=ActionOut)
    async def carry_over(key: IdempotencyKey = None) -> Response:
        """The journal's previous day's patients left waiting, booked but unseen, or called and
        never seen join today's matching slots (the same slot, or the doctor's slot at the same
        start), stronger first and in their old order among equals; anyone already booked today
        with that doctor is left out. One action; 409 when there is no earlier day."""
        desk = today()
        earlier = desk.earlier_day()
        if earlier is None:
            raise Conflict(
                f"no day before {desk.day.isoformat()} in the journal to carry over from"
            )
        day, engine = earlier
        with desk.reading() as now:
            command, _ = carry_over_of(engine, now, day.isoformat())
        return acted(await act(key, command))

    @app.post("/v1/doctors", status_code=201, tags=["doctors"], response_model=ActionOut)
    async def add_doctor(body: DoctorIn, key: IdempotencyKey = None) -> Response:
        """Add a doctor to the day, in a room if one is given."""
        outcome = await act(key, AddDoctor(body.id, body.name, body.specialty, body.room))
        return acted(outcome, status=201)

    @app.post("/v1/slots", status_code=201, tags=["slots"], response_model=ActionOut)
    async def add_slot(body: SlotIn, key: IdempotencyKey = None) -> Response:
        """Add a slot to a doctor's day."""
        command = AddSlot(body.id, body.doctor_id, body.start, body.end, body.capacity)
        return acted(await act(key, command), status=201)

    # ------------------------------------------------------------------ reading

    @contextmanager
    def reading() -> Iterator[Engine]:
        with today().reading() as engine:
            yield engine

    @app.get("/v1/day", tags=["day"])
    async def day() -> DayOut:
        """The clinic, the day, its totals, and the latest event's sequence number."""
        desk = today()
        with desk.reading() as engine:
            return DayOut(
                clinic=desk.clinic_name,
                day=desk.day.isoformat(),
                stats=StatsOut.of(engine.day_stats()),
                last_seq=desk.last_seq,
            )

    @app.get("/v1/doctors", tags=["doctors"], response_model=list[DoctorOut])
    async def doctors() -> Response:
        """Every doctor with their load and their slots' occupancy."""
        with reading() as engine:
            facts = [_doctor_facts(engine, doctor) for doctor in engine.doctors()]
        return _json(await _in_parts(facts, PART["doctors"], _doctors_json))

    @app.get("/v1/doctors/{doctor_id}", tags=["doctors"])
    async def doctor(doctor_id: Identifier) -> DoctorOut:
        with reading() as engine:
            return _doctor_out(_doctor_facts(engine, engine.doctor(doctor_id)))

    @app.get("/v1/doctors/{doctor_id}/queue", tags=["doctors"])
    async def queue(doctor_id: Identifier) -> QueueOut:
        """The doctor's patients as the room sees them now: in the room with the minutes since
        their call, next up with the expected call times, booked but not arrived, overdue."""
        with reading() as engine:
            now = engine.now()
            return QueueOut.of(engine.queue(doctor_id), now, engine.visit)

    @app.get("/v1/overdue", tags=["day"], response_model=list[TokenOut])
    async def overdue(
        doctor: Annotated[str | None, Query(max_length=64, description="one doctor's id")] = None,
    ) -> Response:
        """Booked patients not checked in whose slot ended more than the grace period ago (of
        one doctor, or of the whole day), each slot's in rank order."""
        with reading() as engine:
            tokens = engine.overdue(doctor)
        return _json(await _in_parts(tokens, PART["tokens"], _tokens_json))

    @app.get("/v1/slots", tags=["slots"], response_model=list[SlotOut])
    async def slots(doctor_id: Annotated[str | None, Query(max_length=64)] = None) -> Response:
        """Every slot (or one doctor's) with its occupancy."""
        with reading() as engine:
            facts = _slot_facts(engine, doctor_id)
        return _json(await _in_parts(facts, PART["slots"], _slots_json))

    @app.get("/v1/slots/{slot_id}", tags=["slots"])
    async def slot(
        slot_id: Identifier,
        after: Annotated[
            int,
            Query(
                ge=0,
                le=2**63 - 1,
                description="a waitlist position (1 is the first waiting): the page starts "
                "after it; 0 for the start",
            ),
        ] = 0,
        limit: Annotated[
            int, Query(ge=1, le=1000, description="at most this many of the waitlist")
        ] = 100,
    ) -> SlotDetail:
        """A slot's booked list with estimated times, whole, and a page of its waitlist, both
        in rank order: ask again with ``after`` set to the answer's ``last_position`` while
        ``more`` is true."""
        with reading() as engine:
            view = engine.slot_view(slot_id)
            page = view.waiting[after : after + limit]
            last_position = after + len(page)
            return SlotDetail(
                **SlotOut.of(view.slot, engine.slot_stats(slot_id)).model_dump(),
                booked=[SeatOut.of(seat) for seat in view.booked],
                waiting=[TokenOut.of(token) for token in page],
                waiting_total=len(view.waiting),
                last_position=last_position,
                more=last_position < len(view.waiting),
            )

    @app.get("/v1/tokens", tags=["tokens"], response_model=list[TokenOut])
    async def find(
        q: Annotated[
            str,
            Query(
                min_length=1,
                max_length=200,
                description="a token number (RAO-014, rao14, 14), a patient id, a phone, or "
                "the starts of the words of a name",
            ),
        ],
        limit: Annotated[int, Query(ge=1, le=200, description="at most this many")] = 50,
    ) -> Response:
        """The tokens ``q`` names, of any status: exact matches of a number, a patient id or a
        phone first, then names in order of arrival."""
        with reading() as engine:
            tokens = engine.find(q, limit)
        return _json(await _in_parts(tokens, PART["tokens"], _tokens_json))

    @app.get("/v1/tokens/{ref}", tags=["tokens"])
    async def token(ref: TokenPath) -> TokenOut:
        """A token by its id (``T00042``) or by the number staff call out (``RAO-014``)."""
        with reading() as engine:
            return TokenOut.of(_find_token(engine, ref))

    @app.get("/v1/tokens/{token_id}/story", tags=["tokens"])
    async def story(token_id: TokenPath) -> StoryOut:
        """Why a token (by its id or its number) is where it is: when it was booked, each seat it
        got or lost and to whom, by which priorities, its visit, the undos that touched it, in
        plain words from the day's recorded events; then its place now and who is ahead."""
        desk = today()
        with desk.reading() as engine:
            found = _find_token(engine, token_id)
            recorded = desk.store.iter_events(desk.day, upto=desk.last_seq)
            return StoryOut.of(token_story(found.id, (r.event for r in recorded), engine))

    @app.get("/v1/events", tags=["day"], response_model=EventsOut)
    async def events(
        after: Annotated[
            int, Query(ge=0, le=2**63 - 1, description="a sequence number; 0 for all")
        ] = 0,
        limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
    ) -> Response:
        """The day's events after a sequence number, oldest first: follow along by asking again
        with ``after`` set to the ``last_seq`` of the answer."""
        desk = today()
        parts: list[str] = []
        last_seq, taken, more = after, 0, False
        while taken < limit:  # read and encoded a part at a time: recorded events never change
            wanted = min(PART["events"], limit - taken)
            recorded = desk.recorded(last_seq, wanted + 1)  # one more tells if more follow
            more = len(recorded) > wanted
            if recorded := recorded[:wanted]:
                parts.append(_events_json(recorded))
                last_seq, taken = recorded[-1].seq, taken + len(recorded)
            if not more:
                break
            await asyncio.sleep(0)
        events = ",".join(parts)
        return _json(f'{{"events":[{events}],"last_seq":{last_seq},"more":{dumps(more)}}}')

    app.add_middleware(BookingLane, book=book, refusal=_refusal)
    app.add_middleware(LimitBody)
    if api_key:  # the outermost layer: nothing is read before the key is checked
        app.add_middleware(RequireKey, key=api_key)
    return app


SlotFacts = tuple[Slot, Stats]
DoctorFacts = tuple[Doctor, Stats, list[SlotFacts]]


def _slot_facts(engine: Engine, doctor_id: str | None = None) -> list[SlotFacts]:
    """Every slot (or one doctor's) with its counts, copied out of the engine at one moment."""
    return [(slot, engine.slot_stats(slot.id)) for slot in engine.slots(doctor_id)]


def _doctor_facts(engine: Engine, doctor: Doctor) -> DoctorFacts:
    return doctor, engine.doctor_stats(doctor.id), _slot_facts(engine, doctor.id)


def _doctor_out(facts: DoctorFacts) -> DoctorOut:
    doctor, stats, slots = facts
    return DoctorOut.of(doctor, stats, [SlotOut.of(slot, counts) for slot, counts in slots])


def _slots_json(part: Sequence[SlotFacts]) -> str:
    return ",".join(SlotOut.of(slot, counts).model_dump_json() for slot, counts in part)


def _tokens_json(part: Sequence[Token]) -> str:
    return ",".join(TokenOut.of(token).model_dump_json() for token in part)


def _doctors_json(part: Sequence[DoctorFacts]) -> str:
    return ",".join(_doctor_out(facts).model_dump_json() for facts in part)


async def _in_parts(items: Sequence[T], size: int, encode: Callable[[Sequence[T]], str]) -> str:
    """``items`` as a JSON array, encoded ``size`` at a time with a turn of the event loop
    between parts: a long answer (a whole hospital's slots) does not hold up the bookings."""
    parts = []
    for start in range(0, len(items), size):
        parts.append(encode(items[start : start + size]))
        await asyncio.sleep(0)
    return "[" + ",".join(parts) + "]"


def _json(text: str) -> Response:
    return Response(text, media_type="application/json")


def _events_json(recorded: Sequence[RecordedText]) -> str:
    """Recorded events as the items of a JSON array, straight from the journal's own JSON (each
    event's fields were stored by the engine's codec; decoding them only to encode them again
    cost four times as much)."""
    fields = json.loads("[" + ",".join([r.data for r in recorded]) + "]")
    events = [
        {"seq": r.seq, "action_id": r.action_id, "kind": r.kind, "at": r.at, **data}
        for r, data in zip(recorded, fields, strict=True)
    ]
    return dumps(events)[1:-1]  # the items, without the brackets


def _placed_token(placed: Placed) -> TokenOut:
    """The booked token as its booking left it, from the booking's own events: a retried booking
    answers exactly what the first answer said."""
    return TokenOut(
        id=placed.token_id,
        number=placed.number,
        patient=placed.patient,
        phone=placed.phone,
        patient_id=placed.patient_id,
        source=placed.source.value,
        priority=placed.priority,
        status="BOOKED" if placed.kind == "booked" else "WAITING",
        slot_id=placed.slot_id,
        arrival=placed.arrival,
        arrived_at=placed.at.isoformat(),
        preemptions=0,
        checked_in=None,
        called_at=None,
        unanswered=0,
        minutes=None,
    )


def _find_token(engine: Engine, ref: str) -> Token:
    try:
        return engine.token(ref)
    except NotFound:
        try:
            return engine.token_by_number(ref)
        except NotFound:
            raise NotFound(f"no token {ref!r} (neither an id nor a number)") from None
