"""Words the synthetic registry is written in: sectors, the subjects each manages, and what systems do with them.

A system's job is an action on a subject ("cấp phép" + "khai thác khoáng sản"); its name is a prefix ("Hệ thống
thông tin", "Phần mềm", …), the job and the owner's place. Subjects are grouped by the sector of the provincial
department (sở) or ministry that owns them, typed so that only sensible actions apply ("cấp phép" applies to a
licensed activity, not to children), and flagged with `*` when a commune (xã, phường) would run a system for it.
Everything here is illustrative: realistic Vietnamese names, not an inventory.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Subject:
    phrase: str
    type: str  # resource, licence, people, facility, activity, record, internal
    sector: str
    commune: bool


@dataclass(frozen=True)
class Sector:
    key: str
    department: str | None  # the provincial department's name, without the place ("Sở Tài chính"); None: none
    department_slug: str | None
    field: str  # the field (lĩnh vực) of its public services


# Provincial departments after the 2025 reorganisation; three sectors exist only at ministries.
SECTORS: dict[str, Sector] = {sector.key: sector for sector in (
    Sector("noi-vu", "Sở Nội vụ", "so-noi-vu", "Nội vụ, lao động, người có công"),
    Sector("tu-phap", "Sở Tư pháp", "so-tu-phap", "Tư pháp"),
    Sector("tai-chinh", "Sở Tài chính", "so-tai-chinh", "Tài chính, đầu tư"),
    Sector("cong-thuong", "Sở Công Thương", "so-cong-thuong", "Công thương"),
    Sector("nong-nghiep-moi-truong", "Sở Nông nghiệp và Môi trường", "so-nnmt", "Nông nghiệp và môi trường"),
    Sector("xay-dung", "Sở Xây dựng", "so-xay-dung", "Xây dựng, giao thông"),
    Sector("van-hoa", "Sở Văn hóa, Thể thao và Du lịch", "so-vhttdl", "Văn hóa, thể thao và du lịch"),
    Sector("khcn", "Sở Khoa học và Công nghệ", "so-khcn", "Khoa học, công nghệ và chuyển đổi số"),
    Sector("giao-duc", "Sở Giáo dục và Đào tạo", "so-gddt", "Giáo dục và đào tạo"),
    Sector("y-te", "Sở Y tế", "so-y-te", "Y tế"),
    Sector("dan-toc-ton-giao", "Sở Dân tộc và Tôn giáo", "so-dttg", "Dân tộc, tôn giáo"),
    Sector("ngoai-vu", "Sở Ngoại vụ", "so-ngoai-vu", "Ngoại vụ"),
    Sector("van-phong", "Văn phòng Ủy ban nhân dân", "van-phong", "Kiểm soát thủ tục hành chính"),
    Sector("thanh-tra", "Thanh tra", "thanh-tra", "Thanh tra, tiếp công dân"),
    Sector("chung", None, None, "Hành chính"),
    Sector("quoc-phong", None, None, "Quốc phòng"),
    Sector("an-ninh", None, None, "An ninh, trật tự"),
    Sector("ngan-hang", None, None, "Ngân hàng"),
)}
MINISTRY_ONLY = frozenset({"quoc-phong", "an-ninh", "ngan-hang"})

# Ministries (by the sample's short names) and the sectors their systems serve; "chung" (internal administration)
# is added to every one.
MINISTRY_SECTORS: dict[str, tuple[str, ...]] = {
    "BQP": ("quoc-phong",), "BCA": ("an-ninh",), "BNG": ("ngoai-vu",), "BNV": ("noi-vu", "dan-toc-ton-giao"),
    "BTP": ("tu-phap",), "BTC": ("tai-chinh",), "BCT": ("cong-thuong",), "BNNMT": ("nong-nghiep-moi-truong",),
    "BXD": ("xay-dung",), "BVHTTDL": ("van-hoa",), "BKHCN": ("khcn",), "BGDĐT": ("giao-duc",), "BYT": ("y-te",),
    "BDTTG": ("dan-toc-ton-giao",), "NHNN": ("ngan-hang",), "TTCP": ("thanh-tra",), "VPCP": ("van-phong",),
}

# Units inside each ministry (cục, vụ, trung tâm), added to those the sample already records. Illustrative.
MINISTRY_UNITS: dict[str, tuple[str, ...]] = {
    "BQP": ("Cục Quân lực", "Cục Dân quân tự vệ", "Cục Chính sách", "Cục Cứu hộ – Cứu nạn",
            "Trung tâm Công nghệ thông tin"),
    "BCA": ("Cục Cảnh sát phòng cháy, chữa cháy và cứu nạn, cứu hộ", "Cục Cảnh sát giao thông",
            "Cục Công nghiệp an ninh", "Cục Hồ sơ nghiệp vụ"),
    "BNG": ("Cục Lãnh sự", "Cục Lễ tân Nhà nước", "Vụ Hợp tác quốc tế",
            "Ủy ban Nhà nước về người Việt Nam ở nước ngoài"),
    "BNV": ("Vụ Tổ chức – Biên chế", "Cục Việc làm", "Cục Người có công", "Cục Văn thư và Lưu trữ nhà nước",
            "Ban Thi đua – Khen thưởng Trung ương", "Cục Bảo trợ xã hội"),
    "BTP": ("Cục Hộ tịch, quốc tịch, chứng thực", "Cục Trợ giúp pháp lý", "Cục Quản lý thi hành án dân sự",
            "Cục Bổ trợ tư pháp", "Cục Kiểm tra văn bản quy phạm pháp luật"),
    "BTC": ("Cục Thuế", "Cục Hải quan", "Kho bạc Nhà nước", "Cục Thống kê", "Cục Quản lý công sản",
            "Cục Phát triển doanh nghiệp nhà nước"),
    "BCT": ("Cục Thương mại điện tử và Kinh tế số", "Cục Xuất nhập khẩu", "Cục Điện lực", "Cục Hóa chất",
            "Cục Quản lý và Phát triển thị trường trong nước"),
    "BNNMT": ("Cục Quản lý đất đai", "Cục Quản lý tài nguyên nước", "Cục Thủy lợi", "Cục Lâm nghiệp và Kiểm lâm",
              "Cục Chăn nuôi và Thú y", "Cục Trồng trọt và Bảo vệ thực vật", "Cục Khí tượng Thủy văn"),
    "BXD": ("Cục Quản lý hoạt động xây dựng", "Cục Đường bộ Việt Nam", "Cục Đăng kiểm Việt Nam",
            "Cục Quản lý nhà và thị trường bất động sản", "Cục Hàng hải và Đường thủy Việt Nam"),
    "BVHTTDL": ("Cục Di sản văn hóa", "Cục Du lịch Quốc gia Việt Nam", "Cục Thể dục thể thao",
                "Cục Nghệ thuật biểu diễn", "Vụ Gia đình"),
    "BKHCN": ("Cục Sở hữu trí tuệ", "Cục An toàn bức xạ và hạt nhân", "Cục Báo chí", "Cục Viễn thông",
              "Cục Tần số vô tuyến điện", "Cục An toàn thông tin"),
    "BGDĐT": ("Cục Quản lý chất lượng", "Vụ Giáo dục phổ thông", "Vụ Giáo dục mầm non",
              "Cục Nhà giáo và Cán bộ quản lý giáo dục", "Cục Khoa học, Công nghệ và Thông tin"),
    "BYT": ("Cục Quản lý khám, chữa bệnh", "Cục Quản lý dược", "Cục Y tế dự phòng", "Cục An toàn thực phẩm",
            "Cục Bảo trợ xã hội và Dân số", "Cục Cơ sở hạ tầng và Thiết bị y tế"),
    "BDTTG": ("Vụ Chính sách dân tộc", "Ban Tôn giáo Chính phủ", "Vụ Địa phương", "Trung tâm Thông tin"),
    "NHNN": ("Cục Thanh toán", "Cục Quản lý ngoại hối", "Trung tâm Thông tin tín dụng Quốc gia",
             "Cục Phát hành và Kho quỹ", "Cục Phòng, chống rửa tiền"),
    "TTCP": ("Cục Giải quyết khiếu nại, tố cáo", "Cục Phòng, chống tham nhũng", "Ban Tiếp công dân Trung ương",
             "Trung tâm Thông tin"),
    "VPCP": ("Vụ Tổng hợp", "Cục Hành chính – Quản trị", "Trung tâm Thông tin, Chỉ đạo điều hành",
             "Vụ Đổi mới doanh nghiệp"),
}

# What can be done with each type of subject. A pair "a|b" is a compound action whose parts may be swapped
# ("tiếp nhận và xử lý" ~ "xử lý và tiếp nhận"): the reordered-words duplicates are made from those.
ACTIONS: dict[str, tuple[str, ...]] = {
    "resource": ("quản lý", "quy hoạch", "kiểm kê", "thống kê", "bản đồ số", "giám sát", "theo dõi|đánh giá",
                 "quản lý|khai thác"),
    "environment": ("quan trắc", "cảnh báo", "dự báo", "giám sát", "thống kê", "bản đồ số", "theo dõi|đánh giá"),
    "hazard": ("cảnh báo", "giám sát", "thống kê", "bản đồ số", "tổng hợp thiệt hại", "phòng ngừa|ứng phó",
               "theo dõi|đánh giá"),
    "licence": ("cấp phép", "quản lý", "thẩm định hồ sơ", "thống kê", "tra cứu", "thanh tra|kiểm tra",
                "tiếp nhận|giải quyết hồ sơ", "cấp phép|quản lý"),
    "beneficiary": ("quản lý hồ sơ", "xét duyệt chế độ", "chi trả trợ cấp", "thống kê", "tra cứu",
                    "khảo sát|đánh giá", "tiếp nhận|hỗ trợ"),
    "population": ("quản lý hồ sơ", "theo dõi", "thống kê", "tra cứu", "khảo sát|đánh giá", "đào tạo|bồi dưỡng"),
    "facility": ("quản lý", "đánh giá", "thống kê", "bản đồ số", "giám sát", "xếp hạng", "bảo trì|sửa chữa",
                 "theo dõi|đánh giá"),
    "activity": ("quản lý", "tổ chức", "theo dõi", "điều phối", "thống kê", "đánh giá", "số hóa hồ sơ",
                 "lập kế hoạch|giám sát"),
    "record": ("quản lý", "lưu trữ", "số hóa", "tra cứu", "khai thác", "thống kê", "tiếp nhận|xử lý"),
    "finance": ("quản lý", "lập dự toán", "theo dõi", "thống kê", "phân tích", "giám sát", "tổng hợp|công khai"),
    "internal": ("quản lý", "theo dõi", "thống kê", "tra cứu", "số hóa hồ sơ"),
}

# Subjects per sector: "phrase/type", a trailing "*" when communes run systems for it.
_SUBJECTS: dict[str, str] = {
    "noi-vu": """biên chế công chức/record; thi đua, khen thưởng/activity*; văn thư, lưu trữ/record*;
        tổ chức bộ máy/record; đào tạo, bồi dưỡng công chức/activity; người có công với cách mạng/beneficiary*;
        lao động, việc làm/population; cơ sở giáo dục nghề nghiệp/facility; an toàn, vệ sinh lao động/licence;
        bảo trợ xã hội/beneficiary*; trẻ em có hoàn cảnh đặc biệt/beneficiary*; hộ nghèo, hộ cận nghèo/beneficiary*;
        thanh niên/population; chính quyền cơ sở/record*; hội, quỹ xã hội/licence; tiền lương khu vực công/finance;
        người lao động đi làm việc ở nước ngoài/population; bình đẳng giới/activity;
        phòng, chống tệ nạn xã hội/activity*; người cao tuổi/beneficiary*; người khuyết tật/beneficiary*;
        cơ sở trợ giúp xã hội/facility; thị trường lao động/population; bảo hiểm thất nghiệp/beneficiary""",
    "tu-phap": """chứng thực/record*; trợ giúp pháp lý/activity; phổ biến, giáo dục pháp luật/activity*;
        văn bản quy phạm pháp luật/record; thi hành án dân sự/record; hành nghề công chứng/licence;
        hành nghề luật sư/licence; hòa giải ở cơ sở/activity*; đấu giá tài sản/licence; bồi thường nhà nước/record;
        giám định tư pháp/licence; hồ sơ quốc tịch/record; nuôi con nuôi/beneficiary; tủ sách pháp luật/facility*;
        thừa phát lại/licence; theo dõi thi hành pháp luật/activity; đăng ký biện pháp bảo đảm/record""",
    "tai-chinh": """ngân sách nhà nước/finance; tài sản công/facility*; đầu tư công/finance;
        giá hàng hóa, dịch vụ/finance;
        dự án đầu tư ngoài ngân sách/licence; doanh nghiệp nhà nước/facility; hộ kinh doanh/licence*;
        hợp tác xã/licence*; nợ chính quyền địa phương/finance; mua sắm tập trung/activity;
        quyết toán vốn đầu tư/finance; xúc tiến đầu tư/activity; vốn hỗ trợ phát triển chính thức/finance;
        kinh tế tập thể/facility; phí, lệ phí/finance*; thu ngân sách cấp cơ sở/finance*;
        thống kê kinh tế – xã hội/record;
        quỹ tài chính ngoài ngân sách/finance; khu kinh tế, khu công nghiệp/facility""",
    "cong-thuong": """thương mại điện tử/licence; chợ truyền thống/facility*; cụm công nghiệp/facility;
        lưới điện nông thôn/facility; an toàn hóa chất/licence; xuất khẩu nông sản/activity; khuyến công/activity;
        xúc tiến thương mại/activity; năng lượng tái tạo/resource; kinh doanh xăng dầu/licence;
        kinh doanh rượu, thuốc lá/licence; công nghiệp hỗ trợ/facility; vật liệu nổ công nghiệp/licence;
        sử dụng năng lượng tiết kiệm/activity; khuyến mại/licence; làng nghề truyền thống/facility*;
        hàng giả, hàng kém chất lượng/hazard; siêu thị, trung tâm thương mại/facility""",
    "nong-nghiep-moi-truong": """tài nguyên nước/resource; khoáng sản/resource; đê điều/facility*;
        công trình thủy lợi/facility*; thiên tai/hazard*; rừng phòng hộ/resource*; giống cây trồng/licence;
        chăn nuôi/licence*; nuôi trồng thủy sản/licence*; dịch bệnh động vật/hazard*; sinh vật gây hại cây trồng/hazard;
        nông thôn mới/activity*; phân bón/licence; chất thải rắn sinh hoạt/resource*; chất lượng không khí/environment;
        khí tượng thủy văn/environment; biến đổi khí hậu/environment; hồ sơ đo đạc, bản đồ/record; giá đất/finance;
        đa dạng sinh học/resource; khu bảo tồn thiên nhiên/facility; sạt lở bờ sông, bờ biển/hazard*;
        công trình nước sạch nông thôn/facility*; sản phẩm OCOP/licence*; truy xuất nguồn gốc nông sản/record;
        tàu cá/licence; đánh giá tác động môi trường/licence; xả thải vào nguồn nước/licence; cháy rừng/hazard*;
        chất lượng nước mặt/environment; xâm nhập mặn/hazard; hạn hán/hazard; vùng trồng/resource;
        cơ sở giết mổ gia súc/facility""",
    "xay-dung": """xây dựng công trình/licence*; quy hoạch đô thị/record; nhà ở xã hội/facility;
        thị trường bất động sản/record; hạ tầng kỹ thuật đô thị/facility; chiếu sáng công cộng/facility*;
        công trình cấp nước/facility; hệ thống thoát nước đô thị/facility*; vật liệu xây dựng/licence;
        chất lượng công trình xây dựng/activity; kiểm định xe cơ giới/licence; sát hạch lái xe/licence;
        vận tải hành khách/licence; bến xe khách/facility; luồng đường thủy nội địa/resource;
        kết cấu hạ tầng giao thông/facility; tai nạn giao thông/hazard*; bãi đỗ xe/facility*;
        cây xanh đô thị/facility*; nghĩa trang/facility*; trật tự xây dựng/activity*;
        phương tiện thủy nội địa/licence; cầu, đường bộ/facility; chung cư cũ/facility;
        giao thông công cộng/activity""",
    "van-hoa": """di tích lịch sử, văn hóa/facility*; lễ hội truyền thống/activity*; khu, điểm du lịch/facility;
        cơ sở lưu trú du lịch/licence; hướng dẫn viên du lịch/licence; phong trào thể dục, thể thao/activity*;
        vận động viên/population; thư viện công cộng/facility; bảo tàng/facility; gia đình văn hóa/activity*;
        quảng cáo ngoài trời/licence; biểu diễn nghệ thuật/licence; di sản văn hóa phi vật thể/record;
        kinh doanh karaoke, vũ trường/licence; thiết chế văn hóa cơ sở/facility*;
        phòng, chống bạo lực gia đình/activity*; hiện vật bảo tàng/record; khách du lịch/population;
        giải thi đấu thể thao/activity""",
    "khcn": """nhiệm vụ khoa học và công nghệ/activity; sở hữu công nghiệp/licence;
        đo lường, chất lượng sản phẩm/licence;
        chuyển giao công nghệ/licence; an toàn bức xạ/licence; dịch vụ bưu chính/licence; hạ tầng viễn thông/facility;
        hoạt động báo chí/licence; xuất bản, in, phát hành/licence; sự cố an toàn thông tin mạng/hazard;
        chứng thư số chuyên dùng/record; tần số vô tuyến điện/resource; khởi nghiệp sáng tạo/activity;
        trung tâm dữ liệu/facility; thông tin cơ sở/activity*; trạm phát sóng di động/facility;
        mã định danh điện tử cơ quan/record; doanh nghiệp khoa học và công nghệ/licence""",
    "giao-duc": """mạng lưới trường học/facility; học sinh/population; đội ngũ nhà giáo/population;
        tuyển sinh đầu cấp/activity*;
        thi tốt nghiệp trung học phổ thông/activity; văn bằng, chứng chỉ/record; học liệu số/record;
        cơ sở vật chất trường học/facility*; phổ cập giáo dục/activity*; giáo dục mầm non/facility*;
        trung tâm giáo dục thường xuyên/facility; học bổng/beneficiary; kiểm định chất lượng giáo dục/licence;
        sức khỏe học đường/activity; học sinh bán trú/beneficiary*; sách giáo khoa/record;
        học sinh khuyết tật/beneficiary; thi học sinh giỏi/activity""",
    "y-te": """khám, chữa bệnh/activity; hồ sơ sức khỏe điện tử/record*; tiêm chủng mở rộng/activity*;
        dược phẩm/licence;
        trang thiết bị y tế/facility; bệnh truyền nhiễm/hazard*; trạm y tế xã/facility*;
        dân số, kế hoạch hóa gia đình/population*;
        vệ sinh an toàn thực phẩm/licence*; hành nghề khám, chữa bệnh/licence; cấp cứu ngoại viện/activity;
        bệnh không lây nhiễm/population; kiểm nghiệm thuốc/licence; y dược cổ truyền/facility;
        giám định y khoa/beneficiary;
        phòng, chống HIV/AIDS/activity; suy dinh dưỡng trẻ em/beneficiary*; máu và chế phẩm máu/resource;
        ngộ độc thực phẩm/hazard; bệnh viện/facility; mỹ phẩm/licence""",
    "dan-toc-ton-giao": """chính sách dân tộc/beneficiary*; người có uy tín trong đồng bào dân tộc thiểu số/population*;
        cơ sở tín ngưỡng, tôn giáo/facility*; hoạt động tôn giáo/licence; vùng đồng bào dân tộc thiểu số/resource;
        tiếng nói, chữ viết dân tộc/record; chức sắc, chức việc tôn giáo/population;
        dân tộc rất ít người/beneficiary""",
    "ngoai-vu": """đoàn ra, đoàn vào/activity; hội nghị, hội thảo quốc tế/licence;
        người Việt Nam ở nước ngoài/population;
        tổ chức phi chính phủ nước ngoài/licence; công tác biên giới/resource; lãnh sự, bảo hộ công dân/activity;
        hợp tác quốc tế/activity; viện trợ phi chính phủ nước ngoài/finance; thẻ đi lại doanh nhân APEC/licence;
        cửa khẩu/facility""",
    "van-phong": """chỉ đạo, điều hành/activity; lịch công tác lãnh đạo/activity; phản ánh, kiến nghị/record*;
        kiểm soát thủ tục hành chính/activity; hội nghị truyền hình trực tuyến/facility;
        nhiệm vụ được giao/activity*; thư điện tử công vụ/facility; chỉ số cải cách hành chính/activity;
        sự hài lòng của người dân/activity*; công báo/record; tin nhắn cảnh báo khẩn cấp/hazard""",
    "thanh-tra": """khiếu nại, tố cáo/record*; tiếp công dân/activity*; phòng, chống tham nhũng/activity;
        kê khai tài sản, thu nhập/record; kết luận thanh tra/record; đơn thư/record*; kiến nghị sau thanh tra/record;
        cuộc thanh tra/activity""",
    "chung": """tài sản, thiết bị/internal*; nhân sự/internal*; chấm công/internal*; phòng họp/internal*;
        xe công/internal;
        kế toán nội bộ/internal*; công tác đảng/internal*; công đoàn/internal; hồ sơ công việc/internal*;
        đào tạo nội bộ/internal; văn phòng phẩm/internal; an ninh mạng nội bộ/internal; thi đua nội bộ/internal*""",
    "quoc-phong": """nghĩa vụ quân sự/population; dân quân tự vệ/population; quân nhân xuất ngũ/beneficiary;
        động viên công nghiệp/activity; đất quốc phòng/resource; chính sách hậu phương quân đội/beneficiary;
        tìm kiếm cứu nạn/activity; hài cốt liệt sĩ/record; bom mìn sau chiến tranh/hazard;
        lực lượng dự bị động viên/population; công trình phòng thủ/facility""",
    "an-ninh": """phòng cháy, chữa cháy/licence; cứu nạn, cứu hộ/activity; vũ khí, vật liệu nổ/licence;
        ngành nghề kinh doanh có điều kiện về an ninh/licence; con dấu/record; trại giam/facility; tội phạm/record;
        đối tượng truy nã/record; đăng ký xe/licence; vi phạm giao thông qua hình ảnh/record;
        người nghiện ma túy/population;
        cháy, nổ/hazard""",
    "ngan-hang": """tín dụng/finance; thanh toán không dùng tiền mặt/activity; ngoại hối/licence;
        dự trữ bắt buộc/finance;
        tổ chức tín dụng/licence; phòng, chống rửa tiền/activity; thông tin tín dụng/record; kho quỹ/facility;
        kinh doanh vàng/licence; tín dụng chính sách xã hội/beneficiary""",
}


def subjects() -> list[Subject]:
    """Every subject, in a stable order (sector by sector, as written above)."""
    found: list[Subject] = []
    for sector, text in _SUBJECTS.items():
        for entry in text.split(";"):
            entry = " ".join(entry.split())
            if not entry:
                continue
            commune = entry.endswith("*")
            phrase, kind = entry.rstrip("*").rsplit("/", 1)
            found.append(Subject(phrase.strip(), kind.strip(), sector, commune))
    return found


def render_action(action: str, swapped: bool = False) -> str:
    """"tiếp nhận|giải quyết hồ sơ" → "tiếp nhận và giải quyết hồ sơ" (or swapped: "giải quyết hồ sơ và tiếp nhận")."""
    if "|" not in action:
        return action
    first, second = action.split("|", 1)
    if swapped:
        first, second = second, first
    return f"{first} và {second}"


# Prefixes of system names by kind: all of them are generic words the duplicate detector drops.
SYSTEM_PREFIXES: dict[str, tuple[str, ...]] = {
    "sector_application": ("Hệ thống thông tin", "Hệ thống", "Phần mềm", "Ứng dụng"),
    "database_system": ("Hệ thống cơ sở dữ liệu", "Cơ sở dữ liệu"),
    "internal": ("Phần mềm", "Hệ thống", "Ứng dụng"),
    "other": ("Ứng dụng", "Nền tảng", "Phần mềm"),
}
# The kinds a province or ministry runs many of; the kinds it runs exactly one of are written separately.
POOL_KINDS: dict[str, float] = {"sector_application": 0.35, "database_system": 0.25, "internal": 0.2, "other": 0.2}

# Datasets a system masters: name pattern, id slug, data layer, category.
DATASET_FACETS: tuple[tuple[str, str, str, str], ...] = (
    ("Cơ sở dữ liệu {job}", "csdl", "master", "local"),
    ("Dữ liệu hồ sơ {job}", "ho-so", "transactional", "local"),
    ("Danh mục dùng chung {job}", "danh-muc", "reference", "local"),
    ("Số liệu thống kê {job}", "thong-ke", "aggregated", "local"),
    ("Dữ liệu mở {job}", "du-lieu-mo", "open", "open_data"),
    ("Siêu dữ liệu {job}", "sieu-du-lieu", "metadata", "local"),
    ("Dữ liệu phân tích {job}", "phan-tich", "analytical", "local"),
)
# APIs a system exposes: name pattern, id slug, protocol.
API_FUNCTIONS: tuple[tuple[str, str, str], ...] = (
    ("API chia sẻ dữ liệu {job}", "chia-se", "rest"),
    ("API tra cứu {job}", "tra-cuu", "rest"),
    ("Dịch vụ đồng bộ dữ liệu {job}", "dong-bo", "soap"),
)

# Data a commune keeps (mastered by the province's shared systems): subject, id slug, master (one-stop-shop,
# document management or reporting system).
COMMUNE_DATA: tuple[tuple[str, str, str], ...] = (
    ("Dữ liệu hồ sơ thủ tục hành chính", "ho-so-tthc", "one_stop_shop"),
    ("Sổ theo dõi kết quả giải quyết thủ tục hành chính", "so-ket-qua-tthc", "one_stop_shop"),
    ("Dữ liệu chứng thực bản sao", "chung-thuc", "one_stop_shop"),
    ("Dữ liệu hộ kinh doanh", "ho-kinh-doanh", "one_stop_shop"),
    ("Dữ liệu người có công", "nguoi-co-cong", "one_stop_shop"),
    ("Dữ liệu đối tượng bảo trợ xã hội", "bao-tro-xa-hoi", "one_stop_shop"),
    ("Dữ liệu hộ nghèo, hộ cận nghèo", "ho-ngheo", "one_stop_shop"),
    ("Dữ liệu trật tự xây dựng", "trat-tu-xay-dung", "one_stop_shop"),
    ("Dữ liệu đơn thư khiếu nại, tố cáo", "don-thu", "one_stop_shop"),
    ("Dữ liệu văn bản đi, đến", "van-ban-di-den", "document_management"),
    ("Dữ liệu hồ sơ công việc", "ho-so-cong-viec", "document_management"),
    ("Dữ liệu lịch công tác", "lich-cong-tac", "document_management"),
    ("Dữ liệu báo cáo kinh tế – xã hội", "bao-cao-kt-xh", "reporting"),
    ("Dữ liệu chỉ tiêu nông thôn mới", "nong-thon-moi", "reporting"),
    ("Dữ liệu thiệt hại do thiên tai", "thien-tai", "reporting"),
    ("Dữ liệu thu, chi ngân sách", "ngan-sach", "reporting"),
    ("Dữ liệu phản ánh, kiến nghị", "phan-anh", "one_stop_shop"),
    ("Dữ liệu tiêm chủng", "tiem-chung", "reporting"),
    ("Dữ liệu trẻ em", "tre-em", "one_stop_shop"),
    ("Dữ liệu di tích, lễ hội", "di-tich", "reporting"),
)

# Public services (thủ tục hành chính) a commune delivers: name, field, online level. Illustrative catalogue.
COMMUNE_PROCEDURES: tuple[tuple[str, str, str], ...] = (
    ("Đăng ký khai sinh", "Hộ tịch", "full"), ("Đăng ký khai tử", "Hộ tịch", "full"),
    ("Đăng ký kết hôn", "Hộ tịch", "partial"), ("Đăng ký nhận cha, mẹ, con", "Hộ tịch", "partial"),
    ("Đăng ký lại khai sinh", "Hộ tịch", "full"), ("Cấp bản sao trích lục hộ tịch", "Hộ tịch", "full"),
    ("Cấp giấy xác nhận tình trạng hôn nhân", "Hộ tịch", "full"), ("Đăng ký giám hộ", "Hộ tịch", "partial"),
    ("Thay đổi, cải chính, bổ sung thông tin hộ tịch", "Hộ tịch", "partial"),
    ("Chứng thực bản sao từ bản chính", "Chứng thực", "partial"), ("Chứng thực chữ ký", "Chứng thực", "partial"),
    ("Chứng thực hợp đồng, giao dịch", "Chứng thực", "partial"),
    ("Đăng ký hộ kinh doanh", "Thành lập và hoạt động của hộ kinh doanh", "full"),
    ("Đăng ký thay đổi nội dung đăng ký hộ kinh doanh", "Thành lập và hoạt động của hộ kinh doanh", "full"),
    ("Tạm ngừng kinh doanh hộ kinh doanh", "Thành lập và hoạt động của hộ kinh doanh", "full"),
    ("Xét hưởng trợ cấp xã hội hằng tháng", "Bảo trợ xã hội", "partial"),
    ("Hỗ trợ chi phí mai táng", "Bảo trợ xã hội", "partial"),
    ("Công nhận hộ nghèo, hộ cận nghèo phát sinh", "Giảm nghèo", "partial"),
    ("Xác nhận người có công với cách mạng", "Người có công", "partial"),
    ("Trợ cấp mai táng phí người có công", "Người có công", "partial"),
    ("Đăng ký tạm trú", "Đăng ký, quản lý cư trú", "full"),
    ("Cấp giấy phép xây dựng nhà ở riêng lẻ", "Xây dựng", "full"),
    ("Đăng ký đất đai lần đầu", "Đất đai", "partial"),
    ("Hòa giải tranh chấp đất đai", "Đất đai", "none"),
    ("Giải quyết khiếu nại lần đầu", "Giải quyết khiếu nại", "partial"),
    ("Tiếp nhận phản ánh, kiến nghị", "Tiếp công dân", "full"),
    ("Công nhận gia đình văn hóa", "Văn hóa cơ sở", "partial"),
    ("Đăng ký hoạt động tín ngưỡng", "Tín ngưỡng, tôn giáo", "partial"),
    ("Đăng ký nghĩa vụ quân sự lần đầu", "Nghĩa vụ quân sự", "partial"),
    ("Xác nhận hợp đồng tiếp cận nguồn nước", "Tài nguyên nước", "partial"),
    ("Hỗ trợ khắc phục thiệt hại do thiên tai", "Phòng, chống thiên tai", "none"),
    ("Cấp giấy phép khai thác thủy sản", "Thủy sản", "partial"),
    ("Đăng ký kiểm dịch động vật", "Thú y", "partial"),
    ("Công nhận tổ hợp tác", "Kinh tế tập thể", "full"),
)

# What a department's procedures act on ("giấy phép …", "chứng chỉ …") and the verbs applied to each: enough
# distinct procedures per department without inventing their names wholesale. Illustrative.
PROCEDURE_VERBS = ("Cấp", "Cấp lại", "Điều chỉnh", "Gia hạn", "Thu hồi")
DEPARTMENT_PROCEDURES: dict[str, tuple[str, ...]] = {
    "noi-vu": ("giấy phép lao động cho người nước ngoài", "giấy phép hoạt động dịch vụ việc làm",
               "giấy chứng nhận đăng ký hoạt động giáo dục nghề nghiệp", "giấy phép thành lập hội",
               "giấy phép thành lập quỹ xã hội", "giấy phép cho thuê lại lao động",
               "quyết định công nhận cơ sở trợ giúp xã hội"),
    "tu-phap": ("chứng chỉ hành nghề luật sư", "thẻ công chứng viên", "giấy đăng ký hoạt động văn phòng công chứng",
                "thẻ đấu giá viên", "giấy đăng ký hoạt động tổ chức hành nghề luật sư", "thẻ giám định viên tư pháp",
                "giấy đăng ký hoạt động văn phòng thừa phát lại"),
    "tai-chinh": ("giấy chứng nhận đăng ký đầu tư", "giấy chứng nhận đăng ký doanh nghiệp",
                  "giấy chứng nhận đăng ký hợp tác xã", "chủ trương đầu tư dự án",
                  "giấy chứng nhận đăng ký địa điểm kinh doanh", "giấy chứng nhận đăng ký chi nhánh"),
    "cong-thuong": ("giấy phép kinh doanh bán lẻ rượu", "giấy phép bán lẻ sản phẩm thuốc lá",
                    "giấy chứng nhận cửa hàng đủ điều kiện bán lẻ xăng dầu", "giấy phép hoạt động điện lực",
                    "giấy chứng nhận đủ điều kiện sản xuất hóa chất", "giấy xác nhận đăng ký khuyến mại",
                    "giấy phép sử dụng vật liệu nổ công nghiệp"),
    "nong-nghiep-moi-truong": ("giấy phép khai thác nước mặt", "giấy phép thăm dò khoáng sản",
                               "giấy phép khai thác khoáng sản", "giấy phép môi trường",
                               "giấy phép xả thải vào nguồn nước",
                               "giấy chứng nhận cơ sở an toàn dịch bệnh động vật",
                               "giấy chứng nhận đủ điều kiện buôn bán phân bón",
                               "giấy chứng nhận quyền sử dụng đất", "giấy phép khai thác nước dưới đất"),
    "xay-dung": ("giấy phép xây dựng công trình", "chứng chỉ hành nghề hoạt động xây dựng", "giấy phép lái xe",
                 "giấy phép kinh doanh vận tải bằng xe ô tô", "giấy phép thi công công trình đường bộ",
                 "chứng chỉ năng lực hoạt động xây dựng", "giấy chứng nhận đăng ký phương tiện thủy nội địa"),
    "van-hoa": ("giấy phép tổ chức lễ hội", "giấy phép kinh doanh dịch vụ karaoke", "thẻ hướng dẫn viên du lịch",
                "giấy phép kinh doanh dịch vụ lữ hành nội địa", "giấy phép thành lập bảo tàng ngoài công lập",
                "giấy chứng nhận đủ điều kiện kinh doanh hoạt động thể thao", "giấy phép triển lãm mỹ thuật"),
    "khcn": ("giấy chứng nhận đăng ký hợp đồng chuyển giao công nghệ", "giấy phép tiến hành công việc bức xạ",
             "giấy phép hoạt động in", "giấy phép xuất bản bản tin",
             "giấy xác nhận đăng ký hoạt động phát hành xuất bản phẩm",
             "giấy phép bưu chính", "giấy chứng nhận đăng ký kết quả thực hiện nhiệm vụ khoa học và công nghệ"),
    "giao-duc": ("quyết định cho phép thành lập trường mầm non", "quyết định cho phép hoạt động giáo dục",
                 "bản sao văn bằng tốt nghiệp", "quyết định công nhận trường đạt chuẩn quốc gia",
                 "giấy phép tổ chức hoạt động dạy thêm, học thêm", "quyết định chuyển trường cho học sinh"),
    "y-te": ("chứng chỉ hành nghề khám bệnh, chữa bệnh", "giấy phép hoạt động khám bệnh, chữa bệnh",
             "chứng chỉ hành nghề dược", "giấy chứng nhận đủ điều kiện kinh doanh dược",
             "giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm", "giấy xác nhận nội dung quảng cáo thực phẩm",
             "giấy phép hoạt động cơ sở dịch vụ thẩm mỹ"),
    "dan-toc-ton-giao": ("văn bản chấp thuận tổ chức cuộc lễ ngoài cơ sở tôn giáo",
                         "văn bản chấp thuận đăng ký hoạt động tôn giáo",
                         "văn bản chấp thuận thành lập tổ chức tôn giáo cơ sở",
                         "văn bản chấp thuận mở lớp bồi dưỡng về tôn giáo"),
    "ngoai-vu": ("văn bản cho phép tổ chức hội nghị, hội thảo quốc tế", "thẻ đi lại của doanh nhân APEC",
                 "văn bản chấp thuận tiếp nhận viện trợ phi chính phủ nước ngoài"),
    "van-phong": ("văn bản xác nhận kết quả giải quyết thủ tục hành chính",
                  "bản sao kết quả giải quyết thủ tục hành chính"),
    "thanh-tra": ("quyết định giải quyết khiếu nại lần hai", "kết luận nội dung tố cáo",
                  "quyết định giải quyết tranh chấp"),
}
