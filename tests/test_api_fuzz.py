"""The HTTP service fuzzed from its kept OpenAPI description (``openapi.json``) with schemathesis.

Every request schemathesis generates goes in-process to the app through Starlette's test client,
entered as a context manager so the app's lifespan runs (the day is opened and the group-commit
writer started, without which writes never answer). Each answer must not be a server error and
must match what the description documents for the operation: status code, content type and body
schema; a request that breaks the description must be refused with a 4xx.

Schemathesis' own data finds few of the clinic's ids, and the engine refuses unknown ids with
404 before deciding anything, so the fuzz also sends well-formed requests aimed at the real
doctors, slots and tokens of a day that already has patients (some checked in, one in the room,
two overdue), and walks sequences of calls along the links schemathesis infers between the
operations (a booked token's id into cancel, serve...).
"""

from __future__ import annotations

import itertools
import json
import shutil
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx2
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import Case, GenerationMode, Response
from schemathesis.checks import CheckFunction, not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.schemas import APIOperation
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ensure_resource_availability,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from starlette.testclient import TestClient
from store_helpers import CLINIC, DAY, DOCTORS, MORNING, SetClock, clinic_set_up

from opd_tui.api import Today, create_app
from opd_tui.api.keys import HEADER as API_KEY_HEADER
from opd_tui.engine import Book
from opd_tui.store import JournalDesk, SqliteStore

OPENAPI = Path(__file__).resolve().parent.parent / "openapi.json"
BASE_URL = "http://testserver"
API_KEY = "k"

# Checks that judge an answer against the description, and a refusal of invalid data. Not
# positive_data_acceptance: the engine refuses well-formed requests with 404, 409 or 422 by
# design. Not ignored_auth: it sends requests of its own, around the test client (the key has a
# test of its own). unsupported_method and allow_header_conformance judge only the coverage
# phase's probes, use_after_free needs a DELETE, max_response_time would make the test flaky.
CHECKS: list[CheckFunction] = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
    negative_data_rejection,
]

# The loaded description: a fixed seed, and no schemathesis.toml that happens to lie around.
CONFIG = schemathesis.Config.from_dict(
    {"seed": 20261125, "generation": {"with-security-parameters": False}}
)
SCHEMA = schemathesis.openapi.from_path(OPENAPI, config=CONFIG)
OPERATIONS: dict[str, APIOperation[Any, Any, Any, Any]] = {}
for _result in SCHEMA.get_all_operations():
    assert isinstance(_result, Ok), _result  # the kept description is usable whole
    OPERATIONS[_result.ok().label] = _result.ok()

DOCTOR_IDS = [doctor_id for doctor_id, *_ in DOCTORS]
SLOT_IDS = [f"{doctor_id}-{hour:02d}" for doctor_id in DOCTOR_IDS for hour in range(9, 13)]
TOKEN_IDS = [f"T{n:05d}" for n in range(1, 19)]  # the morning's 16, and a few to come
TOKEN_NUMBERS = [f"{doctor_id.upper()}-{n:03d}" for doctor_id in DOCTOR_IDS for n in range(1, 9)]

# The morning's patients: rao-09 (4 seats) and khan-12 (4) overflow to their waitlists.
BOOKINGS = [
    ("rao-09", "Asha Menon", "walk-in"),
    ("rao-09", "Bala Iyer", "online"),
    ("rao-09", "Chitra Das", "follow-up"),
    ("rao-09", "Dev Kumar", "walk-in"),
    ("rao-09", "Esha Rao", "paid"),
    ("rao-09", "Farhan Ali", "walk-in"),
    ("mehta-10", "Gita Sen", "online"),
    ("mehta-10", "Hari Nair", "emergency"),
    ("iyer-11", "Indu Patel", "walk-in"),
    ("khan-12", "Jai Verma", "follow-up"),
    ("khan-12", "Kavya Joshi", "online"),
    ("khan-12", "Lata Reddy", "walk-in"),
    ("khan-12", "Manoj Gupta", "walk-in"),
    ("khan-12", "Neha Singh", "paid"),
    ("rao-07", "Om Prakash", "walk-in"),
    ("rao-07", "Pia Roy", "online"),
]
EARLY_SLOT = {"id": "rao-07", "doctor_id": "rao", "start": "07:00", "end": "07:30", "capacity": 2}
"""A slot over before the service's 08:00: its patients, never checked in, are overdue."""
CHECKED_IN = ["T00002", "T00003", "T00008", "T00009", "T00011", "T00013"]
"""Present: booked ones in rao-09, mehta-10, iyer-11 and khan-12, and one waiting (T00013)."""


