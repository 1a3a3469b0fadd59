"""Vietnamese (and English) labels of the metamodel's types, fields and values.

Spreadsheet headers, the import template and the published site use these, so an official reads
"Cơ quan chủ quản", not `owner`. Values stored in the graph stay the English enum values.
"""

from __future__ import annotations

TYPE_LABELS: dict[str, tuple[str, str]] = {
    "Agency": ("Cơ quan", "Agencies"),
    "System": ("Hệ thống thông tin", "Systems"),
    "Platform": ("Nền tảng", "Platforms"),
    "Dataset": ("Cơ sở dữ liệu", "Datasets"),
    "Api": ("API", "APIs"),
    "PublicService": ("Dịch vụ công", "Public services"),
    "Infrastructure": ("Hạ tầng", "Infrastructure"),
    "Standard": ("Văn bản, tiêu chuẩn", "Standards"),
    "Team": ("Nhân lực", "Teams"),
}
RELATIONSHIPS_LABEL = ("Quan hệ", "Relationships")

FIELD_LABELS: dict[str, tuple[str, str]] = {
    "type": ("Loại", "Type"),
    "id": ("Mã định danh", "Id"),
    "name": ("Tên", "Name"),
    "name_en": ("Tên tiếng Anh", "English name"),
    "pillar": ("Trụ cột", "Pillar"),
    "description": ("Mô tả", "Description"),
    "tags": ("Nhãn", "Tags"),
    "level": ("Cấp", "Level"),
    "code": ("Mã số", "Code"),
    "short_name": ("Tên viết tắt", "Short name"),
    "administrative_code": ("Mã đơn vị hành chính", "Administrative code"),
    "website": ("Trang thông tin", "Website"),
    "status": ("Trạng thái", "Status"),
    "kind": ("Loại hình", "Kind"),
    "scope": ("Phạm vi", "Scope"),
    "url": ("Địa chỉ truy cập", "URL"),
    "go_live": ("Ngày vận hành", "Go-live date"),
    "retired_on": ("Ngày dừng", "Retired on"),
    "security_level": ("Cấp độ an toàn", "Security level"),
    "category": ("Phân loại", "Category"),
    "data_layer": ("Lớp dữ liệu", "Data layer"),
    "personal_data": ("Dữ liệu cá nhân", "Personal data"),
    "record_count": ("Số bản ghi", "Record count"),
    "legal_basis": ("Căn cứ pháp lý", "Legal basis"),
    "protocol": ("Giao thức", "Protocol"),
    "version": ("Phiên bản", "Version"),
    "specification_url": ("Đặc tả", "Specification URL"),
    "base_url": ("Địa chỉ gốc", "Base URL"),
    "online_level": ("Mức độ trực tuyến", "Online level"),
    "field": ("Lĩnh vực", "Field"),
    "location": ("Địa điểm", "Location"),
    "issued_on": ("Ngày ban hành", "Issued on"),
    "roles": ("Vai trò", "Roles"),
    "headcount": ("Số người", "Headcount"),
    "from": ("Từ", "From"),
    "to": ("Đến", "To"),
    "since": ("Từ ngày", "Since"),
    "deployment": ("Triển khai", "Deployment"),
    "sync_method": ("Cách đồng bộ", "Sync method"),
    "role": ("Vai trò", "Role"),
    "source": ("Nguồn", "Source"),
    "import_run": ("Lần nhập", "Import run"),
    "created_at": ("Tạo lúc", "Created at"),
    "updated_at": ("Cập nhật lúc", "Updated at"),
}

# Columns of an entity sheet that stand for a relationship, so one row can say who owns it.
LINK_COLUMNS: dict[str, tuple[str, str, bool, tuple[str, str]]] = {
    # column: (relationship type, node types it applies to (comma list), entity is the target?, labels)
    "owner": ("OWNS", "System,Dataset,Api,Platform,Infrastructure,PublicService", True,
              ("Cơ quan chủ quản", "Owner")),
    "parent": ("PART_OF", "Agency", False, ("Cơ quan cấp trên", "Parent agency")),
    "master": ("MASTERS", "Dataset", True, ("Hệ thống gốc", "Master system")),
}

VALUE_LABELS: dict[str, str] = {
    # AgencyLevel
    "central": "Trung ương", "ministry": "Bộ, ngành", "province": "Tỉnh, thành phố", "commune": "Xã, phường",
    "unit": "Đơn vị trực thuộc",
    # statuses
    "planned": "Kế hoạch", "operational": "Đang vận hành", "retired": "Đã dừng",
    # SystemKind
    "portal": "Cổng thông tin", "one_stop_shop": "Một cửa điện tử", "document_management": "Quản lý văn bản",
    "sector_application": "Ứng dụng chuyên ngành", "reporting": "Báo cáo", "identity": "Định danh",
    "database_system": "Hệ thống cơ sở dữ liệu", "internal": "Nội bộ", "other": "Khác",
    # PlatformKind
    "integration": "Tích hợp, chia sẻ dữ liệu", "data_orchestration": "Điều phối dữ liệu", "payment": "Thanh toán",
    "document_exchange": "Liên thông văn bản", "public_service_portal": "Cổng dịch vụ công",
    # Scope
    "national": "Quốc gia",
    # DatasetCategory
    "national_database": "Cơ sở dữ liệu quốc gia", "sector": "Chuyên ngành", "local": "Địa phương",
    "open_data": "Dữ liệu mở",
    # DataLayer
    "source": "Dữ liệu nguồn", "metadata": "Siêu dữ liệu", "master": "Dữ liệu chủ", "reference": "Dữ liệu tham chiếu",
    "transactional": "Dữ liệu giao dịch", "aggregated": "Dữ liệu tổng hợp", "analytical": "Dữ liệu phân tích",
    "open": "Dữ liệu mở",
    # ApiProtocol
    "rest": "REST", "soap": "SOAP", "graphql": "GraphQL", "grpc": "gRPC", "x_road": "X-Road",
    "file_transfer": "Truyền tệp",
    # OnlineLevel
    "full": "Toàn trình", "partial": "Một phần", "none": "Không trực tuyến",
    # InfrastructureKind
    "data_center": "Trung tâm dữ liệu", "network": "Mạng", "cloud": "Điện toán đám mây", "server": "Máy chủ",
    # StandardKind
    "law": "Luật", "resolution": "Nghị quyết", "decree": "Nghị định", "decision": "Quyết định",
    "circular": "Thông tư", "plan": "Kế hoạch", "technical_standard": "Quy chuẩn, tiêu chuẩn kỹ thuật",
    "data_standard": "Tiêu chuẩn dữ liệu",
    # SyncMethod
    "api": "Qua API", "platform": "Qua nền tảng chia sẻ", "batch_file": "Tệp định kỳ", "manual": "Thủ công",
    "unknown": "Chưa rõ",
}


def field_label(name: str) -> str:
    """The Vietnamese label of a field (the field name itself when it has none)."""
    return FIELD_LABELS.get(name, (name, name))[0]
