"""Readable ASCII subdomains for the 7,849 LAOs.

Every LAO is reached at ``<label>.<base domain>``. The label must be a DNS label
(RFC 1035/5891: a-z, 0-9, '-', 1..63 characters) and should be readable by a Thai
official who types it from a letterhead, so it is built from the RTGS
romanisation of the LAO's Thai name and a short type prefix ("pao-phrae",
"sao-nong-bua").

pythainlp's rule-based ``royin`` engine alone romanises common place-name words
badly ("แพร่" -> "phaen", "ใหญ่" -> "ain"), so names are segmented against a
lexicon of known RTGS spellings first and only the leftovers go to royin:

* the official English names of provinces and districts (provinces.json,
  districts.json), whole and split word by word where the split is certain;
* ``RTGS_WORDS``, a hand-written table of the words that occur most often in
  LAO names (counted over the registry) and of a few names royin gets wrong.

This module is plain Python (no Django) so that the registry import, the
onboarding code and tests can all use it; pythainlp is imported lazily.
"""
from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from functools import lru_cache
from itertools import combinations
from pathlib import Path
from typing import Any

__all__ = [
    "DEFAULT_DATA_DIR",
    "HOSTNAME_RE",
    "MAX_LABEL_LENGTH",
    "RTGS_WORDS",
    "TYPE_PREFIX",
    "base_label",
    "derive_hostnames",
    "is_valid_label",
    "load_geography_slugs",
    "romanize_name",
    "slugify_ascii",
]

#: Where provinces.json / districts.json live in the development checkout
#: (/work/shared/data); they are not part of the repository.
DEFAULT_DATA_DIR = Path(__file__).resolve().parents[2] / "shared" / "data"

MAX_LABEL_LENGTH = 63

#: One DNS label: lowercase LDH, 1..63 characters, no hyphen at either end, and
#: not of the reserved form "??--..." (RFC 5891 4.2.3.1; "xn--" means punycode).
HOSTNAME_RE = re.compile(r"\A(?!-)(?!..--)[a-z0-9-]{1,63}(?<!-)\Z")

#: Short prefix per LAO type, so that "sao-khlong-thom" and "tambon-khlong-thom"
#: (two different LAOs with the same Thai name) never compete for one label.
TYPE_PREFIX: dict[str, str] = {
    "provincial_admin_org": "pao",
    "city_municipality": "city",
    "town_municipality": "town",
    "subdistrict_municipality": "tambon",
    "subdistrict_admin_org": "sao",
    "special_admin_area": "",  # Pattaya City: the name alone ("pattaya")
}

