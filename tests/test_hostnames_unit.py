"""Unit tests for tenants.hostnames: no Django, no database.

Run with: .venv/bin/python -m pytest -p no:django -p no:cacheprovider -q tests/test_hostnames_unit.py
"""
from __future__ import annotations

import json
import random
from pathlib import Path
from types import SimpleNamespace

import pytest

from tenants.hostnames import (
    DEFAULT_DATA_DIR,
    HOSTNAME_RE,
    MAX_LABEL_LENGTH,
    TYPE_PREFIX,
    base_label,
    derive_hostnames,
    is_valid_label,
    load_geography_slugs,
    romanize_name,
)

REGISTRY = DEFAULT_DATA_DIR / "lao-registry.json"
needs_data = pytest.mark.skipif(not REGISTRY.exists(), reason=f"{REGISTRY} not available")


def _entry(dla_code: str, name_th: str, lao_type: str, province_code: str = "54", district_name_th: str = "") -> dict:
    return {
        "dla_code": dla_code,
        "name_th": name_th,
        "lao_type": lao_type,
        "province_code": province_code,
        "district_name_th": district_name_th,
    }


@pytest.fixture(scope="module")
def registry() -> list[dict]:
    rows = json.loads(Path(REGISTRY).read_text(encoding="utf-8"))["localAuthorities"]
    return [
        _entry(r["dlaCode"], r["nameTh"], r["type"], r["provinceCode"], r["districtNameTh"]) for r in rows
    ]


@pytest.fixture(scope="module")
def slugs() -> tuple[dict, dict]:
    return load_geography_slugs()


@pytest.fixture(scope="module")
def labels(registry, slugs) -> dict[str, str]:
    provinces, districts = slugs
    return derive_hostnames(registry, province_slugs=provinces, district_slugs=districts)


# -- labels and the validator ------------------------------------------------


@pytest.mark.parametrize("label", ["a", "pao-phrae", "sao-nong-bua-2", "x" * 63, "7"])
def test_valid_labels(label):
    assert is_valid_label(label)
    assert HOSTNAME_RE.match(label)


@pytest.mark.parametrize(
    "label",
    ["", "-a", "a-", "Pao", "pao_phrae", "pao.phrae", "x" * 64, "xn--abc", "ab--c", "พัทยา", "a\n", None],
)
def test_invalid_labels(label):
    assert not is_valid_label(label)


def test_type_prefix_covers_all_types():
    assert TYPE_PREFIX == {
        "provincial_admin_org": "pao",
        "city_municipality": "city",
        "town_municipality": "town",
        "subdistrict_municipality": "tambon",
        "subdistrict_admin_org": "sao",
        "special_admin_area": "",
    }


# -- romanisation ------------------------------------------------------------


@pytest.mark.parametrize(
    ("thai", "expected"),
    [
        ("แพร่", "phrae"),  # royin alone: "phaen"
        ("เชียงใหม่", "chiang-mai"),  # royin alone: "chianghaim"
        ("ห้วยน้ำขาว", "huai-nam-khao"),  # royin alone: "uainamkhao"
        ("คลองท่อมใต้", "khlong-thom-tai"),
        ("หนองบัว", "nong-bua"),
        ("กม.5", "km-5"),
    ],
)
def test_romanize_name_known_words(thai, expected):
    assert romanize_name(thai) == expected


def test_romanize_name_without_geography_files_still_ascii():
    for thai in ["แพร่", "กาญจนา", "สุไหงโก-ลก", "จ.ป.ร.", "ทุ่งควายกิน"]:
        out = romanize_name(thai, data_dir=None)
        assert is_valid_label(out), (thai, out)


def test_base_label_examples():
    assert base_label(name_th="แพร่", lao_type="provincial_admin_org") == "pao-phrae"
    assert base_label(name_th="กาญจนา", lao_type="subdistrict_admin_org") == "sao-kanchana"
    assert base_label(name_th="เมืองพัทยา", lao_type="special_admin_area") == "pattaya"
    with pytest.raises(ValueError):
        base_label(name_th="แพร่", lao_type="no_such_type")


def test_very_long_name_stays_within_63():
    long_name = "หนองบัวทุ่งใหญ่ห้วยน้ำขาวคลองท่อมใต้" * 4
    label = base_label(name_th=long_name, lao_type="subdistrict_municipality")
    assert len(label) <= MAX_LABEL_LENGTH and is_valid_label(label)
    assert label.startswith("tambon-nong-bua-")

    entries = [_entry("5540101", long_name, "subdistrict_municipality", "54", "เมืองแพร่")]
    provinces, districts = {"54": "phrae"}, {("54", "เมืองแพร่"): "mueang-phrae"}
    first = derive_hostnames(entries, province_slugs=provinces, district_slugs=districts)
    assert first["5540101"] == label
    # Disambiguated: the name part is shortened, the disambiguator kept whole.
    taken = {label, label[:54] + "-phrae"}
    again = derive_hostnames(entries, taken={label}, province_slugs=provinces, district_slugs=districts)
    assert again["5540101"].endswith("-phrae") and len(again["5540101"]) <= MAX_LABEL_LENGTH
    assert is_valid_label(again["5540101"])
    third = derive_hostnames(
        entries, taken=taken | {again["5540101"]}, province_slugs=provinces, district_slugs=districts
    )
    assert third["5540101"].endswith("-mueang-phrae") and is_valid_label(third["5540101"])


