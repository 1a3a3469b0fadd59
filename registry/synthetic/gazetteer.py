"""Synthetic communes: how many each province has, and their names, made of common Vietnamese place syllables.

Since 1 July 2025 Vietnam has 3,321 commune-level units (2,621 communes, 687 wards, 13 special zones). They are
shared among the 34 provinces in proportion to the number of pre-2025 provinces each joins, wards weigh more in the
six centrally-run cities, and the 13 special zones sit in the coastal provinces that have them. Names combine two
(sometimes three) syllables the way real ones do ("Tân Phú", "Mường Khoa"); they are illustrative.

The duplicate detector removes every commune name it knows from system names, wherever the words appear. So a
name may not be made of words a job uses ("Lý Nhân" would eat "quản lý nhân sự"), nor start with a word the
detector takes for an administrative prefix ("Quan", "Tịnh" → "quan", "tinh").
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass

from graph_model import slugify
from registry.analysis.normalise import ADMIN_PREFIXES, FORMER_PROVINCES, expand, fold
from registry.synthetic.sample import Province

TOTAL_UNITS = 3321
WARDS = 687
CITY_WARD_SHARE = 0.5
PROVINCE_WARD_SHARE = 0.15
# The 13 special zones (đặc khu) formed in 2025, by province code (as recalled; not checked against the resolutions).
SPECIAL_ZONES: dict[str, tuple[str, ...]] = {
    "22": ("Vân Đồn", "Cô Tô"), "31": ("Cát Hải", "Bạch Long Vĩ"), "44": ("Cồn Cỏ",), "48": ("Hoàng Sa",),
    "51": ("Lý Sơn",), "56": ("Trường Sa",), "68": ("Phú Quý",), "79": ("Côn Đảo",),
    "91": ("Phú Quốc", "Kiên Hải", "Thổ Châu"),
}
_FIRST = ("An", "Bình", "Hòa", "Phú", "Tân", "Long", "Mỹ", "Đông", "Tây", "Nam", "Bắc", "Trung", "Sơn", "Hải",
          "Hưng", "Phong", "Quang", "Minh", "Thành", "Đức", "Lộc", "Nghĩa", "Xuân", "Hà", "Gia", "Kim", "Vĩnh",
          "Phước", "Cát", "Hồng", "Định", "Khánh", "Hiệp", "Thuận", "Yên", "Ninh", "Châu", "Tiến", "Cẩm", "Tam",
          "Đại", "Vạn", "Hoài", "Diễn", "Quỳnh", "Triệu", "Kỳ", "Đoan", "Thạch", "Lương", "Mai", "Liên", "Hoàng")
_SECOND = ("An", "Bình", "Hòa", "Phú", "Thạnh", "Long", "Mỹ", "Đông", "Tây", "Sơn", "Thủy", "Lâm", "Hải", "Hưng",
           "Thịnh", "Phong", "Quang", "Minh", "Thành", "Đức", "Lộc", "Nghĩa", "Xuân", "Hà", "Lạc", "Phước", "Hồng",
           "Lương", "Định", "Khánh", "Hiệp", "Thuận", "Lợi", "Yên", "Ninh", "Châu", "Tiến", "Thắng", "Cường", "Hậu",
           "Thái", "Điền", "Giang", "Trạch", "Vinh", "Tường", "Quới", "Hội", "Nhuận", "Thọ", "Lập", "Khê", "Uyên")
_THIRD = ("Đông", "Tây", "Nam", "Bắc", "Trung", "Thượng", "Hạ")
# Syllables of the northern mountain provinces (Thái, Hmông, Tày place names).
_MOUNTAIN_FIRST = ("Mường", "Nậm", "Pa", "Sín", "Tả", "Phìn", "Chiềng", "Bản", "Na", "Lùng", "Xín", "Mần", "Bát",
                   "Sa", "Pá", "Tà", "Noong", "Huổi")
_MOUNTAIN_SECOND = ("Khoa", "Lay", "Chải", "Hồ", "Phìn", "Cang", "Thàng", "Xá", "Mòn", "Pẻo", "Tủng", "Sáng", "Lư",
                    "Hẻo", "Ngàm", "Xuân", "Lìn", "Mạ")
MOUNTAIN_PROVINCES = frozenset({"04", "08", "11", "12", "14", "15", "20"})


@dataclass(frozen=True)
class Commune:
    """A commune, ward or special zone of a province."""

    id: str  # agency:tinh-15.xa-tan-phu
    kind: str  # xã, phường, đặc khu
    name: str  # "Tân Phú"

    @property
    def title(self) -> str:
        """"Xã Tân Phú", as its short name."""
        return f"{self.kind.capitalize()} {self.name}"

    @property
    def place(self) -> str:
        """"xã Tân Phú", as a system name says where it belongs."""
        return f"{self.kind} {self.name}"

    @property
    def agency_name(self) -> str:
        return f"Ủy ban nhân dân {self.place}"

    @property
    def slug(self) -> str:
        return self.id.rsplit(".", 1)[1]


def _largest_remainder(weights: list[float], total: int) -> list[int]:
    """Integers proportional to `weights` summing exactly to `total` (largest remainders get the rest)."""
    scale = total / sum(weights)
    raw = [weight * scale for weight in weights]
    counts = [int(value) for value in raw]
    order = sorted(range(len(raw)), key=lambda index: (-(raw[index] - counts[index]), index))
    for index in order[:total - sum(counts)]:
        counts[index] += 1
    return counts


def unit_counts(provinces: list[Province], seed: int) -> dict[str, tuple[int, int, int]]:
    """(communes, wards, special zones) per province code: 3,321 units in all, 687 of them wards."""
    rng = random.Random(f"{seed}/units")
    zones = [len(SPECIAL_ZONES.get(province.code, ())) for province in provinces]
    weights = [province.weight * rng.uniform(0.85, 1.15) for province in provinces]
    units = _largest_remainder(weights, TOTAL_UNITS - sum(zones))
    ward_weights = [count * (CITY_WARD_SHARE if province.is_city else PROVINCE_WARD_SHARE)
                    for count, province in zip(units, provinces, strict=True)]
    wards = _largest_remainder(ward_weights, WARDS)
    return {province.code: (count - ward, ward, zone)
            for province, count, ward, zone in zip(provinces, units, wards, zones, strict=True)}


def phrases(texts: Iterable[str], longest: int = 3) -> set[tuple[str, ...]]:
    """Every run of 2..`longest` words (folded, abbreviations spelt out) in the texts: what a place may not be."""
    found: set[tuple[str, ...]] = set()
    for text in texts:
        tokens = expand(fold(text).split())
        for size in range(2, longest + 1):
            found.update(tuple(tokens[index:index + size]) for index in range(len(tokens) - size + 1))
    return found


_RESERVED_NAMES = frozenset(fold(name) for name in FORMER_PROVINCES)
_ADMIN_WORDS = frozenset(prefix for prefix in ADMIN_PREFIXES if " " not in prefix) | {"thi", "dac"}


def _acceptable(name: str, taken: set[str], forbidden: set[tuple[str, ...]], provinces: set[str]) -> bool:
    folded = fold(name)
    tokens = tuple(folded.split())
    return (folded not in taken and folded not in _RESERVED_NAMES and folded not in provinces
            and tokens[0] not in _ADMIN_WORDS and len(set(tokens)) == len(tokens)
            and not any(tokens[index:index + size] in forbidden for size in (2, 3)
                        for index in range(len(tokens) - size + 1)))


def communes(province: Province, counts: tuple[int, int, int], seed: int,
             forbidden: set[tuple[str, ...]], province_names: set[str]) -> list[Commune]:
    """The province's communes, wards and special zones, with names unique inside the province."""
    rng = random.Random(f"{seed}/communes/{province.code}")
    commune_count, ward_count, _ = counts
    first, second = _FIRST, _SECOND
    if province.code in MOUNTAIN_PROVINCES:
        first, second = _FIRST + _MOUNTAIN_FIRST * 2, _SECOND + _MOUNTAIN_SECOND * 2
    taken: set[str] = set()
    found: list[Commune] = []
    for zone in SPECIAL_ZONES.get(province.code, ()):
        taken.add(fold(zone))
        found.append(Commune(f"{province.id}.dac-khu-{slugify(zone)}", "đặc khu", zone))
    for kind, count in (("phường", ward_count), ("xã", commune_count)):
        made = 0
        while made < count:
            name = f"{rng.choice(first)} {rng.choice(second)}"
            if rng.random() < 0.08:
                name += f" {rng.choice(_THIRD)}"
            if not _acceptable(name, taken, forbidden, province_names):
                continue
            taken.add(fold(name))
            found.append(Commune(f"{province.id}.{slugify(kind)}-{slugify(name)}", kind, name))
            made += 1
    return found
