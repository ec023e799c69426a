"""Importing DLA's registry: its CSV as served, the JSON snapshot, bad files rejected whole."""
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tenants.models import LAO, LAOEvent, LAOStatus, LAOType, RegistryImport
from tenants.registry import RegistryFileError
from tenants.services import registry_import

from .conftest import SHARED_DATA

pytestmark = pytest.mark.django_db

HEADER = ("จังหวัด,อำเภอ,ตำบล,รหัส อปท.,ประเภท อปท.,อปท.,ที่ตั้งสำนักงานเลขที่,หมู่ที่,รหัสไปรษณีย์,"
          "ขนาดพื้นที่,LAT,LONG,เว็ปไซต์ของอปท\r\n")

# One row per (LAO, tambon), quoted fields holding commas, quotes and a line break, as DLA serves them.
GOOD_CSV = HEADER + (
    'แพร่,เมืองแพร่,ป่าแมต,5540199,เทศบาลตำบล,"เทศบาลตำบลป่าแมต","99 ถนน ""เจริญเมือง"", ซอย 2",3,54000,'
    '"1,234.50",18.1234,100.1234,http://www.pamat.go.th\r\n'
    'แพร่,เมืองแพร่,ทุ่งโฮ้ง,5540199,เทศบาลตำบล,"เทศบาลตำบลป่าแมต","99 ถนน ""เจริญเมือง"", ซอย 2",3,54000,'
    '"1,234.50",18.1234,100.1234,http://www.pamat.go.th\r\n'
    'แพร่,สูงเม่น,สบสาย,6540198,อบต.,อบต.สบสาย,"หมู่ 5\r\nบ้านสบสาย",5,54130,25.3,,,\r\n'
    'จังหวัดแพร่,เมืองแพร่,,2540101,องค์การบริหารส่วนจังหวัด,องค์การบริหารส่วนจังหวัดแพร่,,,,6767.94,'
    '18.15082444,100.1576301,\r\n'
)


