"""Personal data never reaches the search log: numbers and addresses that identify someone are masked first.

Customers paste what they have in hand: ``카드번호 9410-1234-5678-9012 연락처 010-1234-5678``. The log keeps
what was asked, not who asked, so card, resident registration, phone and account numbers and e-mail
addresses are replaced by a label before anything is stored (queries, their normalized form, suggestions
and vote comments). Short numbers stay: amounts, dates, the company's own 1566-xxxx lines and 3-digit
card security prompts are what the editors need to see.

Digits are matched in any script (full-width ``０１０`` too), with spaces, hyphens or dots between groups.
"""

from __future__ import annotations

import re
import unicodedata

SEP = r"[ \t.\-‐-―－]?"  # one optional separator between digit groups (incl. full-width and dash variants)
D = r"\d"

EMAIL = re.compile(r"[\w.+\-]+\s?(?:@|＠)\s?[\w\-]+(?:\.[\w\-]+)+", re.UNICODE)
# 6 digits (birth date), separator, 7 digits starting 1-8 (sex/century) — the whole 13 digits or the masked form
RESIDENT = re.compile(rf"(?<!\d){D}{{6}}{SEP}[1-8](?:{D}{{6}}|\*{{6}})(?!\d)")
# 13 to 19 digits, optionally in groups of 4 (or Amex 4-6-5)
CARD = re.compile(rf"(?<!\d)(?:{D}{{4}}{SEP}){{3}}{D}{{1,7}}(?!\d)|(?<!\d){D}{{4}}{SEP}{D}{{6}}{SEP}{D}{{5}}(?!\d)")
# mobile 010/011/016-019 and area codes 02, 031-064, 070: 0X(X)-XXX(X)-XXXX
PHONE = re.compile(rf"(?<!\d)(?:\+?82{SEP})?0?(?:1[016789]|2|[3-6][1-5]|70){SEP}{D}{{3,4}}{SEP}{D}{{4}}(?!\d)")
# bank accounts: 10 to 16 digits, plain or in 2 to 5 groups joined by separators
ACCOUNT = re.compile(rf"(?<!\d){D}{{2,6}}(?:{SEP}{D}{{2,8}}){{1,4}}(?!\d)|(?<!\d){D}{{10,16}}(?!\d)")

LABELS = (
    (EMAIL, "[이메일]"),
    (RESIDENT, "[주민등록번호]"),
    (CARD, "[카드번호]"),
    (PHONE, "[전화번호]"),
)
ACCOUNT_LABEL = "[계좌번호]"
ACCOUNT_MIN_DIGITS = 10


def _digit_count(text: str) -> int:
    return sum(ch.isdigit() for ch in text)


def _account(match: re.Match) -> str:
    """Grouped numbers with 10+ digits are account numbers; shorter ones are dates, amounts, company lines."""
    text = match.group(0)
    return ACCOUNT_LABEL if _digit_count(text) >= ACCOUNT_MIN_DIGITS else text


def mask_personal_data(text: str | None) -> str | None:
    """``text`` with card, resident, phone and account numbers and e-mail addresses replaced by labels."""
    if not text:
        return text
    # NFKC makes full-width digits and ＠ plain; only when there is something to mask is the result kept.
    plain = unicodedata.normalize("NFKC", text)
    masked = plain
    for pattern, label in LABELS:
        masked = pattern.sub(label, masked)
    masked = ACCOUNT.sub(_account, masked)
    return text if masked == plain else masked
