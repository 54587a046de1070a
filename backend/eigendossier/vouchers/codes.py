"""Voucher codes: 16 Crockford base32 characters (80 random bits) and a mod-37 check symbol,
shown as XXXX-XXXX-XXXX-XXXX-C.

Reading is forgiving the way Crockford intended: case-insensitive, hyphens and spaces ignored,
I and L read as 1, O as 0. The check symbol catches every single mistyped character and every
swap of two neighbours (37 is prime and larger than the alphabet), before any lookup."""
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CHECK_SYMBOLS = ALPHABET + "*~$=U"
DATA_LENGTH = 16
_READ_AS = str.maketrans({"I": "1", "L": "1", "O": "0"})


class CodeInvalid(ValueError):
    """The text is not a voucher code: wrong length, a character outside the alphabet, or a
    check symbol that does not match (a typo)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _value(data: str) -> int:
    value = 0
    for char in data:
        value = value * 32 + ALPHABET.index(char)
    return value


def check_symbol(data: str) -> str:
    return CHECK_SYMBOLS[_value(data) % 37]


def new_code() -> str:
    """A fresh code in canonical form (17 characters, no hyphens)."""
    data = "".join(ALPHABET[b] for b in _five_bit_groups(secrets.randbits(80)))
    return data + check_symbol(data)


def _five_bit_groups(number: int) -> list[int]:
    return [(number >> shift) & 31 for shift in range(75, -1, -5)]


def normalise(text: str) -> str:
    """The canonical form of what someone typed, or CodeInvalid saying what is wrong."""
    cleaned = "".join(text.split()).replace("-", "").upper().translate(_READ_AS)
    if len(cleaned) != DATA_LENGTH + 1:
        raise CodeInvalid("length")
    data, check = cleaned[:DATA_LENGTH], cleaned[DATA_LENGTH]
    if any(char not in ALPHABET for char in data) or check not in CHECK_SYMBOLS:
        raise CodeInvalid("character")
    if check_symbol(data) != check:
        raise CodeInvalid("check")
    return cleaned


def display(code: str) -> str:
    """XXXX-XXXX-XXXX-XXXX-C, for people and for mail-merge."""
    groups = [code[i:i + 4] for i in range(0, DATA_LENGTH, 4)]
    return "-".join([*groups, code[DATA_LENGTH:]])
