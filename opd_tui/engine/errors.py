"""The engine's one exception family: every refusal is an ``OpdError`` and changes nothing."""


class OpdError(Exception):
    """Base of every error the engine raises on bad input; the state is left untouched."""


class NotFound(OpdError):
    """An unknown doctor, slot or token id."""


class Conflict(OpdError):
    """A duplicate id, or an action the token's current status does not allow."""


class Invalid(OpdError):
    """A malformed value: blank name, bad time, negative capacity, unknown source."""
