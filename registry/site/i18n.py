"""The generated text of the published site, in Vietnamese (the default) and English.

Officials read the site in Vietnamese first, so every label has a Vietnamese form; the English site uses the same
keys. Field and value labels come from `graph_model.labels` (shared with the spreadsheet template), pillar names
from the pillar taxonomy, rule titles from the rule files: this module holds only what the site itself says.
"""

from __future__ import annotations

from typing import Literal

from graph_model.labels import FIELD_LABELS, VALUE_LABELS
from registry.analysis.finding import PRINCIPLE_VI, Principle

Lang = Literal["vi", "en"]
LANGS: tuple[Lang, ...] = ("vi", "en")
DEFAULT_LANG: Lang = "vi"

TEXT: dict[str, tuple[str, str]] = {
    "site_name": ("Sổ đăng ký kiến trúc Chính phủ số", "Digital Government Architecture Registry"),
    "site_description": ("Một hệ thống · Một dữ liệu · Một dịch vụ", "One system · One data · One service"),
    "national": ("Toàn quốc", "National"),
    "home": ("Trang chủ", "Home"),
    "overview": ("Tổng quan", "Overview"),
    "pillars": ("Trụ cột", "Pillars"),
    "pillar": ("Trụ cột", "Pillar"),
    "agencies": ("Cơ quan", "Agencies"),
    "hierarchy": ("Hệ thống tổ chức", "Agency hierarchy"),
    "findings": ("Phát hiện", "Findings"),
    "guides": ("Hướng dẫn", "Guides"),
    "standards": ("Văn bản, tiêu chuẩn", "Standards"),
    "scope_sites": ("Trang của bộ, ngành, địa phương", "Ministry and province sites"),
    "other_language": ("English", "Tiếng Việt"),
    "data_as_of": ("Dữ liệu cập nhật đến", "Data as of"),
    "generated_note": ("Trang này được tạo tự động từ sổ đăng ký; sửa dữ liệu bằng cách nhập lại kho dữ liệu của "
                       "cơ quan.", "This page is generated from the registry; correct it by importing the agency's "
                       "inventory again."),
    "back_national": ("Về trang toàn quốc", "Back to the national site"),
    "open_site": ("Mở trang riêng của", "Open the site of"),
    "count": ("Số lượng", "Count"),
    "total": ("Tổng", "Total"),
    "type": ("Loại", "Type"),
    "name": ("Tên", "Name"),
    "level": ("Cấp", "Level"),
    "owner": ("Cơ quan chủ quản", "Owner"),
    "status": ("Trạng thái", "Status"),
    "kind": ("Loại hình", "Kind"),
    "score": ("Điểm tuân thủ", "Compliance"),
    "checks": ("Số lần kiểm tra", "Checks"),
    "met": ("Đạt", "Met"),
    "rules": ("Quy tắc", "Rules"),
    "rule": ("Quy tắc", "Rule"),
    "severity": ("Mức độ", "Severity"),
    "principle": ("Nguyên tắc", "Principle"),
    "legal_basis": ("Căn cứ pháp lý", "Legal basis"),
    "reason": ("Lý do", "Reason"),
    "entities": ("Đối tượng liên quan", "Entities involved"),
    "evidence": ("Căn cứ đánh giá", "Evidence"),
    "confidence": ("Độ tin cậy", "Confidence"),
    "facts": ("Thông tin", "Facts"),
    "relationships": ("Quan hệ", "Relationships"),
    "diagram": ("Sơ đồ liên kết", "Neighbourhood diagram"),
    "provenance": ("Nguồn gốc dữ liệu", "Provenance"),
    "change_log": ("Lịch sử thay đổi", "Change log"),
    "change_log_intro": ("Những thay đổi sau khi tạo (ngày tạo và nguồn ở mục Nguồn gốc dữ liệu), mới nhất trước.",
                         "Changes since it was created (when and from where it was created: see Provenance), "
                         "newest first."),
    "change_log_more": ("Còn {n} thay đổi cũ hơn (xem `history` qua GraphQL).",
                        "{n} older changes (see `history` over GraphQL)."),
    "change_when": ("Thời điểm", "When"),
    "change_who": ("Người thực hiện", "By"),
    "change_what": ("Thay đổi", "What changed"),
    "action_update": ("Cập nhật", "Updated"),
    "action_retire": ("Ngừng sử dụng", "Retired"),
    "action_update_link": ("Sửa liên kết", "Link changed"),
    "action_unlink": ("Xoá liên kết", "Link removed"),
    "no_findings": ("Không có phát hiện nào.", "No findings."),
    "nothing": ("Không có.", "None."),
    "not_assessed": ("chưa đánh giá", "not assessed"),
    "more": ("và {n} mục khác", "and {n} more"),
    "more_in_scopes": ("Quá nhiều để liệt kê; theo từng bộ, ngành, địa phương:",
                       "Too many to list; by ministry or province:"),
    "owns": ("Sở hữu", "Owns"),
    "uses": ("Sử dụng", "Uses"),
    "lacks": ("Còn thiếu", "Lacks"),
    "lacks_intro": ("Những gì cơ quan còn thiếu so với yêu cầu “Một hệ thống · Một dữ liệu · Một dịch vụ”: hệ thống "
                    "bắt buộc chưa có và các phát hiện về những gì cơ quan sở hữu.",
                    "What the agency lacks against “One system · One data · One service”: required systems it does "
                    "not run, and the findings about what it owns."),
    "missing_tier": ("Chưa có hệ thống bắt buộc", "Required system missing"),
    "sub_agencies": ("Đơn vị trực thuộc", "Sub-agencies"),
    "parent": ("Cơ quan cấp trên", "Parent agency"),
    "counts_by_pillar": ("Số lượng theo trụ cột", "Counts per pillar"),
    "counts_by_level": ("Theo trụ cột và cấp của cơ quan chủ quản", "Per pillar and level of the owner"),
    "agencies_by_level": ("Cơ quan theo cấp", "Agencies per level"),
    "counts_by_type": ("Số lượng theo loại", "Counts per type"),
    "no_owner": ("Chưa có chủ quản", "No owner"),
    "headline_findings": ("Phát hiện chính", "Headline findings"),
    "findings_by_rule": ("Phát hiện theo quy tắc", "Findings per rule"),
    "most_severe": ("Các phát hiện mức độ cao", "High-severity findings"),
    "compliance_by_province": ("Mức độ tuân thủ theo tỉnh, thành phố", "Compliance by province"),
    "compliance_by_ministry": ("Mức độ tuân thủ theo bộ, ngành", "Compliance by ministry"),
    "compliance": ("Mức độ tuân thủ", "Compliance"),
    "compliance_intro": ("Tỷ lệ các lần kiểm tra (mỗi đối tượng sở hữu × mỗi quy tắc áp dụng) đạt yêu cầu, gồm cả các "
                         "đơn vị trực thuộc.", "Share of checks (each owned entity × each rule that applies) that are "
                         "met, sub-agencies included."),
    "province": ("Tỉnh, thành phố", "Province"),
    "ministry": ("Bộ, ngành", "Ministry"),
    "site": ("Trang", "Site"),
    "findings_count": ("Số phát hiện", "Findings"),
    "by_principle": ("Theo nguyên tắc", "By principle"),
    "findings_in_scope": ("Phát hiện liên quan đến {scope}", "Findings involving {scope}"),
    "all_findings_intro": ("Mỗi phát hiện là một khoảng trống so với “Một hệ thống · Một dữ liệu · Một dịch vụ”, do một "
                           "quy tắc phát hiện; mỗi quy tắc nêu căn cứ pháp lý.",
                           "Each finding is a gap against “One system · One data · One service”, found by one rule; "
                           "each rule cites its legal basis."),
    "capped": ("Hiển thị {shown} trên {total} phát hiện; xem đầy đủ trên trang của từng bộ, ngành, địa phương.",
               "Showing {shown} of {total} findings; see each ministry's or province's site for all of them."),
    "in_scopes": ("Theo bộ, ngành, địa phương", "By ministry or province"),
    "entity_list": ("Danh sách", "List"),
    "national_items": ("Cấp quốc gia", "National level"),
    "pillar_intro": ("Các đối tượng thuộc trụ cột này.", "What the registry holds under this pillar."),
    "central": ("Trung ương", "Central"),
    "local": ("Địa phương", "Local government"),
    "hierarchy_intro": ("Trung ương → bộ, ngành và tỉnh, thành phố → xã, phường và đơn vị trực thuộc. Mỗi bộ, ngành và "
                        "tỉnh, thành phố có trang riêng.",
                        "Central level → ministries and provinces → communes and units. Every ministry and province "
                        "has its own site."),
    "communes_units": ("Xã, phường, đơn vị", "Communes and units"),
    "yes": ("Có", "Yes"),
    "no": ("Không", "No"),
    "folded_name": ("Tên không dấu", "Name without diacritics"),
    "vietnamese_name": ("Tên tiếng Việt", "Vietnamese name"),
    "none_dash": ("—", "—"),
    "pillar_scope_counts": ("Số lượng theo bộ, ngành, địa phương", "Counts per ministry and province"),
    "diagram_more": ("+{n} liên kết khác", "+{n} more links"),
    "languages": ("Ngôn ngữ", "Language"),
}

