//! The one error vocabulary: every stable code the service answers with, its HTTP status and the
//! Vietnamese message a person can act on (DOMAIN.md §8: `{"error": "<code>", "message": "..."}`).
//! One line per code; the code on the wire never changes once published.
use actix_web::http::StatusCode;

macro_rules! error_codes {
    ($($variant:ident, $status:ident, $code:literal, $vi:literal;)*) => {
        /// A stable error code. `as_str` is what clients see in `error`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ErrorCode {
            $($variant,)*
        }

        impl ErrorCode {
            /// Every code, in table order.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)*];

            /// The snake_case code on the wire.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $code,)*
                }
            }

            /// The one HTTP status this code is answered with.
            pub fn status(self) -> StatusCode {
                match self {
                    $(Self::$variant => StatusCode::$status,)*
                }
            }

            /// A message a person can act on, in Vietnamese (pages show it; the JSON API keeps English).
            pub fn vi(self) -> &'static str {
                match self {
                    $(Self::$variant => $vi,)*
                }
            }
        }
    };
}

error_codes! {
    ActionNotAllowed, CONFLICT, "action_not_allowed", "Thao tác này không thực hiện được ở trạng thái hiện tại của hồ sơ.";
    AgencyNoLongerExists, FORBIDDEN, "agency_no_longer_exists", "Cơ quan của tài khoản này không còn trong hệ thống. Hãy liên hệ quản trị viên để được gán lại cơ quan.";
    AgencyNotAllowed, BAD_REQUEST, "agency_not_allowed", "Tài khoản công dân không thuộc cơ quan nào: hãy bỏ trống cơ quan.";
    AgencyEnded, CONFLICT, "agency_ended", "Cơ quan này đã kết thúc hoạt động sau khi sắp xếp đơn vị hành chính. Hãy nộp hồ sơ tại cơ quan kế thừa.";
    AgencyNotFound, NOT_FOUND, "agency_not_found", "Không tìm thấy cơ quan này.";
    AgencyCodeTaken, CONFLICT, "agency_code_taken", "Mã này đã được dùng cho một đơn vị (kể cả đơn vị đã kết thúc): một mã chỉ mang nghĩa một đơn vị. Hãy chọn mã khác.";
    AgencyHasUnitsBelow, CONFLICT, "agency_has_units_below", "Đơn vị này còn đơn vị trực thuộc đang hoạt động: hãy chuyển hoặc kết thúc các đơn vị đó trước.";
    AgencyNotValidThen, CONFLICT, "agency_not_valid_then", "Đơn vị này không hoạt động vào ngày trước ngày hiệu lực (đã kết thúc hoặc chưa bắt đầu). Hãy kiểm tra lại ngày hiệu lực.";
    AgencyRequired, BAD_REQUEST, "agency_required", "Hãy chọn cơ quan tiếp nhận hồ sơ.";
    AlreadyAnswered, CONFLICT, "already_answered", "Cơ quan đã trả lời lần xin ý kiến này.";
    AlreadyDecided, CONFLICT, "already_decided", "Hồ sơ đã có quyết định.";
    AlreadyExtended, CONFLICT, "already_extended", "Hồ sơ đã được xin lỗi và hẹn lại ngày trả kết quả một lần; chỉ được thực hiện một lần.";
    AlreadyRated, CONFLICT, "already_rated", "Hồ sơ này đã được đánh giá.";
    BodyTooLarge, BAD_REQUEST, "body_too_large", "Nội dung gửi lên quá dài.";
    CalendarDayNotFound, NOT_FOUND, "calendar_day_not_found", "Ngày này không có trong lịch nghỉ lễ, làm bù.";
    CannotDisableSelf, CONFLICT, "cannot_disable_self", "Quản trị viên không thể tự khóa tài khoản của mình.";
    CommentTooLong, BAD_REQUEST, "comment_too_long", "Ý kiến dài quá 1000 ký tự.";
    ConcurrentUpdate, CONFLICT, "concurrent_update", "Có người vừa xử lý hồ sơ này cùng lúc. Hãy tải lại trang và thử lại.";
    ConsultationNotFound, NOT_FOUND, "consultation_not_found", "Hồ sơ không có lần xin ý kiến này.";
    ContentMismatch, BAD_REQUEST, "content_mismatch", "Nội dung tệp không khớp với loại tệp (PDF, JPEG, PNG).";
    ContentTypeMismatch, BAD_REQUEST, "content_type_mismatch", "Nội dung tệp không khớp với loại tệp (PDF, JPEG, PNG).";
    CrossOriginRequest, FORBIDDEN, "cross_origin_request", "Yêu cầu được gửi từ một trang khác nên đã bị từ chối. Hãy mở trang trên hệ thống này và thử lại.";
    DailyLimitReached, CONFLICT, "daily_limit_reached", "Cơ quan đã cấp hết số hồ sơ trong ngày.";
    DatabaseUnavailable, SERVICE_UNAVAILABLE, "database_unavailable", "Cơ sở dữ liệu đang không trả lời, vui lòng thử lại sau ít phút.";
    DecisionMissing, CONFLICT, "decision_missing", "Hồ sơ cần có quyết định (phê duyệt hoặc từ chối) trước khi hoàn thành.";
    DossierClosed, CONFLICT, "dossier_closed", "Hồ sơ đã kết thúc, không thể thêm tệp.";
    DossierHandledElsewhere, CONFLICT, "dossier_handled_elsewhere", "Hồ sơ này do hệ thống của bộ, ngành giải quyết; hệ thống chỉ dùng để thống kê, không xử lý tại đây.";
    DossierNotFound, NOT_FOUND, "dossier_not_found", "Không có hồ sơ nào mang mã này. Hãy kiểm tra lại mã hồ sơ trên giấy tiếp nhận.";
    EmailRequired, BAD_REQUEST, "email_required", "Muốn nhận thông báo qua thư điện tử thì cần nhập địa chỉ thư điện tử.";
    EmptyFile, BAD_REQUEST, "empty_file", "Tệp rỗng.";
    ExtensionTooLate, CONFLICT, "extension_too_late", "Phiếu xin lỗi và hẹn lại phải được lập chậm nhất 1 ngày làm việc trước hạn trả kết quả.";
    FileNotFound, NOT_FOUND, "file_not_found", "Hồ sơ không có tệp đính kèm này.";
    FileTooLarge, PAYLOAD_TOO_LARGE, "file_too_large", "Mỗi tệp tối đa 10 MiB, tổng cộng tối đa 40 MiB.";
    FormNotFound, NOT_FOUND, "form_not_found", "Biểu mẫu này không áp dụng cho hồ sơ.";
    HolidayOnWeekend, BAD_REQUEST, "holiday_on_weekend", "Ngày này là thứ Bảy hoặc Chủ nhật, vốn đã là ngày nghỉ. Nếu ngày lễ rơi vào cuối tuần, hãy ghi ngày nghỉ bù vào ngày làm việc kế tiếp.";
    InternalError, INTERNAL_SERVER_ERROR, "internal_error", "Đã xảy ra lỗi hệ thống; lỗi đã được ghi lại.";
    ImportConflict, CONFLICT, "import_conflict", "Mã hồ sơ này đã thuộc một hồ sơ khác (của hệ thống khác, hoặc cơ quan, thủ tục khác): nguồn dữ liệu không được ghi đè hay chuyển hồ sơ. Hãy kiểm tra lại mã hồ sơ trong nguồn.";
    InvalidAction, BAD_REQUEST, "invalid_action", "Thông tin của thao tác chưa đầy đủ (lý do, danh sách giấy tờ cần bổ sung…).";
    InvalidAddress, BAD_REQUEST, "invalid_address", "Hãy nhập địa chỉ của người nộp hồ sơ.";
    InvalidAgencyCode, BAD_REQUEST, "invalid_agency_code", "Hãy chọn cơ quan tiếp nhận hồ sơ.";
    InvalidAgencyKind, BAD_REQUEST, "invalid_agency_kind", "Loại đơn vị không hợp lệ: hãy chọn ủy ban nhân dân, sở/ban/ngành, trung tâm phục vụ hành chính công hoặc bộ/ngành.";
    InvalidAgencyName, BAD_REQUEST, "invalid_agency_name", "Hãy nhập tên đơn vị (tối đa 200 ký tự).";
    InvalidAct, BAD_REQUEST, "invalid_act", "Hãy nhập số và ký hiệu văn bản quyết định (ví dụ: NQ 1668/NQ-UBTVQH15), tối đa 200 ký tự.";
    InvalidApplicantName, BAD_REQUEST, "invalid_applicant_name", "Hãy nhập họ và tên người nộp hồ sơ.";
    InvalidBody, BAD_REQUEST, "invalid_body", "Nội dung gửi lên thiếu thông tin hoặc sai kiểu dữ liệu. Hãy kiểm tra lại các trường và gửi lại.";
    InvalidChannel, BAD_REQUEST, "invalid_channel", "Hình thức nộp hồ sơ không phù hợp với tài khoản của bạn.";
    InvalidChannelFilter, BAD_REQUEST, "invalid_channel_filter", "Kênh nộp không hợp lệ: hãy chọn trực tiếp, trực tuyến hoặc bưu chính.";
    InvalidContentType, BAD_REQUEST, "invalid_content_type", "Nội dung phải được gửi dưới dạng JSON (Content-Type: application/json).";
    InvalidCount, BAD_REQUEST, "invalid_count", "Số hồ sơ không được là số âm.";
    InvalidCredentials, UNAUTHORIZED, "invalid_credentials", "Tên đăng nhập hoặc mật khẩu không đúng.";
    InvalidCursor, BAD_REQUEST, "invalid_cursor", "Liên kết trang không còn dùng được; hãy mở lại danh sách từ trang đầu.";
    InvalidDate, BAD_REQUEST, "invalid_date", "Ngày không hợp lệ: hãy chọn một ngày có thật (năm/tháng/ngày, từ năm 2000 đến 2100).";
    InvalidDateRange, BAD_REQUEST, "invalid_date_range", "Ngày đầu của khoảng thời gian phải trước hoặc trùng ngày cuối: hãy sửa “từ ngày” hoặc “đến ngày”.";
    InvalidDayKind, BAD_REQUEST, "invalid_day_kind", "Hãy chọn loại ngày: ngày nghỉ hoặc ngày làm việc bù.";
    InvalidDayName, BAD_REQUEST, "invalid_day_name", "Hãy nhập tên ngày (ví dụ: Tết Dương lịch, làm bù cho ngày 02/01), tối đa 200 ký tự.";
    InvalidDeadline, BAD_REQUEST, "invalid_deadline", "Thời hạn trả lời là từ 1 đến 60 ngày làm việc.";
    InvalidDocuments, BAD_REQUEST, "invalid_documents", "Danh sách giấy tờ không hợp lệ (tối đa 100 giấy tờ, mỗi tên tối đa 300 ký tự).";
    InvalidDossierCode, BAD_REQUEST, "invalid_dossier_code", "Mã hồ sơ không đúng định dạng. Mã hồ sơ có dạng <mã cơ quan>-<năm tháng ngày>-<số thứ tự>, ví dụ 000.00.31.H12-261122-0001 (dịch vụ công tập trung toàn quốc: H12.031.01-260302-070001); hồ sơ nộp trực tuyến chưa được tiếp nhận có mã tham chiếu dạng HS-7K3QX9M2TB.";
    InvalidElectronicId, BAD_REQUEST, "invalid_electronic_id", "Mã định danh điện tử của cơ quan có dạng MX1X2.Y1Y2Y3.Z1Z2 (một chữ in hoa và 2 chữ số, 3 chữ số, 2 chữ số), ví dụ H12.031.01.";
    InvalidEmail, BAD_REQUEST, "invalid_email", "Địa chỉ thư điện tử không hợp lệ.";
    InvalidFee, BAD_REQUEST, "invalid_fee", "Lệ phí là một số tiền (đồng) từ 0 trở lên; mô tả lệ phí tối đa 500 ký tự.";
    InvalidFileName, BAD_REQUEST, "invalid_file_name", "Tên tệp không hợp lệ.";
    InvalidForm, BAD_REQUEST, "invalid_form", "Biểu mẫu gửi lên không đọc được hoặc thiếu thông tin. Hãy tải lại trang và thử lại.";
    InvalidFormat, BAD_REQUEST, "invalid_format", "Định dạng tải về là JSON, CSV hoặc XLSX.";
    InvalidFullName, BAD_REQUEST, "invalid_full_name", "Hãy nhập họ và tên (tối đa 200 ký tự).";
    InvalidGroupBy, BAD_REQUEST, "invalid_group_by", "Hãy chọn cách nhóm số liệu: không nhóm, theo cơ quan, cấp, lĩnh vực hoặc tháng.";
    InvalidHierarchy, BAD_REQUEST, "invalid_hierarchy", "Hãy chọn cách xếp số liệu: theo đơn vị hiện nay (as_is) hoặc theo đơn vị tại thời điểm đó (as_was).";
    AgencyEndedAsIs, BAD_REQUEST, "agency_ended_as_is", "Đơn vị này đã kết thúc sau khi sắp xếp: số liệu của đơn vị được tính cho đơn vị kế thừa. Hãy xem theo đơn vị tại thời điểm đó (as_was) hoặc chọn đơn vị kế thừa.";
    InvalidIdNumber, BAD_REQUEST, "invalid_id_number", "Số định danh cá nhân (CCCD) gồm 12 chữ số (hoặc số CMND 9 chữ số).";
    InvalidJson, BAD_REQUEST, "invalid_json", "Nội dung gửi lên không phải JSON hợp lệ. Hãy kiểm tra lại và gửi lại.";
    InvalidLevel, BAD_REQUEST, "invalid_level", "Cấp thực hiện không hợp lệ.";
    InvalidLimit, BAD_REQUEST, "invalid_limit", "Số hồ sơ mỗi trang là một số nguyên từ 1 đến 200.";
    InvalidNewDate, BAD_REQUEST, "invalid_new_date", "Ngày hẹn mới phải là một ngày làm việc sau hạn trả kết quả hiện tại.";
    InvalidNewDueDate, BAD_REQUEST, "invalid_new_due_date", "Ngày hẹn mới phải là một ngày làm việc sau hạn trả kết quả hiện tại.";
    InvalidNotifyBy, BAD_REQUEST, "invalid_notify_by", "Hãy chọn cách nhận thông báo: thư điện tử, tin nhắn, cả hai hoặc không nhận.";
    InvalidOnlineLevel, BAD_REQUEST, "invalid_online_level", "Mức độ dịch vụ công trực tuyến là 1 đến 4.";
    InvalidOpinion, BAD_REQUEST, "invalid_opinion", "Hãy nhập ý kiến trả lời (tối đa 2000 ký tự).";
    InvalidPath, BAD_REQUEST, "invalid_path", "Địa chỉ trang không hợp lệ. Hãy kiểm tra lại đường dẫn.";
    InvalidPeriod, BAD_REQUEST, "invalid_period", "Kỳ báo cáo không hợp lệ: hãy chọn ngày có thật từ 01/01/2000 đến 31/12/2100, ngày bắt đầu không sau ngày kết thúc.";
    InvalidPhone, BAD_REQUEST, "invalid_phone", "Số điện thoại không hợp lệ (10 chữ số, bắt đầu bằng 0).";
    InvalidProcedureCode, BAD_REQUEST, "invalid_procedure_code", "Mã thủ tục không đúng định dạng (ví dụ 1.001234).";
    InvalidQuery, BAD_REQUEST, "invalid_query", "Từ khóa tìm kiếm không hợp lệ (tối đa 200 ký tự).";
    InvalidRole, BAD_REQUEST, "invalid_role", "Hãy chọn vai trò: công dân, cán bộ một cửa, chuyên viên, lãnh đạo hoặc quản trị.";
    InvalidScore, BAD_REQUEST, "invalid_score", "Hãy chọn mức đánh giá từ 1 đến 5.";
    InvalidSearch, BAD_REQUEST, "invalid_search", "Từ khóa tìm kiếm dài tối đa 100 ký tự và không chứa ký tự điều khiển.";
    InvalidStatus, BAD_REQUEST, "invalid_status", "Trạng thái thông báo không hợp lệ.";
    InvalidStatusFilter, BAD_REQUEST, "invalid_status_filter", "Tình trạng không hợp lệ: hãy chọn trong danh sách.";
    InvalidStepShares, BAD_REQUEST, "invalid_step_shares", "Thời gian của mỗi bước là một số nguyên từ 0 trở lên, mỗi bước một số.";
    InvalidTargetValue, BAD_REQUEST, "invalid_target_value", "Giá trị chỉ tiêu là một tỷ lệ phần trăm từ 0 đến 100 (ví dụ 44 hoặc 12,5).";
    InvalidTask, BAD_REQUEST, "invalid_task", "Hãy nhập nội dung xin ý kiến (tối đa 1000 ký tự).";
    InvalidText, BAD_REQUEST, "invalid_text", "Nội dung nhập có ký tự điều khiển (ký tự ẩn, thường do sao chép từ nơi khác). Hãy xóa ký tự đó và gửi lại.";
    InvalidUnitCode, BAD_REQUEST, "invalid_unit_code", "Mã đơn vị phải theo QCVN 102:2016, dạng 000.00.00.H12 (13 ký tự: chữ số, dấu chấm, một chữ in hoa).";
    InvalidTimeLimit, BAD_REQUEST, "invalid_time_limit", "Thời hạn giải quyết là một số nguyên từ 1 đến 3650.";
    InvalidTimeUnit, BAD_REQUEST, "invalid_time_unit", "Hãy chọn đơn vị thời hạn: ngày làm việc, ngày hoặc giờ làm việc.";
    InvalidPortalItem, BAD_REQUEST, "invalid_portal_item", "Hồ sơ từ Cổng Dịch vụ công quốc gia thiếu hoặc sai một trường (mã hồ sơ, thủ tục, cơ quan, người nộp, ngày nộp hoặc tệp). Hãy sửa theo thông báo và gửi lại; chưa có gì được lưu.";
    InvalidToken, UNAUTHORIZED, "invalid_token", "Vui lòng đăng nhập để tiếp tục.";
    InvalidUrgency, BAD_REQUEST, "invalid_urgency", "Mức độ khẩn không hợp lệ: hãy chọn trong danh sách.";
    InvalidUsername, BAD_REQUEST, "invalid_username", "Tên đăng nhập gồm 3–64 ký tự: chữ thường không dấu a–z, chữ số, dấu chấm, gạch dưới hoặc gạch ngang.";
    InvalidVersion, BAD_REQUEST, "invalid_version", "Phiên bản thủ tục là một số nguyên dương.";
    InvalidYear, BAD_REQUEST, "invalid_year", "Năm không hợp lệ (từ 2000 đến 2100).";
    MissingToken, UNAUTHORIZED, "missing_token", "Vui lòng đăng nhập để tiếp tục.";
    NationwideCodeUnavailable, CONFLICT, "nationwide_code_unavailable", "Thủ tục này là dịch vụ công tập trung toàn quốc: mã hồ sơ theo Thông tư 04/2025/TT-VPCP cần mã định danh điện tử của cơ quan giải quyết và mã của hệ thống, nhưng chưa được khai báo. Hãy báo quản trị hệ thống; hồ sơ chưa được tiếp nhận.";
    NewDueDateRequired, BAD_REQUEST, "new_due_date_required", "Hãy nhập ngày hẹn trả kết quả mới và lý do.";
    NoNextStep, CONFLICT, "no_next_step", "Hồ sơ đang ở bước xử lý cuối: hãy phê duyệt và hoàn thành thay vì chuyển tiếp.";
    NotOfferedOnline, CONFLICT, "not_offered_online", "Thủ tục này chưa cung cấp dịch vụ công trực tuyến mức độ 3 hoặc 4; vui lòng nộp tại Bộ phận Một cửa.";
    NotReceivedYet, CONFLICT, "not_received_yet", "Hồ sơ chưa được tiếp nhận nên chưa có mã hồ sơ và biểu mẫu; biểu mẫu có sau khi cơ quan tiếp nhận hồ sơ.";
    NotReturnedYet, CONFLICT, "not_returned_yet", "Chỉ đánh giá được sau khi đã nhận kết quả.";
    NotYourAgency, FORBIDDEN, "not_your_agency", "Cán bộ một cửa chỉ tiếp nhận hồ sơ tại cơ quan của mình.";
    NotYourDossier, FORBIDDEN, "not_your_dossier", "Bạn hoặc cơ quan của bạn không phải là nơi được thực hiện thao tác này với hồ sơ.";
    NoteTooLong, BAD_REQUEST, "note_too_long", "Ghi chú dài quá 2000 ký tự.";
    NothingToChange, BAD_REQUEST, "nothing_to_change", "Không có thông tin nào thay đổi.";
    NotificationNotFailed, NOT_FOUND, "notification_not_failed", "Không có thông báo gửi không thành công nào mang mã này (có thể đã được gửi lại).";
    OutOfScope, FORBIDDEN, "out_of_scope", "Hồ sơ này không thuộc phạm vi cơ quan của bạn.";
    PageNotFound, NOT_FOUND, "page_not_found", "Không có trang nào ở địa chỉ này. Hãy kiểm tra lại đường dẫn.";
    ParentNotValid, CONFLICT, "parent_not_valid", "Cơ quan cấp trên không hoạt động vào ngày bắt đầu, hoặc ở cấp thấp hơn đơn vị này. Hãy chọn cơ quan cấp trên khác.";
    PasswordMismatch, BAD_REQUEST, "password_mismatch", "Hai lần nhập mật khẩu không giống nhau.";
    PasswordTooLong, BAD_REQUEST, "password_too_long", "Mật khẩu quá dài.";
    PasswordTooShort, BAD_REQUEST, "password_too_short", "Mật khẩu phải có ít nhất 8 ký tự.";
    PlanTargetNotFound, NOT_FOUND, "plan_target_not_found", "Kế hoạch này không có chỉ tiêu ở vị trí đó.";
    PortalInboundDisabled, NOT_FOUND, "portal_inbound_disabled", "Hệ thống chưa được cấu hình để nhận hồ sơ từ Cổng Dịch vụ công quốc gia (portal.inbound_token).";
    PortalFileUnavailable, BAD_REQUEST, "portal_file_unavailable", "Không lấy được tệp của hồ sơ từ Cổng Dịch vụ công quốc gia (địa chỉ không thuộc Cổng hoặc Cổng không trả tệp). Hãy gửi lại; chưa có gì được lưu.";
    ProcedureNotFound, NOT_FOUND, "procedure_not_found", "Không tìm thấy thủ tục hành chính này.";
    ProofMismatch, FORBIDDEN, "proof_mismatch", "Mã PIN hoặc số điện thoại không khớp với hồ sơ này.";
    ProofRequired, FORBIDDEN, "proof_required", "Hãy đăng nhập bằng tài khoản đã nộp hồ sơ hoặc nhập mã PIN in trên giấy tiếp nhận.";
    ReorganisationExists, CONFLICT, "reorganisation_exists", "Phương án sắp xếp này đã được nạp trước đây; mỗi phương án chỉ nạp một lần.";
    ReorganisationRefused, UNPROCESSABLE_ENTITY, "reorganisation_refused", "Phương án sắp xếp không hợp lệ với danh sách cơ quan hiện có. Hãy sửa theo danh sách lỗi rồi nạp lại.";
    RenameNeedsNewCode, CONFLICT, "rename_needs_new_code", "Đổi tên là tạo phiên bản mới của đơn vị với một mã mới (một mã chỉ mang nghĩa một đơn vị). Hãy nhập mã mới chưa từng dùng.";
    InvalidReorganisationPlan, BAD_REQUEST, "invalid_reorganisation_plan", "Tệp phương án sắp xếp không đúng định dạng (xem seeds/FORMAT.md).";
    RoleNotAllowed, FORBIDDEN, "role_not_allowed", "Tài khoản của bạn không có quyền thực hiện việc này.";
    RouteNotFound, NOT_FOUND, "route_not_found", "Không có chức năng nào ở địa chỉ này. Hãy xem tài liệu API tại /api/v1/openapi.json.";
    RouteSharesMismatch, BAD_REQUEST, "route_shares_mismatch", "Tổng thời gian của các bước xử lý phải bằng đúng thời hạn giải quyết. Hãy chia lại thời gian cho các bước.";
    RouteUnresolvable, CONFLICT, "route_unresolvable", "Không xác định được quy trình xử lý của thủ tục tại cơ quan này.";
    StaffAgencyRequired, BAD_REQUEST, "staff_agency_required", "Hãy chọn cơ quan: tài khoản cán bộ phải thuộc một cơ quan.";
    SupplementAlreadyRequested, CONFLICT, "supplement_already_requested", "Hồ sơ đã được yêu cầu bổ sung một lần ở bước này; theo Nghị định 61/2018 chỉ yêu cầu bổ sung một lần.";
    SupplementTooLate, CONFLICT, "supplement_too_late", "Đã quá 3 ngày làm việc kể từ khi tiếp nhận: không được yêu cầu bổ sung hồ sơ (Nghị định 61/2018, Điều 19).";
    SuccessorNotValid, CONFLICT, "successor_not_valid", "Đơn vị kế thừa phải là một đơn vị khác, đang hoạt động vào ngày hiệu lực. Hãy chọn đơn vị kế thừa khác.";
    TokenExpired, UNAUTHORIZED, "token_expired", "Phiên đăng nhập đã hết hạn, vui lòng đăng nhập lại.";
    TooManyAttempts, TOO_MANY_REQUESTS, "too_many_attempts", "Đã nhập sai quá nhiều lần.";
    TooManyFiles, CONFLICT, "too_many_files", "Hồ sơ đã có quá nhiều tệp đính kèm.";
    TooManyTemplates, CONFLICT, "too_many_templates", "Mỗi phiên bản thủ tục có tối đa 20 mẫu đơn, tờ khai. Hãy gỡ bớt mẫu cũ rồi tải lên.";
    TemplateNotFound, NOT_FOUND, "template_not_found", "Không tìm thấy mẫu đơn, tờ khai này trong phiên bản thủ tục đã chọn.";
    InvalidTemplateTitle, BAD_REQUEST, "invalid_template_title", "Hãy nhập tên mẫu (ví dụ: Tờ khai đăng ký khai sinh), tối đa 200 ký tự; số hiệu mẫu tối đa 50 ký tự.";
    UnsupportedTemplateType, BAD_REQUEST, "unsupported_template_type", "Mẫu đơn, tờ khai là tệp PDF, Word, Excel hoặc OpenDocument (.pdf, .doc, .docx, .xls, .xlsx, .odt, .ods).";
    TooManyFilesAtOnce, BAD_REQUEST, "too_many_files_at_once", "Mỗi lần nộp đính kèm tối đa 10 tệp. Hãy bớt tệp rồi gửi lại.";
    TooManyLookups, TOO_MANY_REQUESTS, "too_many_lookups", "Bạn đã tra cứu quá nhiều lần trong một phút.";
    TooManyPendingSubmissions, TOO_MANY_REQUESTS, "too_many_pending_submissions", "Tài khoản của bạn đã có nhiều hồ sơ nộp trực tuyến đang chờ cơ quan tiếp nhận. Vui lòng chờ các hồ sơ đó được tiếp nhận (hoặc rút bớt hồ sơ) rồi nộp tiếp.";
    UnknownAction, BAD_REQUEST, "unknown_action", "Thao tác không hợp lệ.";
    UnknownAgency, BAD_REQUEST, "unknown_agency", "Không tìm thấy cơ quan này.";
    UnknownField, BAD_REQUEST, "unknown_field", "Nội dung gửi lên có trường không được chấp nhận. Hãy bỏ trường đó và gửi lại.";
    UnknownPlan, BAD_REQUEST, "unknown_plan", "Không tìm thấy kế hoạch này.";
    UnknownUser, FORBIDDEN, "unknown_user", "Tài khoản của bạn không còn trong hệ thống. Hãy đăng nhập lại hoặc liên hệ quản trị viên.";
    UnsupportedFileType, BAD_REQUEST, "unsupported_file_type", "Chỉ nhận tệp PDF, JPEG hoặc PNG.";
    UploadInterrupted, BAD_REQUEST, "upload_interrupted", "Tải tệp lên bị gián đoạn, vui lòng thử lại.";
    UserNotFound, NOT_FOUND, "user_not_found", "Không có tài khoản nào mang tên đăng nhập này.";
    UsernameTaken, CONFLICT, "username_taken", "Tên đăng nhập này đã có người dùng. Hãy chọn tên khác.";
    WorkingDayOnWeekday, BAD_REQUEST, "working_day_on_weekday", "Ngày này là ngày trong tuần, vốn đã là ngày làm việc. Ngày làm việc bù phải là thứ Bảy hoặc Chủ nhật.";
    WrongReceivingLevel, CONFLICT, "wrong_receiving_level", "Cơ quan đã chọn không tiếp nhận hồ sơ của thủ tục này.";
    AwaitingHandover, CONFLICT, "awaiting_handover", "Hồ sơ đang chờ bàn giao cho cơ quan có thẩm quyền: chỉ được chuyển (bàn giao) hoặc rút hồ sơ (Nghị định 118/2025, Điều 17).";
    InvalidResultDelivery, BAD_REQUEST, "invalid_result_delivery", "Hãy chọn cách nhận kết quả: tại nơi tiếp nhận (counter), qua bưu chính (post) hoặc trực tuyến (online).";
    ApplicantCommuneRequired, BAD_REQUEST, "applicant_commune_required", "Thủ tục này do xã, phường nơi người nộp cư trú giải quyết: hãy chọn xã, phường đó.";
    InvalidApplicantCommune, BAD_REQUEST, "invalid_applicant_commune", "Xã, phường của người nộp không hợp lệ: hãy chọn một xã, phường của tỉnh đang hoạt động.";
    InvalidCountedAt, BAD_REQUEST, "invalid_counted_at", "Cách tính hồ sơ theo đơn vị không hợp lệ: chọn đơn vị tiếp nhận (receiving) hoặc đơn vị giải quyết (deciding).";
    InvalidDepartment, BAD_REQUEST, "invalid_department", "Mã phòng, ban không hợp lệ: 1 đến 16 chữ in hoa, chữ số hoặc dấu _, bắt đầu bằng chữ (ví dụ VHXH).";
    UnknownDepartment, BAD_REQUEST, "unknown_department", "Cơ quan không có phòng, ban này (hoặc phòng, ban đã giải thể). Hãy chọn một phòng, ban trong danh sách.";
    DepartmentRequired, BAD_REQUEST, "department_required", "Hãy chọn phòng, ban nhận hồ sơ.";
    AlreadyInDepartment, CONFLICT, "already_in_department", "Hồ sơ đang ở phòng, ban này rồi.";
    DepartmentKeyUsed, CONFLICT, "department_key_used", "Cơ quan đã có (hoặc từng có) phòng, ban mang mã này; mỗi mã chỉ dùng một lần. Hãy chọn mã khác.";
    InvalidDepartmentName, BAD_REQUEST, "invalid_department_name", "Tên phòng, ban dài từ 1 đến 200 ký tự, không có ký tự điều khiển.";
    DepartmentSelfSuccessor, BAD_REQUEST, "department_self_successor", "Phòng, ban nhận công việc phải là một phòng, ban khác.";
    InvalidFeedbackKind, BAD_REQUEST, "invalid_feedback_kind", "Hãy chọn loại: phản ánh (report) hoặc kiến nghị (recommendation).";
    InvalidFeedbackText, BAD_REQUEST, "invalid_feedback_text", "Nội dung phản ánh, kiến nghị dài từ 10 đến 2000 ký tự, câu trả lời đến 4000 ký tự, thông tin liên hệ đến 200 ký tự, không có ký tự điều khiển.";
    FeedbackSubjectRequired, BAD_REQUEST, "feedback_subject_required", "Hãy cho biết phản ánh, kiến nghị về hồ sơ nào (mã hồ sơ) hoặc về cơ quan nào (mã cơ quan).";
    FeedbackNotFound, NOT_FOUND, "feedback_not_found", "Không tìm thấy phản ánh, kiến nghị này trong phạm vi của bạn.";
    FeedbackNotConcerned, FORBIDDEN, "feedback_not_concerned", "Chỉ cơ quan được giao xử lý phản ánh, kiến nghị này mới trả lời được.";
    FeedbackAlreadyAnswered, CONFLICT, "feedback_already_answered", "Phản ánh, kiến nghị này đã được trả lời.";
    TooManyFeedback, TOO_MANY_REQUESTS, "too_many_feedback", "Bạn đã gửi quá nhiều phản ánh, kiến nghị trong thời gian ngắn. Vui lòng thử lại sau.";
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_code_is_unique_snake_case_with_a_status_and_a_vietnamese_message() {
        let mut seen = HashSet::new();
        for &c in ErrorCode::ALL {
            let s = c.as_str();
            assert!(seen.insert(s), "{s} appears twice");
            assert!(
                !s.is_empty()
                    && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
                    && !s.starts_with('_')
                    && !s.ends_with('_')
                    && !s.contains("__"),
                "{s} is not snake_case"
            );
            let status = c.status().as_u16();
            assert!((400..600).contains(&status), "{s} has status {status}");
            let vi = c.vi().trim();
            assert!(!vi.is_empty(), "{s} has no Vietnamese message");
            assert!(vi.ends_with(['.', '!', '?', '…']), "{s}: the Vietnamese message ends without punctuation: {vi}");
        }
        assert_eq!(seen.len(), ErrorCode::ALL.len());
        assert!(ErrorCode::ALL.len() > 100);
    }

    #[test]
    fn codes_split_by_meaning_have_their_own_status() {
        assert_eq!(ErrorCode::UnknownAgency.status(), StatusCode::BAD_REQUEST);
        assert_eq!(ErrorCode::AgencyNoLongerExists.status(), StatusCode::FORBIDDEN);
        assert_eq!(ErrorCode::ConsultationNotFound.status(), StatusCode::NOT_FOUND);
        assert_eq!(ErrorCode::TooManyFiles.status(), StatusCode::CONFLICT);
        assert_eq!(ErrorCode::TooManyFilesAtOnce.status(), StatusCode::BAD_REQUEST);
        assert_eq!(ErrorCode::FileTooLarge.status(), StatusCode::PAYLOAD_TOO_LARGE);
    }
}