@dataclass
class Service:
    client: TestClient
    key: str | None

    @property
    def headers(self) -> dict[str, str]:
        return {API_KEY_HEADER: self.key} if self.key else {}


@contextmanager
def running(
    path: Path, api_key: str | None = None, morning: Path | None = None
) -> Iterator[Service]:
    """The service on a journal at ``path``, its lifespan running, with the morning booked: by
    booking it now, or by starting from a copy of ``morning``, a closed journal where it was."""
    if morning is not None:
        shutil.copyfile(morning, path)
    else:
        the_day_before(path)
    store = SqliteStore(path)
    today = Today(store, clock=SetClock(), setup=clinic_set_up, clinic_name=CLINIC)
    try:
        with TestClient(create_app(today, api_key=api_key), base_url=BASE_URL) as client:
            service = Service(client, api_key)
            if morning is None:
                book_the_morning(service)
            yield service
    finally:
        store.close()


def the_day_before(path: Path) -> None:
    """A day before the service's, with two patients left unseen: what a carry-over takes."""
    before = DAY - timedelta(days=1)
    clock = SetClock(MORNING - timedelta(days=1))
    desk = JournalDesk(
        SqliteStore(path), before, today=before, clock=clock, setup=clinic_set_up,
        clinic_name=CLINIC,
    )  # fmt: skip
    desk.act(Book("rao-10", "Yusuf Ali", "walk-in"))
    desk.act(Book("iyer-11", "Zara Sen", "online", phone="98450 99999"))
    desk.close()


def book_the_morning(service: Service) -> None:
    """Full slots with waitlists and preempted patients, a served and a cancelled token, present
    patients with one of them in Dr Rao's room (T00003), and two overdue (T00015, T00016)."""

    def post(url: str, body: dict[str, Any] | None = None) -> None:
        answer = service.client.post(url, json=body, headers=service.headers)
        assert answer.is_success, answer.text

    post("/v1/slots", EARLY_SLOT)
    for slot_id, patient, source in BOOKINGS:
        post("/v1/tokens", {"slot_id": slot_id, "patient": patient, "source": source})
    for action, token_id in (("serve", "T00001"), ("cancel", "T00007")):
        post(f"/v1/tokens/{token_id}/{action}")
    for token_id in CHECKED_IN:
        post(f"/v1/tokens/{token_id}/check-in")
    post("/v1/doctors/rao/call-next")


@pytest.fixture
def service(tmp_path: Path) -> Iterator[Service]:
    with running(tmp_path / "j.db") as service:
        yield service