#: RTGS spellings of the words most frequent in LAO names (counted over the
#: registry) and of words pythainlp's royin engine gets wrong. Entries here
#: override the geography files. A value may contain '-' between words.
RTGS_WORDS: dict[str, str] = {
    # the forty most frequent words, in order of frequency
    "หนอง": "nong", "บ้าน": "ban", "นา": "na", "ท่า": "tha", "บาง": "bang",
    "วัง": "wang", "แม่": "mae", "โคก": "khok", "ห้วย": "huai", "ทุ่ง": "thung",
    "คลอง": "khlong", "ทอง": "thong", "ใหญ่": "yai", "เมือง": "mueang", "ดอน": "don",
    "โนน": "non", "เขา": "khao", "บัว": "bua", "ยาง": "yang", "ศรี": "si",
    "ป่า": "pa", "ดง": "dong", "คำ": "kham", "น้ำ": "nam", "แก้ว": "kaeo",
    "เกาะ": "ko", "พระ": "phra", "ไผ่": "phai", "ช้าง": "chang", "หลวง": "luang",
    "บ่อ": "bo", "น้อย": "noi", "หัว": "hua", "โพธิ์": "pho", "กุด": "kut",
    "ม่วง": "muang", "หิน": "hin", "งาม": "ngam", "ตา": "ta", "ทราย": "sai",
    # frequent words and words royin mangles
    "โพน": "phon", "ใหม่": "mai", "แดง": "daeng", "กลาง": "klang", "ลำ": "lam",
    "เวียง": "wiang", "เหนือ": "nuea", "ปาก": "pak", "บึง": "bueng", "พัฒนา": "phatthana",
    "ไทร": "sai", "ใต้": "tai", "ลาด": "lat", "ภู": "phu", "ชัย": "chai",
    "ด่าน": "dan", "สระ": "sa", "ขาม": "kham", "ทับ": "thap", "เหล่า": "lao",
    "สูง": "sung", "ไร่": "rai", "แวง": "waeng", "วัด": "wat", "สาม": "sam",
    "สะอาด": "sa-at", "ควน": "khuan", "ตาล": "tan", "เชียง": "chiang", "เนิน": "noen",
    "นิคม": "nikhom", "เจริญ": "charoen", "ไชย": "chai", "สว่าง": "sawang", "แหลม": "laem",
    "หว้า": "wa", "นคร": "nakhon", "งิ้ว": "ngio", "ตลาด": "talat", "สำราญ": "samran",
    "หวาย": "wai", "สวรรค์": "sawan", "ธาตุ": "that", "ตะเคียน": "takhian", "เพชร": "phet",
    "สร้าง": "sang", "หญ้า": "ya", "สมบูรณ์": "sombun", "จันทร์": "chan", "อุดม": "udom",
    "หาด": "hat", "หัน": "han", "หัก": "hak", "หอม": "hom", "หมอ": "mo",
    "หมาก": "mak", "หลัก": "lak", "เหล็ก": "lek", "ขี้เหล็ก": "khilek", "เหมือง": "mueang",
    "ไพร": "phrai", "แพรก": "phraek", "โบสถ์": "bot", "สามัคคี": "samakkhi", "เกษม": "kasem",
    "ทรัพย์": "sap", "ราษฎร์": "rat", "พรหม": "phrom", "ภูมิ": "phum", "มงคล": "mongkhon",
    "เสด็จ": "sadet", "สะเดา": "sadao", "สุวรรณ": "suwan", "วัฒนา": "watthana", "บุญ": "bun",
    "หงส์": "hong", "นารายณ์": "narai", "ขวัญ": "khwan", "เตี้ย": "tia", "เปือย": "pueai",
    "เฒ่า": "thao", "โตนด": "tanot", "ตูม": "tum", "เจ็ด": "chet", "ฤทธิ์": "rit",
    "ศักดิ์": "sak", "สิทธิ์": "sit", "ศิลา": "sila", "คีรี": "khiri", "เจดีย์": "chedi",
    "ปราสาท": "prasat", "กระบือ": "krabue", "สำโรง": "samrong", "ตะโก": "tako", "ทะเล": "thale",
    "สนาม": "sanam", "กำแพง": "kamphaeng", "ขมิ้น": "khamin", "เงิน": "ngoen", "กระทุ่ม": "krathum",
    "สะแก": "sakae", "เขื่อน": "khuean", "ตลิ่งชัน": "taling-chan", "ทองหลาง": "thonglang",
    "พลับพลา": "phlapphla", "มะขาม": "makham", "มะนาว": "manao", "ประดู่": "pradu",
    "จำปา": "champa", "ขนุน": "khanun", "พระยา": "phraya", "พญา": "phaya",
    "สิงห์": "sing", "เทพ": "thep", "ราช": "rat", "บุรี": "buri", "ทิพย์": "thip",
    "อินทร์": "in", "ศาลา": "sala", "แก่ง": "kaeng", "แก้ง": "kaeng", "เสือ": "suea",
    "แสง": "saeng", "แสน": "saen", "สว่างอารมณ์": "sawang-arom",
    # unmatched most often after the geography files were added (second count)
    "โพ": "pho", "ข้าม": "kham", "ผา": "pha", "โรง": "rong", "แก": "kae",
    "คู": "khu", "ใน": "nai", "ข่า": "kha", "ดู่": "du", "ไฮ": "hai",
    "ชม": "chom", "ใส": "sai", "สี": "si", "ธง": "thong", "กอง": "kong",
    "คา": "kha", "แค": "khae", "หม้อ": "mo", "ฝาย": "fai", "เดื่อ": "duea",
    "อ้อ": "o", "วง": "wong", "นก": "nok", "ชี": "chi", "บง": "bong",
    "ปอ": "po", "ถ้ำ": "tham", "ราม": "ram", "พลับ": "phlap", "กก": "kok",
    "ดอก": "dok", "กุ่ม": "kum", "ถนน": "thanon", "พลวง": "phluang", "อ้อม": "om",
    "ทุ่ม": "thum", "ป้อม": "pom", "ดำ": "dam", "กรด": "krot", "ยม": "yom",
    "รอบ": "rop", "ศาล": "san", "แฝก": "faek", "ต้น": "ton", "คอก": "khok",
    "หน้า": "na", "ไหล": "lai", "ปลิง": "pling", "งัว": "ngua", "มะค่า": "makha",
    "ล้อม": "lom", "กล้วย": "kluai", "ข่อย": "khoi", "บุ่ง": "bung", "เชิง": "choeng",
    "โจด": "chot", "ฝ้าย": "fai", "เลิง": "loeng", "เรียง": "riang", "พุทรา": "phutsa",
    "เสม็ด": "samet", "มาบ": "map", "ข้าว": "khao", "เคียน": "khian", "เขวา": "khwao",
    "สาหร่าย": "sarai", "มะเขือ": "makhuea", "มะกอก": "makok", "หงษ์": "hong",
    "เปลือย": "plueai", "เกวียน": "kwian", "จรเข้": "chorakhe", "ตะเภา": "taphao",
    "โขลง": "khlong", "มะเดื่อ": "maduea", "นอก": "nok", "สุรศักดิ์": "surasak", "รังสิต": "rangsit",
    "มิตรภาพ": "mittraphap", "เกรียงไกร": "kriangkrai", "สงเคราะห์": "songkhro", "สีมา": "sima",
    # names whose conventional spelling is not what the rules give
    "พัทยา": "pattaya", "ลพบุรี": "lop-buri",
}

