"""The BOT cross-bank bill-payment reconciliation file (DOMAIN.md §8).

Fixed 256-character records in TIS-620 (read as cp874, its Windows superset):
one header (H), detail records (D), one trailer (T). The file is the source of
truth for what the bank paid us, so it is validated whole and every problem is
reported with its 1-based line number, rather than stopping at the first.

Encoding problems (TIS-620 is one byte a character, so bytes == characters):
- a record holding a UTF-8 Thai byte sequence (E0 B8/B9 xx) that decodes as
  UTF-8 to nothing but ASCII and Thai letters is reported as UTF-8, whatever its
  length: longer than 256 bytes (3 bytes a Thai letter) or padded to 256 bytes,
  which cp874 would otherwise read silently as mojibake. Real TIS-620 Thai
  practically never decodes as UTF-8 Thai;
- a byte cp874 does not define (most of 0x81-0x9F, 0xDB-0xDE, 0xFC-0xFF) is
  reported with its 1-based column;
- any other record that is not exactly 256 characters (line ending excluded)
  is reported with its length.
The fast path decodes the whole file at once and only falls back to the
record-by-record checks when something is off.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal

RECORD_LENGTH = 256
ENCODING = "cp874"

_ZERO = Decimal("0.00")
_SATANG = Decimal("0.01")


class StatementError(ValueError):
    """The file is not a valid statement; `errors` lists every problem found."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = list(errors)
        shown = "\n".join(self.errors[:20])
        more = f"\n… and {len(self.errors) - 20} more" if len(self.errors) > 20 else ""
        super().__init__(f"{len(self.errors)} problem(s) in the statement file:\n{shown}{more}")


@dataclass(slots=True)
class StatementHeader:
    """The H record: whose account the file is for and which day it covers."""

    sequence: int
    bank_code: str
    company_account: str
    company_name: str
    effective_date: date
    service_code: str
    line_number: int = 1


@dataclass(slots=True)
class StatementLine:
    """One D record: a payment (kind C) or its reversal (kind D), matched to a bill by ref1/ref2."""

    sequence: int
    bank_code: str
    company_account: str
    payment_date: date
    payment_time: time
    customer_name: str
    ref1: str
    ref2: str
    ref3: str
    branch: str
    teller: str
    kind: str  # "C" credit (a payment), "D" debit (a reversal)
    transaction_code: str
    cheque_no: str
    amount: Decimal
    cheque_bank_code: str
    biller_id: str
    payer_bank_code: str
    line_number: int
    new_cheque_no: str = ""


@dataclass(slots=True)
class StatementTrailer:
    """The T record: the bank's own totals, checked against the D records."""

    sequence: int
    bank_code: str
    company_account: str
    debit_total: Decimal
    debit_count: int
    credit_total: Decimal
    credit_count: int
    line_number: int


@dataclass(slots=True)
class Statement:
    """A whole file that passed every check."""

    header: StatementHeader
    lines: list[StatementLine]
    trailer: StatementTrailer


def _is_digits(text: str) -> bool:
    # str.isdigit alone accepts Thai digits (๑); the file only has ASCII ones.
    return text.isdigit() and text.isascii()


def _date(text: str) -> date | None:
    """DDMMYYYY, Christian or Buddhist era (a year above 2400 is B.E.)."""
    if len(text) != 8 or not _is_digits(text):
        return None
    year = int(text[4:])
    if year > 2400:
        year -= 543
    try:
        return date(year, int(text[2:4]), int(text[:2]))
    except ValueError:
        return None


def _time(text: str) -> time | None:
    if len(text) != 6 or not _is_digits(text):
        return None
    try:
        return time(int(text[:2]), int(text[2:4]), int(text[4:]))
    except ValueError:
        return None


# A UTF-8 encoded Thai letter: E0 B8 81-BF or E0 B9 80-9B. Only records holding
# one get the (slower) full UTF-8 check.
_UTF8_THAI = re.compile(rb"\xe0[\xb8\xb9][\x80-\xbf]")


