"""Who a patient is, beyond a name: a phone number and the hospital's patient id (an MRN).

Both are optional and checked when a booking gives them. They are what tells two "Asha Menon"s
apart, what finds a patient by the number they give at the desk, and what the duplicate guard
compares: the same patient id, or the same phone and the same name.
"""

from __future__ import annotations

from .errors import Invalid

PHONE_DIGITS = (7, 15)
"""The shortest and longest phone number, in digits (E.164 allows 15)."""

PATIENT_ID_LENGTH = 24
"""The longest patient id: hospital MRNs are short codes (``MRN-2024/0042``)."""

_PHONE_SEPARATORS = str.maketrans("", "", " -.()")
_ID_PUNCTUATION = frozenset("-/")


def phone_number(value: object) -> str:
    """A phone number as the engine keeps it: its digits, with a leading ``+`` if it had one;
    spaces, hyphens, dots and brackets are dropped. ``""`` stays ``""`` (none given)."""
    if not isinstance(value, str):
        raise Invalid(f"a phone number is text, not {value!r}")
    text = value.strip()
    if not text:
        return ""
    plus = text.startswith("+")
    digits = text[1:] if plus else text
    digits = digits.translate(_PHONE_SEPARATORS)
    low, high = PHONE_DIGITS
    if not (digits.isascii() and digits.isdigit() and low <= len(digits) <= high):
        raise Invalid(
            f"phone {value!r} is not a phone number: {low} to {high} digits, "
            "with an optional leading +"
        )
    return "+" + digits if plus else digits


def patient_id(value: object) -> str:
    """A hospital patient id as the engine keeps it: upper case, letters, digits, ``-`` and
    ``/``, at most ``PATIENT_ID_LENGTH`` characters. ``""`` stays ``""`` (none given)."""
    if not isinstance(value, str):
        raise Invalid(f"a patient id is text, not {value!r}")
    text = value.strip()
    if not text:
        return ""
    if len(text) > PATIENT_ID_LENGTH or not all(
        (c.isascii() and c.isalnum()) or c in _ID_PUNCTUATION for c in text
    ):
        raise Invalid(
            f"patient id {value!r} may hold only letters, digits, '-' and '/', "
            f"at most {PATIENT_ID_LENGTH} characters"
        )
    return text.upper()


def name_key(name: str) -> str:
    """A name as the duplicate guard compares it: ignoring case and spacing."""
    return "".join(name.split()).casefold()


def same_phone(a: str, b: str) -> bool:
    """Whether two kept phone numbers are the same line: equal digits, or one the other with a
    country code or a trunk 0 before it (``+91 98450 12345``, ``098450 12345``, ``98450 12345``)."""
    if not a or not b:
        return False
    a, b = a.lstrip("+").lstrip("0"), b.lstrip("+").lstrip("0")
    if len(a) < PHONE_DIGITS[0] or len(b) < PHONE_DIGITS[0]:
        return a == b
    shorter, longer = (a, b) if len(a) <= len(b) else (b, a)
    return longer.endswith(shorter)


def phone_tail(phone: str) -> str:
    """The last digits every spelling of the same line shares: what a phone is indexed by."""
    return phone[-PHONE_DIGITS[0] :]
