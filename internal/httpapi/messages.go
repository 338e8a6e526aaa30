package httpapi

import (
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"tend/internal/campaign"
)

// message is a text in each language, with {param} placeholders.
type message struct{ vi, en string }

// problemMessages explain error codes (the problem's detail).
var problemMessages = map[string]message{
	"validation_failed":         {"Dữ liệu không hợp lệ.", "The input is not valid."},
	"body_not_object":           {"Nội dung yêu cầu phải là một đối tượng JSON.", "The request body must be a JSON object."},
	"invalid_json":              {"Nội dung yêu cầu không phải JSON hợp lệ.", "The request body is not valid JSON."},
	"body_too_large":            {"Nội dung yêu cầu quá lớn (tối đa {max}).", "The request body is too large (at most {max})."},
	"unsupported_media_type":    {"Nội dung yêu cầu phải là application/json.", "The request body must be application/json."},
	"unauthorized":              {"Cần đăng nhập: thiếu hoặc sai mã xác thực.", "Sign-in required: the token is missing or not valid."},
	"token_expired":             {"Mã xác thực đã hết hạn.", "The token has expired."},
	"unknown_subject":           {"Tài khoản này chưa thuộc không gian làm việc nào.", "This sign-in does not belong to any workspace yet."},
	"user_inactive":             {"Tài khoản đã bị ngừng truy cập.", "This user has been deactivated."},
	"forbidden":                 {"Bạn không có quyền thực hiện thao tác này.", "You are not allowed to do this."},
	"admin_only":                {"Chỉ quản trị viên mới được thực hiện thao tác này.", "Only admins can do this."},
	"shared_read_only":          {"Khách hàng này chỉ được chia sẻ để xem, bạn không thể chỉnh sửa.", "This customer is shared with you read-only; you can't change it."},
	"not_found":                 {"Không tìm thấy {what}.", "No such {what}."},
	"route_not_found":           {"Không có đường dẫn này.", "There is no such path."},
	"method_not_allowed":        {"Phương thức không được hỗ trợ cho đường dẫn này.", "This method is not allowed on this path."},
	"version_conflict":          {"{what} đã được thay đổi bởi người khác; hãy tải lại và thử lại.", "The {what} was changed by someone else; reload it and try again."},
	"duplicate_customer":        {"{criterion} đã tồn tại trong khách hàng {name} thuộc chủ sở hữu {owner}", "{criterion} already exists in customer {name} owned by {owner}"},
	"duplicate_customer_free":   {"{criterion} đã tồn tại trong khách hàng {name} (chưa có chủ sở hữu)", "{criterion} already exists in customer {name}, which has no owner"},
	"email_taken":               {"Email này đã được dùng cho một nhân viên khác.", "This email is already used by another user."},
	"subject_taken":             {"Tài khoản đăng nhập này đã gắn với một nhân viên khác.", "This sign-in is already linked to another user."},
	"last_admin":                {"Không thể bỏ quyền hoặc ngừng truy cập của quản trị viên cuối cùng.", "The last active admin can't be demoted or deactivated."},
	"not_deleted":               {"Khách hàng này không nằm trong thùng rác.", "This customer is not in the trash."},
	"system_field":              {"Không thể sửa hoặc xóa trường hệ thống.", "System fields can't be changed or removed."},
	"too_many_fields":           {"Đã đạt số trường tùy chỉnh tối đa ({max}).", "The workspace already has the most custom fields allowed ({max})."},
	"field_exists":              {"Đã có trường với mã này.", "A field with this key already exists."},
	"idempotency_key_reused":    {"Idempotency-Key này đã được dùng cho một yêu cầu khác.", "This Idempotency-Key was already used for a different request."},
	"idempotency_in_progress":   {"Một yêu cầu cùng Idempotency-Key đang được xử lý; hãy thử lại sau.", "A request with this Idempotency-Key is still being processed; try again shortly."},
	"workspace_creation_closed": {"Không thể tự mở không gian làm việc trên bản triển khai này; hãy nhờ quản trị viên mời bạn.", "Workspaces can't be opened by sign-up on this deployment; ask an admin to invite you."},
	"already_member":            {"Tài khoản này đã thuộc một không gian làm việc.", "This sign-in already belongs to a workspace."},
	"bad_signature":             {"Chữ ký của yêu cầu không hợp lệ.", "The request's signature is not valid."},
	"stale_signature":           {"Yêu cầu đã quá 5 phút hoặc có thời gian không hợp lệ; hãy ký lại.", "The request is more than 5 minutes old or its time is wrong; sign it again."},
	"bad_verify_token":          {"Mã xác minh (verify token) không đúng với nguồn dữ liệu.", "The verify token is not the lead source's."},
	"rate_limited":              {"Gửi quá nhiều lần; hãy thử lại sau {retry_after} giây.", "Too many posts; try again in {retry_after} seconds."},
	"no_secret_to_rotate":       {"Nguồn dữ liệu loại {kind} không có khóa riêng để đổi; hãy cập nhật khóa của nhà cung cấp.", "A {kind} lead source has no key of its own to rotate; update the provider's secret instead."},
	"unreadable_body":           {"Không đọc được nội dung yêu cầu.", "The request body could not be read."},
	"template_name_taken":       {"Đã có mẫu khác tên \"{name}\".", "Another template is already named \"{name}\"."},
	"saved_filter_name_taken":   {"Bạn đã có bộ lọc khác tên \"{name}\".", "You already have another filter named \"{name}\"."},
	"too_many_saved_filters":    {"Bạn đã lưu số bộ lọc tối đa ({max}); hãy xóa bớt bộ lọc cũ.", "You have saved the most filters allowed ({max}); delete an old one first."},
	"shared_filter_read_only":   {"Bộ lọc dùng chung chỉ quản trị viên mới được sửa hoặc xóa.", "Only admins can change or delete a shared filter."},
	"care_flow_active":          {"Không thể chỉnh sửa quy trình chăm sóc đang được kích hoạt; hãy ngừng kích hoạt trước.", "An active care flow can't be edited; deactivate it first."},
	"care_flow_limit":           {"Mỗi phân hệ chỉ được kích hoạt tối đa {max} quy trình chăm sóc; hãy ngừng kích hoạt một quy trình khác trước.", "At most {max} care flows can be active in a module; deactivate another one first."},
	"unsupported_form_type":     {"Nội dung gửi đến phải là application/x-www-form-urlencoded, multipart/form-data hoặc application/json.", "The body must be application/x-www-form-urlencoded, multipart/form-data or application/json."},
	"invalid_form_body":         {"Nội dung biểu mẫu gửi đến không đúng với kiểu nội dung đã khai báo.", "The form body does not match its declared content type."},
	"too_many_lead_fields":      {"Dữ liệu gửi đến có quá nhiều trường (tối đa {max}).", "The payload has too many fields (at most {max})."},
	"not_a_lead_payload":        {"Dữ liệu gửi đến không đúng định dạng của {provider}.", "The payload is not in {provider}'s format."},
	"no_facebook_leads":         {"Thông báo từ Facebook không có khách hàng tiềm năng (leadgen_id) nào.", "The Facebook notification announces no lead (leadgen_id)."},
	"multipart_required":        {"Gửi tệp dưới dạng multipart/form-data, trong phần \"file\".", "Send the file as multipart/form-data, in a part named \"file\"."},
	"import_not_finished":       {"Lượt nhập chưa xong; tệp lỗi có khi lượt nhập kết thúc.", "The import has not finished; its errors file is ready when it ends."},
	"import_file_gone":          {"Tệp của lượt nhập không còn được lưu (tệp được giữ 7 ngày).", "The import's file is no longer kept (files are kept for 7 days)."},
	"invalid_transition":        {"Không thể chuyển khách hàng trong chiến dịch từ trạng thái “{from}” sang “{to}”.", "A campaign member can't go from \"{from}\" to \"{to}\"."},
	"already_in_campaign":       {"Khách hàng đã có trong chiến dịch.", "The customer is already in the campaign."},
	"internal":                  {"Đã xảy ra lỗi hệ thống; hãy thử lại sau.", "Something went wrong on our side; please try again."},
	"unavailable":               {"Dịch vụ tạm thời không khả dụng; hãy thử lại sau.", "The service is temporarily unavailable; please try again."},
	"task_completed":            {"Công việc đã hoàn thành: không thể đổi trạng thái hay tiến độ nữa.", "The task is completed: its status and progress can't change any more."},
	"task_taken":                {"Công việc đã được {name} nhận.", "{name} has already claimed this task."},
	"claim_members_only":        {"Chỉ thành viên của dự án mới được nhận công việc.", "Only members of the project can claim its tasks."},
	"project_has_tasks":         {"Dự án còn công việc; hãy xóa các công việc trước khi xóa dự án.", "The project still has tasks; delete them before deleting the project."},
}

