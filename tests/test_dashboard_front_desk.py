"""The front desk at the dashboard: a booking's phone and patient id, the "book again?" question,
finding by number, phone or id, a doctor away, and their patients reassigned; exact rows, toasts
and log lines."""

from __future__ import annotations

import pytest
from conftest import DAY, FakeClock, FakeMonotonic, small_clinic
from test_dashboard import SIZE, log_lines, rows, toasts
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Select, Static

from opd_tui.desk import MemoryDesk
from opd_tui.engine import Status
from opd_tui.ui.app import OpdApp
from opd_tui.ui.screens.away import AwayForm
from opd_tui.ui.screens.booking import BookForm
from opd_tui.ui.screens.confirm import Confirm
from opd_tui.ui.screens.find import FindPatient
from opd_tui.ui.screens.reassign import ReassignPicker


@pytest.fixture
def app(clock: FakeClock, monotonic: FakeMonotonic) -> OpdApp:
    """The small clinic (see conftest) at 08:42."""
    engine, history = small_clinic(clock)
    desk = MemoryDesk(engine, "Test Clinic", DAY)
    return OpdApp(desk, history=history, monotonic=monotonic, wall_clock=clock)


async def press(pilot: Pilot[None], *keys: str) -> None:
    await pilot.press(*keys)
    await pilot.pause()


async def fill_booking(
    pilot: Pilot[None], patient: str, phone: str = "", patient_id: str = "", doctor: str = ""
) -> BookForm:
    await press(pilot, "n")
    form = pilot.app.screen
    assert isinstance(form, BookForm)
    form.query_one("#patient", Input).value = patient
    form.query_one("#phone", Input).value = phone
    form.query_one("#patient-id", Input).value = patient_id
    if doctor:
        form.query_one("#doctor", Select).value = doctor
    await pilot.pause()
    form.query_one("#patient", Input).focus()
    await press(pilot, "enter")
    return form


async def test_a_booking_keeps_the_phone_and_patient_id(app: OpdApp) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await fill_booking(pilot, "Esha Rao", "+91 98450 12345", "mrn-77")
        token = app.engine.token("T00005")
        assert (token.phone, token.patient_id, token.status) == (
            "+919845012345",
            "MRN-77",
            Status.WAITING,  # the selected slot, full: a walk-in waits
        )
        assert toasts(app) == ["RAO-005 Esha Rao booked · 2nd on the waitlist · Dr Asha Rao 09:00"]