TYPE_NAMES: dict[str, tuple[str, str, str, str]] = {
    # type: (vi, vi plural heading, en, en plural)
    "Agency": ("Cơ quan", "Cơ quan", "Agency", "Agencies"),
    "System": ("Hệ thống thông tin", "Hệ thống thông tin", "System", "Systems"),
    "Platform": ("Nền tảng", "Nền tảng dùng chung", "Platform", "Platforms"),
    "Dataset": ("Cơ sở dữ liệu", "Cơ sở dữ liệu", "Dataset", "Datasets"),
    "Api": ("API", "API", "API", "APIs"),
    "PublicService": ("Dịch vụ công", "Dịch vụ công", "Public service", "Public services"),
    "Infrastructure": ("Hạ tầng", "Hạ tầng", "Infrastructure", "Infrastructure"),
    "Standard": ("Văn bản, tiêu chuẩn", "Văn bản, tiêu chuẩn", "Standard", "Standards"),
    "Team": ("Nhân lực", "Nhân lực", "Team", "Teams"),
}

# How a relationship reads from each end: (outgoing vi, incoming vi, outgoing en, incoming en).
RELATION_PHRASES: dict[str, tuple[str, str, str, str]] = {
    "OWNS": ("Sở hữu", "Cơ quan chủ quản", "Owns", "Owned by"),
    "PART_OF": ("Trực thuộc", "Đơn vị trực thuộc", "Part of", "Sub-agencies"),
    "USES": ("Sử dụng", "Được sử dụng bởi", "Uses", "Used by"),
    "EMPLOYS": ("Đội ngũ", "Thuộc cơ quan", "Employs", "Employed by"),
    "ISSUES": ("Ban hành", "Cơ quan ban hành", "Issued", "Issued by"),
    "MASTERS": ("Là nguồn gốc của", "Hệ thống gốc", "Masters", "Mastered by"),
    "HOLDS_COPY_OF": ("Lưu bản sao của", "Bản sao lưu tại", "Holds a copy of", "Copies held by"),
    "EXPOSES": ("Cung cấp API", "Do hệ thống cung cấp", "Exposes", "Exposed by"),
    "CONSUMES": ("Sử dụng API", "Được gọi bởi", "Consumes", "Consumed by"),
    "PROVIDES": ("Cung cấp dữ liệu", "Truy cập qua API", "Provides", "Provided by"),
    "ROUTED_VIA": ("Kết nối qua", "Định tuyến API", "Routed via", "Routes APIs"),
    "CONNECTS_TO": ("Kết nối với", "Được kết nối từ", "Connects to", "Connected from"),
    "DELIVERS": ("Xử lý dịch vụ công", "Hệ thống xử lý", "Delivers", "Delivered by"),
    "OFFERED_ON": ("Cung cấp trên", "Dịch vụ công cung cấp trên đây", "Offered on", "Offers services"),
    "REQUIRES": ("Cần dữ liệu", "Được dịch vụ công sử dụng", "Requires", "Required by"),
    "HOSTED_ON": ("Vận hành trên", "Nơi vận hành", "Hosted on", "Hosts"),
    "CONFORMS_TO": ("Tuân thủ", "Được tuân thủ bởi", "Conforms to", "Conformed to by"),
    "OPERATES": ("Vận hành", "Đội vận hành", "Operates", "Operated by"),
}