def _looks_utf8(raw: bytes) -> str | None:
    """The record as UTF-8 text when it is UTF-8 Thai rather than TIS-620, else None."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return text if all(c < "\x80" or "\u0e01" <= c <= "\u0e5b" for c in text) else None


def _decode_record(raw: bytes, where: str, errors: list[str]) -> str | None:
    """One record as text, or None after reporting why it is not TIS-620 (slow path, bad files only)."""
    try:
        return raw.decode(ENCODING)
    except UnicodeDecodeError as exc:
        errors.append(f"{where}: not TIS-620 text (byte 0x{raw[exc.start]:02X} at column {exc.start + 1})")
        return None


def _split_text(whole: str) -> list[str]:
    """Records without their line ending; CRLF or LF (even mixed), a final line ending optional."""
    if whole.count("\n") == whole.count("\r\n"):
        records = whole.split("\r\n")
    else:
        records = [t[:-1] if t.endswith("\r") else t for t in whole.split("\n")]
    if records and records[-1] == "":
        records.pop()
    return records


def _split_records(data: bytes) -> list[bytes]:
    """The same split on the raw bytes, for the slow paths that need them."""
    records = [r[:-1] if r.endswith(b"\r") else r for r in data.split(b"\n")]
    if records and records[-1] == b"":
        records.pop()
    return records


def _texts(data: bytes, errors: list[str]) -> tuple[list[str | None], list[bytes] | None]:
    """Decode every record: the whole file at once when it is clean (fast), else record by record.

    cp874 maps each byte to exactly one character and LF/CR to themselves, so
    the text records line up with the byte records. The raw records are returned
    only when a slow path needed them; a record that could not be read is None.
    """
    clean = not _UTF8_THAI.search(data)
    if clean:
        try:
            return list(_split_text(data.decode(ENCODING))), None
        except UnicodeDecodeError:
            pass
    records = _split_records(data)
    texts: list[str | None] = []
    for n, raw in enumerate(records, 1):
        if not clean and _UTF8_THAI.search(raw) and (as_utf8 := _looks_utf8(raw)) is not None:
            errors.append(f"line {n}: not TIS-620 text: it is UTF-8 ({len(raw)} bytes, {len(as_utf8)} characters)")
            texts.append(None)
        else:
            texts.append(_decode_record(raw, f"line {n}", errors))
    return texts, records


class _Parser:
    """One pass over the records; caches repeated dates and times (a day's file has few)."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.dates: dict[str, date | None] = {}
        self.times: dict[str, time | None] = {}

    def date(self, text: str, where: str, name: str) -> date | None:
        try:
            value = self.dates[text]
        except KeyError:
            value = self.dates[text] = _date(text)
        if value is None:
            self.errors.append(f"{where}: {name} {text!r} is not a date DDMMYYYY")
        return value

    def number(self, text: str, where: str, name: str) -> int | None:
        if _is_digits(text):
            return int(text)
        self.errors.append(f"{where}: {name} {text.strip()!r} is not a number")
        return None

    def common(self, text: str, where: str) -> tuple[int | None, str, str]:
        sequence = self.number(text[1:7], where, "sequence")
        bank_code, account = text[7:10], text[10:20]
        if not _is_digits(bank_code):
            self.errors.append(f"{where}: bank code {bank_code!r} is not 3 digits")
        if not _is_digits(account):
            self.errors.append(f"{where}: company account {account!r} is not 10 digits")
        return sequence, bank_code, account

    def header(self, text: str, line_number: int) -> StatementHeader | None:
        where = f"line {line_number}"
        before = len(self.errors)
        sequence, bank_code, account = self.common(text, where)
        effective = self.date(text[60:68], where, "effective date")
        if len(self.errors) > before:
            return None
        return StatementHeader(sequence, bank_code, account, text[20:60].strip(), effective,
                               text[68:76].strip(), line_number)

    def trailer(self, text: str, line_number: int) -> StatementTrailer | None:
        where = f"line {line_number}"
        before = len(self.errors)
        sequence, bank_code, account = self.common(text, where)
        debit_total = self.number(text[20:33], where, "total debit amount")
        debit_count = self.number(text[33:39], where, "debit count")
        credit_total = self.number(text[39:52], where, "total credit amount")
        credit_count = self.number(text[52:58], where, "credit count")
        if len(self.errors) > before:
            return None
        return StatementTrailer(sequence, bank_code, account, Decimal(debit_total).scaleb(-2), debit_count,
                                Decimal(credit_total).scaleb(-2), credit_count, line_number)

    def detail(self, text: str, line_number: int) -> StatementLine | None:
        # The fast path: everything valid. Slow, message-building checks run only on failure.
        seq, bank_code, account = text[1:7], text[7:10], text[10:20]
        day, hms, amount, kind = text[20:28], text[28:34], text[163:176], text[152:153]
        dates, times = self.dates, self.times
        try:
            paid_on = dates[day]
        except KeyError:
            paid_on = dates[day] = _date(day)
        try:
            paid_at = times[hms]
        except KeyError:
            paid_at = times[hms] = _time(hms)
        numbers = seq + bank_code + account + amount
        if paid_on is None or paid_at is None or (kind != "C" and kind != "D") or not (
            numbers.isdigit() and numbers.isascii()
        ):
            where = f"line {line_number}"
            self.common(text, where)
            if paid_on is None:
                self.errors.append(f"{where}: payment date {day!r} is not a date DDMMYYYY")
            if paid_at is None:
                self.errors.append(f"{where}: payment time {hms!r} is not a time HHMMSS")
            if kind != "C" and kind != "D":
                self.errors.append(f"{where}: kind of transaction {kind!r} is not 'C' (credit) or 'D' (debit)")
            self.number(amount, where, "amount")
            return None
        return StatementLine(
            int(seq), bank_code, account, paid_on, paid_at,
            text[34:84].strip(), text[84:104].strip(), text[104:124].strip(), text[124:144].strip(),
            text[144:148].strip(), text[148:152].strip(), kind, text[153:156].strip(),
            text[156:163].strip(), Decimal(amount).scaleb(-2), text[176:179].strip(),
            text[196:211].strip(), text[243:246].strip(), line_number, text[246:256].strip(),
        )


def parse_statement(data: bytes) -> Statement:
    """Parse and validate a whole reconciliation file; raise StatementError listing every problem."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError("parse_statement takes the file's bytes, not text: the encoding is part of what it checks")
    parser = _Parser()
    errors = parser.errors
    data = bytes(data)
    texts, records = _texts(data, errors)
    if not texts:
        raise StatementError(["the file is empty"])
    header: StatementHeader | None = None
    trailer: StatementTrailer | None = None
    trailer_line = 0
    lines: list[StatementLine] = []
    append = lines.append
    detail = parser.detail
    for number, text in enumerate(texts, start=1):
        if text is not None and len(text) == RECORD_LENGTH and text[0] == "D" and trailer_line == 0 and number > 1:
            line = detail(text, number)  # the common case, kept short
            if line is not None:
                append(line)
            continue
        where = f"line {number}"
        # A record that did not decode is read as latin-1 just to find its type.
        shown = text if text is not None else records[number - 1].decode("latin-1")  # type: ignore[index]
        if not shown.strip():
            errors.append(f"{where}: empty line")
            continue
        kind = shown[0]
        if text is not None and len(text) != RECORD_LENGTH:
            errors.append(f"{where}: record is {len(text)} characters long, expected {RECORD_LENGTH}")
            text = None
        if number == 1 and kind != "H":
            errors.append(f"line 1: not a header record (record type {kind!r})")
        if kind == "D":
            if trailer_line:
                errors.append(f"{where}: detail record after the trailer (line {trailer_line})")
            if text is not None:
                detail(text, number)  # only to report its problems: the file is refused anyway
        elif kind == "H":
            if number != 1:
                errors.append(f"{where}: more than one header record" if (texts[0] or "")[:1] == "H"
                              else f"{where}: the header record must be the first line")
            elif text is not None:
                header = parser.header(text, number)
        elif kind == "T":
            if trailer_line:
                errors.append(f"{where}: more than one trailer record (the first is line {trailer_line})")
                continue
            trailer_line = number
            if text is not None:
                trailer = parser.trailer(text, number)
        else:
            errors.append(f"{where}: unknown record type {kind!r}")

    if not trailer_line:
        errors.append(f"line {len(texts)}: missing trailer record (the file ends without a 'T' record)")

    # The trailer is checked against the detail records only when every record
    # read cleanly: otherwise a mismatch would just echo a problem already
    # reported on its own line (a bad amount, a mangled record type, ...).
    if trailer is not None and not errors:
        where = f"line {trailer.line_number}"
        kinds = {"C": 0, "D": 0}
        for line in lines:
            kinds[line.kind] += 1
        for name, count, total, wanted_count, code in (
            ("debit", trailer.debit_count, trailer.debit_total, kinds["D"], "D"),
            ("credit", trailer.credit_count, trailer.credit_total, kinds["C"], "C"),
        ):
            if count != wanted_count:
                errors.append(f"{where}: trailer {name} count {count} does not match the {wanted_count} {name} detail record(s)")
            actual = sum((line.amount for line in lines if line.kind == code), _ZERO)
            if total != actual:
                errors.append(f"{where}: trailer {name} total {total} does not match the {name} detail records' sum {actual}")

    if header is not None:
        for record in [*lines, *([trailer] if trailer else [])]:
            if record.bank_code != header.bank_code:
                errors.append(f"line {record.line_number}: bank code {record.bank_code!r} differs from the header's {header.bank_code!r}")
            if record.company_account != header.company_account:
                errors.append(f"line {record.line_number}: company account {record.company_account!r} differs from the header's {header.company_account!r}")

    if errors:
        # By line; a stable sort keeps each line's problems in the order found.
        errors.sort(key=lambda message: int(message[5:message.index(":")]))
        raise StatementError(errors)
    assert header is not None and trailer is not None
    return Statement(header=header, lines=lines, trailer=trailer)


# --- writing -------------------------------------------------------------------------------------

def _text(value: object, width: int, name: str) -> str:
    text = "" if value is None else str(value)
    if len(text) > width:
        raise ValueError(f"{name} {text!r} is longer than {width} characters")
    return text.ljust(width)


def _digits(value: int, width: int, name: str) -> str:
    text = str(value)
    if not _is_digits(text) or len(text) > width:
        raise ValueError(f"{name} {value!r} does not fit {width} digits")
    return text.zfill(width)


def _money(amount: Decimal, width: int, name: str) -> str:
    amount = Decimal(amount)
    if amount < 0 or amount != amount.quantize(_SATANG):
        raise ValueError(f"{name} {amount} must be 0 or more with at most 2 decimals")
    return _digits(int(amount.scaleb(2)), width, name)


def _ddmmyyyy(day: date, buddhist_era: bool) -> str:
    return f"{day.day:02d}{day.month:02d}{day.year + (543 if buddhist_era else 0):04d}"


def build_statement(
    *,
    bank_code: str,
    company_account: str,
    company_name: str,
    effective_date: date,
    lines: list[dict],
    service_code: str = "",
    buddhist_era: bool = False,
    line_ending: bytes = b"\r\n",
) -> bytes:
    """Write a valid file (for tests, benchmarks and a bank simulator).

    Each dict in `lines` takes StatementLine's field names: payment_date, amount
    (Decimal baht) and ref1 are required; payment_time defaults to 00:00:00, kind
    to "C", transaction_code to "CSH", the rest to blanks.
    """
    if not (_is_digits(bank_code) and len(bank_code) == 3):
        raise ValueError(f"bank code {bank_code!r} must be 3 digits")
    if not (_is_digits(company_account) and len(company_account) == 10):
        raise ValueError(f"company account {company_account!r} must be 10 digits")
    common = bank_code + company_account
    records = [
        ("H" + _digits(1, 6, "sequence") + common + _text(company_name, 40, "company name")
         + _ddmmyyyy(effective_date, buddhist_era) + _text(service_code, 8, "service code")).ljust(RECORD_LENGTH)
    ]
    totals = {"C": 0, "D": 0}
    counts = {"C": 0, "D": 0}
    for i, line in enumerate(lines, start=2):
        kind = line.get("kind", "C")
        if kind not in totals:
            raise ValueError(f"kind {kind!r} must be 'C' or 'D'")
        amount = _money(line["amount"], 13, "amount")
        totals[kind] += int(amount)
        counts[kind] += 1
        paid_at: time = line.get("payment_time") or time(0, 0)
        records.append(
            "D" + _digits(i, 6, "sequence") + common
            + _ddmmyyyy(line["payment_date"], buddhist_era) + paid_at.strftime("%H%M%S")
            + _text(line.get("customer_name"), 50, "customer name")
            + _text(line["ref1"], 20, "ref1") + _text(line.get("ref2"), 20, "ref2") + _text(line.get("ref3"), 20, "ref3")
            + _text(line.get("branch"), 4, "branch") + _text(line.get("teller"), 4, "teller")
            + kind + _text(line.get("transaction_code", "CSH"), 3, "transaction code")
            + _text(line.get("cheque_no"), 7, "cheque no") + amount
            + _text(line.get("cheque_bank_code"), 3, "cheque bank code") + " " * 17
            + _text(line.get("biller_id"), 15, "biller id") + " " * 32
            + _text(line.get("payer_bank_code"), 3, "payer bank code") + _text(line.get("new_cheque_no"), 10, "new cheque no")
        )
    records.append(
        ("T" + _digits(len(lines) + 2, 6, "sequence") + common
         + _digits(totals["D"], 13, "total debit amount") + _digits(counts["D"], 6, "debit count")
         + _digits(totals["C"], 13, "total credit amount") + _digits(counts["C"], 6, "credit count")).ljust(RECORD_LENGTH)
    )
    text = line_ending.decode("ascii").join(records) + line_ending.decode("ascii")
    try:
        return text.encode(ENCODING)
    except UnicodeEncodeError as exc:
        raise ValueError(f"{exc.object[exc.start:exc.end]!r} cannot be written in TIS-620") from None