#: Thai abbreviations that occur in names ("กม.5" is "kilometre 5").
_ABBREVIATIONS: dict[str, str] = {"กม": "km"}

# Misspelt English names in provinces.json (the slug and lexicon use the fix).
_ENGLISH_FIXES: dict[str, str] = {"Loburi": "Lop Buri"}

_THAI_CONSONANTS = "กขฃคฅฆงจฉชซฌญฎฏฐฑฒณดตถทธนบปผฝพฟภมยรลวศษสหฬอฮ"
_LEADING_VOWELS = "เแโใไ"
_SONORANTS = "งญนมยรลว"  # a ห before these only marks the tone (หนอง, หลวง)
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_THAI_RUN = re.compile(r"[\u0e01-\u0e4e]+|[0-9]+")
_LONE_CONSONANT = re.compile(r"\A[\u0e01-\u0e2e][\u0e48-\u0e4c]*\Z")
# A syllable with no final consonant yet: ends in a vowel sign (กา, กุ), a
# diphthong (เคีย, เสือ, หัว) or is a leading vowel + consonant (แก).
_OPEN_SYLLABLE = re.compile(
    r"(?:[\u0e30-\u0e39\u0e47]|\u0e35\u0e22|\u0e37\u0e2d|\u0e31\u0e27|\A[เแโ][\u0e01-\u0e2e])"
    r"[\u0e48-\u0e4b]*\Z"
)
# Onsets RTGS writes as clusters; any other pair of initials has an unwritten
# "a" between them (ตลุก "taluk", ฉลอง "chalong", ทวาย "thawai").
_ONSET = re.compile(r"\A(kh|ph|th|ch|ng|[bdfjklmnprstwy])(kh|ph|th|ch|ng|[bdfjklmnprstwy])")
_CLUSTERS = {"kr", "kl", "kw", "khr", "khl", "khw", "pr", "pl", "phr", "phl", "tr"}
# Vowel + y/w endings as RTGS writes them (จาย "chai", แค้ว "khaeo", เมย "moei").
_FINAL_GLIDES = (("aiy", "ai"), ("aew", "aeo"), ("ey", "oei"), ("ay", "ai"), ("oy", "oi"), ("uy", "ui"),
                 ("aw", "ao"), ("ew", "eo"), ("iw", "io"))


