"""Field-level checks shared by every service. Each failure names the field and the reason."""

from __future__ import annotations

import re

# GB 32100-2015 统一社会信用代码: 18 characters from this alphabet (no I, O, Z, S, V).
_CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_PHONE = re.compile(r"^[0-9\-+()（） ]{5,20}$")


def credit_code_problem(code: str) -> str | None:
    """Why ``code`` is not a valid 统一社会信用代码, or ``None`` when it is."""
    if len(code) != 18:
        return f"应为18位，现为{len(code)}位"
    bad = sorted({c for c in code if c not in _CREDIT_ALPHABET})
    if bad:
        return f"含有不允许的字符“{''.join(bad)}”"
    total = sum(_CREDIT_ALPHABET.index(c) * w for c, w in zip(code[:17], _CREDIT_WEIGHTS, strict=True))
    expected = _CREDIT_ALPHABET[(31 - total % 31) % 31]
    if code[17] != expected:
        return f"校验位错误（第18位应为 {expected}），请核对是否抄错"
    return None


def credit_code_check_digit(first17: str) -> str:
    """The 18th character for the first 17 — used by demo data and tests."""
    total = sum(_CREDIT_ALPHABET.index(c) * w for c, w in zip(first17, _CREDIT_WEIGHTS, strict=True))
    return _CREDIT_ALPHABET[(31 - total % 31) % 31]


def normalise_credit_code(text: str) -> str:
    """Upper-case, without spaces or full-width characters — how clerks often paste it."""
    text = text.translate({c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)})
    return re.sub(r"\s+", "", text).upper()


def phone_problem(phone: str) -> str | None:
    if phone and not _PHONE.match(phone):
        return "只能包含数字、空格、括号、“-”和“+”，长度5到20位"
    return None


_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def normalise_text(value: object) -> str:
    """Strip, fold full-width digits, and collapse inner whitespace runs (from Excel pastes)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # 13800001111.0 from Excel is a phone number, not a float
    text = str(value).replace("\u3000", " ").translate(_FULLWIDTH_DIGITS)
    return re.sub(r"[ \t\r\n]+", " ", text).strip()