def send(
    service: Service, case: Case[Any], headers: dict[str, str] | None = None
) -> httpx2.Response:
    """Send ``case`` as schemathesis would (its serialised request), through the test client."""
    kwargs = case.as_transport_kwargs(base_url=BASE_URL, headers=headers)
    unknown = set(kwargs) - {"method", "url", "headers", "params", "cookies", "json", "data"}
    assert not unknown, f"cannot send {unknown} through the test client"
    content: bytes | None = None
    if "json" in kwargs:
        content = json.dumps(kwargs["json"], allow_nan=False).encode()
    elif isinstance(kwargs.get("data"), str):
        content = kwargs["data"].encode()
    elif kwargs.get("data") is not None:
        content = bytes(kwargs["data"])
    # as bytes: header values go on the wire as Latin-1, as with the requests schemathesis sends
    wire = {
        str(k).encode("latin-1"): str(v).encode("latin-1") for k, v in kwargs["headers"].items()
    }
    if kwargs.get("cookies"):
        cookies = "; ".join(f"{name}={value}" for name, value in kwargs["cookies"].items())
        wire[b"Cookie"] = cookies.encode("latin-1")
    try:
        return service.client.request(
            kwargs["method"],
            kwargs["url"],
            params=kwargs.get("params"),
            headers=wire,
            content=content,
        )
    except Exception as error:
        error.add_note(f"request: {case.as_curl_command(base_url=BASE_URL, headers=headers)}")
        raise


def check(service: Service, case: Case[Any]) -> httpx2.Response:
    """Send ``case`` with the service's key and judge the answer by the description."""
    response = send(service, case, service.headers)
    case.validate_response(response, checks=CHECKS, headers=service.headers)
    return response


# ------------------------------------------------------------------ strategies


REAL_IDS = {"token_id": TOKEN_IDS, "ref": TOKEN_IDS + TOKEN_NUMBERS, "slot_id": SLOT_IDS}
REAL_IDS["doctor_id"] = REAL_IDS["doctor"] = REAL_IDS["to"] = DOCTOR_IDS
NEW_IDS = {"POST /v1/doctors": DOCTOR_IDS, "POST /v1/slots": SLOT_IDS}
IDEMPOTENCY_KEYS = [None, "retry-1", "retry-2"]
SLOT_TIMES = [("13:00", "14:00"), ("07:30", "09:00"), ("16:00", "18:30"), ("10:00", "11:00")]
NEW_SLOT_IDS = ["late-1", "late-2", "early-1"]  # well-formed ids no slot has yet
DELAYS = [5, 15, 30, -5]


@st.composite
def grounded(draw: st.DrawFn, operation: str) -> Case[Any]:
    """A well-formed request aimed at the clinic's own doctors, slots and tokens, with one of a
    few idempotency keys so that retries (and a key reused for another request) happen."""
    case: Case[Any] = draw(OPERATIONS[operation].as_strategy(GenerationMode.POSITIVE))
    for container in (case.path_parameters, case.query, case.body):
        if not isinstance(container, dict):
            continue
        for name in list(container):
            if name in REAL_IDS:
                container[name] = draw(st.sampled_from(REAL_IDS[name]))
            elif name == "id" and operation in NEW_IDS:  # a new doctor or slot, or one that is
                container[name] = draw(st.sampled_from([container[name], *NEW_IDS[operation]]))
    if operation == "POST /v1/slots":  # a new slot that fits in the day as often as not
        body = case.body
        assert isinstance(body, dict)
        start, end = draw(st.sampled_from([*SLOT_TIMES, (body["start"], body["end"])]))
        slot_id = draw(st.sampled_from([*NEW_SLOT_IDS, body["id"], *SLOT_IDS]))
        capacity = draw(st.sampled_from([2, body["capacity"]]))
        case.body = {**body, "id": slot_id, "start": start, "end": end, "capacity": capacity}
    if operation == "POST /v1/doctors/{doctor_id}/delay":
        # a delay the day can take as often as not: generated ones shrink to 0, or come as
        # 315.0, which JSON Schema counts as an integer and the strict body does not
        body = case.body
        assert isinstance(body, dict)
        case.body = {**body, "minutes": draw(st.sampled_from([body["minutes"], *DELAYS]))}
    if case.method == "POST":
        key = draw(st.sampled_from(IDEMPOTENCY_KEYS))
        case.headers.pop("Idempotency-Key", None)
        if key is not None:
            case.headers["Idempotency-Key"] = key
    return case