def slugify_ascii(text: str) -> str:
    """Lowercase ASCII words joined by single hyphens ("Mueang Phrae" -> "mueang-phrae")."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def is_valid_label(label: str) -> bool:
    """True when ``label`` can be used as-is as one DNS label of a tenant's host."""
    return isinstance(label, str) and HOSTNAME_RE.match(label) is not None


# --------------------------------------------------------------------------
# Lexicon: Thai -> RTGS
# --------------------------------------------------------------------------


def _read_json(path: Path) -> Any:
    with path.open(encoding="utf-8") as fh:
        return json.load(fh)


def _english(name_en: str) -> str:
    return _ENGLISH_FIXES.get(name_en.strip(), name_en.strip())


@lru_cache(maxsize=65536)
def _syllable_bounds(text: str) -> tuple[int, ...]:
    """Offsets where a syllable ends; lexicon matches may only start/end there.

    Without this, "นา" would match inside "นาง" and leave a stray "ง". Words
    (newmm) are split into syllables one by one, because the syllable
    tokenizer alone sometimes cuts across a word (บา|งก|ระ|ทึก).
    """
    from pythainlp.tokenize import syllable_tokenize, word_tokenize

    sylls = [
        syl
        for word in word_tokenize(text, engine="newmm", keep_whitespace=False)
        for syl in syllable_tokenize(word, engine="dict")
    ]
    bounds, pos = [], 0
    for n, syl in enumerate(sylls):
        pos += len(syl)
        if _LONE_CONSONANT.match(syl):
            # The tokenizer splits off lone consonants. After an open syllable
            # one is its final (กา|ศ -> กาศ); otherwise it is an initial with
            # an unwritten "a" and belongs to the next syllable (คลอง|ข|นาก).
            if bounds and _OPEN_SYLLABLE.search(sylls[n - 1]):
                bounds[-1] = pos
                continue
            if n + 1 < len(sylls):
                continue
            if bounds:
                bounds[-1] = pos
                continue
        bounds.append(pos)
    if not bounds or bounds[-1] != len(text):
        bounds.append(len(text))
    return tuple(bounds)


@lru_cache(maxsize=65536)
def _royin_syllable(syl: str) -> str:
    """royin for one unknown syllable, with fixes for the rules it gets wrong."""
    from pythainlp.transliterate import romanize

    s = syl
    lead = s[0] if s and s[0] in _LEADING_VOWELS else ""
    body = s[len(lead):]
    if len(body) >= 2 and body[0] == "ห":
        # royin drops a leading ห (หิน -> "in") or misreads เห+sonorant (เหนือ -> "enue").
        body = body[1:] if body[1] in _SONORANTS else "ฮ" + body[1:]
    elif len(body) >= 2 and body[0] in "ทศส" and body[1] == "ร" and len(body) > 2:
        # ทร/ศร/สร read as s (ทราย sai, ศรี si, สร้าง sang); royin writes "thr"/"sr".
        body = "ซ" + body[2:] if body[0] == "ท" else body[0] + body[2:]
    # อ before a syllable of its own is a vowel "a" royin drops (อโยธยา, อรัญ).
    silent_a = len(body) >= 3 and body[0] == "อ" and (
        body[1] in _LEADING_VOWELS or (body[1] in _THAI_CONSONANTS and "\u0e30" <= body[2] <= "\u0e39")
    )
    if len(body) >= 2 and body.endswith("ญ"):
        body = body[:-1] + "น"  # final ญ is n (กาญ "kan"); royin writes "y"
    out = romanize(lead + body, engine="royin")
    out = unicodedata.normalize("NFKD", out).encode("ascii", "ignore").decode("ascii")
    out = re.sub(r"[^a-z0-9]", "", out.lower())
    # RTGS finals are k, p, t, m, n, ng or a vowel (หาร "han", โจด "chot").
    out = re.sub(r"r\Z", "n", out) if len(out) > 2 else out
    out = re.sub(r"(?<=[aeiou])d\Z", "t", re.sub(r"(?<=[aeiou])b\Z", "p", out))
    out = re.sub(r"(?<=[aeiou])(s|tn)\Z", "t", out)  # final ศ/ษ/ส and ตร are t (ระกาศ, โคตร)
    for wrong, right in _FINAL_GLIDES:
        if out.endswith(wrong):
            out = out[: -len(wrong)] + right
            break
    if silent_a and out[:1] not in ("a", "e", "i", "o", "u", ""):
        out = "a" + out
    m = _ONSET.match(out)
    if m and m.group(1) + m.group(2) not in _CLUSTERS and m.end() < len(out):
        out = m.group(1) + "a" + out[len(m.group(1)):]
    return out


