"""Numbers printed the way JavaScript prints them.

The Node workloads build their checksums with `String(number)` and
`number.toFixed(digits)`; the harness must produce the same text for the same double.
Python's repr() and format() differ (repr(1.0) is "1.0", String(1) is "1"; format()
rounds exact ties to even, toFixed rounds them up), hence these two functions, written
from ECMA-262 (Number::toString, Number.prototype.toFixed). Nothing in the standard
library prints numbers this way.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal


def _shortest_digits(value: float):
    """(digits, n): value == 0.digits * 10**n with the fewest digits that round-trip.

    repr() gives the shortest round-tripping digits (David Gay's algorithm), as
    ECMA-262 requires of Number::toString.
    """
    sign, digits, exponent = Decimal(repr(value)).normalize().as_tuple()
    text = "".join(str(digit) for digit in digits)
    return text, exponent + len(text)


def number_to_string(value: float) -> str:
    """ECMA-262 Number::toString(value) for radix 10 (what `String(value)` returns)."""
    if math.isnan(value):
        return "NaN"
    if value == 0:
        return "0"
    if value < 0:
        return "-" + number_to_string(-value)
    if math.isinf(value):
        return "Infinity"
    digits, n = _shortest_digits(float(value))
    k = len(digits)
    if k <= n <= 21:
        return digits + "0" * (n - k)
    if 0 < n <= 21:
        return digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return "0." + "0" * (-n) + digits
    exponent = n - 1
    sign = "+" if exponent >= 0 else "-"
    mantissa = digits if k == 1 else digits[0] + "." + digits[1:]
    return mantissa + "e" + sign + str(abs(exponent))


def to_fixed(value: float, fraction_digits: int) -> str:
    """ECMA-262 Number.prototype.toFixed: the exact double rounded half up (away from zero)."""
    if math.isnan(value):
        return "NaN"
    if abs(value) >= 1e21:
        return number_to_string(value)
    # Decimal(float) is the exact binary value, so ties are real ties, as in the spec.
    quantum = Decimal(1).scaleb(-fraction_digits)
    rounded = Decimal(value).quantize(quantum, rounding=ROUND_HALF_UP)
    text = "{:f}".format(rounded)
    # toFixed prints -0 as "0" but keeps the sign of a negative value that rounds to zero.
    if value == 0 and text.startswith("-"):
        text = text[1:]
    return text