def write(tmp_path, text, encoding="utf-8-sig", name="dla.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_dla_csv_with_quoting_quirks_registers_one_lao_per_code(tmp_path):
    report = registry_import(path=write(tmp_path, GOOD_CSV))

    assert (report.created, report.updated, report.unchanged) == (2, 0, 1)  # the PAO already exists
    pamat = LAO.objects.get(dla_code="5540199")
    assert pamat.lao_type == LAOType.SUBDISTRICT_MUNICIPALITY
    assert pamat.name_th == "ป่าแมต" and pamat.full_name_th == "เทศบาลตำบลป่าแมต"
    assert pamat.province_id == "54" and pamat.district.name_th == "เมืองแพร่"
    assert str(pamat.area_km2) == "1234.50" and str(pamat.latitude) == "18.123400"
    assert pamat.status == LAOStatus.REGISTERED
    sobsai = LAO.objects.get(dla_code="6540198")
    assert sobsai.name_th == "สบสาย" and sobsai.district.name_th == "สูงเม่น" and sobsai.latitude is None
    assert LAOEvent.objects.filter(lao=pamat, kind=LAOEvent.Kind.IMPORTED).count() == 1


def test_tis620_encoded_csv_is_read(tmp_path):
    report = registry_import(path=write(tmp_path, GOOD_CSV, encoding="cp874"))
    assert report.created == 2
    assert LAO.objects.get(dla_code="6540198").full_name_th == "องค์การบริหารส่วนตำบลสบสาย"


def test_reimport_is_idempotent(tmp_path):
    path = write(tmp_path, GOOD_CSV)
    registry_import(path=path)
    count, imports = LAO.objects.count(), RegistryImport.objects.count()

    again = registry_import(path=path)

    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert LAO.objects.count() == count
    assert RegistryImport.objects.count() == imports + 1  # each run is recorded


def test_reimport_updates_changed_rows_and_keeps_subdomain_and_status(tmp_path, sao):
    hostname = sao.hostname
    changed = HEADER + f"แพร่,เมืองแพร่,กาญจนา,{sao.dla_code},อบต.,อบต.กาญจนา,,,,9.9,18.2,100.2,\r\n"

    report = registry_import(path=write(tmp_path, changed))

    assert (report.created, report.updated) == (0, 1)
    sao.refresh_from_db()
    assert str(sao.area_km2) == "9.90" and sao.hostname == hostname and sao.status == LAOStatus.ACTIVE
    event = LAOEvent.objects.get(lao=sao, kind=LAOEvent.Kind.UPDATED)
    assert set(event.detail["changes"]) == {"area_km2", "latitude", "longitude"}


def test_bad_csv_is_rejected_whole_with_line_numbers(tmp_path):
    bad = GOOD_CSV + (
        "แพร่,เมืองแพร่,ในเวียง,5540197,เทศบาลหมู่บ้าน,เทศบาลหมู่บ้านในเวียง,,,,,,,\r\n"  # line 7: unknown type
        "แพร่,เมืองแพร่,ในเวียง,554019,อบต.,อบต.ในเวียง,,,,,,,\r\n"  # line 8: 6-digit code
        "แพร่,ไม่มีอำเภอนี้,ในเวียง,6540196,อบต.,อบต.ใหม่,,,,,abc,,\r\n"  # line 9: district and LAT
        "ไม่มีจังหวัดนี้,เมือง,ในเวียง,6540195,อบต.,อบต.ใหม่,,,,,,,\r\n"  # line 10: province
    )
    before, imports = LAO.objects.count(), RegistryImport.objects.count()

    with pytest.raises(RegistryFileError) as caught:
        registry_import(path=write(tmp_path, bad))

    messages = [str(error) for error in caught.value.errors]
    assert any(m.startswith("line 7:") and "เทศบาลหมู่บ้าน" in m for m in messages)
    assert any(m.startswith("line 8:") and "7 digits" in m for m in messages)
    assert any(m.startswith("line 9:") and "LAT" in m for m in messages)
    assert any(m.startswith("line 9:") and "district" in m for m in messages)
    assert any(m.startswith("line 10:") and "province" in m for m in messages)
    assert LAO.objects.count() == before  # the good rows were not written either
    assert RegistryImport.objects.count() == imports


def test_same_code_naming_two_laos_is_rejected(tmp_path):
    text = HEADER + ("แพร่,เมืองแพร่,ป่าแมต,5540199,เทศบาลตำบล,เทศบาลตำบลป่าแมต,,,,,,,\r\n"
                     "แพร่,เมืองแพร่,ทุ่งโฮ้ง,5540199,เทศบาลตำบล,เทศบาลตำบลทุ่งโฮ้ง,,,,,,,\r\n")
    with pytest.raises(RegistryFileError, match="line 3"):
        registry_import(path=write(tmp_path, text))


def test_missing_columns_are_named(tmp_path):
    with pytest.raises(RegistryFileError, match="รหัส อปท."):
        registry_import(path=write(tmp_path, "จังหวัด,อำเภอ,อปท.\r\nแพร่,เมืองแพร่,x\r\n"))


def test_json_snapshot_of_the_full_registry_imports_and_reimports(tmp_path):
    report = registry_import(path=SHARED_DATA / "lao-registry.json")

    assert report.created + report.unchanged + report.updated == 7849
    assert LAO.objects.count() == 7849
    assert LAO.objects.filter(status=LAOStatus.ACTIVE).count() == 4  # importing builds no schema
    counts = {t: LAO.objects.filter(lao_type=t).count() for t in LAOType.values}
    assert counts == {"provincial_admin_org": 76, "city_municipality": 30, "town_municipality": 195,
                      "subdistrict_municipality": 2247, "subdistrict_admin_org": 5300, "special_admin_area": 1}
    hostnames = list(LAO.objects.values_list("hostname", flat=True))
    assert len(set(hostnames)) == 7849

    again = registry_import(path=SHARED_DATA / "lao-registry.json")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 7849)