async def test_a_bad_phone_is_shown_in_the_form_which_keeps_what_was_typed(app: OpdApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        form = await fill_booking(pilot, "Esha Rao", "12-34")
        assert app.screen is form
        error = str(form.query_one("#error", Static).render())
        assert error == (
            "phone '12-34' is not a phone number: 7 to 15 digits, with an optional leading +"
        )
        assert form.query_one("#patient", Input).value == "Esha Rao"
        assert len(app.engine.tokens()) == 4


async def test_the_same_patient_again_asks_and_books_only_on_yes(app: OpdApp) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await fill_booking(pilot, "Esha Rao", patient_id="MRN-77")
        form = await fill_booking(pilot, "esha  rao", patient_id="mrn-77")
        question = app.screen
        assert isinstance(question, Confirm)
        assert str(question.question) == (
            "Esha Rao already holds RAO-005 with Dr Asha Rao today:\n"
            "  RAO-005  Esha Rao  walk-in  waiting  09:00–10:00\n\n"
            "Book a second token for this patient?"
        )
        await press(pilot, "n")
        assert app.screen is form
        assert str(form.query_one("#error", Static).render()) == (
            "not booked: Esha Rao already holds RAO-005"
        )
        assert form.query_one("#patient", Input).value == "esha  rao"
        assert len(app.engine.tokens()) == 5
        form.query_one("#patient", Input).focus()
        await press(pilot, "enter")
        assert isinstance(app.screen, Confirm)
        await press(pilot, "y")
        assert not isinstance(app.screen, (Confirm, BookForm))
        assert app.engine.token("T00006").number == "RAO-006"
        assert toasts(app)[-1] == (
            "RAO-006 esha  rao booked · 3rd on the waitlist · Dr Asha Rao 09:00\n"
            "also holds RAO-005 with Dr Asha Rao today"
        )


async def test_another_doctor_the_same_day_is_booked_and_noted(app: OpdApp) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await fill_booking(pilot, "Esha Rao", phone="9845012345")
        await fill_booking(pilot, "Esha Rao", phone="98450 12345", doctor="mehta")
        assert app.engine.token("T00006").number == "MEHTA-001"
        assert toasts(app)[-1] == (
            "MEHTA-001 Esha Rao booked · Dr Vikram Mehta 09:00\n"
            "also holds RAO-005 with Dr Asha Rao today"
        )


async def test_find_by_number_digits_phone_and_id_jumps_to_the_token(app: OpdApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await fill_booking(pilot, "Esha Rao", "98450 12345", "MRN-77")
        for query, first in (("RAO-002", "T00002"), ("3", "T00003"), ("9845012345", "T00005")):
            await press(pilot, "slash")
            finder = app.screen
            assert isinstance(finder, FindPatient)
            finder.query_one("#query", Input).value = query
            await pilot.pause()
            results = finder.query_one("#results", OptionList)
            assert results.get_option_at_index(0).id == first
            await press(pilot, "enter")
            assert app.target() is not None
            assert app.target().id == first  # type: ignore[union-attr]
        await press(pilot, "slash")
        finder = app.screen
        assert isinstance(finder, FindPatient)
        finder.query_one("#query", Input).value = "mrn-77"
        await pilot.pause()
        line = finder.query_one("#results", OptionList).get_option_at_index(0).prompt
        assert str(line).split() == (
            [
                "RAO-005",
                "Esha",
                "Rao",
                "WAITING",
                "Dr",
                "Asha",
                "Rao",
                "09:00",
                "MRN-77",
                "9845012345",
            ]
        )


async def test_away_marks_the_schedule_then_reassigns_through_the_picker(app: OpdApp) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await press(pilot, "A")
        form = app.screen
        assert isinstance(form, AwayForm)
        assert form.query_one("#at", Input).value == "08:42"
        await press(pilot, "enter")
        picker = app.screen
        assert isinstance(picker, ReassignPicker)
        assert rows(app, "schedule", "time", "flag") == [
            ("09:00–10:00", "AWAY"),
            ("10:00–11:00", "AWAY"),
        ]
        assert rows(app, "doctors", "doctor", "specialty")[0] == (
            "Dr Asha Rao",
            "away 08:42 · Cardiology",
        )
        assert log_lines(app)[0] == "⌂ Dr Asha Rao away from 08:42"
        hint = str(picker.query_one(".hint", Static).render())
        assert hint.startswith("4 patients (3 booked, 1 waiting) of 09:00–11:00.")
        targets = picker.query_one("#targets", OptionList)
        assert [targets.get_option_at_index(i).id for i in range(targets.option_count)] == [
            "mehta|",
            "mehta|mehta-09",
        ]
        # Each to the nearest slot: Dev's 10:00 has none at Dr Mehta's, so nothing is done.
        await press(pilot, "enter")
        assert toasts(app)[-1] == "Dr Vikram Mehta has no slot at or after 10:00 for RAO-004"
        assert app.engine.token("T00004").slot_id == "rao-10"
        await press(pilot, "a")
        picker = app.screen
        assert isinstance(picker, ReassignPicker)
        await press(pilot, "down", "enter")  # all to Dr Mehta 09:00–10:00
        assert toasts(app)[-1] == (
            "4 patients of Dr Asha Rao to Dr Vikram Mehta: 2 seated, 2 waiting; 1 preempted there"
        )
        view = app.engine.slot_view("mehta-09")
        assert [(s.token.number, s.token.patient) for s in view.booked] == [
            ("MEHTA-004", "Dev Kumar"),
            ("MEHTA-001", "Bala Iyer"),
        ]
        assert [t.number for t in view.waiting] == ["MEHTA-002", "MEHTA-003"]
        assert log_lines(app)[:2] == [
            "⇢ RAO-004 → MEHTA-004 Dev Kumar reassigned Dr Asha Rao 10:00 → Dr Vikram Mehta 09:00"
            " (seated)",
            "▼ MEHTA-002 Asha Menon preempted by MEHTA-004 Dev Kumar (follow-up 3 > walk-in 1)"
            " · Dr Vikram Mehta 09:00",
        ]
        await press(pilot, "ctrl+z")
        assert app.engine.token("T00004").number == "RAO-004"
        assert app.engine.slot_view("mehta-09").booked == ()


async def test_here_again_takes_new_patients(app: OpdApp) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await press(pilot, "A")
        app.screen.query_one("#at", Input).value = "10:30"
        await press(pilot, "enter")
        assert isinstance(app.screen, ReassignPicker)
        await press(pilot, "escape")
        assert app.engine.doctor("rao").away == 630
        await press(pilot, "A")
        app.screen.query_one("#at", Input).value = ""
        await press(pilot, "enter")
        assert app.engine.doctor("rao").away is None
        assert toasts(app)[-1] == "Dr Asha Rao is here: takes new patients again"
        assert rows(app, "schedule", "flag") == [("FULL",), ("",)]