// fieldMessages explain what is wrong with one element of the input.
var fieldMessages = map[string]message{
	"required":                     {"Bắt buộc nhập.", "Required."},
	"unmapped_key":                 {"Phím \"{value}\" chưa được gán trạng thái trong chiến dịch.", "Key \"{value}\" maps to no status in the campaign."},
	"invalid_key_press":            {"Không phải một phím bấm (0–9, * hoặc #).", "Not a key press (0–9, * or #)."},
	"ends_before_start":            {"Ngày kết thúc trước ngày bắt đầu.", "The end date is before the start date."},
	"invalid_channel":              {"Kênh gửi phải là email hoặc sms.", "The channel is email or sms."},
	"unknown_template":             {"Không có mẫu \"{value}\" cho kênh này.", "There is no template \"{value}\" for this channel."},
	"unknown_campaign":             {"Không có chiến dịch \"{value}\".", "There is no campaign \"{value}\"."},
	"returning_needs_step":         {"Đưa khách hàng cũ về bước của nguồn cần nguồn có quy trình và bước.", "Putting returning customers back at the source's step needs the source to have a pipeline and step."},
	"invalid_export_format":        {"Không xuất được định dạng \"{value}\": chọn xlsx, html hoặc pdf.", "\"{value}\" is not an export format: use xlsx, html or pdf."},
	"invalid_member_status":        {"\"{value}\" không phải là trạng thái trong chiến dịch: chọn registered, confirmed, joined hoặc cancelled.", "\"{value}\" is not a campaign member status: use registered, confirmed, joined or cancelled."},
	"choose_one":                   {"Cần đúng một trong: {fields}.", "Give exactly one of: {fields}."},
	"too_long":                     {"Quá dài (tối đa {max} ký tự).", "Too long (at most {max} characters)."},
	"too_many":                     {"Quá nhiều (tối đa {max}).", "Too many (at most {max})."},
	"invalid_text":                 {"Văn bản không hợp lệ.", "Not valid text."},
	"invalid_utf8":                 {"Văn bản không phải UTF-8 hợp lệ.", "Not valid UTF-8 text."},
	"control_character":            {"Không được chứa ký tự điều khiển.", "Must not contain control characters."},
	"invalid_email":                {"Email không hợp lệ.", "Not a valid email address."},
	"invalid_phone":                {"Số điện thoại không hợp lệ.", "Not a valid phone number."},
	"invalid_date":                 {"Ngày không hợp lệ (định dạng YYYY-MM-DD).", "Not a valid date (YYYY-MM-DD)."},
	"date_out_of_range":            {"Ngày phải từ {min} đến {max}.", "The date must be from {min} to {max}."},
	"invalid_lunar_date":           {"Ngày âm lịch không hợp lệ (định dạng YYYY-MM-DD, tháng 1–12, ngày 1–30).", "Not a valid lunar date (YYYY-MM-DD, month 1–12, day 1–30)."},
	"invalid_datetime":             {"Thời gian không hợp lệ (định dạng RFC 3339).", "Not a valid time (RFC 3339)."},
	"invalid_duration":             {"Khoảng thời gian không hợp lệ (ví dụ \"15m\", \"48h\").", "Not a valid duration (e.g. \"15m\", \"48h\")."},
	"invalid_timezone":             {"Múi giờ không hợp lệ (ví dụ Asia/Ho_Chi_Minh).", "Not a valid time zone (e.g. Asia/Ho_Chi_Minh)."},
	"invalid_language":             {"Ngôn ngữ phải là vi hoặc en.", "The language must be vi or en."},
	"invalid_clock":                {"Giờ không hợp lệ (định dạng HH:MM).", "Not a valid time of day (HH:MM)."},
	"invalid_role":                 {"Vai trò phải là quản trị (admin), trưởng nhóm (team_leader), trưởng kho (warehouse_manager) hoặc nhân viên (staff).", "The role must be admin, team leader (team_leader), warehouse manager (warehouse_manager) or staff."},
	"invalid_tax_code":             {"Mã số thuế không hợp lệ (10 hoặc 13 chữ số).", "Not a valid tax code (10 or 13 digits)."},
	"invalid_field_type":           {"Kiểu trường không hợp lệ.", "Not a valid field type."},
	"invalid_key":                  {"Mã trường chỉ gồm chữ thường, số và dấu gạch dưới, bắt đầu bằng chữ.", "A field key is lower-case letters, digits and underscores, starting with a letter."},
	"invalid_activity_type":        {"Loại giao dịch phải là call, meeting, email hoặc other.", "The type must be call, meeting, email or other."},
	"invalid_direction":            {"Chiều cuộc gọi phải là inbound hoặc outbound.", "The direction must be inbound or outbound."},
	"invalid_status":               {"Trạng thái không hợp lệ.", "Not a valid status."},
	"invalid_url":                  {"Đường dẫn không hợp lệ.", "Not a valid URL."},
	"invalid_cursor":               {"Con trỏ phân trang không hợp lệ.", "Not a valid page cursor."},
	"invalid_sort":                 {"Không thể sắp xếp theo trường này.", "Lists can't be sorted by this field."},
	"invalid_limit":                {"Số lượng phải là số nguyên từ 1 đến 500.", "The limit must be a whole number from 1 to 500."},
	"invalid_value":                {"Giá trị không hợp lệ.", "Not a valid value."},
	"invalid_boolean":              {"Giá trị phải là true hoặc false.", "The value must be true or false."},
	"invalid_birthday_notices":     {"\"{value}\" không hợp lệ: chọn team (đội nhóm của người có sinh nhật) hoặc workspace (cả không gian làm việc).", "\"{value}\" is not valid: use team (the person's teams) or workspace (the whole workspace)."},
	"birthday_in_future":           {"Ngày sinh không thể sau hôm nay ({today}).", "A birthday can't be after today ({today})."},
	"birthday_too_early":           {"Ngày sinh không thể trước {earliest}.", "A birthday can't be before {earliest}."},
	"query_too_short":              {"Nhập ít nhất 2 ký tự để tra cứu.", "Type at least 2 characters to search."},
	"unknown_field":                {"Không có trường \"{field}\".", "There is no field \"{field}\"."},
	"interval_out_of_range":        {"Khoảng thời gian phải từ {min} đến {max} (ví dụ \"15m\", \"1h\").", "The interval must be between {min} and {max} (e.g. \"15m\", \"1h\")."},
	"unknown_user":                 {"Không có nhân viên \"{value}\".", "There is no user \"{value}\"."},
	"unknown_team":                 {"Không có đội nhóm \"{value}\".", "There is no team \"{value}\"."},
	"unknown_warehouse":            {"Không có kho dữ liệu \"{value}\".", "There is no warehouse \"{value}\"."},
	"campaigns_have_no_warehouse":  {"Chiến dịch không thuộc kho dữ liệu nào nên báo cáo chiến dịch không lọc theo kho.", "Campaigns belong to no warehouse, so the campaigns report cannot be filtered by one."},
	"unknown_pipeline":             {"Không có quy trình \"{pipeline}\".", "There is no pipeline \"{pipeline}\"."},
	"unknown_step":                 {"Quy trình không có bước \"{value}\".", "The pipeline has no step \"{value}\"."},
	"unknown_criterion":            {"Không có tiêu chí \"{value}\".", "There is no criterion \"{value}\"."},
	"wrong_role":                   {"Nhân viên này phải có vai trò {role}.", "This user must have the role {role}."},
	"user_inactive":                {"Nhân viên này đã ngừng truy cập.", "This user is deactivated."},
	"read_only":                    {"Trường này không thể thay đổi.", "This field can't be changed."},
	"expected_object":              {"Phải là một đối tượng.", "Must be an object."},
	"expected_list":                {"Phải là một danh sách.", "Must be a list."},
	"expected_integer":             {"Phải là số nguyên.", "Must be a whole number."},
	"expected_number":              {"Phải là số.", "Must be a number."},
	"expected_text":                {"Phải là văn bản.", "Must be text."},
	"expected_text_list":           {"Phải là danh sách văn bản.", "Must be a list of texts."},
	"expected_boolean":             {"Phải là true hoặc false.", "Must be true or false."},
	"expected_days":                {"Phải là số ngày nguyên từ 0 đến 36500.", "Must be a whole number of days from 0 to 36500."},
	"expected_range":               {"Phải là hai số [từ, đến].", "Must be two numbers [from, to]."},
	"expected_date_range":          {"Phải là hai ngày [từ, đến].", "Must be two dates [from, to]."},
	"range_reversed":               {"Giá trị đầu phải nhỏ hơn hoặc bằng giá trị sau.", "The first value must not be greater than the second."},
	"range_too_long":               {"Khoảng thời gian dài nhất là {max} ngày.", "The period can be at most {max} days long."},
	"not_an_option":                {"\"{value}\" không phải là một lựa chọn của trường này.", "\"{value}\" is not one of this field's options."},
	"out_of_range":                 {"Giá trị nằm ngoài phạm vi cho phép.", "The value is out of range."},
	"duplicate_name":               {"Tên bị trùng.", "This name is used twice."},
	"duplicate_option":             {"Lựa chọn bị trùng.", "This option is listed twice."},
	"reserved_key":                 {"Mã này đã được hệ thống sử dụng.", "This key is reserved."},
	"field_exists":                 {"Đã có trường với mã này.", "A field with this key already exists."},
	"invalid_calendar":             {"Lịch \"{value}\" không hợp lệ: chọn solar (dương lịch) hoặc lunar (âm lịch).", "\"{value}\" is not a calendar: use solar or lunar."},
	"lunar_calendar_only_for_date": {"Chỉ trường kiểu ngày (date) mới dùng được âm lịch.", "Only a date field can use the lunar calendar."},
	"options_not_allowed":          {"Chỉ trường lựa chọn mới có danh sách lựa chọn.", "Only select fields have options."},
	"owner_not_allowed":            {"Bạn không thể giao khách hàng cho nhân viên này.", "You can't give customers to this user."},
	"either_until_or_days":         {"Chỉ nhập until hoặc days.", "Give either until or days, not both."},
	"invalid_lead_source_kind":     {"Loại nguồn \"{value}\" không hợp lệ: chọn signed, form_url, facebook, google_ads hoặc zalo_oa.", "\"{value}\" is not a lead source kind: use signed, form_url, facebook, google_ads or zalo_oa."},
	"unknown_secret":               {"Nguồn dữ liệu loại {kind} không dùng khóa này.", "A {kind} lead source takes no such secret."},
	"lead_without_contact":         {"Lead không có tên, số điện thoại hay email.", "The lead has no name, phone number or email."},
	"must_be_future":               {"Phải là thời điểm trong tương lai.", "Must be in the future."},
	"email_taken":                  {"Email này đã được dùng cho một nhân viên khác.", "This email is already used by another user."},
	"subject_taken":                {"Tài khoản đăng nhập này đã gắn với một nhân viên khác.", "This sign-in is already linked to another user."},
	"not_condition_groups":         {"Phải là danh sách các nhóm điều kiện, mỗi điều kiện có field, op và value.", "Must be a list of condition groups, each condition with a field, op and value."},
	"not_condition_group":          {"Phải là một nhóm (danh sách) điều kiện.", "Must be a group (list) of conditions."},
	"not_a_condition":              {"Phải là một điều kiện có field, op và value.", "Must be a condition with a field, op and value."},
	"empty_group":                  {"Nhóm điều kiện không được để trống.", "A condition group can't be empty."},
	"operator_not_allowed":         {"Phép so sánh \"{op}\" không dùng được cho kiểu {type} (dùng: {allowed}).", "The operator \"{op}\" can't be used on a {type} field (use: {allowed})."},
	"duplicate_customer":           {"{criterion} đã tồn tại trong khách hàng {name} thuộc chủ sở hữu {owner}", "{criterion} already exists in customer {name} owned by {owner}"},
	"only_for_daily":               {"Chỉ luật chạy hằng ngày mới có giờ chạy.", "Only daily rules have a time."},
	"invalid_trigger":              {"Điều kiện kích hoạt phải là created, created_or_updated hoặc daily.", "The trigger must be created, created_or_updated or daily."},
	"invalid_action":               {"Không có hành động \"{type}\".", "There is no action \"{type}\"."},
	"action_not_available":         {"Hành động \"{type}\" chưa dùng được ở đây.", "The action \"{type}\" is not available here."},
	"unknown_customer":             {"Không có khách hàng \"{value}\" mà bạn có thể thay đổi.", "There is no customer \"{value}\" you can change."},
	"invalid_distribution_type":    {"Loại chia phải là round_robin, weighted hoặc reclaim.", "The type must be round_robin, weighted or reclaim."},
	"invalid_json_path":            {"Đường dẫn JSON không hợp lệ (ví dụ \"$.full_name\").", "Not a valid JSON path (e.g. \"$.full_name\")."},
	"listed_twice":                 {"Nhân viên này đã có trong danh sách.", "This user is listed twice."},
	"missing_in_payload":           {"Dữ liệu gửi đến không có giá trị tại {path}.", "The payload has no value at {path}."},
	"only_for_reclaim":             {"Chỉ quy tắc thu hồi mới dùng thiết lập này.", "Only reclaim rules use this."},
	"reclaim_needs_two":            {"Thu hồi cần ít nhất hai nhân viên để chuyển cho người khác.", "Reclaiming needs at least two staff, to give customers to someone else."},
	"weight_not_used":              {"Tỷ trọng chỉ dùng cho chia theo tỷ trọng.", "Weights are only for weighted rules."},
	"unknown_json_field":           {"Không có thuộc tính \"{field}\".", "There is no property \"{field}\"."},
	"template_name_taken":          {"Đã có mẫu khác tên \"{name}\".", "Another template is already named \"{name}\"."},
	"unknown_merge_field":          {"Không có trường trộn \"{field}\".", "There is no merge field \"{field}\"."},
	"too_long_bytes":               {"Quá dài (tối đa {max} byte).", "Too long (at most {max} bytes)."},
	"single_line":                  {"Chỉ được nhập một dòng.", "Must be a single line."},
	"duplicate":                    {"Bị trùng.", "Listed twice."},
	"other_module":                 {"Quy trình này thuộc phân hệ khác.", "This flow belongs to another module."},
	"cannot_change":                {"Không thể thay đổi sau khi tạo.", "Can't be changed once created."},
	"not_a_date_field":             {"\"{field}\" không phải là trường ngày.", "\"{field}\" is not a date field."},
	"only_for_schedule":            {"Chỉ dùng cho lịch định kỳ (type schedule).", "Only for schedules (type schedule)."},
	"only_for_anniversary":         {"Chỉ dùng cho ngày kỷ niệm (type anniversary).", "Only for anniversaries (type anniversary)."},
	"schedule_takes_every_and_at":  {"Lịch định kỳ chỉ có every và at.", "A schedule takes only every and at."},
	"month_and_day_only_for_lunar_date": {"month và day chỉ dùng cho ngày âm lịch cố định (type lunar_date).",
		"month and day are only for fixed lunar dates (type lunar_date)."},
	"lunar_day_out_of_range":   {"Ngày âm lịch phải từ 1 đến 30.", "A lunar day is from 1 to 30."},
	"lunar_month_out_of_range": {"Tháng âm lịch phải từ 1 đến 12 (bỏ trống: mọi tháng).", "A lunar month is from 1 to 12 (absent: every month)."},
	"lunar_date_takes_month_day_offset_and_at": {"Ngày âm lịch cố định chỉ có month, day, offset_days và at.",
		"A fixed lunar date takes only month, day, offset_days and at."},
	"all_or_groups":              {"Chọn tất cả bản ghi (\"all\": true) hoặc nhóm điều kiện (\"groups\"), không cả hai.", "Choose all records (\"all\": true) or condition groups (\"groups\"), not both."},
	"user_or_distribution_rule":  {"Chọn người dùng hoặc quy tắc phân bổ, không cả hai.", "Give a user or a distribution rule, not both."},
	"orders_only":                {"Chỉ dùng cho quy trình của phân hệ đơn hàng.", "Only for flows of the orders module."},
	"email_only":                 {"Chỉ dùng cho email.", "Only for emails."},
	"sms_only":                   {"Chỉ dùng cho SMS.", "Only for SMS."},
	"not_a_recipient_field":      {"\"{field}\" không phải là trường email hoặc số điện thoại phù hợp.", "\"{field}\" is not an email or phone field of the right kind."},
	"no_recipients":              {"Cần ít nhất một người nhận.", "At least one recipient is needed."},
	"too_many_recipients":        {"Quá nhiều người nhận (tối đa {max}).", "Too many recipients (at most {max})."},
	"unknown_column":             {"Tệp không có cột \"{column}\".", "The file has no column \"{column}\"."},
	"field_mapped_twice":         {"Trường \"{field}\" đã được gán cho cột \"{column}\".", "The field \"{field}\" is already mapped to the column \"{column}\"."},
	"required_field_not_mapped":  {"Chưa có cột nào cho trường bắt buộc \"{field}\".", "No column is mapped to the required field \"{field}\"."},
	"duplicates_enforced":        {"Không thể tạo khách hàng trùng khi đang bật kiểm tra trùng ({criteria}); hãy chọn skip hoặc update, hoặc tắt các tiêu chí đó.", "Duplicates can't be created while the duplicate check is on ({criteria}); choose skip or update, or turn those criteria off."},
	"invalid_duplicates_option":  {"\"{value}\" không hợp lệ: chọn skip, update hoặc create_anyway.", "\"{value}\" is not valid: use skip, update or create_anyway."},
	"owner_or_distribution_rule": {"Chọn chủ sở hữu hoặc quy tắc chia, không cả hai.", "Give an owner or a distribution rule, not both."},
	"unknown_distribution_rule":  {"Không có quy tắc chia \"{value}\".", "There is no distribution rule \"{value}\"."},
	"unknown_upload":             {"Không có tệp tải lên này (hoặc nó đã hết hạn); hãy tải tệp lên lại.", "There is no such upload (or it has expired); upload the file again."},
	"cell_not_a_date":            {"\"{value}\" không phải là ngày (ghi dd/mm/yyyy, ví dụ 20/12/1990).", "\"{value}\" is not a date (write dd/mm/yyyy, e.g. 20/12/1990)."},
	"cell_not_a_datetime":        {"\"{value}\" không phải là thời gian (ghi dd/mm/yyyy hh:mm).", "\"{value}\" is not a time (write dd/mm/yyyy hh:mm)."},
	"cell_not_a_number":          {"\"{value}\" không phải là số.", "\"{value}\" is not a number."},
	"cell_not_a_boolean":         {"\"{value}\" không phải là Có hoặc Không.", "\"{value}\" is not yes or no."},
	"duplicate_in_file":          {"{criterion} trùng với dòng {row} của tệp.", "{criterion} is the same as in row {row} of the file."},
	"import_file_gone":           {"Tệp của lượt nhập không còn được lưu.", "The import's file is no longer kept."},
	"file_empty":                 {"Tệp không có dòng tiêu đề: tệp trống.", "The file has no header row: it is empty."},
	"file_not_spreadsheet":       {"Tệp không phải bảng tính .xlsx hay .csv (tệp .csv cần mã hóa UTF-8: trong Excel, lưu dạng “CSV UTF-8”).", "The file is not an .xlsx or .csv spreadsheet (a .csv must be UTF-8: in Excel, save as “CSV UTF-8”)."},
	"file_xls_or_encrypted":      {"Tệp là .xls cũ hoặc có mật khẩu; hãy mở trong Excel và lưu lại thành .xlsx không mật khẩu.", "The file is an old .xls or password-protected; open it in Excel and save it as .xlsx without a password."},
	"file_too_large":             {"Tệp quá lớn (tối đa {max}).", "The file is too large (at most {max})."},
	"file_too_many_rows":         {"Tệp có quá nhiều dòng (tối đa {max}); hãy chia thành nhiều tệp.", "The file has too many rows (at most {max}); split it into several files."},
	"file_too_many_columns":      {"Tệp có quá nhiều cột (tối đa {max}).", "The file has too many columns (at most {max})."},
	"file_zip_bomb":              {"Tệp .xlsx bị nén bất thường nên không thể mở an toàn; hãy lưu lại bằng Excel.", "The .xlsx file is compressed abnormally and can't be opened safely; save it again with Excel."},
	"file_formula":               {"Tệp có công thức (dòng {line}, cột {column}); hãy sao chép và dán dạng giá trị rồi lưu lại.", "The file holds a formula (row {line}, column {column}); copy and paste it as values, then save it again."},
	"file_merged_header":         {"Dòng tiêu đề có ô gộp hoặc tên cột trống hay trùng (cột {column}); mỗi cột cần một tên riêng.", "The header row has merged cells or a blank or repeated column name (column {column}); each column needs a name of its own."},
	"due_outside_phase":          {"Hạn hoàn thành phải nằm trong giai đoạn, từ {starts_on} đến {ends_on}.", "The due date must fall within the phase, from {starts_on} to {ends_on}."},
	"not_project_member":         {"\"{value}\" không phải thành viên của dự án.", "\"{value}\" is not a member of the project."},
	"project_filter_only":        {"Bộ lọc này chỉ dùng trong danh sách công việc của một dự án.", "This filter works only in one project's task list."},
	"unknown_phase":              {"Dự án không có giai đoạn \"{value}\".", "The project has no phase \"{value}\"."},
	"unknown_status":             {"Dự án không có trạng thái \"{value}\".", "The project has no status \"{value}\"."},
	"unknown_task":               {"Dự án không có công việc \"{value}\".", "The project has no task \"{value}\"."},
	"parent_is_subtask":          {"Công việc \"{value}\" là công việc con; công việc con chỉ có một cấp.", "Task \"{value}\" is a subtask; subtasks go one level deep."},
	"too_many_subtasks":          {"Công việc chính đã có số công việc con tối đa ({max}).", "The main task already has the most subtasks allowed ({max})."},
	"has_subtasks":               {"Công việc này có công việc con nên không thể là công việc con.", "This task has subtasks, so it can't be a subtask."},
}