def test_bad_json_record_is_rejected_with_its_number(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"localAuthorities": [{"dlaCode": "6540190", "nameTh": "ทดสอบ", "type": "village",'
                    ' "provinceCode": "54", "districtNameTh": "เมืองแพร่"}]}', encoding="utf-8")
    with pytest.raises(RegistryFileError, match="record 1: unknown LAO type"):
        registry_import(path=path)


def test_command_reports_counts_and_rejections(tmp_path, capsys):
    call_command("import_laos", str(write(tmp_path, GOOD_CSV)))
    assert "created 2, updated 0, unchanged 1" in capsys.readouterr().out
    bad = write(tmp_path, HEADER + "แพร่,เมืองแพร่,x,123,อบต.,อบต.x,,,,,,,\r\n", name="bad.csv")
    with pytest.raises(CommandError, match="line 2"):
        call_command("import_laos", str(bad))


# --- hardening: every value typed and bounded, the file rejected whole with the line ---------------------

def _row(code="6540189", name="อบต.ทดสอบ", area="", lat="", lon="", district="เมืองแพร่"):
    return f"แพร่,{district},ในเวียง,{code},อบต.,{name},,,,{area},{lat},{lon},\r\n"


@pytest.mark.parametrize("row, reason", [
    (_row(name="อบต.ทด\x00สอบ"), "control character (U+0000)"),
    (_row(name="อบต.ทด\x1b[31mสอบ"), "control character (U+001B)"),
    (_row(district="เมือง\x1bแพร่"), "control character (U+001B)"),
    (_row(area="1" + "0" * 20), "outside"),
    (_row(area="1e400"), "outside"),
    (_row(area="NaN"), "not a number"),
    (_row(area="Infinity"), "not a number"),
    (_row(area="12abc"), "not a number"),
    (_row(area="๑๒"), "not a number"),
    (_row(lat="1e-400"), "outside"),
    (_row(code="๖๕๔๐๑๘๙"), "7 digits"),
    (_row(name="อบต." + "ก" * 201), "longer than 200"),
])
def test_csv_rows_with_bad_values_reject_the_file_with_their_line(tmp_path, row, reason):
    before, imports = LAO.objects.count(), RegistryImport.objects.count()
    text = GOOD_CSV + _row(code="6540188", name="อบต.ดีดี") + row  # line 7 is good, line 8 is not

    with pytest.raises(RegistryFileError) as caught:
        registry_import(path=write(tmp_path, text))

    messages = [str(error) for error in caught.value.errors]
    assert all(m.startswith("line 8:") for m in messages) and reason in messages[0], messages
    assert not any("\x00" in m or "\x1b" in m for m in messages)  # quoted safely for a terminal
    assert LAO.objects.count() == before and RegistryImport.objects.count() == imports


@pytest.mark.parametrize("changes, reason", [
    ({"nameTh": "ทด\u0000สอบ"}, "U+0000"),
    ({"nameTh": "ทด\u001bสอบ"}, "U+001B"),
    ({"nameTh": ["ทดสอบ"]}, "not text"),
    ({"areaKm2": 10 ** 20}, "outside"),
    ({"areaKm2": "1e400"}, "outside"),
    ({"areaKm2": True}, "not a number"),
    ({"dlaCode": "๖๕๔๐๑๙๐"}, "7 digits"),
])
def test_json_records_with_bad_values_are_rejected_with_their_number(tmp_path, changes, reason):
    import json

    record = {"dlaCode": "6540190", "nameTh": "ทดสอบ", "type": "subdistrict_admin_org", "provinceCode": "54",
              "districtNameTh": "เมืองแพร่", "areaKm2": 12.5}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"localAuthorities": [record, {**record, "dlaCode": "6540191", **changes}]}),
                    encoding="utf-8")
    with pytest.raises(RegistryFileError) as caught:
        registry_import(path=path)
    messages = [str(error) for error in caught.value.errors]
    assert all(m.startswith("record 2:") for m in messages) and reason in messages[0], messages
    assert not LAO.objects.filter(dla_code__in=["6540190", "6540191"]).exists()


def test_json_numbers_are_read_exactly_and_constants_refused(tmp_path):
    text = ('{"localAuthorities": [{"dlaCode": "6540190", "nameTh": "ทดสอบ", "type": "subdistrict_admin_org",'
            ' "provinceCode": "54", "districtNameTh": "เมืองแพร่", "areaKm2": %s}]}')
    with pytest.raises(RegistryFileError, match=r"record 1: area 1E\+400 is outside"):
        registry_import(path=write(tmp_path, text % "1e400", name="a.json"))
    with pytest.raises(RegistryFileError, match="record 1: area “NaN” is not a number"):
        registry_import(path=write(tmp_path, text % "NaN", name="b.json"))
    registry_import(path=write(tmp_path, text % "1234.565", name="c.json"))
    assert str(LAO.objects.get(dla_code="6540190").area_km2) == "1234.56"  # a JSON number, read as its digits


def test_command_prints_a_bad_name_without_its_control_characters(tmp_path):
    bad = write(tmp_path, HEADER + _row(name="อบต.ทด\x1b]0;owned\x07สอบ"), name="bad.csv")
    with pytest.raises(CommandError) as caught:
        call_command("import_laos", str(bad))
    assert "line 2" in str(caught.value) and "\x1b" not in str(caught.value) and "\x07" not in str(caught.value)