def _royin_run(run: str) -> str:
    """Romanise text absent from the lexicon, syllable by syllable, as one word."""
    bounds, start, parts = _syllable_bounds(run), 0, []
    for end in bounds:
        parts.append(_royin_syllable(run[start:end]))
        start = end
    return "".join(parts)


def _segment(text: str, lexicon: Mapping[str, str], max_len: int) -> list[tuple[str, str | None]]:
    """Greedy longest match of lexicon words at syllable boundaries.

    Returns (thai, rtgs) pairs; rtgs is None for unmatched runs (adjacent ones merged).
    """
    bounds = _syllable_bounds(text)
    out: list[tuple[str, str | None]] = []
    i = 0
    while i < len(text):
        ends = [b for b in bounds if i < b <= i + max_len]
        hit = next((b for b in reversed(ends) if text[i:b] in lexicon), None)
        if hit is not None:
            out.append((text[i:hit], lexicon[text[i:hit]]))
            i = hit
            continue
        nxt = ends[0] if ends else len(text)
        if out and out[-1][1] is None:
            out[-1] = (out[-1][0] + text[i:nxt], None)
        else:
            out.append((text[i:nxt], None))
        i = nxt
    return out


def _split_english(thai: str, words: list[str], lexicon: Mapping[str, str]) -> dict[str, str]:
    """Word-level entries from one Thai/English name pair ("คลองท่อม", [khlong, thom]).

    The syllables are cut into len(words) groups; a cut is used only if every
    group already in the lexicon agrees with its English word, at least one does,
    and no other cut does as well; the remaining groups become new entries.
    """
    bounds = _syllable_bounds(thai)
    k = len(words)
    if k < 2 or len(bounds) < k or len(bounds) > 8:
        return {}
    scored = []
    for cuts in combinations(bounds[:-1], k - 1):
        edges = (0, *cuts, len(thai))
        groups = [thai[a:b] for a, b in zip(edges, edges[1:])]
        known = [g in lexicon for g in groups]
        if any(known) and all(lexicon[g] == w for g, w, kn in zip(groups, words, known) if kn):
            scored.append((sum(known), groups))
    scored.sort(key=lambda t: -t[0])
    if not scored or (len(scored) > 1 and scored[0][0] == scored[1][0]):
        return {}
    return {g: w for g, w in zip(scored[0][1], words) if g not in lexicon}


def _similarity(a: str, b: str) -> float:
    from difflib import SequenceMatcher

    return SequenceMatcher(None, a.replace("-", ""), b.replace("-", "")).ratio()


