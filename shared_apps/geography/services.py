"""Writes for geography: loading DOPA codes from the shared reference files."""
import json
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from .models import District, Province


@dataclass(frozen=True)
class GeographyLoadResult:
    provinces: int
    districts: int


@transaction.atomic
def geography_load(*, provinces_path: Path, districts_path: Path) -> GeographyLoadResult:
    """Upsert provinces and districts; running it again changes nothing."""
    provinces = json.loads(Path(provinces_path).read_text(encoding="utf-8"))
    districts = json.loads(Path(districts_path).read_text(encoding="utf-8"))
    Province.objects.bulk_create(
        [
            Province(code=f"{int(p['provinceCode']):02d}", name_th=p["provinceNameTh"], name_en=p["provinceNameEn"])
            for p in provinces
        ],
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name_th", "name_en"],
    )
    District.objects.bulk_create(
        [
            District(
                code=f"{int(d['districtCode']):04d}",
                province_id=f"{int(d['provinceCode']):02d}",
                name_th=d["districtNameTh"],
                name_en=d["districtNameEn"],
            )
            for d in districts
        ],
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["province", "name_th", "name_en"],
    )
    return GeographyLoadResult(provinces=len(provinces), districts=len(districts))
