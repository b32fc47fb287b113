"""The engine's one exception family: every refusal is an ``OpdError`` and changes nothing."""


class OpdError(Exception):
    """Base of every error the engine raises on bad input; the state is left untouched."""


class NotFound(OpdError):
    """An unknown doctor, slot or token id."""


class Conflict(OpdError):
    """A duplicate id, or an action the token's current status does not allow."""


class Invalid(OpdError):
    """A malformed value: blank name, bad time, negative capacity, unknown source."""


class Duplicate(Conflict):
    """The patient already holds a live token with this doctor today: ``existing`` names it.
    A booking that says it is intended (``again``) is not refused."""

    def __init__(self, message: str, existing: str) -> None:
        super().__init__(message)
        self.existing = existing  # the token's id
