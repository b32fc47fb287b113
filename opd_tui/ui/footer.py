"""The footer: Textual's, showing only the keys that fit whole, in the order of ``keys.FOOTER``.

Textual's footer scrolls sideways without a sign, so on a narrow terminal the keys past its right
edge are simply not there. This one gives way by the key table's order: the first key that does
not fit is left out with every key after it, and ``?`` (first, so always on screen) counts what
is left out: ``? Help +9``. When not every key fits it packs them closer (Textual's compact
style), and below ``PALETTE_FROM`` columns leaves the command palette's key to the help screen.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.binding import ActiveBinding
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

PALETTE_FROM = 110  # columns from which a packed footer keeps the command palette's key
HELP_ACTION = "help"


def key_width(key: str, description: str, compact: bool) -> int:
    """The columns a key takes in the footer, with its gap to the next (Textual's footer CSS:
    ``␣k␣desc␣`` apart, ``k␣desc`` and a margin when compact)."""
    return cell_len(key) + cell_len(description) + (2 if compact else 3)


def fitting(widths: list[int], width: int, first_when_cut: int) -> int:
    """How many of the keys, ``widths`` in order, fit in ``width`` columns whole, the first
    taking ``first_when_cut`` columns once any is left out."""
    if sum(widths) <= width:
        return len(widths)
    used = first_when_cut
    shown = 1
    for columns in widths[1:]:
        if used + columns > width:
            break
        used += columns
        shown += 1
    return shown


class KeyFooter(Footer):
    def __init__(self) -> None:
        super().__init__()
        self.drawn_width = 0

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        width = self.app.size.width
        self.drawn_width = width
        keys: dict[str, ActiveBinding] = {}  # by action: the first key bound to it
        for active in self.screen.active_bindings.values():
            if active.binding.show:
                keys.setdefault(active.binding.action, active)
        palette = None
        if self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE:
            palette = self.screen.active_bindings.get(self.app.COMMAND_PALETTE_BINDING)
        shown, compact = self._fit(list(keys.values()), palette, width)
        self.set_reactive(Footer.compact, compact)
        self.set_class(compact, "-compact")
        for index, active in enumerate(shown):
            binding = active.binding
            text = binding.description
            if index == 0 and binding.action == HELP_ACTION and len(shown) < len(keys):
                text = f"{text} +{len(keys) - len(shown)}"
            yield FooterKey(
                binding.key,
                self.app.get_key_display(binding),
                text,
                binding.action,
                disabled=not active.enabled,
                tooltip=active.tooltip,
            ).data_bind(compact=Footer.compact)
        if palette is not None and (not compact or width >= PALETTE_FROM):
            binding = palette.binding
            yield FooterKey(
                binding.key,
                self.app.get_key_display(binding),
                binding.description,
                binding.action,
                classes="-command-palette",
                disabled=not palette.enabled,
                tooltip=binding.tooltip or binding.description,
            )

    def _fit(
        self, keys: list[ActiveBinding], palette: ActiveBinding | None, width: int
    ) -> tuple[list[ActiveBinding], bool]:
        """The keys shown, and whether packed close: spaced out if every key fits so, else
        packed, the command palette's key kept only from ``PALETTE_FROM`` columns."""
        display = self.app.get_key_display
        for compact in (False, True):
            room = width
            if palette is not None and (not compact or width >= PALETTE_FROM):
                room -= key_width(display(palette.binding), palette.binding.description, False) + 2
            widths = [key_width(display(k.binding), k.binding.description, compact) for k in keys]
            if not compact and sum(widths) > room:
                continue
            first = 0
            if keys and keys[0].binding.action == HELP_ACTION:
                # wide enough for any count of keys left out
                text = f"{keys[0].binding.description} +{len(keys)}"
                first = key_width(display(keys[0].binding), text, compact)
            return keys[: fitting(widths, room, first)], compact
        raise AssertionError("unreachable")

    def on_resize(self, event: events.Resize) -> None:
        if self.app.size.width != self.drawn_width:
            self.call_after_refresh(self.recompose)
