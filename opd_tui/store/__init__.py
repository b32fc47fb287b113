"""The journal: records what the engine decided and replays it. Never decides anything itself."""

from .base import (
    OPEN_DAY,
    Action,
    DayInfo,
    Decision,
    JournalBusy,
    NewDay,
    Previous,
    Receipt,
    Recorded,
    RecordedText,
    Store,
    StoreError,
    Transaction,
)
from .codec import as_dict, decode, encode
from .desk import (
    JournalDesk,
    NewClinic,
    Outcome,
    Request,
    carry_over,
    default_database,
)
from .export import export_day
from .recorded import RecordedAction, RecordedDay, read_day
from .schema import SCHEMA_VERSION
from .sqlite import SqliteStore

__all__ = [
    "OPEN_DAY",
    "SCHEMA_VERSION",
    "Action",
    "DayInfo",
    "Decision",
    "JournalBusy",
    "JournalDesk",
    "NewClinic",
    "NewDay",
    "Outcome",
    "Previous",
    "Receipt",
    "Recorded",
    "RecordedAction",
    "RecordedDay",
    "RecordedText",
    "Request",
    "SqliteStore",
    "Store",
    "StoreError",
    "Transaction",
    "as_dict",
    "carry_over",
    "decode",
    "default_database",
    "encode",
    "export_day",
    "read_day",
]