SEVERITY: dict[str, tuple[str, str]] = {"high": ("Cao", "High"), "medium": ("Trung bình", "Medium"),
                                        "low": ("Thấp", "Low")}

LEVELS = ("central", "ministry", "province", "commune", "unit")
LEVEL_EN = {"central": "Central", "ministry": "Ministry", "province": "Province", "commune": "Commune",
            "unit": "Unit"}

VALUE_EN: dict[str, str] = {"one_stop_shop": "one-stop shop", "x_road": "X-Road", "rest": "REST", "soap": "SOAP",
                            "graphql": "GraphQL", "grpc": "gRPC", "national_database": "national database"}


def _pick(pair: tuple[str, str], lang: Lang) -> str:
    return pair[0] if lang == "vi" else pair[1]


def t(key: str, lang: Lang, **values: object) -> str:
    """The site's text for `key` in `lang`, with `{placeholders}` filled."""
    text = _pick(TEXT[key], lang)
    return text.format(**values) if values else text


def type_name(node_type: str, lang: Lang, plural: bool = False) -> str:
    vi, vi_plural, en, en_plural = TYPE_NAMES.get(node_type, (node_type,) * 4)
    if lang == "vi":
        return vi_plural if plural else vi
    return en_plural if plural else en


def relation_phrase(rel_type: str, outgoing: bool, lang: Lang) -> str:
    """How a relationship reads from one of its ends ("Sở hữu" from the owner, "Cơ quan chủ quản" from the owned)."""
    out_vi, in_vi, out_en, in_en = RELATION_PHRASES.get(rel_type, (rel_type,) * 4)
    if lang == "vi":
        return out_vi if outgoing else in_vi
    return out_en if outgoing else in_en


