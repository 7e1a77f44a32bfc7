//! Vietnamese messages for the errors the services answer with, by their stable code
//! (the JSON API keeps the English messages; pages show these).
use actix_web::http::StatusCode;

use crate::error::AppError;

/// The heading of an error page for a status.
pub fn heading(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "Thông tin chưa hợp lệ",
        401 => "Cần đăng nhập",
        403 => "Không có quyền thực hiện",
        404 => "Không tìm thấy",
        409 => "Không thực hiện được lúc này",
        413 => "Tệp quá lớn",
        429 => "Thử lại sau ít phút",
        503 => "Hệ thống đang bận",
        _ => "Đã xảy ra lỗi",
    }
}

/// A message a person can act on, in Vietnamese.
pub fn vi(e: &AppError) -> String {
    let (_, code) = e.status_and_code();
    let text = match code {
        "invalid_credentials" => "Tên đăng nhập hoặc mật khẩu không đúng.",
        "missing_token" | "invalid_token" => "Vui lòng đăng nhập để tiếp tục.",
        "token_expired" => "Phiên đăng nhập đã hết hạn, vui lòng đăng nhập lại.",
        "cross_origin_request" => {
            "Yêu cầu được gửi từ một trang khác nên đã bị từ chối. Hãy mở trang trên hệ thống này và thử lại."
        }
        "role_not_allowed" => "Tài khoản của bạn không có quyền thực hiện việc này.",
        "out_of_scope" => "Hồ sơ này không thuộc phạm vi cơ quan của bạn.",
        "not_your_dossier" => "Bạn hoặc cơ quan của bạn không phải là nơi được thực hiện thao tác này với hồ sơ.",
        "not_your_agency" => "Cán bộ một cửa chỉ tiếp nhận hồ sơ tại cơ quan của mình.",
        "proof_required" => "Hãy đăng nhập bằng tài khoản đã nộp hồ sơ hoặc nhập mã PIN in trên giấy tiếp nhận.",
        "proof_mismatch" => "Mã PIN hoặc số điện thoại không khớp với hồ sơ này.",
        "too_many_attempts" => "Đã nhập sai quá nhiều lần.",
        "too_many_lookups" => "Bạn đã tra cứu quá nhiều lần trong một phút.",
        "dossier_not_found" => "Không có hồ sơ nào mang mã này. Hãy kiểm tra lại mã hồ sơ trên giấy tiếp nhận.",
        "invalid_dossier_code" => {
            "Mã hồ sơ không đúng định dạng. Mã hồ sơ có dạng <mã cơ quan>-<năm tháng ngày>-<số thứ tự>, ví dụ 000.00.31.H12-261122-0001; hồ sơ nộp trực tuyến chưa được tiếp nhận có mã tham chiếu dạng HS-7K3QX9M2TB."
        }
        "too_many_pending_submissions" => {
            "Tài khoản của bạn đã có nhiều hồ sơ nộp trực tuyến đang chờ cơ quan tiếp nhận. Vui lòng chờ các hồ sơ đó được tiếp nhận (hoặc rút bớt hồ sơ) rồi nộp tiếp."
        }
        "not_received_yet" => "Hồ sơ chưa được tiếp nhận nên chưa có mã hồ sơ và biểu mẫu; biểu mẫu có sau khi cơ quan tiếp nhận hồ sơ.",
        "invalid_form" => "Biểu mẫu gửi lên không đọc được hoặc thiếu thông tin. Hãy tải lại trang và thử lại.",
        "body_too_large" => "Nội dung gửi lên quá dài.",
        "invalid_text" => {
            "Nội dung nhập có ký tự điều khiển (ký tự ẩn, thường do sao chép từ nơi khác). Hãy xóa ký tự đó và gửi lại."
        }
        "invalid_period" => {
            "Kỳ báo cáo không hợp lệ: hãy chọn ngày có thật từ 01/01/2000 đến 31/12/2100, ngày bắt đầu không sau ngày kết thúc."
        }
        "page_not_found" => "Không có trang nào ở địa chỉ này. Hãy kiểm tra lại đường dẫn.",
        "procedure_not_found" => "Không tìm thấy thủ tục hành chính này.",
        "invalid_procedure_code" => "Mã thủ tục không đúng định dạng (ví dụ 1.001234).",
        "agency_not_found" | "unknown_agency" => "Không tìm thấy cơ quan này.",
        "invalid_agency_code" => "Hãy chọn cơ quan tiếp nhận hồ sơ.",
        "agency_required" => "Hãy chọn cơ quan tiếp nhận hồ sơ.",
        "staff_agency_required" => "Hãy chọn cơ quan: tài khoản cán bộ phải thuộc một cơ quan.",
        "invalid_applicant_name" => "Hãy nhập họ và tên người nộp hồ sơ.",
        "invalid_id_number" => "Số định danh cá nhân (CCCD) gồm 12 chữ số (hoặc số CMND 9 chữ số).",
        "invalid_phone" => "Số điện thoại không hợp lệ (10 chữ số, bắt đầu bằng 0).",
        "invalid_email" => "Địa chỉ thư điện tử không hợp lệ.",
        "invalid_address" => "Hãy nhập địa chỉ của người nộp hồ sơ.",
        "invalid_notify_by" => "Hãy chọn cách nhận thông báo: thư điện tử, tin nhắn, cả hai hoặc không nhận.",
        "email_required" => "Muốn nhận thông báo qua thư điện tử thì cần nhập địa chỉ thư điện tử.",
        "invalid_documents" => "Danh sách giấy tờ không hợp lệ (tối đa 100 giấy tờ, mỗi tên tối đa 300 ký tự).",
        "invalid_channel" => "Hình thức nộp hồ sơ không phù hợp với tài khoản của bạn.",
        "not_offered_online" => "Thủ tục này chưa cung cấp dịch vụ công trực tuyến mức độ 3 hoặc 4; vui lòng nộp tại Bộ phận Một cửa.",
        "wrong_receiving_level" => "Cơ quan đã chọn không tiếp nhận hồ sơ của thủ tục này.",
        "route_unresolvable" => "Không xác định được quy trình xử lý của thủ tục tại cơ quan này.",
        "daily_limit_reached" => "Cơ quan đã cấp hết số hồ sơ trong ngày.",
        "action_not_allowed" => "Thao tác này không thực hiện được ở trạng thái hiện tại của hồ sơ.",
        "supplement_already_requested" => {
            "Hồ sơ đã được yêu cầu bổ sung một lần ở bước này; theo Nghị định 61/2018 chỉ yêu cầu bổ sung một lần."
        }
        "supplement_too_late" => {
            "Đã quá 3 ngày làm việc kể từ khi tiếp nhận: không được yêu cầu bổ sung hồ sơ (Nghị định 61/2018, Điều 19)."
        }
        "already_extended" => "Hồ sơ đã được xin lỗi và hẹn lại ngày trả kết quả một lần; chỉ được thực hiện một lần.",
        "extension_too_late" => "Phiếu xin lỗi và hẹn lại phải được lập chậm nhất 1 ngày làm việc trước hạn trả kết quả.",
        "invalid_new_date" | "invalid_new_due_date" => "Ngày hẹn mới phải là một ngày làm việc sau hạn trả kết quả hiện tại.",
        "new_due_date_required" => "Hãy nhập ngày hẹn trả kết quả mới và lý do.",
        "no_next_step" => "Hồ sơ đang ở bước xử lý cuối: hãy phê duyệt và hoàn thành thay vì chuyển tiếp.",
        "decision_missing" => "Hồ sơ cần có quyết định (phê duyệt hoặc từ chối) trước khi hoàn thành.",
        "already_decided" => "Hồ sơ đã có quyết định.",
        "invalid_action" => "Thông tin của thao tác chưa đầy đủ (lý do, danh sách giấy tờ cần bổ sung…).",
        "unknown_action" => "Thao tác không hợp lệ.",
        "note_too_long" => "Ghi chú dài quá 2000 ký tự.",
        "concurrent_update" => "Có người vừa xử lý hồ sơ này cùng lúc. Hãy tải lại trang và thử lại.",
        "dossier_closed" => "Hồ sơ đã kết thúc, không thể thêm tệp.",
        "too_many_files" => "Hồ sơ đã có quá nhiều tệp đính kèm.",
        "invalid_file_name" => "Tên tệp không hợp lệ.",
        "unsupported_file_type" => "Chỉ nhận tệp PDF, JPEG hoặc PNG.",
        "content_type_mismatch" | "content_mismatch" => "Nội dung tệp không khớp với loại tệp (PDF, JPEG, PNG).",
        "empty_file" => "Tệp rỗng.",
        "file_too_large" => "Mỗi tệp tối đa 10 MiB, tổng cộng tối đa 40 MiB.",
        "upload_interrupted" => "Tải tệp lên bị gián đoạn, vui lòng thử lại.",
        "invalid_score" => "Hãy chọn mức đánh giá từ 1 đến 5.",
        "comment_too_long" => "Ý kiến dài quá 1000 ký tự.",
        "not_returned_yet" => "Chỉ đánh giá được sau khi đã nhận kết quả.",
        "already_rated" => "Hồ sơ này đã được đánh giá.",
        "invalid_query" => "Từ khóa tìm kiếm không hợp lệ (tối đa 200 ký tự).",
        "invalid_level" => "Cấp thực hiện không hợp lệ.",
        "invalid_online_level" => "Mức độ dịch vụ công trực tuyến là 1 đến 4.",
        "invalid_task" => "Hãy nhập nội dung xin ý kiến (tối đa 1000 ký tự).",
        "invalid_deadline" => "Thời hạn trả lời là từ 1 đến 60 ngày làm việc.",
        "invalid_opinion" => "Hãy nhập ý kiến trả lời (tối đa 2000 ký tự).",
        "already_answered" => "Cơ quan đã trả lời lần xin ý kiến này.",
        "consultation_not_found" => "Hồ sơ không có lần xin ý kiến này.",
        "form_not_found" => "Biểu mẫu này không áp dụng cho hồ sơ.",
        "invalid_status" => "Trạng thái thông báo không hợp lệ.",
        "notification_not_failed" => "Không có thông báo gửi không thành công nào mang mã này (có thể đã được gửi lại).",
        "invalid_username" => "Tên đăng nhập gồm 3–64 ký tự: chữ thường không dấu a–z, chữ số, dấu chấm, gạch dưới hoặc gạch ngang.",
        "username_taken" => "Tên đăng nhập này đã có người dùng. Hãy chọn tên khác.",
        "invalid_full_name" => "Hãy nhập họ và tên (tối đa 200 ký tự).",
        "invalid_role" => "Hãy chọn vai trò: công dân, cán bộ một cửa, chuyên viên, lãnh đạo hoặc quản trị.",
        "agency_not_allowed" => "Tài khoản công dân không thuộc cơ quan nào: hãy bỏ trống cơ quan.",
        "password_mismatch" => "Hai lần nhập mật khẩu không giống nhau.",
        "password_too_short" => "Mật khẩu phải có ít nhất 8 ký tự.",
        "password_too_long" => "Mật khẩu quá dài.",
        "user_not_found" => "Không có tài khoản nào mang tên đăng nhập này.",
        "cannot_disable_self" => "Quản trị viên không thể tự khóa tài khoản của mình.",
        "invalid_date" => "Ngày không hợp lệ: hãy chọn một ngày có thật (năm/tháng/ngày, từ năm 2000 đến 2100).",
        "invalid_year" => "Năm không hợp lệ (từ 2000 đến 2100).",
        "invalid_day_kind" => "Hãy chọn loại ngày: ngày nghỉ hoặc ngày làm việc bù.",
        "holiday_on_weekend" => {
            "Ngày này là thứ Bảy hoặc Chủ nhật, vốn đã là ngày nghỉ. Nếu ngày lễ rơi vào cuối tuần, hãy ghi ngày nghỉ bù vào ngày làm việc kế tiếp."
        }
        "working_day_on_weekday" => {
            "Ngày này là ngày trong tuần, vốn đã là ngày làm việc. Ngày làm việc bù phải là thứ Bảy hoặc Chủ nhật."
        }
        "invalid_day_name" => "Hãy nhập tên ngày (ví dụ: Tết Dương lịch, làm bù cho ngày 02/01), tối đa 200 ký tự.",
        "calendar_day_not_found" => "Ngày này không có trong lịch nghỉ lễ, làm bù.",
        "invalid_target_value" => "Giá trị chỉ tiêu là một tỷ lệ phần trăm từ 0 đến 100 (ví dụ 44 hoặc 12,5).",
        "plan_target_not_found" => "Kế hoạch này không có chỉ tiêu ở vị trí đó.",
        "invalid_time_limit" => "Thời hạn giải quyết là một số nguyên từ 1 đến 3650.",
        "invalid_time_unit" => "Hãy chọn đơn vị thời hạn: ngày làm việc, ngày hoặc giờ làm việc.",
        "invalid_fee" => "Lệ phí là một số tiền (đồng) từ 0 trở lên; mô tả lệ phí tối đa 500 ký tự.",
        "invalid_step_shares" => "Thời gian của mỗi bước là một số nguyên từ 0 trở lên, mỗi bước một số.",
        "route_shares_mismatch" => {
            "Tổng thời gian của các bước xử lý phải bằng đúng thời hạn giải quyết. Hãy chia lại thời gian cho các bước."
        }
        "nothing_to_change" => "Không có thông tin nào thay đổi.",
        "database_unavailable" => "Cơ sở dữ liệu đang không trả lời, vui lòng thử lại sau ít phút.",
        "internal_error" => "Đã xảy ra lỗi hệ thống; lỗi đã được ghi lại.",
        _ => "",
    };
    if text.is_empty() {
        format!("Không thực hiện được yêu cầu (mã lỗi: {code}).")
    } else if let Some(secs) = e.retry_after_secs() {
        let wait = if secs < 60 { format!("{secs} giây") } else { format!("{} phút", secs.div_ceil(60)) };
        format!("{text} Vui lòng thử lại sau {wait}.")
    } else {
        text.to_string()
    }
}

/// The form field an error is about (to mark it `aria-invalid` and focus it), or "".
pub fn field_of(e: &AppError) -> &'static str {
    match e.status_and_code().1 {
        "invalid_applicant_name" => "name",
        "invalid_id_number" => "id_number",
        "invalid_phone" => "phone",
        "invalid_email" | "email_required" => "email",
        "invalid_address" => "address",
        "invalid_notify_by" => "notify_by",
        "invalid_agency_code" | "agency_required" | "wrong_receiving_level" | "agency_not_found" => "agency_code",
        "invalid_documents" => "other_documents",
        "invalid_file_name"
        | "unsupported_file_type"
        | "content_type_mismatch"
        | "content_mismatch"
        | "empty_file"
        | "file_too_large"
        | "too_many_files" => "files",
        _ => "",
    }
}