# -- derive_hostnames ----------------------------------------------------------


def test_collision_with_taken_gets_readable_disambiguator():
    provinces, districts = {"54": "phrae"}, {("54", "เมืองแพร่"): "mueang-phrae"}
    entry = _entry("2540101", "แพร่", "provincial_admin_org", "54", "เมืองแพร่")

    def derive(taken):
        return derive_hostnames([entry], taken=taken, province_slugs=provinces, district_slugs=districts)["2540101"]

    assert derive(frozenset()) == "pao-phrae"
    assert derive({"pao-phrae"}) == "pao-phrae-phrae"
    assert derive({"pao-phrae", "pao-phrae-phrae"}) == "pao-phrae-mueang-phrae"
    assert derive({"pao-phrae", "pao-phrae-phrae", "pao-phrae-mueang-phrae"}) == "pao-phrae-mueang-phrae-phrae"
    last = derive({"pao-phrae", "pao-phrae-phrae", "pao-phrae-mueang-phrae", "pao-phrae-mueang-phrae-phrae"})
    assert last == "pao-phrae-2540101"
    assert is_valid_label(last)


def test_duplicate_names_resolved_in_dla_code_order():
    provinces = {"54": "phrae", "40": "khon-kaen"}
    districts = {("54", "สูงเม่น"): "sung-men", ("40", "พล"): "phon", ("40", "แวงใหญ่"): "waeng-yai"}
    entries = [
        _entry("6400999", "หนองบัว", "subdistrict_admin_org", "40", "แวงใหญ่"),
        _entry("6400998", "หนองบัว", "subdistrict_admin_org", "40", "พล"),
        _entry("6540999", "หนองบัว", "subdistrict_admin_org", "54", "สูงเม่น"),
        _entry("5400999", "หนองบัว", "subdistrict_municipality", "40", "พล"),
    ]
    out = derive_hostnames(entries, province_slugs=provinces, district_slugs=districts)
    assert out == {
        "5400999": "tambon-nong-bua",
        "6400998": "sao-nong-bua",
        "6400999": "sao-nong-bua-khon-kaen",
        "6540999": "sao-nong-bua-phrae",
    }


def test_accepts_objects_as_well_as_dicts():
    provinces, districts = {"20": "chon-buri"}, {}
    obj = SimpleNamespace(
        dla_code="3200408", name_th="เมืองพัทยา", lao_type="special_admin_area",
        province_code="20", district_name_th="บางละมุง",
    )
    assert derive_hostnames([obj], province_slugs=provinces, district_slugs=districts) == {"3200408": "pattaya"}


@needs_data
def test_full_registry_unique_valid(labels, registry):
    assert len(registry) == 7849
    assert len(labels) == 7849
    assert len(set(labels.values())) == 7849
    bad = {code: label for code, label in labels.items() if not is_valid_label(label) or "--" in label}
    assert not bad


@needs_data
def test_registry_examples(labels):
    assert labels["2540101"] == "pao-phrae"
    assert labels["3200408"] == "pattaya"


@needs_data
def test_every_pao_is_named_after_its_province(registry, labels, slugs):
    provinces, _ = slugs
    for e in registry:
        if e["lao_type"] == "provincial_admin_org":
            assert labels[e["dla_code"]] == f"pao-{provinces[e['province_code']]}"


@needs_data
def test_deterministic_and_independent_of_input_order(registry, labels, slugs):
    provinces, districts = slugs
    shuffled = registry[:]
    random.Random(4).shuffle(shuffled)
    again = derive_hostnames(shuffled, province_slugs=provinces, district_slugs=districts)
    assert again == labels


@needs_data
def test_taken_labels_are_avoided_across_registry(registry, labels, slugs):
    provinces, districts = slugs
    taken = {labels["2540101"], labels["3200408"], "www"}
    out = derive_hostnames(registry, taken=taken, province_slugs=provinces, district_slugs=districts)
    assert not taken & set(out.values())
    assert out["2540101"] == "pao-phrae-phrae"
    assert out["3200408"] == "pattaya-chon-buri"
    assert len(set(out.values())) == len(out)


@needs_data
def test_default_slugs_loaded_from_shared_data(registry, slugs):
    provinces, districts = slugs
    sample = [e for e in registry if e["name_th"] == "บ้านกลาง"]  # the same name in many provinces
    derived = derive_hostnames(sample)
    assert derived == derive_hostnames(sample, province_slugs=provinces, district_slugs=districts)
    assert len(set(derived.values())) == len(sample) > 2