@lru_cache(maxsize=8)
def _lexicon(data_dir: str | None) -> tuple[dict[str, str], int]:
    """RTGS_WORDS plus province/district names from ``data_dir`` (if readable).

    District rows whose English name plainly belongs to another district (the
    file has a few shifted rows, e.g. ร้องกวาง "Mueang Phrae") are skipped: their
    English must resemble the hand-table romanisation of the Thai.
    """
    lexicon: dict[str, str] = dict(RTGS_WORDS)
    pairs: list[tuple[str, str]] = []  # (thai, "rtgs-words")
    if data_dir is not None:
        base = Path(data_dir)
        try:
            provinces = _read_json(base / "provinces.json")
            districts = _read_json(base / "districts.json")
        except (OSError, ValueError):
            provinces, districts = [], []
        for p in provinces:
            pairs.append((p["provinceNameTh"], slugify_ascii(_english(p["provinceNameEn"]))))
        base_max = max(map(len, lexicon))
        english = [slugify_ascii(_english(d["districtNameEn"])) for d in districts]
        shared = Counter((d["provinceCode"], en) for d, en in zip(districts, english))
        for d, en in zip(districts, english):
            th = d["districtNameTh"]
            guess = _romanize_with(th, RTGS_WORDS, base_max)
            # A name shared by two districts of one province must match closely
            # (บางไทร/บางซ้าย are both "Bang Sai"; หนองหาน is not "Nong Saeng").
            threshold = 0.9 if shared[(d["provinceCode"], en)] > 1 else 0.55
            if th in RTGS_WORDS or _similarity(guess, en) < threshold:
                continue
            pairs.append((th, en))
            if th.startswith("เมือง") and en.startswith("mueang-"):
                pairs.append((th[len("เมือง"):], en[len("mueang-"):]))
    votes: dict[str, Counter[str]] = {}
    for th, en in pairs:
        votes.setdefault(th, Counter())[en] += 1
    for th, counter in sorted(votes.items()):
        lexicon.setdefault(th, counter.most_common(1)[0][0])
    # Word-level entries (ท่อม -> thom from คลองท่อม "Khlong Thom"); two passes
    # let a word learnt in the first pass split further names in the second.
    for _ in range(2):
        learnt: dict[str, Counter[str]] = {}
        for th, en in sorted(set(pairs)):
            for g, w in _split_english(th, en.split("-"), lexicon).items():
                learnt.setdefault(g, Counter())[w] += 1
        for g, counter in sorted(learnt.items()):
            (w, n), *rest = counter.most_common()
            # Fragments of one or two letters (กา, ลา) are usually parts of
            # longer words; as entries they would chop names apart.
            if len(g) >= 3 and (not rest or n > rest[0][1]):
                lexicon.setdefault(g, w)
    return lexicon, max(map(len, lexicon))


def _romanize_with(name_th: str, lexicon: Mapping[str, str], max_len: int) -> str:
    parts: list[str] = []
    for m in _THAI_RUN.finditer(name_th.translate(_THAI_DIGITS)):
        chunk = m.group()
        if chunk.isdigit():
            parts.append(chunk)
        elif chunk in _ABBREVIATIONS:
            parts.append(_ABBREVIATIONS[chunk])
        elif len(chunk) == 1 and chunk in _THAI_CONSONANTS:
            # an initial of an abbreviation (จ.ป.ร.) is read with -o: "cho", "po", "ro"
            parts.append(_royin_syllable(chunk + "อ"))
        else:
            for thai, rtgs in _segment(chunk, lexicon, max_len):
                parts.append(rtgs if rtgs is not None else _royin_run(thai))
    return slugify_ascii("-".join(parts))


def romanize_name(name_th: str, *, data_dir: Path | str | None = DEFAULT_DATA_DIR) -> str:
    """Lowercase, hyphenated RTGS-like ASCII form of a Thai name ("ห้วยน้ำขาว" -> "huai-nam-khao").

    Uses the geography files in ``data_dir`` when present and the hand table
    alone otherwise (so it still works where /work/shared/data is absent).
    """
    lexicon, max_len = _lexicon(None if data_dir is None else str(data_dir))
    return _romanize_with(name_th.strip(), lexicon, max_len)


# --------------------------------------------------------------------------
# Labels
# --------------------------------------------------------------------------


def _truncate(slug: str, limit: int) -> str:
    """Cut ``slug`` to ``limit`` characters, preferably at a hyphen, never ending in '-'."""
    if len(slug) <= limit:
        return slug
    cut = slug[:limit]
    if slug[limit] != "-" and "-" in cut:
        cut = cut[: cut.rindex("-")]
    return cut.strip("-") or slug[:limit].strip("-")


def _join(name: str, suffix: str = "", prefix: str = "") -> str:
    """prefix-name-suffix within 63 characters, shortening the name part only."""
    fixed = len(prefix) + bool(prefix) + len(suffix) + bool(suffix)
    name = _truncate(name, max(MAX_LABEL_LENGTH - fixed, 1))
    return "-".join(p for p in (prefix, name, suffix) if p)


def _name_part(name_th: str, lao_type: str, data_dir: Path | str | None) -> str:
    text = name_th.strip()
    if lao_type == "special_admin_area" and text.startswith("เมือง") and len(text) > len("เมือง"):
        text = text[len("เมือง"):]  # เมืองพัทยา -> "pattaya", as the city calls itself
    return romanize_name(text, data_dir=data_dir) or "lao"


