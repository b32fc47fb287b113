"""The coordinator's dashboard. It renders what the engine holds and turns keys into desk actions;
it never decides who gets a seat.

Data flows one way: key → desk action → events → marks, log and the affected rows only.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Any

from rich.text import Text
from textual import events, on
from textual.app import App, ComposeResult, SystemCommand
from textual.containers import Horizontal, Vertical
from textual.geometry import Size
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import ContentSwitcher, DataTable, Footer

from ..desk import Desk, ReadOnly
from ..engine import (
    Book,
    Bump,
    Cancel,
    Command,
    Delay,
    Delayed,
    Engine,
    Event,
    Move,
    Moved,
    NoShow,
    OpdError,
    Placed,
    Preempted,
    Serve,
    SetCapacity,
    Slot,
    SlotAdded,
    Status,
    Token,
    Undo,
    Undone,
    safe_lines,
    safe_text,
)
from ..scenario import Player
from ..store.base import JournalBusy, StoreError
from . import cells
from .activity import ActivityLog, named, slot_name, who
from .header import ClinicHeader
from .keys import KEYS, REPLAY_ACTIONS, bindings
from .marks import Alert, Marks
from .overview import OverviewTable
from .patience import BUSY_WAIT, RETRY_SECONDS, Patience
from .replay import SPEEDS, ReplayBar
from .screens.booking import BookForm
from .screens.confirm import Confirm
from .screens.delay import DelayForm
from .screens.find import FindPatient
from .screens.help import HelpScreen
from .screens.move import MovePicker, move_doubts
from .tables import BookedTable, DoctorTable, Row, ScheduleTable, Table, WaitingTable

POLL_SECONDS = 0.5
# Preemptions named in one toast; the rest of a burst from another desk is in the log.
TOAST_LINES = 3
NO_MARKS = Marks(0.0)


def touched_slots(events: Iterable[Event]) -> set[str]:
    """Every slot an event changed, so only their rows are redrawn."""
    slots: set[str] = set()
    for event in events:
        if isinstance(event, Moved):
            slots.update((event.from_slot, event.to_slot))
        elif isinstance(event, Delayed):
            slots.update(event.slot_ids)
        elif slot_id := getattr(event, "slot_id", None):
            slots.add(slot_id)
    return slots


class OpdApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "opd-tui"
    BINDINGS = bindings()

    def __init__(
        self,
        desk: Desk,
        *,
        history: Iterable[Event] = (),
        highlight_seconds: float = 6.0,
        monotonic: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], datetime] | None = None,
        player: Player | None = None,
    ) -> None:
        super().__init__()
        self.player = player
        self.playing: Timer | None = None
        self.desk = desk
        self.engine = desk.engine
        self.marks = Marks(highlight_seconds)
        self.monotonic = monotonic
        self.wall_clock = wall_clock or desk.engine.now
        self.timeline = list(history)  # every event of the day, in order: the log's numbering
        self.moment: int | None = None  # while looking back: how many events the view holds
        self.doctor_id: str | None = None
        self.slot_id: str | None = None
        self.last_alert: Alert | None = None
        self.patience = Patience()  # for the key whose action waits for another desk

    # ----------------------------------------------------------------- layout

    def compose(self) -> ComposeResult:
        yield ClinicHeader(self.desk, self.wall_clock, id="header")
        with ContentSwitcher(initial="day", id="views"):
            with Vertical(id="day"):
                with Horizontal(id="top"):
                    yield DoctorTable(id="doctors")
                    yield ScheduleTable(id="schedule")
                with Horizontal(id="detail"):
                    yield BookedTable(id="booked")
                    yield WaitingTable(id="waiting")
            yield OverviewTable(id="overview")
        yield ActivityLog(id="log")
        if self.player is not None:
            yield ReplayBar(self.player, id="replay")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#doctors").border_title = "Doctors"
        self.query_one("#schedule").border_title = "Schedule"
        self.query_one("#booked").border_title = "Booked"
        self.query_one("#waiting").border_title = "Waitlist"
        self.query_one("#overview").border_title = "Overview · every doctor × slot"
        self.query_one("#log").border_title = "Activity"
        doctors = self.engine.doctors()
        self.refresh_doctors(d.id for d in doctors)
        if doctors:
            self.show_doctor(doctors[0].id)
        self.query_one(ActivityLog).record_history(self.timeline, self.engine)
        self.refresh_header()
        self.set_interval(POLL_SECONDS, self.tick)
        self.query_one("#doctors").focus()
        self.lay_out(self.size)
        if self.desk.read_only:
            self.notify(self.desk.read_only_why, title="Read-only", severity="warning")

    def on_resize(self, event: events.Resize) -> None:
        # This runs before App's own handler has taken in the new size, so ``self.size`` is
        # still the old one here: the event's is the truth.
        self.lay_out(event.size)

    def lay_out(self, size: Size) -> None:
        """The room-aware layout classes of the stylesheet, for a terminal of ``size``."""
        self.set_class(size.width < 110, "narrow")
        self.set_class(size.height < 30, "short")
        self.set_class(size.width >= 150, "wide")

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Every toast, from any screen, as plain words: names in it are shown, never obeyed
        (no markup, no control characters)."""
        super().notify(
            safe_lines(message),
            title=safe_text(title),
            severity=severity,
            timeout=timeout,
            markup=False,
        )

    # --------------------------------------------------------------- rendering

    @property
    def shown_marks(self) -> Marks:
        """Highlights belong to now: the past is shown without them."""
        return self.marks if self.moment is None else NO_MARKS

    def refresh_header(self) -> None:
        self.query_one(ClinicHeader).totals = self.engine.day_stats()

    def refresh_doctors(self, doctor_ids: Iterable[str]) -> None:
        table = self.query_one(DoctorTable)
        for doctor_id in doctor_ids:
            doctor = self.engine.doctor(doctor_id)
            stats = self.engine.doctor_stats(doctor_id)
            row = [
                cells.plain(doctor.name),
                cells.utilisation(stats),
                cells.plain(doctor.specialty),
            ]
            table.put_row(doctor_id, row)

    def schedule_row(self, slot: Slot) -> Row:
        stats = self.engine.slot_stats(slot.id)
        flash = self.shown_marks.slot(slot.id, self.monotonic())
        return (
            slot.id,
            [
                cells.slot_time(slot),
                cells.seats(stats),
                cells.waiting(stats),
                cells.slot_flags(stats, flash),
                cells.occupancy(stats),
                cells.served(stats),
            ],
        )

    def show_doctor(self, doctor_id: str, slot_id: str | None = None) -> None:
        """Make ``doctor_id`` the selected doctor and show their schedule."""
        changed = doctor_id != self.doctor_id
        self.doctor_id = doctor_id
        slots = self.engine.slots(doctor_id)
        schedule = self.query_one(ScheduleTable)
        schedule.border_title = cells.content(f"Schedule · {self.engine.doctor(doctor_id).name}")
        schedule.sync_rows([self.schedule_row(slot) for slot in slots])
        doctors = self.query_one(DoctorTable)
        if doctors.cursor_key != doctor_id:
            doctors.select_key(doctor_id)
        target = slot_id or (self.current_slot(slots) if changed else None)
        if target:
            schedule.select_key(target)
            self.show_slot(target)
        elif changed:
            self.show_slot(None)

    def minute_now(self) -> int:
        """The minute of the clinic day on the dashboard's clock: which slots have ended."""
        now = self.wall_clock()
        return now.hour * 60 + now.minute

    def current_slot(self, slots: list[Slot]) -> str | None:
        """The slot a coordinator most likely wants: the first one not over yet."""
        minute = self.minute_now()
        live = [slot for slot in slots if not slot.ended(minute)]
        candidates = live or slots
        return candidates[0].id if candidates else None

    def show_slot(self, slot_id: str | None) -> None:
        fresh = slot_id != self.slot_id
        self.slot_id = slot_id
        booked, waiting = self.query_one(BookedTable), self.query_one(WaitingTable)
        if slot_id is None:
            booked.sync_rows([], fresh=fresh)
            waiting.sync_rows([], fresh=fresh)
            return
        now = self.monotonic()
        view = self.engine.slot_view(slot_id)
        booked.border_title = cells.content(f"Booked · {slot_name(self.engine, slot_id)}")
        booked.sync_rows(
            [
                (
                    seat.token.id,
                    self.token_cells(seat.token, seat.position + 1, now, seat.estimate),
                )
                for seat in view.booked
            ],
            fresh=fresh,
        )
        waiting.border_title = f"Waitlist · {len(view.waiting)}"
        waiting.sync_rows(
            [(t.id, self.token_cells(t, i + 1, now)) for i, t in enumerate(view.waiting)],
            fresh=fresh,
        )

    def token_cells(
        self, token: Token, position: int, now: float, estimate: str | None = None
    ) -> list[Text]:
        mark = self.shown_marks.token(token.id, now)
        row = [
            cells.plain(position),
            cells.plain(token.number),
            cells.plain(token.patient),
            cells.source(token.source, token.priority, self.engine.priorities[token.source]),
            cells.plain(token.arrived_at.strftime("%H:%M")),
        ]
        if estimate is not None:
            done = token.status is Status.SERVED
            row.append(cells.plain(estimate, "dim" if done else ""))
        row += [cells.status(token, mark), cells.preemptions(token.preemptions)]
        return cells.marked(row, mark)

    def refresh_slots(self, slot_ids: set[str]) -> None:
        """Redraw only what ``slot_ids`` touch: doctor loads, schedule rows, the open slot."""
        slots = [self.engine.slot(s) for s in slot_ids]
        self.refresh_doctors({slot.doctor_id for slot in slots})
        mine = [slot for slot in slots if slot.doctor_id == self.doctor_id]
        if mine:
            schedule = self.query_one(ScheduleTable)
            for slot in sorted(mine, key=lambda s: s.start_min):
                schedule.put_row(*self.schedule_row(slot))
        if self.slot_id in slot_ids:
            self.show_slot(self.slot_id)
        overview = self.query_one(OverviewTable)
        if overview.display:
            overview.refresh_slots(self.engine, slot_ids, self.shown_marks, self.monotonic())
        self.refresh_header()

    # ------------------------------------------------------------------ events

    def after(self, events: list[Event], *, elsewhere: bool = False) -> None:
        """Show what an action (ours, or another desk's) changed, and shout about preemptions."""
        if not events:
            return
        self.timeline += events
        self.query_one(ActivityLog).record(events, self.desk.engine, "⇄" if elsewhere else "")
        if self.moment is not None:
            return  # the past does not change; "now" is redrawn on the way back
        alerts = self.marks.note(events, self.monotonic())
        if any(isinstance(e, SlotAdded) for e in events):
            self.refresh_doctors(d.id for d in self.engine.doctors())
        slots = touched_slots(events)
        self.refresh_slots(slots)
        undone = next((e for e in events if isinstance(e, Undone)), None)
        if alerts:
            self.last_alert = alerts[0]
            self.toast(events, alerts)
        elif undone is not None:
            where = "Another desk undid" if elsewhere else "Undone"
            self.notify(f"{where}: {undone.action} {undone.subject}", title="Undo")
        elif elsewhere and self.slot_id in slots:
            self.notify("Another desk changed this slot.", title="Updated")

    def toast(self, events: list[Event], alerts: list[Alert]) -> None:
        lines = []
        preempted = [event for event in events if isinstance(event, Preempted)]
        for event in preempted[:TOAST_LINES]:
            by = f" by {who(self.engine, event.by)}" if event.by else ""
            lines.append(f"▼ {who(self.engine, event.token_id)} preempted{by} ({event.reason})")
        if len(preempted) > TOAST_LINES:
            lines.append(f"▼ {len(preempted) - TOAST_LINES} more preempted (see the log)")
        promoted = sum(not a.preemption for a in alerts)
        if promoted:
            lines.append(f"▲ {promoted} promoted from the waitlist")
        where = slot_name(self.engine, alerts[0].slot_id)
        if alerts[0].slot_id != self.slot_id:
            lines.append("Press j to jump there.")
        title = f"Preemption · {where}" if any(a.preemption for a in alerts) else where
        self.clear_notifications()  # the newest change is the news; the log keeps the rest
        self.notify("\n".join(lines), title=title, severity="warning", timeout=8)

    def tick(self) -> None:
        """Twice a second: bring in other desks' actions and let expired highlights fade."""
        try:
            events = self.desk.poll()
        except OpdError as error:
            self.notify(str(error), severity="error")
            events = []
        if events:
            self.after(events, elsewhere=True)
        if self.marks:
            token_ids, slot_ids = self.marks.expire(self.monotonic())
            for token_id in token_ids:
                slot_ids.add(self.desk.engine.token(token_id).slot_id)
            if slot_ids and self.moment is None:
                self.refresh_slots(slot_ids)

    # ----------------------------------------------------------------- actions

    def perform(self, command: Command) -> list[Event]:
        """Carry out one command at the desk and show its effects; an ``OpdError`` goes back to
        the caller."""
        if self.moment is not None:
            raise ReadOnly("this is the day as it was: press escape to return to now")
        try:
            events = self.desk.act_now(command)
        except StoreError:
            # Not recorded. The desk took the decision back, or rebuilt its engine from the
            # journal: then read the new one.
            if self.desk.engine is not self.engine:
                self.engine = self.desk.engine
                self.redraw()
            raise
        self.after(events)
        return events

    def attempt(
        self, command: Command, *, done: str = "", then: Callable[[], None] | None = None
    ) -> None:
        """Like ``perform``, for keys: a refusal becomes a notification and changes nothing;
        success is confirmed in a toast naming whom it was done to (``done``), then ``then``
        runs. While another desk holds the journal's lock the action is tried again every few
        milliseconds, off the key's path, and the header says so; the screen never freezes."""
        if self.patience.waiting:
            self.notify(
                "Still waiting for another desk to finish writing: your last action is not "
                "recorded yet.",
                severity="warning",
            )
            return

        def run() -> None:
            try:
                self.perform(command)
            except JournalBusy:
                self.try_again_soon(run)
                return
            except OpdError as error:
                self.journal_free()
                self.notify(str(error), title="Not done", severity="error")
                return
            self.journal_free()
            if done:
                self.notify(done, title="Done")
            if then is not None:
                then()

        run()

    def try_again_soon(self, again: Callable[[], None]) -> None:
        """Another desk is writing: try ``again`` shortly, for up to ``BUSY_WAIT`` seconds."""
        self.query_one(ClinicHeader).busy = True
        if not self.patience.more():
            self.journal_free()
            self.notify(
                f"Another desk kept the journal busy for {BUSY_WAIT:.0f} s: nothing was "
                "recorded. Try again.",
                title="Not done",
                severity="error",
            )
            return
        self.set_timer(RETRY_SECONDS, again)

    def journal_free(self) -> None:
        self.patience.over()
        self.query_one(ClinicHeader).busy = False

    def writable(self) -> bool:
        """Whether actions may run now; says why not, before a form is even opened."""
        if self.moment is not None:
            reason = "this is the day as it was: press escape to return to now"
        elif self.desk.read_only:
            reason = self.desk.read_only_why
        else:
            return True
        self.notify(reason, title="Not done", severity="error")
        return False

    def selected_token(self) -> Token | None:
        """The highlighted token of the focused token table, and nothing else: a key acts only on
        the patient the coordinator sees selected."""
        table = self.focused
        key = table.cursor_key if isinstance(table, BookedTable | WaitingTable) else None
        if key is None:
            self.notify(
                "Select a token first: Tab to the Booked list or the Waitlist, then highlight "
                "the patient with the arrow keys.",
                title="No token selected",
                severity="warning",
            )
            return None
        return self.engine.token(key)

    def action_book(self) -> None:
        if not self.writable():
            return
        if self.doctor_id is None or self.slot_id is None:
            self.notify("Select a slot first.", severity="warning")
            return

        def submit(slot_id: str, patient: str, source: str) -> list[Event]:
            return self.perform(Book(slot_id, patient, source))

        def booked(events: list[Event] | None) -> None:
            placed = next((e for e in events or [] if isinstance(e, Placed)), None)
            if placed is not None:
                self.jump_to_token(placed.token_id)
                token = self.engine.token(placed.token_id)
                where = "booked" if token.status is Status.BOOKED else "on the waitlist"
                self.notify(f"{named(token)} {where} · {slot_name(self.engine, token.slot_id)}")

        form = BookForm(self.engine, self.doctor_id, self.slot_id, self.minute_now(), submit)
        self.push_screen(form, booked)

    def confirm_then(self, title: str, question: str, act: Callable[[], object]) -> None:
        """Ask ``question`` first; ``act`` runs only on yes."""

        def answered(yes: bool | None) -> None:
            if yes:
                act()

        self.push_screen(Confirm(title, question), answered)

    def target(self) -> Token | None:
        """The token a key acts on; None, said why, while nothing may be recorded or nothing is
        selected."""
        return self.selected_token() if self.writable() else None

    def action_cancel(self) -> None:
        if token := self.target():
            self.confirm_then(
                "Cancel token",
                f"Cancel {named(token)}? ctrl+z undoes it.",
                lambda: self.attempt(Cancel(token.id), done=f"{named(token)} cancelled"),
            )

    def action_bump(self, up: bool) -> None:
        if token := self.target():
            way = "raised" if up else "lowered"
            self.attempt(Bump(token.id, up=up), done=f"{named(token)} {way} one class")

    def action_serve(self) -> None:
        if token := self.target():
            self.attempt(Serve(token.id), done=f"{named(token)} marked seen")

    def action_no_show(self) -> None:
        if token := self.target():
            self.confirm_then(
                "No-show",
                f"Mark {named(token)} as a no-show? ctrl+z undoes it.",
                lambda: self.attempt(NoShow(token.id), done=f"{named(token)} marked no-show"),
            )

    def action_move(self) -> None:
        token = self.target()
        if token is None:
            return
        if token.status not in (Status.BOOKED, Status.WAITING):
            self.notify(f"{token.number} is {token.status.value.lower()}.", severity="error")
            return
        minute = self.minute_now()

        def move(slot_id: str) -> None:
            def moved() -> None:
                number = self.engine.token(token.id).number
                now = f" (now {number})" if number != token.number else ""
                self.notify(f"{named(token)} moved to {slot_name(self.engine, slot_id)}{now}")
                self.jump_to_token(token.id)

            self.attempt(Move(token.id, slot_id), then=moved)

        def chosen(slot_id: str | None) -> None:
            if not slot_id:
                return
            doubts = move_doubts(self.engine, token, self.engine.slot(slot_id), minute)
            if not doubts:
                move(slot_id)
                return
            where = slot_name(self.engine, slot_id)
            question = f"Move {named(token)} to {where}?\n\n" + "\n".join(doubts)
            self.confirm_then("Move token", question, lambda: move(slot_id))

        self.push_screen(MovePicker(self.engine, token, minute), chosen)

    def action_undo(self) -> None:
        self.attempt(Undo())

    def action_capacity(self, change: int) -> None:
        if self.slot_id is None:
            self.notify("Select a slot first.", severity="warning")
            return
        seats = self.engine.slot(self.slot_id).capacity + change
        self.attempt(SetCapacity(self.slot_id, seats))

    def action_delay(self) -> None:
        if not self.writable():
            return
        if self.doctor_id is None:
            return
        doctor_id = self.doctor_id

        def submit(minutes: int) -> list[Event]:
            return self.perform(Delay(doctor_id, minutes))

        self.push_screen(DelayForm(self.engine.doctor(doctor_id), submit))

    def action_find(self) -> None:
        def chosen(token_id: str | None) -> None:
            if token_id:
                self.jump_to_token(token_id)

        self.push_screen(FindPatient(self.engine), chosen)

    def action_jump(self) -> None:
        if self.last_alert is None:
            self.notify("No preemption or promotion yet.", severity="information")
            return
        self.jump_to_token(self.last_alert.token_id)

    def action_overview(self) -> None:
        switcher = self.query_one(ContentSwitcher)
        overview = self.query_one(OverviewTable)
        if switcher.current == "overview":
            switcher.current = "day"
            self.query_one(ScheduleTable).focus()
        else:
            overview.fill(self.engine, self.shown_marks, self.monotonic())
            switcher.current = "overview"
            overview.focus()

    def action_help(self) -> None:
        ranks = sorted(self.engine.priorities.items(), key=lambda item: -item[1])
        priorities = ", ".join(f"{source.value} {value}" for source, value in ranks)
        self.push_screen(HelpScreen(priorities, self.desk.location))

    def jump_to_token(self, token_id: str) -> None:
        """Select the token's doctor and slot, then put the cursor on the token."""
        token = self.engine.token(token_id)
        slot = self.engine.slot(token.slot_id)
        self.query_one(ContentSwitcher).current = "day"
        self.show_doctor(slot.doctor_id, slot.id)
        table_id = "waiting" if token.status is Status.WAITING else "booked"
        table = self.query_one(f"#{table_id}", Table)
        table.select_key(token.id)
        table.focus()

    # ----------------------------------------------------------------- replay

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Replay keys work only on a replay, and only on the dashboard itself (not in a form)."""
        if action in REPLAY_ACTIONS:
            return self.player is not None and self.screen is self.screen_stack[0]
        return True

    def action_step_forward(self) -> None:
        player = self.player
        if player is None:
            return
        if player.done:
            self.pause("The timeline is over.")
            return
        try:
            step = player.step()
        except OpdError as error:  # a live action changed the day under the timeline
            step = player.skip()
            self.notify(f"Skipped {step.action.describe()}: {error}", severity="warning")
        self.action_back_to_now()
        self.after(list(step.events))
        self.query_one(ReplayBar).refresh()

    def action_step_back(self) -> None:
        player = self.player
        if player is None:
            return
        self.pause()
        if player.position == 0:
            self.notify("This is the start of the day.")
            return
        player.back()
        self.engine = self.desk.engine = player.engine
        self.marks = Marks(self.marks.seconds)  # highlights belonged to the moment left behind
        self.moment = None
        self.query_one(ClinicHeader).moment = None
        self.timeline = player.events()
        log = self.query_one(ActivityLog)
        log.clear()
        log.record_history(self.timeline, self.engine)
        self.redraw()
        self.query_one(ReplayBar).refresh()

    def action_play_pause(self) -> None:
        if self.playing is not None:
            self.pause()
            return
        bar = self.query_one(ReplayBar)
        self.playing = self.set_interval(1 / bar.speed, self.action_step_forward)
        bar.playing = True

    def action_speed(self, change: int) -> None:
        bar = self.query_one(ReplayBar)
        index = SPEEDS.index(bar.speed) + change
        bar.speed = SPEEDS[max(0, min(index, len(SPEEDS) - 1))]
        if self.playing is not None:
            self.pause()
            self.action_play_pause()

    def pause(self, message: str | None = None) -> None:
        if self.playing is not None:
            self.playing.stop()
            self.playing = None
            self.query_one(ReplayBar).playing = False
        if message:
            self.notify(message)

    # ---------------------------------------------------------------- history

    def show_moment(self, seq: int) -> None:
        """Show the whole dashboard as it was just after the day's ``seq``-th event, read-only."""
        self.engine, self.moment = self.past(seq), seq
        at = self.timeline[seq - 1].at if seq else None
        self.query_one(ClinicHeader).moment = f"as at {at:%H:%M:%S} (#{seq})" if at else "#0"
        self.redraw()

    def past(self, seq: int) -> Engine:
        """The day just after its first ``seq`` events. On a replay whose log is the player's own
        record (no live action in it), the player's checkpoints give it quickly; otherwise the
        events are replayed from the start."""
        player = self.player
        if player is not None and self.timeline == player.events():
            return player.engine_after_events(seq)
        past = Engine(clock=self.desk.engine.now, priorities=self.desk.engine.priorities)
        past.apply_all(self.timeline[:seq])
        return past

    def action_back_to_now(self) -> None:
        if self.moment is None:
            return
        self.engine, self.moment = self.desk.engine, None
        self.query_one(ClinicHeader).moment = None
        self.redraw()

    def redraw(self) -> None:
        """Every panel from the engine in view, keeping the selection where it still exists."""
        self.refresh_doctors(d.id for d in self.engine.doctors())
        doctor_id, slot_id = self.doctor_id, self.slot_id
        self.doctor_id = None
        if doctor_id is not None:
            self.show_doctor(doctor_id, slot_id)
        overview = self.query_one(OverviewTable)
        if overview.display:
            overview.fill(self.engine, self.shown_marks, self.monotonic())
        self.refresh_header()

    @on(DataTable.RowSelected, "#log")
    def log_selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            self.show_moment(int(event.row_key.value))

    # -------------------------------------------------------------- selection

    @on(DataTable.RowHighlighted, "#doctors")
    def doctor_highlighted(self, event: DataTable.RowHighlighted) -> None:
        key = self.query_one(DoctorTable).key_at(event.row_key.value)
        if key and key != self.doctor_id:
            self.show_doctor(key)

    @on(DataTable.RowHighlighted, "#schedule")
    def slot_highlighted(self, event: DataTable.RowHighlighted) -> None:
        key = self.query_one(ScheduleTable).key_at(event.row_key.value)
        if key and key != self.slot_id:
            self.show_slot(key)

    @on(DataTable.CellSelected, "#overview")
    def overview_selected(self, event: DataTable.CellSelected) -> None:
        slot_id = self.query_one(OverviewTable).slot_at(event.cell_key)
        if slot_id:
            self.query_one(ContentSwitcher).current = "day"
            self.show_doctor(self.engine.slot(slot_id).doctor_id, slot_id)
            self.query_one(BookedTable).focus()

    # --------------------------------------------------------- command palette

    def get_system_commands(self, screen: Screen[Any]) -> Iterator[SystemCommand]:
        yield from super().get_system_commands(screen)
        for key in KEYS:
            if key.action != "quit" and (self.player is not None or not key.replay):
                yield SystemCommand(
                    f"{key.label} ({key.shown})", key.description, self._runner(key.action)
                )

    def _runner(self, action: str) -> Callable[[], Any]:
        async def run() -> None:
            await self.run_action(action)

        return run