def field_name(field: str, lang: Lang) -> str:
    vi, en = FIELD_LABELS.get(field, (field, field.replace("_", " ")))
    return vi if lang == "vi" else en


def value_name(value: object, lang: Lang) -> str:
    """A stored enum value as an official reads it ("one_stop_shop" → "Một cửa điện tử" / "one-stop shop")."""
    if isinstance(value, bool):
        return t("yes" if value else "no", lang)
    if isinstance(value, list):
        return ", ".join(value_name(item, lang) for item in value)
    text = str(value)
    if lang == "vi":
        return VALUE_LABELS.get(text, text)
    return VALUE_EN.get(text, text.replace("_", " ") if text in VALUE_LABELS else text)


def level_name(level: str | None, lang: Lang) -> str:
    if level is None:
        return t("no_owner", lang)
    return VALUE_LABELS.get(level, level) if lang == "vi" else LEVEL_EN.get(level, level)


def severity_name(severity: str, lang: Lang) -> str:
    return _pick(SEVERITY.get(severity, (severity, severity)), lang)


def principle_name(principle: str, lang: Lang) -> str:
    return PRINCIPLE_VI.get(Principle(principle), principle) if lang == "vi" else principle


def number(value: int, lang: Lang) -> str:
    """Thousands grouped the local way: 12.345 in Vietnamese, 12,345 in English."""
    text = f"{value:,}"
    return text.replace(",", ".") if lang == "vi" else text


def percent(value: float | None, lang: Lang) -> str:
    if value is None:
        return t("not_assessed", lang)
    return f"{value * 100:.0f}%"
