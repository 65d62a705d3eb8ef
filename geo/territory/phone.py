"""French phone numbers: one rule to read them, one way to show them, one way to call or text them."""

from __future__ import annotations

import phonenumbers
from pydantic_core import PydanticCustomError


def normalize_phone(value: str, *, allow_short: bool = False) -> str:
    """E.164 form of a French phone number (or the digits of a short number such as 17, when allowed)."""
    try:
        number = phonenumbers.parse(value, "FR")
    except phonenumbers.NumberParseException:
        number = None
    if number is not None and phonenumbers.is_valid_number(number):
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if number is not None and allow_short and phonenumbers.is_valid_short_number(number):
        return str(number.national_number)
    raise PydanticCustomError("phone", "numéro de téléphone invalide (attendu : 10 chiffres, par exemple 04 68 00 00 00)")


def phone_display(number: str) -> str:
    """'+33468711432' → '04 68 71 14 32', the way it is written in France; short numbers (17) as they are."""
    if not number.startswith("+"):
        return number
    return phonenumbers.format_number(phonenumbers.parse(number, "FR"), phonenumbers.PhoneNumberFormat.NATIONAL)


def tel_href(number: str) -> str:
    return f"tel:{number}"


def is_mobile(number: str) -> bool:
    """Whether a number can receive texts (landlines cannot)."""
    kind = phonenumbers.number_type(phonenumbers.parse(number, "FR"))
    return kind in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)


def sms_href(number: str) -> str:
    return f"sms:{number}"