def requests(operation: str) -> st.SearchStrategy[Case[Any]]:
    """Schemathesis' own valid and invalid requests, and requests at the clinic's real ids."""
    api = OPERATIONS[operation]
    return st.one_of(
        grounded(operation),
        api.as_strategy(GenerationMode.POSITIVE),
        api.as_strategy(GenerationMode.NEGATIVE),
    )


def fuzz_settings(max_examples: int) -> settings:
    return settings(
        max_examples=max_examples,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        print_blob=False,
    )


# ------------------------------------------------------------------ the fuzz


@pytest.mark.parametrize("operation", list(OPERATIONS))
def test_every_answer_is_documented(service: Service, operation: str) -> None:
    statuses: set[int] = set()

    @given(case=requests(operation))
    @fuzz_settings(100)
    def fuzz(case: Case[Any]) -> None:
        statuses.add(check(service, case).status_code)

    fuzz()
    assert any(200 <= status < 300 for status in statuses), f"never got past a refusal: {statuses}"


def test_with_an_api_key_every_answer_is_documented(tmp_path: Path) -> None:
    with running(tmp_path / "j.db", api_key=API_KEY) as service:
        strategy = st.one_of([requests(operation) for operation in OPERATIONS])
        statuses: set[int] = set()

        @given(case=strategy)
        @fuzz_settings(150)
        def fuzz(case: Case[Any]) -> None:
            statuses.add(check(service, case).status_code)

        fuzz()
        assert {200, 201} <= statuses, f"the key should let requests act: {statuses}"


def test_without_the_api_key_every_operation_is_refused_401(tmp_path: Path) -> None:
    with running(tmp_path / "j.db", api_key=API_KEY) as service:
        morning = service.client.get("/v1/events", headers=service.headers).json()["last_seq"]
        for operation in OPERATIONS:

            @given(case=grounded(operation), key=st.sampled_from([None, "", "K", "k ", "kk"]))
            @fuzz_settings(5)
            def fuzz(case: Case[Any], key: str | None) -> None:
                headers = None if key is None else {API_KEY_HEADER: key}
                response = send(service, case, headers)
                assert response.status_code == 401, (case.operation.label, response.text)
                assert response.json()["error"] == "unauthorized"
                case.validate_response(response, checks=CHECKS, headers=headers)

            fuzz()
        # nothing got in: the day is as the morning left it
        events = service.client.get("/v1/events", headers=service.headers).json()
        assert events["last_seq"] == morning


# ------------------------------------------------------------------ sequences


def test_sequences_along_inferred_links_are_documented(tmp_path: Path) -> None:
    """Schemathesis infers links from the description (a booking's ``token.id`` into the token
    actions, a doctor's slot ids into the slot operations...) and walks them as a state machine.
    Each sequence starts on a new journal: the same steps meet the same clinic, so Hypothesis
    can replay and shrink a failing sequence."""
    morning = tmp_path / "morning.db"
    with running(morning):
        pass
    journals = itertools.count()
    statuses: set[int] = set()

    class Workflow(SCHEMA.as_state_machine()):  # type: ignore[misc]
        def setup(self) -> None:
            self.stack = ExitStack()
            journal = tmp_path / f"j{next(journals)}.db"
            self.service = self.stack.enter_context(running(journal, morning=morning))

        def teardown(self) -> None:
            self.stack.close()

        def call(self, case: Case[Any], **kwargs: Any) -> Response:
            response = send(self.service, case, self.service.headers)
            statuses.add(response.status_code)
            return Response.from_httpx2(response, verify=True)

        def validate_response(
            self, response: Response, case: Case[Any], additional_checks: Any = None, **kwargs: Any
        ) -> None:
            # and what a step just created (a doctor, a slot) must be there for the next one
            case.validate_response(
                response,
                checks=[*CHECKS, ensure_resource_availability],
                headers=self.service.headers,
                recorder=self.recorder,
            )

    Workflow.run(settings=settings(fuzz_settings(40), stateful_step_count=10))
    assert {200, 201} <= statuses, f"the sequences should act on the clinic: {statuses}"