def base_label(*, name_th: str, lao_type: str, data_dir: Path | str | None = DEFAULT_DATA_DIR) -> str:
    """Type prefix + romanised name, at most 63 characters ("แพร่", PAO -> "pao-phrae")."""
    if lao_type not in TYPE_PREFIX:
        raise ValueError(f"unknown LAO type {lao_type!r}")
    return _join(_name_part(name_th, lao_type, data_dir), prefix=TYPE_PREFIX[lao_type])


def load_geography_slugs(
    data_dir: Path | str = DEFAULT_DATA_DIR,
) -> tuple[dict[str, str], dict[tuple[str, str], str]]:
    """Slugs of the English province and district names used as disambiguators.

    Returns ({"54": "phrae"}, {("54", "เมืองแพร่"): "mueang-phrae"}); province
    codes are the registry's two-digit strings.
    """
    base = Path(data_dir)
    provinces = {
        f"{int(p['provinceCode']):02d}": slugify_ascii(_english(p["provinceNameEn"]))
        for p in _read_json(base / "provinces.json")
    }
    districts: dict[tuple[str, str], str] = {}
    for d in _read_json(base / "districts.json"):
        key = (f"{int(d['provinceCode']):02d}", d["districtNameTh"])
        districts.setdefault(key, slugify_ascii(_english(d["districtNameEn"])))
    return provinces, districts


_FIELDS = {
    "dla_code": "dlaCode",
    "name_th": "nameTh",
    "lao_type": "type",
    "province_code": "provinceCode",
    "district_name_th": "districtNameTh",
}


def _field(entry: Any, name: str) -> Any:
    """Read ``name`` from a dict (snake_case, or the registry's camelCase) or an object."""
    if isinstance(entry, Mapping):
        return entry[name] if name in entry else entry.get(_FIELDS[name])
    return getattr(entry, name, None)


def derive_hostnames(
    entries: Iterable[Any],
    *,
    taken: Iterable[str] = frozenset(),
    province_slugs: Mapping[str, str] | None = None,
    district_slugs: Mapping[tuple[str, str], str] | None = None,
    data_dir: Path | str | None = DEFAULT_DATA_DIR,
) -> dict[str, str]:
    """Unique labels for LAOs: {dla_code: label}.

    Entries are processed in DLA-code order so the result does not depend on
    input order. A label already in ``taken`` or given to an earlier entry is
    disambiguated, most readable first: ``base``, ``base-<province>``,
    ``base-<district>``, ``base-<district>-<province>``, ``base-<dla code>``.
    Only the name part is ever shortened to stay within 63 characters.
    """
    if province_slugs is None or district_slugs is None:
        loaded_p, loaded_d = load_geography_slugs(DEFAULT_DATA_DIR if data_dir is None else data_dir)
        province_slugs = loaded_p if province_slugs is None else province_slugs
        district_slugs = loaded_d if district_slugs is None else district_slugs
    used = set(taken)
    result: dict[str, str] = {}
    rows = sorted(entries, key=lambda e: str(_field(e, "dla_code")))
    for entry in rows:
        code = str(_field(entry, "dla_code"))
        lao_type = str(_field(entry, "lao_type"))
        if lao_type not in TYPE_PREFIX:
            raise ValueError(f"{code}: unknown LAO type {lao_type!r}")
        prov = f"{int(_field(entry, 'province_code')):02d}" if _field(entry, "province_code") else ""
        name = _name_part(str(_field(entry, "name_th") or ""), lao_type, data_dir)
        prefix = TYPE_PREFIX[lao_type]
        p_slug = province_slugs.get(prov, "")
        d_slug = district_slugs.get((prov, str(_field(entry, "district_name_th") or "")), "")
        suffixes = ["", p_slug, d_slug, f"{d_slug}-{p_slug}" if d_slug and p_slug else ""]
        candidates = [_join(name, s, prefix) for s in dict.fromkeys(suffixes)]
        candidates.append(_join(name, code, prefix))
        label = next((c for c in candidates if c not in used and is_valid_label(c)), None)
        if label is None:  # only if `taken` holds even the DLA-code form
            n = 2
            while (label := _join(name, f"{code}-{n}", prefix)) in used:
                n += 1
        used.add(label)
        result[code] = label
    return result
