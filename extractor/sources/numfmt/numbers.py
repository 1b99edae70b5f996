"""Numbers under a number section: digit placeholders, separators, scaling, percent and
scientific notation, and Excel's General."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, localcontext

from extractor.sources.numfmt.codes import Section, Unsupported, literal

SIGNIFICANT = 15  # Excel keeps 15 significant digits


def general(value: float | int) -> str:
    """Given a number, return it as Excel's General format shows it (up to 11 digits)."""
    if isinstance(value, int) or (float(value).is_integer() and abs(value) < 1e11):
        return str(int(value))
    text = f"{value:.11g}" if abs(value) < 1e11 else f"{value:.5E}"
    if "e" in text.lower():
        mantissa, exponent = re.split("[eE]", text)
        mantissa = mantissa.rstrip("0").rstrip(".") if "." in mantissa else mantissa
        return f"{mantissa}E{int(exponent):+03d}"
    return text


def _decimal(value: float | int) -> Decimal:
    """Given a number, return it as Excel holds it: 15 significant digits."""
    if isinstance(value, int) and abs(value) < 10**SIGNIFICANT:
        return Decimal(value)
    return Decimal(format(value, f".{SIGNIFICANT}g"))


def _placeholders(tokens: tuple[str, ...]) -> tuple[list[int], list[int], int, int]:
    """Given a number section's tokens, return the indexes of its integer and decimal
    digit placeholders, the percent signs and the scaling commas."""
    integer: list[int] = []
    decimal: list[int] = []
    seen_point = False
    percent = scaling = 0
    for index, token in enumerate(tokens):
        if token == "." and not seen_point:
            seen_point = True
        elif token in ("0", "#", "?"):
            (decimal if seen_point else integer).append(index)
        elif token == "%":
            percent += 1
    last_digit = max(integer + decimal, default=-1)
    for token in tokens[last_digit + 1 :]:
        if token == ",":
            scaling += 1
        elif token not in (".",) and literal(token) is None:
            break
    return integer, decimal, percent, scaling


def render_number(section: Section, value: float | int, unsigned: bool) -> str:
    tokens = section.tokens
    if any(t.upper() in ("E+", "E-") for t in tokens):
        return _scientific(section, value, unsigned)
    if "/" in tokens:
        raise Unsupported
    integer, decimal, percent, scaling = _placeholders(tokens)
    number = _decimal(value) * (100**percent) / (1000**scaling)
    if unsigned:
        number = abs(number)
    with localcontext() as context:
        context.prec = max(60, len(str(int(abs(number)))) + len(decimal) + 5)
        rounded = number.quantize(Decimal(1).scaleb(-len(decimal)), rounding=ROUND_HALF_UP)
    negative = rounded < 0
    whole, _, fraction = f"{abs(rounded):f}".partition(".")
    grouped = any(tokens[i] == "," for i in range(min(integer, default=0), max(integer, default=0)))
    digits = _integer_digits(whole, [tokens[i] for i in integer], grouped)
    decimals = _decimal_digits(fraction, [tokens[i] for i in decimal])
    out: list[str] = []
    for index, token in enumerate(tokens):
        if index in integer:
            out.append(digits.pop(0))
        elif index in decimal:
            out.append(decimals.pop(0))
        elif token == "." and decimal and index < decimal[0]:
            out.append(".")
        elif token == "." and not decimal and integer and index > integer[-1]:
            continue  # "0." with nothing after shows no point in LibreOffice
        elif token == ",":
            continue
        else:
            text = literal(token)
            out.append(token if text is None else text)
    text = "".join(out)
    return f"-{text}" if negative else text


def _integer_digits(whole: str, placeholders: list[str], grouped: bool) -> list[str]:
    """Given the integer digits and the integer placeholders, return what each placeholder
    shows: digits right to left, the first taking any left over; padding per 0 and ?."""
    if not placeholders:
        return []
    if whole == "0":
        whole = ""  # a zero integer part shows only where a 0 asks for it
    shown = [""] * len(placeholders)
    remaining = whole
    for position in range(len(placeholders) - 1, -1, -1):
        if remaining:
            shown[position], remaining = remaining[-1], remaining[:-1]
        else:
            shown[position] = {"0": "0", "?": " ", "#": ""}[placeholders[position]]
    shown[0] = remaining + shown[0]
    if grouped:
        text = "".join(shown)
        digits = text.lstrip(" ")
        pad = text[: len(text) - len(digits)]
        shown = [pad + (f"{int(digits):,}" if digits else "")] + [""] * (len(placeholders) - 1)
    return shown


def _decimal_digits(fraction: str, placeholders: list[str]) -> list[str]:
    """Given the decimal digits and the decimal placeholders, return what each shows:
    trailing zeros dropped for #, shown as spaces for ?."""
    shown = list(fraction.ljust(len(placeholders), "0")[: len(placeholders)])
    for position in range(len(placeholders) - 1, -1, -1):
        if shown[position] != "0" or placeholders[position] == "0":
            break
        shown[position] = " " if placeholders[position] == "?" else ""
    return shown


def _scientific(section: Section, value: float | int, unsigned: bool) -> str:
    tokens = section.tokens
    at = next(i for i, t in enumerate(tokens) if t.upper() in ("E+", "E-"))
    mantissa_tokens, exponent_tokens = tokens[:at], tokens[at + 1 :]
    integer = [t for t in mantissa_tokens if t in ("0", "#", "?")]
    if len(integer) - len(_placeholders(mantissa_tokens)[1]) != 1:
        raise Unsupported  # engineering notation (##0.0E+0)
    number = abs(_decimal(value)) if unsigned else _decimal(value)
    exponent = 0 if number == 0 else number.adjusted()
    mantissa = Decimal(number).scaleb(-exponent)
    shown = render_number(Section(mantissa_tokens, None, "number"), float(mantissa), unsigned)
    if shown.lstrip("-").startswith("10"):  # rounding carried into another digit
        exponent += 1
        shown = render_number(
            Section(mantissa_tokens, None, "number"), float(mantissa) / 10, unsigned
        )
    width = sum(1 for t in exponent_tokens if t in ("0", "#", "?"))
    sign = "-" if exponent < 0 else ("+" if tokens[at].endswith("+") else "")
    rest = "".join(t if literal(t) is None else literal(t) or "" for t in exponent_tokens[width:])
    return f"{shown}{tokens[at][0]}{sign}{abs(exponent):0{max(width, 1)}d}{rest}"
