"""The coordinator's dashboard. It renders what the engine holds and turns keys into desk actions;
it never decides who gets a seat.

Data flows one way: key → desk action → events → marks, log and the affected rows only. What is
shown follows three reactive values: the selected doctor, the selected slot, and the past moment
looked at (none: now); setting one redraws what depends on it. The live day is the desk's
(``desk.engine``); the app only reads it, or the past moment's own engine.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from datetime import datetime

from textual import events, on
from textual.app import App, ComposeResult, SystemCommand
from textual.containers import Horizontal, Vertical
from textual.geometry import Size
from textual.notifications import SeverityLevel
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import ContentSwitcher, DataTable

from ..desk import Desk, ReadOnly
from ..engine import (
    AwaySet,
    Book,
    Bump,
    Call,
    Called,
    CallNext,
    Cancel,
    CheckIn,
    Command,
    Delay,
    Delayed,
    Engine,
    Event,
    MarkedNoShow,
    Move,
    NoShow,
    NoShowOverdue,
    OpdError,
    Placed,
    Preempted,
    Reassign,
    Reassigned,
    Rename,
    ReturnToQueue,
    RoomSet,
    Serve,
    SetAway,
    SetCapacity,
    SetRoom,
    Slot,
    SlotAdded,
    Status,
    Token,
    Undo,
    Undone,
    carry_over_of,
    format_hhmm,
    safe_lines,
    safe_text,
    token_story,
)
from ..scenario import Player
from ..store.base import JournalBusy, StoreError
from . import rows
from .activity import ActivityLog, named, plural, slot_name, state, who
from .commands import KeyCommands
from .footer import KeyFooter
from .header import ClinicHeader
from .history import Past, day_as_it_was
from .keys import DASHBOARD_KEYS, REPLAY_KEYS, bindings, handed_to
from .marks import Alert, Marks
from .overview import OverviewTable
from .patience import BUSY_WAIT, RETRY_SECONDS, Patience
from .queue import QueuePane, QueueTable
from .replay import ReplayBar
from .screens.away import AwayForm
from .screens.base import CHANGED_TITLE, Dialog
from .screens.booking import BookForm, Booking
from .screens.confirm import Confirm
from .screens.delay import DelayForm
from .screens.find import FindPatient
from .screens.help import HelpScreen
from .screens.move import MovePicker, move_doubts
from .screens.reassign import ReassignPicker
from .screens.rename import RenameForm
from .screens.report import ReportScreen, report_in_view
from .screens.room import RoomForm
from .screens.story import StoryScreen
from .tables import BookedTable, DoctorTable, ScheduleTable, Table, WaitingTable
from .titles import content

POLL_SECONDS = 0.5
# Preemptions named in one toast; the rest of a burst from another desk is in the log.
TOAST_LINES = 3
NO_MARKS = Marks(0.0)
PAST_IS_READ_ONLY = "this is the day as it was: press escape to return to now"
# Overdue patients named in the question before they are marked no-show; the rest are counted.
OVERDUE_NAMED = 8
Done = str | Callable[[list[Event]], str]
"""What a key's toast says once its action is recorded: fixed words, or words from its events."""
QUIET_TITLE = "Quiet desk: only refusals and preemptions"
QUIET_ON = (
    "Quiet desk: only refusals, preemptions and promotions, and other desks' changes to the "
    "open slot are toasted; the log keeps every action"
)
QUIET_OFF = "Every action is confirmed in a toast again"


def ordinal(n: int) -> str:
    """``1st``, ``2nd``, ``3rd``, ``11th``, ``22nd``."""
    last = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{last}"


class OpdApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "opd-tui"
    COMMANDS = App.COMMANDS | {KeyCommands}
    # The replay keys are the replay bar's; bound here too, above the tables, so they work
    # wherever the focus is, and handed on to the bar (``action_replay``).
    BINDINGS = [*bindings(DASHBOARD_KEYS), *handed_to("replay", REPLAY_KEYS)]

    doctor_id: var[str | None] = var(None, init=False)
    """The selected doctor: their schedule is shown."""
    slot_id: var[str | None] = var(None, init=False)
    """The selected slot: its booked list and waitlist are shown."""
    past: var[Past | None] = var(None, init=False)
    """The earlier moment looked at from the activity log, read-only; None while showing now."""

    def __init__(
        self,
        desk: Desk,
        *,
        history: Iterable[Event] = (),
        highlight_seconds: float = 6.0,
        monotonic: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], datetime] | None = None,
        player: Player | None = None,
        quiet: bool = False,
    ) -> None:
        super().__init__()
        self.player = player  # on a replay: the replay bar plays it
        self.quiet = quiet  # the desk's own actions are not toasted, only logged
        self.desk = desk
        self.marks = Marks(highlight_seconds)
        self.monotonic = monotonic
        self.wall_clock = wall_clock or desk.engine.now
        self.timeline = list(history)  # every event of the day, in order: the log's numbering
        self.last_alert: Alert | None = None
        self.patience = Patience()  # for the key whose action waits for another desk
        self.drawn_minute: datetime | None = None  # the minute the times in the room count to
        self.listed_slot: str | None = None  # the slot whose lists were drawn last

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
                    yield QueuePane(id="queue")
            yield OverviewTable(id="overview")
        yield ActivityLog(id="log")
        if self.player is not None:
            yield ReplayBar(self.player, id="replay")
        yield KeyFooter()

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
    def engine(self) -> Engine:
        """The day in view: the past moment's while looking back, else the desk's, live."""
        return self.desk.engine if self.past is None else self.past.engine

    @property
    def moment(self) -> int | None:
        """While looking back: how many of the day's events the view holds."""
        return None if self.past is None else self.past.seq

    @property
    def shown_marks(self) -> Marks:
        """Highlights belong to now: the past is shown without them."""
        return self.marks if self.past is None else NO_MARKS

    @property
    def queue_shown(self) -> bool:
        """Whether the selected doctor's queue takes the place of the slot's lists."""
        return self.query_one(QueuePane).display

    def show_queue(self, shown: bool) -> None:
        """The queue in place of the slot's lists, or the lists again, drawn as they are now.
        Each panel's own ``display``, not a class on the app: a class would restyle every
        widget on the screen (a tenth of a second on a hospital day)."""
        if shown == self.queue_shown:
            return
        self.query_one(BookedTable).display = not shown
        self.query_one(WaitingTable).display = not shown
        self.query_one(QueuePane).display = shown
        if shown:
            self.draw_queue()
        else:
            self.draw_slot(fresh=self.listed_slot != self.slot_id)

    def seen_at(self) -> datetime:
        """The time the day in view is seen at: the past moment's, else the dashboard's clock.
        Expected call times and the minutes in the room count from it."""
        past = self.past
        return past.at if past is not None and past.at is not None else self.wall_clock()

    def refresh_header(self) -> None:
        self.query_one(ClinicHeader).totals = self.engine.day_stats()

    def refresh_doctors(self, doctor_ids: Iterable[str]) -> None:
        table = self.query_one(DoctorTable)
        for doctor_id in doctor_ids:
            table.put_row(*rows.doctor_row(self.engine, doctor_id))

    def show_doctor(self, doctor_id: str, slot_id: str | None = None) -> None:
        """Select ``doctor_id`` and ``slot_id``; without a slot, another doctor opens on their
        first slot not over yet."""
        if slot_id is not None:
            self.slot_id = slot_id  # first, so the doctor's schedule opens on it
        self.doctor_id = doctor_id

    def watch_doctor_id(self) -> None:
        self.draw_schedule()
        self.draw_queue()

    def watch_slot_id(self, slot_id: str | None) -> None:
        if slot_id is not None:
            self.query_one(ScheduleTable).select_key(slot_id)
        self.draw_slot(fresh=True)

    def draw_schedule(self) -> None:
        """The selected doctor's schedule with the selected slot on it; if that slot is not one of
        theirs, the first of theirs not over yet is selected instead."""
        doctor_id, slot_id = self.doctor_id, self.slot_id
        if doctor_id is None:
            return
        engine = self.engine
        slots = engine.slots(doctor_id)
        schedule = self.query_one(ScheduleTable)
        self.title_schedule(engine, doctor_id)
        schedule.sync_rows(rows.schedule_rows(engine, slots, self.shown_marks, self.monotonic()))
        doctors = self.query_one(DoctorTable)
        if doctors.cursor_key != doctor_id:
            doctors.select_key(doctor_id)
        if slot_id is not None and any(slot.id == slot_id for slot in slots):
            schedule.select_key(slot_id)
        else:
            self.slot_id = self.current_slot(slots)

    def title_schedule(self, engine: Engine, doctor_id: str) -> None:
        """The schedule's title: whose it is, and the room they are in."""
        doctor = engine.doctor(doctor_id)
        room = f" · room {doctor.room}" if doctor.room else ""
        self.query_one(ScheduleTable).border_title = content(f"Schedule · {doctor.name}{room}")

    def draw_queue(self) -> None:
        """The selected doctor's queue, only while it is shown: it is worked out afresh."""
        if not self.queue_shown or self.doctor_id is None:
            return
        pane = self.query_one(QueuePane)
        pane.draw(self.engine, self.doctor_id, self.shown_marks, self.monotonic(), self.seen_at())

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

    def draw_slot(self, *, fresh: bool = False) -> None:
        """The selected slot's booked list and waitlist; ``fresh`` when the lists showed another
        slot, so their cursors start again at the top. Not while the queue hides them: they are
        drawn when they are shown again."""
        if self.queue_shown:
            return
        booked, waiting = self.query_one(BookedTable), self.query_one(WaitingTable)
        slot_id = self.listed_slot = self.slot_id
        if slot_id is None:
            booked.sync_rows([], fresh=fresh)
            waiting.sync_rows([], fresh=fresh)
            return
        engine, marks, now, at = self.engine, self.shown_marks, self.monotonic(), self.seen_at()
        self.drawn_minute = at.replace(second=0, microsecond=0)
        view = engine.slot_view(slot_id, at)
        booked.border_title = content(f"Booked · {slot_name(engine, slot_id)}")
        booked.sync_rows(rows.booked_rows(engine, view, marks, now, at), fresh=fresh)
        waiting.border_title = f"Waitlist · {len(view.waiting)}"
        waiting.sync_rows(rows.waiting_rows(engine, view, marks, now, at), fresh=fresh)

    def refresh_slots(self, slot_ids: set[str]) -> None:
        """Redraw only what ``slot_ids`` touch: doctor loads, schedule rows, the open slot, and
        the queue while it is shown. Any slot of the selected doctor redraws the open slot too:
        a present patient's expected call follows everyone before them in the doctor's order."""
        engine, marks = self.engine, self.shown_marks
        slots = [engine.slot(s) for s in slot_ids]
        self.refresh_doctors({slot.doctor_id for slot in slots})
        mine = [slot for slot in slots if slot.doctor_id == self.doctor_id]
        if mine:
            schedule = self.query_one(ScheduleTable)
            now = self.monotonic()
            for slot in sorted(mine, key=lambda s: s.start_min):
                schedule.put_row(*rows.schedule_row(engine, slot, marks, now))
            self.draw_queue()
        if self.slot_id in slot_ids or (mine and self.slot_id is not None):
            self.draw_slot()
        overview = self.query_one(OverviewTable)
        if overview.display:
            overview.refresh_slots(engine, slot_ids, marks, self.monotonic())
        self.refresh_header()

    def redraw(self) -> None:
        """Every panel from the engine in view, keeping the selection where it still exists."""
        self.refresh_doctors(d.id for d in self.engine.doctors())
        slot_id = self.slot_id
        self.draw_schedule()
        if self.slot_id == slot_id:  # else the new slot's lists are drawn already
            self.draw_slot()
        self.draw_queue()
        overview = self.query_one(OverviewTable)
        if overview.display:
            overview.fill(self.engine, self.shown_marks, self.monotonic())
        self.refresh_header()

    # ------------------------------------------------------------------ events

    def after(self, events: list[Event], *, elsewhere: bool = False) -> None:
        """Show what an action (ours, or another desk's) changed, and shout about preemptions."""
        if not events:
            return
        self.timeline += events
        self.query_one(ActivityLog).record(events, self.desk.engine, "⇄" if elsewhere else "")
        if self.past is not None:
            return  # the past does not change; "now" is redrawn on the way back
        alerts = self.marks.note(events, self.monotonic())
        if any(isinstance(e, SlotAdded) for e in events):
            self.refresh_doctors(d.id for d in self.engine.doctors())
        if self.doctor_id is not None and any(
            isinstance(e, RoomSet) and e.doctor_id == self.doctor_id for e in events
        ):
            self.title_schedule(self.engine, self.doctor_id)
            self.draw_queue()
        away = [e.doctor_id for e in events if isinstance(e, AwaySet)]
        if away:
            self.refresh_doctors(away)
        slots = rows.touched_slots(events, self.engine)
        self.refresh_slots(slots)
        undone = next((e for e in events if isinstance(e, Undone)), None)
        if alerts:
            self.last_alert = alerts[0]
            self.toast(events, alerts)
        if undone is not None:
            if elsewhere:
                self.notify(f"Another desk undid: {undone.action} {undone.subject}", title="Undo")
            else:
                self.tell(f"Undone: {undone.action} {undone.subject}", title="Undo")
        elif elsewhere and not alerts and self.slot_id in slots:
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
        self.catch_up()
        if self.marks:
            token_ids, slot_ids = self.marks.expire(self.monotonic())
            for token_id in token_ids:
                slot_ids.add(self.desk.engine.token(token_id).slot_id)
            if slot_ids and self.past is None:
                self.refresh_slots(slot_ids)
        self.follow_the_minute()

    def catch_up(self) -> list[Event]:
        """Bring in what other desks recorded since the last look: shown, and told to every
        open dialog whose token, slot or doctor it touches, which closes or updates."""
        try:
            events = self.desk.poll()
        except OpdError as error:
            self.notify(str(error), severity="error")
            events = []
        if events:
            self.after(events, elsewhere=True)
            self.tell_dialogs(events)
        return events

    def tell_dialogs(self, events: list[Event]) -> None:
        engine = self.desk.engine
        for screen in reversed(self.screen_stack):
            if isinstance(screen, Dialog) and screen.about().touched_by(events, engine):
                screen.changed_elsewhere(events, engine)

    def tell(self, words: str, *, title: str = "Done") -> None:
        """The toast that confirms the desk's own action; a quiet desk leaves it to the log."""
        if not self.quiet:
            self.notify(words, title=title)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        now = "on" if self.quiet else "off"
        yield SystemCommand(
            QUIET_TITLE,
            f"Now {now}. Toast only refusals, preemptions and other desks' changes",
            self.action_toggle_quiet,
        )

    def action_toggle_quiet(self) -> None:
        self.quiet = not self.quiet
        self.notify(
            QUIET_ON if self.quiet else QUIET_OFF,
            title="Quiet desk on" if self.quiet else "Quiet desk off",
        )

    def follow_the_minute(self) -> None:
        """When the minute turns, the times that count from it move on: the minutes in the room,
        the expected calls of the open slot and of the queue."""
        at = self.seen_at().replace(second=0, microsecond=0)
        if at == self.drawn_minute:
            return
        self.drawn_minute = at
        self.draw_slot()
        self.draw_queue()

    # ----------------------------------------------------------------- actions

    def perform(self, command: Command) -> list[Event]:
        """Carry out one command at the desk and show its effects; an ``OpdError`` goes back to
        the caller."""
        if self.past is not None:
            raise ReadOnly(PAST_IS_READ_ONLY)
        engine = self.desk.engine
        try:
            events = self.desk.act_now(command)
        except StoreError:
            # Not recorded. The desk took the decision back, or rebuilt its engine from the
            # journal: then show the new one.
            if self.desk.engine is not engine:
                self.redraw()
            raise
        self.after(events)
        return events

    def attempt(
        self, command: Command, *, done: Done = "", then: Callable[[], None] | None = None
    ) -> None:
        """Like ``perform``, for keys: a refusal becomes a notification and changes nothing;
        success is confirmed in a toast naming whom it was done to (``done``, or what it makes
        of the action's events), then ``then`` runs. While another desk holds the journal's
        lock the action is tried again every few milliseconds, off the key's path, and the
        header says so; the screen never freezes."""
        if self.patience.waiting:
            self.notify(
                "Still waiting for another desk to finish writing: your last action is not "
                "recorded yet.",
                severity="warning",
            )
            return

        def run() -> None:
            try:
                events = self.perform(command)
            except JournalBusy:
                self.try_again_soon(run)
                return
            except OpdError as error:
                self.journal_free()
                self.notify(str(error), title="Not done", severity="error")
                return
            self.journal_free()
            words = done if isinstance(done, str) else done(events)
            if words:
                self.tell(words)
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
        if self.past is not None:
            reason = PAST_IS_READ_ONLY
        elif self.desk.read_only:
            reason = self.desk.read_only_why
        else:
            return True
        self.notify(reason, title="Not done", severity="error")
        return False

    def selected_token(self) -> Token | None:
        """The highlighted token of the focused token table (the slot's lists or the queue), and
        nothing else: a key acts only on the patient the coordinator sees selected."""
        table = self.focused
        key = (
            table.cursor_key if isinstance(table, BookedTable | WaitingTable | QueueTable) else None
        )
        if key is None:
            self.notify(
                "Select a token first: Tab to the Booked list, the Waitlist or the queue, then "
                "highlight the patient with the arrow keys.",
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

        def submit(b: Booking) -> list[Event]:
            command = Book(b.slot_id, b.patient, b.source, b.phone, b.patient_id, b.again)
            return self.perform(command)

        def booked(events: list[Event] | None) -> None:
            placed = next((e for e in events or [] if isinstance(e, Placed)), None)
            if placed is not None:
                self.jump_to_token(placed.token_id)
                token = self.engine.token(placed.token_id)
                words = self.booked_words(token)
                for other in self.engine.same_patient(token.id):
                    whose = self.engine.doctor(self.engine.slot(other.slot_id).doctor_id).name
                    words += f"\nalso holds {other.number} with {whose} today"
                self.tell(words)

        form = BookForm(self.engine, self.doctor_id, self.slot_id, self.minute_now(), submit)
        self.push_screen(form, booked)

    def booked_words(self, token: Token) -> str:
        """``RAO-033 Meera Joshi booked · 3rd on the waitlist · Dr Asha Rao 09:00``."""
        where = slot_name(self.engine, token.slot_id)
        if token.status is not Status.WAITING:
            return f"{named(token)} booked · {where}"
        waiting = self.engine.slot_view(token.slot_id, self.seen_at()).waiting
        place = next((i for i, t in enumerate(waiting, 1) if t.id == token.id), len(waiting))
        return f"{named(token)} booked · {ordinal(place)} on the waitlist · {where}"

    def confirm_then(
        self, title: str, question: str, act: Callable[[], object], *, about: Iterable[Token] = ()
    ) -> None:
        """Ask ``question`` first; ``act`` runs only on yes, and only if another desk has not
        changed the tokens it is ``about`` meanwhile: the journal is read once more first, and a
        question that no longer stands is said so and not acted on."""
        confirm = Confirm(title, question, about=about)

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            self.catch_up()
            if notice := confirm.stale(self.desk.engine):
                self.notify(notice, title=CHANGED_TITLE, severity="warning")
                return
            act()

        self.push_screen(confirm, answered)

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
                about=[token],
            )

    def action_bump(self, up: bool) -> None:
        if token := self.target():
            way = "raised" if up else "lowered"
            self.attempt(Bump(token.id, up=up), done=f"{named(token)} {way} one class")

    def action_serve(self) -> None:
        if token := self.target():

            def seen(events: list[Event]) -> str:
                minutes = self.engine.token(token.id).minutes
                after = "" if minutes is None else f" after {minutes:.0f} min in the room"
                return f"{named(token)} marked seen{after}"

            self.attempt(Serve(token.id), done=seen)

    def selected_doctor(self) -> str | None:
        """The doctor a doctor's key acts on: the one selected; None, said why, while nothing may
        be recorded."""
        if not self.writable():
            return None
        if self.doctor_id is None:
            self.notify("Select a doctor first.", severity="warning")
        return self.doctor_id

    def action_check_in(self) -> None:
        if token := self.target():
            self.attempt(CheckIn(token.id), done=lambda _: self.checked_in_words(token))

    def checked_in_words(self, token: Token) -> str:
        """``RAO-014 Sneha Pillai checked in · expected call ≈ 09:40``."""
        slot = self.engine.slot(token.slot_id)
        queue = self.engine.queue(slot.doctor_id, self.seen_at())
        at = next((e.at for e in queue.next_up if e.token.id == token.id), None)
        if at is not None:
            return f"{named(token)} checked in · expected call ≈ {at:%H:%M}"
        return f"{named(token)} checked in · on the waitlist: called once seated"

    def action_call_next(self) -> None:
        if doctor_id := self.selected_doctor():
            self.attempt(CallNext(doctor_id), done=self.called_words)

    def action_call(self) -> None:
        if token := self.target():
            self.attempt(Call(token.id), done=self.called_words)

    def called_words(self, events: list[Event]) -> str:
        """``RAO-014 Sneha Pillai called to room 3 (out of turn)``."""
        called = next(e for e in events if isinstance(e, Called))
        token = self.engine.token(called.token_id)
        room = self.engine.doctor(self.engine.slot(called.slot_id).doctor_id).room
        to = f" to room {room}" if room else " in"
        turn = "" if called.in_turn else " (out of turn)"
        return f"{named(token)} called{to}{turn}"

    def action_return_to_queue(self) -> None:
        token = self.target()
        if token is None:
            return

        def returned(events: list[Event]) -> str:
            calls = self.engine.token(token.id).unanswered
            return (
                f"{named(token)} returned to the queue ({calls} unanswered {plural(calls, 'call')})"
            )

        def offer_no_show() -> None:
            now = self.engine.token(token.id)
            if now.unanswered >= self.engine.visit.calls and now.status.is_live:
                calls = f"{now.unanswered} {plural(now.unanswered, 'call')}"
                question = f"{named(now)} did not answer {calls}: mark as no-show?"
                self.confirm_then(
                    "No-show",
                    question,
                    lambda: self.attempt(NoShow(token.id), done=f"{named(now)} marked no-show"),
                    about=[now],
                )

        self.attempt(ReturnToQueue(token.id), done=returned, then=offer_no_show)

    def action_no_show_overdue(self) -> None:
        doctor_id = self.selected_doctor()
        if doctor_id is None:
            return
        doctor = self.engine.doctor(doctor_id)
        late = self.engine.overdue(doctor_id)
        grace = self.engine.visit.grace
        rule = f"booked, not checked in, {grace} min after their slot ended"
        if not late:
            self.notify(
                f"Nobody is overdue for {doctor.name} ({rule}).", title="Not done", severity="error"
            )
            return
        names = [f"{named(t)} · {self.engine.slot(t.slot_id).label}" for t in late]
        if len(names) > OVERDUE_NAMED:
            names[OVERDUE_NAMED - 1 :] = [f"… and {len(late) - OVERDUE_NAMED + 1} more"]
        count = f"{len(late)} overdue {plural(len(late), 'patient')}"
        question = (
            f"Mark {count} of {doctor.name} as no-show?\n\n"
            + "\n".join(names)
            + f"\n\nOverdue: {rule}. ctrl+z undoes it."
        )

        def marked(events: list[Event]) -> str:
            gone = sum(isinstance(e, MarkedNoShow) for e in events)
            return f"{gone} overdue {plural(gone, 'patient')} of {doctor.name} marked no-show"

        self.confirm_then(
            "Overdue",
            question,
            lambda: self.attempt(NoShowOverdue(doctor_id), done=marked),
            about=late,
        )

    def action_room(self) -> None:
        doctor_id = self.selected_doctor()
        if doctor_id is None:
            return

        def submit(room: str) -> list[Event]:
            return self.perform(SetRoom(doctor_id, room))

        def set_(events: list[Event] | None) -> None:
            if events:
                doctor = self.engine.doctor(doctor_id)
                where = f"in room {doctor.room}" if doctor.room else "without a room"
                self.tell(f"{doctor.name} is {where} now")

        self.push_screen(RoomForm(self.engine.doctor(doctor_id), submit), set_)

    def action_away(self) -> None:
        doctor_id = self.selected_doctor()
        if doctor_id is None:
            return

        def submit(at: str | None) -> list[Event]:
            return self.perform(SetAway(doctor_id, at))

        def set_(events: list[Event] | None) -> None:
            if not events:
                return
            doctor = self.engine.doctor(doctor_id)
            if doctor.away is None:
                self.tell(f"{doctor.name} is here: takes new patients again")
                return
            picker = ReassignPicker(self.engine, doctor_id, self.minute_now())
            self.tell(f"{doctor.name} away from {format_hhmm(doctor.away)}")
            if picker.patients:
                self.push_screen(picker, lambda choice: self.reassign_to(doctor_id, choice))

        minute = self.minute_now()
        self.push_screen(AwayForm(self.engine.doctor(doctor_id), minute, submit), set_)

    def action_reassign(self) -> None:
        doctor_id = self.selected_doctor()
        if doctor_id is None:
            return
        picker = ReassignPicker(self.engine, doctor_id, self.minute_now())
        if not picker.patients:
            name = self.engine.doctor(doctor_id).name
            self.notify(f"{name} has no waiting or booked patients to reassign", severity="warning")
            return
        self.push_screen(picker, lambda choice: self.reassign_to(doctor_id, choice))

    def reassign_to(self, doctor_id: str, choice: tuple[str, str | None] | None) -> None:
        if choice is None:
            return
        to_doctor_id, slot_id = choice

        def words(events: list[Event]) -> str:
            moved = [e.token_id for e in events if isinstance(e, Reassigned)]
            seated = sum(1 for t in moved if self.engine.token(t).status is Status.BOOKED)
            bumped = sum(1 for e in events if isinstance(e, Preempted))
            origin = self.engine.doctor(doctor_id).name
            target = self.engine.doctor(to_doctor_id).name
            there = f"; {bumped} preempted there" if bumped else ""
            return (
                f"{len(moved)} {plural(len(moved), 'patient')} of {origin} to {target}: "
                f"{seated} seated, {len(moved) - seated} waiting{there}"
            )

        self.attempt(Reassign(doctor_id, to_doctor_id, slot_id), done=words)

    def action_carry_over(self) -> None:
        if not self.writable():
            return
        earlier = self.desk.earlier_day()
        if earlier is None:
            self.notify(
                "No earlier day to carry patients over from: that needs a journal kept "
                "over more than one day.",
                severity="warning",
            )
            return
        day, engine = earlier
        command, left = carry_over_of(engine, self.engine, day.isoformat())
        when = f"{day:%a} {day.day} {day:%b}"
        if not command.patients:
            self.notify(f"Nobody was left unseen on {when}.", severity="information")
            return
        count = len(command.patients)
        question = (
            f"Carry the {count} {plural(count, 'patient')} left waiting or booked but unseen on "
            f"{when} into today's matching slots? Among themselves they keep their order; the "
            "rule decides who sits."
        )
        if left:
            question += f"\n{len(left)} had no matching slot today and stay closed with {when}."
        question += "\nctrl+z undoes it."

        def words(events: list[Event]) -> str:
            placed = [e for e in events if isinstance(e, Placed)]
            seated = sum(1 for e in placed if self.engine.token(e.token_id).status is Status.BOOKED)
            out = f"{len(placed)} carried over from {when}: {seated} seated, "
            out += f"{len(placed) - seated} waiting"
            if len(placed) < count:
                out += f"; {count - len(placed)} already booked today, left out"
            return out

        self.confirm_then("Carry over", question, lambda: self.attempt(command, done=words))

    def action_queue(self) -> None:
        """Show the selected doctor's queue in place of the slot's lists, or the lists again;
        from the overview, the queue."""
        switcher = self.query_one(ContentSwitcher)
        shown = not self.queue_shown or switcher.current == "overview"
        switcher.current = "day"
        self.show_queue(shown)
        self.query_one(QueueTable if shown else BookedTable).focus()

    def action_no_show(self) -> None:
        if token := self.target():
            self.confirm_then(
                "No-show",
                f"Mark {named(token)} as a no-show? ctrl+z undoes it.",
                lambda: self.attempt(NoShow(token.id), done=f"{named(token)} marked no-show"),
                about=[token],
            )

    def action_move(self) -> None:
        token = self.target()
        if token is None:
            return
        if token.status not in (Status.BOOKED, Status.WAITING):
            self.notify(f"{token.number} is {state(token.status)}.", severity="error")
            return
        minute = self.minute_now()

        def move(slot_id: str) -> None:
            def moved() -> None:
                number = self.engine.token(token.id).number
                now = f" (now {number})" if number != token.number else ""
                self.tell(f"{named(token)} moved to {slot_name(self.engine, slot_id)}{now}")
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
            self.confirm_then("Move token", question, lambda: move(slot_id), about=[token])

        self.push_screen(MovePicker(self.engine, token, minute), chosen)

    def action_undo(self) -> None:
        self.attempt(Undo())

    def action_capacity(self, change: int) -> None:
        if self.slot_id is None:
            self.notify("Select a slot first.", severity="warning")
            return
        slot_id = self.slot_id
        seats = self.engine.slot(slot_id).capacity + change

        def words(events: list[Event]) -> str:
            what = "Seat added" if change > 0 else "Seat taken away"
            now = self.engine.slot(slot_id).capacity
            return f"{what} · {slot_name(self.engine, slot_id)} has {now} {plural(now, 'seat')}"

        self.attempt(SetCapacity(slot_id, seats), done=words)

    def action_rename(self) -> None:
        token = self.target()
        if token is None:
            return
        if not token.status.is_live:
            self.notify(
                f"{token.number} is {state(token.status)}: only a booked or waiting "
                "token can be renamed.",
                severity="error",
            )
            return

        def submit(patient: str) -> list[Event]:
            return self.perform(Rename(token.id, patient))

        def renamed(events: list[Event] | None) -> None:
            if events:
                self.tell(f"{token.number} is now {self.engine.token(token.id).patient}")

        self.push_screen(RenameForm(token, submit), renamed)

    def action_story(self) -> None:
        """Why the selected token waits where it does. It only reads, so it is told on a
        read-only day and of the past moment in view too: from the events up to that moment."""
        token = self.selected_token()
        if token is None:
            return
        past = self.past
        events = self.timeline if past is None else self.timeline[: past.seq]
        story = token_story(token.id, events, self.engine, self.seen_at())
        self.push_screen(StoryScreen(story))

    def action_delay(self) -> None:
        if not self.writable():
            return
        if self.doctor_id is None:
            return
        doctor_id = self.doctor_id

        def submit(minutes: int) -> list[Event]:
            return self.perform(Delay(doctor_id, minutes))

        def delayed(events: list[Event] | None) -> None:
            shift = next((e for e in events or [] if isinstance(e, Delayed)), None)
            if shift is None:
                return
            name = self.engine.doctor(doctor_id).name
            slots = f"{len(shift.slot_ids)} {plural(len(shift.slot_ids), 'slot')} shifted"
            if shift.minutes >= 0:
                self.tell(f"{name} running {shift.minutes} min later · {slots}")
            else:
                self.tell(f"{name} caught up {-shift.minutes} min · {slots}")

        self.push_screen(DelayForm(self.engine.doctor(doctor_id), submit), delayed)

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

    def action_report(self) -> None:
        """The day's report, of the day in view: now, or the moment looked back at."""
        past = self.past
        report = report_in_view(
            self.engine,
            self.timeline if past is None else self.timeline[: past.seq],
            clinic=self.desk.clinic_name,
            day=self.desk.day,
            end=self.seen_at(),
            player=self.player,
        )
        moment = f"as at {self.seen_at():%H:%M}" if past is None else past.label
        self.push_screen(ReportScreen(report, moment, width=self.size.width))

    def action_help(self) -> None:
        ranks = sorted(self.engine.priorities.items(), key=lambda item: -item[1])
        priorities = ", ".join(f"{source.value} {value}" for source, value in ranks)
        self.push_screen(HelpScreen(priorities, self.desk.location, self.engine.visit))

    async def action_quit(self) -> None:
        """Quit, asking first when the desk keeps actions nowhere (a day in memory): they would
        be lost. A journal's day, or a memory day nobody acted on, quits at once."""
        lost = self.desk.unsaved
        if not lost:
            self.exit()
            return
        actions = "action" if lost == 1 else "actions"
        question = f"Quit and lose this day's {lost} {actions}? y quits"
        self.confirm_then("Quit", question, self.exit)

    def jump_to_token(self, token_id: str) -> None:
        """Select the token's doctor and slot, then put the cursor on the token."""
        token = self.engine.token(token_id)
        slot = self.engine.slot(token.slot_id)
        self.query_one(ContentSwitcher).current = "day"
        self.show_queue(False)  # the token is shown in its slot's list
        self.show_doctor(slot.doctor_id, slot.id)
        table_id = "waiting" if token.status is Status.WAITING else "booked"
        table = self.query_one(f"#{table_id}", Table)
        table.select_key(token.id)
        table.focus()

    # ----------------------------------------------------------------- replay

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Replay keys work only on a replay, and only on the dashboard itself (not in a form)."""
        if action == "replay":
            return self.player is not None and self.screen is self.screen_stack[0]
        return True

    async def action_replay(self, action: str) -> None:
        """A replay key, handed on to the replay bar, whose action it is."""
        await self.query_one(ReplayBar).run_action(action)

    @on(ReplayBar.Stepped)
    def replay_stepped(self, message: ReplayBar.Stepped) -> None:
        self.past = None  # the step is news: back to now
        self.after(list(message.events))

    @on(ReplayBar.Rewound)
    def replay_rewound(self, message: ReplayBar.Rewound) -> None:
        """The replay went back a step: the day is the player's record again, shown as it is
        now, without the highlights of the moment left behind."""
        self.marks = Marks(self.marks.seconds)
        self.timeline = message.events
        log = self.query_one(ActivityLog)
        log.clear()
        log.record_history(self.timeline, self.desk.engine)
        if self.past is None:
            self.redraw()
        else:
            self.past = None  # redrawn on the way back

    # ---------------------------------------------------------------- history

    def show_moment(self, seq: int) -> None:
        """Show the whole dashboard as it was just after the day's ``seq``-th event, read-only."""
        self.past = day_as_it_was(seq, self.timeline, self.desk.engine, self.player)

    def watch_past(self, past: Past | None) -> None:
        self.query_one(ClinicHeader).moment = None if past is None else past.label
        self.redraw()

    def action_back_to_now(self) -> None:
        self.past = None

    @on(DataTable.RowSelected, "#log")
    def log_selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            self.show_moment(int(event.row_key.value))

    # -------------------------------------------------------------- selection

    # The cursor of the doctors or the schedule selects; selecting puts the cursor on the row.
    # A highlight the cursor has left since (one from before the last selection) is old news:
    # it would select again what was just left.

    @on(DataTable.RowHighlighted, "#doctors")
    def doctor_highlighted(self, event: DataTable.RowHighlighted) -> None:
        table = self.query_one(DoctorTable)
        if event.cursor_row == table.cursor_row and (key := table.key_at(event.row_key.value)):
            self.doctor_id = key

    @on(DataTable.RowHighlighted, "#schedule")
    def slot_highlighted(self, event: DataTable.RowHighlighted) -> None:
        table = self.query_one(ScheduleTable)
        if event.cursor_row == table.cursor_row and (key := table.key_at(event.row_key.value)):
            self.slot_id = key

    @on(DataTable.CellSelected, "#overview")
    def overview_selected(self, event: DataTable.CellSelected) -> None:
        slot_id = self.query_one(OverviewTable).slot_at(event.cell_key)
        if slot_id:
            self.query_one(ContentSwitcher).current = "day"
            self.show_queue(False)  # a slot was chosen: its lists are shown
            self.show_doctor(self.engine.slot(slot_id).doctor_id, slot_id)
            self.query_one(BookedTable).focus()