// criterionLabels name the duplicate-check criteria in messages.
var criterionLabels = map[string]message{
	"name":           {"Tên khách hàng", "Name"},
	"code":           {"Mã khách hàng", "Code"},
	"email":          {"Email", "Email"},
	"phone":          {"Số điện thoại", "Phone"},
	"fax":            {"Số fax", "Fax"},
	"tax_code":       {"Mã số thuế", "Tax code"},
	"office_address": {"Địa chỉ văn phòng", "Office address"},
	"description":    {"Mô tả", "Description"},
	"birthday":       {"Sinh nhật", "Birthday"},
}

// thingNames name what was not found or changed.
var thingNames = map[string]message{
	"customer":          {"khách hàng", "customer"},
	"user":              {"nhân viên", "user"},
	"team":              {"đội nhóm", "team"},
	"warehouse":         {"kho dữ liệu", "warehouse"},
	"pipeline":          {"quy trình", "pipeline"},
	"field":             {"trường dữ liệu", "field"},
	"appointment":       {"lịch hẹn", "appointment"},
	"workspace":         {"không gian làm việc", "workspace"},
	"settings":          {"thiết lập", "settings"},
	"claim":             {"dữ liệu", "record"},
	"rule":              {"luật tự động hóa", "automation rule"},
	"order":             {"đơn hàng", "order"},
	"distribution_rule": {"quy tắc chia", "distribution rule"},
	"lead_source":       {"nguồn dữ liệu", "lead source"},
	"lead_form":         {"biểu mẫu thu thập", "lead form"},
	"lead_delivery":     {"lần gửi lead", "lead delivery"},
	"lead":              {"lead", "lead"},
	"template":          {"mẫu", "template"},
	"task":              {"nhiệm vụ", "task"},
	"project":           {"dự án", "project"},
	"care_flow":         {"quy trình chăm sóc", "care flow"},
	"share_rule":        {"thiết lập chia sẻ", "share rule"},
	"report_rebuild":    {"lần tính lại báo cáo", "report rebuild"},
	"import":            {"lượt nhập dữ liệu", "import"},
	"saved_filter":      {"bộ lọc", "saved filter"},
	"export":            {"bản xuất dữ liệu", "export"},
	"campaign":          {"chiến dịch", "campaign"},
	"campaign_member":   {"khách hàng trong chiến dịch", "campaign member"},
	"notification":      {"thông báo", "notification"},
}

