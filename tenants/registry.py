"""Reading DLA's registry of LAOs: the open-data CSV as DLA serves it, or the JSON snapshot.

Parsing is separate from writing: a file is validated whole first, and any bad
row rejects the file with every problem listed by line (CSV) or record (JSON).
"""
from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from shared_apps.text import control_character, shown

from .models import LAOType

# DLA's CSV columns (dlads_05_01). One row per (LAO, tambon).
COL_PROVINCE = "จังหวัด"
COL_DISTRICT = "อำเภอ"
COL_TAMBON = "ตำบล"
COL_CODE = "รหัส อปท."
COL_TYPE = "ประเภท อปท."
COL_NAME = "อปท."
COL_AREA = "ขนาดพื้นที่"
COL_LAT = "LAT"
COL_LON = "LONG"
REQUIRED_COLUMNS = [COL_PROVINCE, COL_DISTRICT, COL_CODE, COL_TYPE, COL_NAME]

# Spellings of the type column and name prefixes seen in DLA files (full and abbreviated).
_TYPE_WORDS = [
    (LAOType.PAO, ["องค์การบริหารส่วนจังหวัด", "อบจ"]),
    (LAOType.CITY_MUNICIPALITY, ["เทศบาลนคร", "ทน"]),
    (LAOType.TOWN_MUNICIPALITY, ["เทศบาลเมือง", "ทม"]),
    (LAOType.SUBDISTRICT_MUNICIPALITY, ["เทศบาลตำบล", "ทต"]),
    (LAOType.SAO, ["องค์การบริหารส่วนตำบล", "อบต"]),
    (LAOType.PATTAYA, ["เมืองพัทยา", "พัทยา"]),
]
_JSON_TYPES = {choice.value for choice in LAOType}


def _squash(text: str) -> str:
    return re.sub(r"[\s.]", "", text or "")


def parse_lao_type(text: str) -> str | None:
    """Map DLA's type column (Thai, full or abbreviated, or our English value) to a LAOType."""
    squashed = _squash(text)
    if squashed in _JSON_TYPES:
        return squashed
    for lao_type, words in _TYPE_WORDS:
        if squashed in words:
            return lao_type
    return None


def strip_type_prefix(name: str, lao_type: str) -> str:
    """'อบต.กาญจนา' or 'องค์การบริหารส่วนตำบลกาญจนา' → 'กาญจนา' (Pattaya keeps its name)."""
    name = " ".join((name or "").split())
    if lao_type == LAOType.PATTAYA:
        return name
    for candidate_type, words in _TYPE_WORDS:
        if candidate_type != lao_type:
            continue
        for word in words:
            for prefix in (word + ".", word):
                if name.startswith(prefix) and len(name) > len(prefix):
                    return name[len(prefix):].strip()
    return name


@dataclass
class RegistryEntry:
    """One LAO as the registry describes it."""

    dla_code: str
    lao_type: str
    name_th: str
    province_code: str
    district_name_th: str
    district_code: str | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    area_km2: Decimal | None = None
    source: str = ""  # "line 12" or "record 12", for messages


@dataclass
class RegistryError:
    where: str
    reason: str

    def __post_init__(self):
        # Reasons quote the file's text: never let its control characters reach a terminal or a log.
        self.reason = shown(self.reason)

    def __str__(self):
        return f"{self.where}: {self.reason}"


class RegistryFileError(Exception):
    """The file is rejected whole; `errors` lists every problem found."""

    def __init__(self, errors: list[RegistryError]):
        self.errors = errors
        shown = "\n".join(str(e) for e in errors[:50])
        more = f"\n… and {len(errors) - 50} more" if len(errors) > 50 else ""
        super().__init__(f"{len(errors)} problem(s); nothing was imported.\n{shown}{more}")


@dataclass
class GeographyIndex:
    """Province and district look-ups the parser needs, loaded once."""

    province_codes: set[str]
    province_by_name: dict[str, str]  # Thai name → code
    district_code: dict[tuple[str, str], str] = field(default_factory=dict)  # (province code, Thai name) → code

    @classmethod
    def load(cls) -> GeographyIndex:
        from shared_apps.geography.models import District, Province

        provinces = list(Province.objects.values_list("code", "name_th"))
        return cls(
            province_codes={code for code, _ in provinces},
            province_by_name={name: code for code, name in provinces},
            district_code={
                (province_id, name): code
                for code, province_id, name in District.objects.values_list("code", "province_id", "name_th")
            },
        )

    def district_for(self, province_code: str, name: str) -> str | None:
        name = " ".join((name or "").split())
        for candidate in (name, name.removeprefix("อำเภอ"), name.removeprefix("เขต"), "เมือง" + name):
            code = self.district_code.get((province_code, candidate))
            if code:
                return code
        return None