// memberStatusNames name campaign member statuses as the seed does (and
// as the campaign export prints them).
var memberStatusNames = func() map[string]message {
	names := map[string]message{}
	for _, st := range campaign.Statuses {
		names[st] = message{campaign.StatusName(st, "vi"), campaign.StatusName(st, "en")}
	}
	return names
}()

// roleNames name the roles in messages.
var roleNames = map[string]message{
	"admin":             {"quản trị", "admin"},
	"team_leader":       {"trưởng nhóm", "team leader"},
	"warehouse_manager": {"trưởng kho", "warehouse manager"},
	"staff":             {"nhân viên", "staff"},
}

// paramNames name, by param, the codes a param may hold: a message shows
// the name in its language, not the code.
var paramNames = map[string]map[string]message{"what": thingNames, "criterion": criterionLabels, "role": roleNames,
	"from": memberStatusNames, "to": memberStatusNames}

func (m message) in(lang string) string {
	if lang == "en" {
		return m.en
	}
	return m.vi
}

// render fills a message's placeholders.
func render(m message, lang string, params map[string]string) string {
	text := m.in(lang)
	for k, v := range params {
		if n, ok := paramNames[k][v]; ok {
			v = n.in(lang)
		}
		text = strings.ReplaceAll(text, "{"+k+"}", v)
	}
	if strings.HasPrefix(m.vi, "{") {
		// A sentence that starts with a name starts with a capital.
		r, size := utf8.DecodeRuneInString(text)
		text = string(unicode.ToUpper(r)) + text[size:]
	}
	return text
}

// placeholder is a {param} of a message.
var placeholder = regexp.MustCompile(`\{[a-z_]+\}`)

// unfilled returns the placeholders a rendered text still holds: its code
// was given without a param its message needs.
func unfilled(text string) []string { return placeholder.FindAllString(text, -1) }

// renderChecked renders a problem's message (path "" for its detail) and
// logs, as the bug it is, any placeholder the error's params left unfilled.
func renderChecked(r *http.Request, log *slog.Logger, code, path string, m message, lang string, params map[string]string) string {
	text := render(m, lang, params)
	if missing := unfilled(text); len(missing) > 0 {
		log.ErrorContext(r.Context(), "message placeholder not filled", "code", code, "path", path,
			"placeholders", strings.Join(missing, " "), "request_path", r.URL.Path)
	}
	return text
}