# A number as DLA's files write it: ASCII digits only (Thai digits are refused, not read as
# something else), an optional sign, decimals and exponent; thousands separators are dropped.
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", re.ASCII)
_DLA_CODE = re.compile(r"[0-9]{7}", re.ASCII)
# What the LAO table holds: areas up to numeric(10, 2). DLA's own file gives some areas in rai
# or m² (tens of millions), so a tighter bound would reject the real registry.
MAX_AREA_KM2 = Decimal("99999999.99")
NAME_MAX_LENGTH = 200


def _decimal(value, *, where: str, label: str, errors: list, low=None, high=None, places=6) -> Decimal | None:
    """A finite number in [low, high], rounded to `places`; anything else is an error on `where`."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
        errors.append(RegistryError(where, f"{label} “{value}” is not a number"))
        return None
    text = str(value).strip().replace(",", "")
    if text in ("", "-", "null", "None"):
        return None
    if not _NUMBER.fullmatch(text):
        errors.append(RegistryError(where, f"{label} “{value}” is not a number"))
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        errors.append(RegistryError(where, f"{label} “{value}” is not a number"))
        return None
    # Bounds first: quantizing a huge number would raise instead of saying which line is wrong.
    if (low is not None and number < low) or (high is not None and number > high):
        bounds = f"outside {low}–{high}" if high is not None else f"below {low}"
        errors.append(RegistryError(where, f"{label} {value} is {bounds}"))
        return None
    return number.quantize(Decimal(1).scaleb(-places))


def _check_text(raw: str, label: str, where: str, errors: list) -> None:
    """Text as the file has it, before blanks are squeezed: tab and line breaks are blanks, other
    control characters (NUL, ESC …) have no place in a name and reject the line."""
    found = control_character(raw, multiline=True)
    if found is not None:
        errors.append(RegistryError(where, f"{label} contains a control character (U+{ord(found):04X})"))


def _check_entry(entry: RegistryEntry, geo: GeographyIndex, errors: list) -> None:
    where = entry.source
    if not _DLA_CODE.fullmatch(entry.dla_code or ""):
        errors.append(RegistryError(where, f"DLA code “{entry.dla_code}” is not 7 digits 0–9"))
    if not entry.name_th:
        errors.append(RegistryError(where, "the LAO has no name"))
    if len(entry.name_th) > NAME_MAX_LENGTH:
        errors.append(RegistryError(where, f"the name is longer than {NAME_MAX_LENGTH} characters"))
    if entry.province_code not in geo.province_codes:
        errors.append(RegistryError(where, f"unknown province “{entry.province_code}”"))
    else:
        entry.district_code = geo.district_for(entry.province_code, entry.district_name_th)
        if entry.district_name_th and entry.district_code is None:
            errors.append(
                RegistryError(where, f"district “{entry.district_name_th}” is not in province {entry.province_code}")
            )


def _json_text(record: dict, key: str, where: str, errors: list, *, codes: bool = False) -> str:
    """A text field of a JSON record: a string (or, for codes, a whole number); anything else is an error."""
    value = record.get(key)
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if codes and isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    errors.append(RegistryError(where, f"“{key}” is not text"))
    return ""


def parse_json(data: bytes, geo: GeographyIndex) -> list[RegistryEntry]:
    """The JSON snapshot (`lao-registry.json`): {"localAuthorities": [{dlaCode, nameTh, type, …}]}."""
    try:
        # Numbers as Decimal (1e400 stays 1e400 and is refused by range, never read as inf or 1.00);
        # NaN and Infinity stay words, refused as "not a number".
        document = json.loads(data.decode("utf-8-sig"), parse_float=Decimal, parse_constant=str)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise RegistryFileError([RegistryError("file", f"not valid UTF-8 JSON ({error})")]) from None
    records = document.get("localAuthorities") if isinstance(document, dict) else document
    if not isinstance(records, list):
        raise RegistryFileError([RegistryError("file", "expected a list under “localAuthorities”")])
    errors: list[RegistryError] = []
    entries = []
    for number, record in enumerate(records, start=1):
        where = f"record {number}"
        if not isinstance(record, dict):
            errors.append(RegistryError(where, "not an object"))
            continue
        lao_type = parse_lao_type(str(record.get("type") or ""))
        if lao_type is None:
            errors.append(RegistryError(where, f"unknown LAO type “{record.get('type')}”"))
            continue
        for key, label in (("nameTh", "the name"), ("districtNameTh", "the district")):
            _check_text(_json_text(record, key, where, []), label, where, errors)
        entry = RegistryEntry(
            dla_code=_json_text(record, "dlaCode", where, errors, codes=True).strip(),
            lao_type=lao_type,
            name_th=" ".join(_json_text(record, "nameTh", where, errors).split()),
            province_code=_json_text(record, "provinceCode", where, errors, codes=True).strip().zfill(2),
            district_name_th=" ".join(_json_text(record, "districtNameTh", where, errors).split()),
            latitude=_decimal(record.get("centerLat"), where=where, label="latitude", errors=errors, low=5, high=21),
            longitude=_decimal(record.get("centerLon"), where=where, label="longitude", errors=errors, low=97, high=106),
            area_km2=_decimal(record.get("areaKm2"), where=where, label="area", errors=errors, low=0,
                              high=MAX_AREA_KM2, places=2),
            source=where,
        )
        _check_entry(entry, geo, errors)
        entries.append(entry)
    _check_duplicates(entries, errors)
    if errors:
        raise RegistryFileError(errors)
    return entries


def _decode_csv(data: bytes) -> str:
    # DLA serves UTF-8 (often with a BOM); older exports are Windows-874 / TIS-620.
    for encoding in ("utf-8-sig", "cp874"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise RegistryFileError([RegistryError("file", "neither UTF-8 nor TIS-620 text")])


def parse_csv(data: bytes, geo: GeographyIndex) -> list[RegistryEntry]:
    """DLA's open-data CSV: one row per (LAO, tambon), RFC 4180 quoting; rows are grouped by DLA code."""
    text = _decode_csv(data)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        raise RegistryFileError([RegistryError("line 1", "the file is empty or has no header")]) from None
    columns = {_squash(name).upper(): index for index, name in enumerate(header)}
    missing = [name for name in REQUIRED_COLUMNS if _squash(name).upper() not in columns]
    if missing:
        raise RegistryFileError([RegistryError("line 1", f"missing column(s): {', '.join(missing)}")])

    def cell(row, name):
        index = columns.get(_squash(name).upper())
        return row[index].strip() if index is not None and index < len(row) else ""

    errors: list[RegistryError] = []
    by_code: dict[str, RegistryEntry] = {}
    entries: list[RegistryEntry] = []
    try:
        for row in reader:
            line = reader.line_num
            where = f"line {line}"
            if not any(field.strip() for field in row):
                continue
            if len(row) < len(header):
                errors.append(RegistryError(where, f"{len(row)} fields, the header has {len(header)}"))
                continue
            raw_type = cell(row, COL_TYPE)
            lao_type = parse_lao_type(raw_type)
            if lao_type is None:
                errors.append(RegistryError(where, f"unknown LAO type “{raw_type}”"))
                continue
            province_name = cell(row, COL_PROVINCE).removeprefix("จังหวัด").strip()
            province_code = geo.province_by_name.get(province_name, "")
            if not province_code:
                errors.append(RegistryError(where, f"unknown province “{province_name}”"))
                continue
            code = cell(row, COL_CODE)
            _check_text(cell(row, COL_NAME), "the name", where, errors)
            _check_text(cell(row, COL_DISTRICT), "the district", where, errors)
            name = strip_type_prefix(cell(row, COL_NAME), lao_type)
            entry = RegistryEntry(
                dla_code=code,
                lao_type=lao_type,
                name_th=name,
                province_code=province_code,
                district_name_th=" ".join(cell(row, COL_DISTRICT).split()),
                latitude=_decimal(cell(row, COL_LAT), where=where, label="LAT", errors=errors, low=5, high=21),
                longitude=_decimal(cell(row, COL_LON), where=where, label="LONG", errors=errors, low=97, high=106),
                area_km2=_decimal(cell(row, COL_AREA), where=where, label="area", errors=errors, low=0,
                                  high=MAX_AREA_KM2, places=2),
                source=where,
            )
            first = by_code.get(code)
            if first is None:
                _check_entry(entry, geo, errors)
                by_code[code] = entry
                entries.append(entry)
                continue
            # Another tambon of a LAO already seen: it must describe the same LAO.
            if (first.lao_type, first.name_th, first.province_code) != (entry.lao_type, entry.name_th, entry.province_code):
                errors.append(
                    RegistryError(where, f"DLA code {code} is “{entry.name_th}” here but “{first.name_th}” on {first.source}")
                )
            for attribute in ("latitude", "longitude", "area_km2"):
                if getattr(first, attribute) is None:
                    setattr(first, attribute, getattr(entry, attribute))
    except csv.Error as error:
        errors.append(RegistryError(f"line {reader.line_num}", f"broken CSV quoting ({error})"))
    if errors:
        raise RegistryFileError(errors)
    return entries


def _check_duplicates(entries: list[RegistryEntry], errors: list) -> None:
    seen: dict[str, str] = {}
    for entry in entries:
        if entry.dla_code in seen:
            errors.append(RegistryError(entry.source, f"DLA code {entry.dla_code} also on {seen[entry.dla_code]}"))
        else:
            seen[entry.dla_code] = entry.source


def registry_format(data: bytes) -> str:
    """'json' if the content starts with { or [ (after a BOM or blanks), else DLA's 'csv'."""
    return "json" if data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"[") else "csv"


def parse_registry_data(data: bytes, geo: GeographyIndex) -> list[RegistryEntry]:
    """Parse a registry by its content: the JSON snapshot or DLA's CSV."""
    return parse_json(data, geo) if registry_format(data) == "json" else parse_csv(data, geo)
