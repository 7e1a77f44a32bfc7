//! Browser tests: a real headless Chromium driven through chromedriver (WebDriver), against the real
//! application started by the test harness (SQLite, or PostgreSQL with TEST_DATABASE_URL).
//!
//! They need Debian's `chromium` and `chromium-driver`. Where `/usr/bin/chromedriver` is missing they
//! print why and pass, unless `MOTCUA_REQUIRE_BROWSER=1` (as in `.ci/run`), which makes that a failure.
#[path = "api/common/mod.rs"]
mod common;

use std::io::Write;
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::TestApp;
use fantoccini::elements::Element;
use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{json, Value};

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const PW: &str = "motcua-demo";
const NINH_KIEU: &str = "000.00.31.H12";
/// Đăng ký thành lập hộ kinh doanh: district level, online level 4.
const BUSINESS: &str = "2.000720";
/// How long to wait for an element or a page before failing.
const WAIT: Duration = Duration::from_secs(15);

/// The Chromium binary chromedriver should start (Debian's `/usr/bin/chromium` is a wrapper script).
fn chromium_binary() -> Option<&'static str> {
    ["/usr/lib/chromium/chromium", "/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .into_iter()
        .find(|p| Path::new(p).exists())
}

/// Whether a missing browser fails the test instead of skipping it.
fn browser_required() -> bool {
    std::env::var("MOTCUA_REQUIRE_BROWSER").is_ok_and(|v| v == "1")
}

/// A chromedriver process with one headless Chromium session. Dropping it ends chromedriver and
/// everything it started (they share a process group of their own).
struct Browser {
    client: Client,
    driver: Child,
    _profile: tempfile::TempDir,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let group = format!("-{}", self.driver.id());
        let _ = Command::new("kill").args(["-KILL", "--", &group]).stderr(Stdio::null()).status();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

impl Browser {
    /// Starts chromedriver on a free port and a fresh headless Chromium of `width`×`height`;
    /// None (after saying why) when no browser is installed and none is required.
    async fn start(width: u32, height: u32) -> Option<Browser> {
        let missing = if !Path::new(CHROMEDRIVER).exists() {
            Some(format!(
                "browser tests skipped: {CHROMEDRIVER} not found; install chromium and chromium-driver (Debian) to run them"
            ))
        } else if chromium_binary().is_none() {
            Some(
                "browser tests skipped: chromium not found; install chromium and chromium-driver (Debian) to run them"
                    .into(),
            )
        } else {
            None
        };
        if let Some(why) = missing {
            assert!(!browser_required(), "MOTCUA_REQUIRE_BROWSER=1 forbids skipping the browser tests: {why}");
            // Straight to stderr, past the test harness's capture, so the skip shows in `cargo test`.
            let _ = writeln!(std::io::stderr(), "{why}");
            return None;
        }
        let port = TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port").port();
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .expect("chromedriver starts");
        let profile = tempfile::tempdir().expect("a profile directory");
        // From here on the guard ends chromedriver whatever happens.
        let mut guard = DriverGuard(Some(driver));
        let url = format!("http://127.0.0.1:{port}");
        let started = Instant::now();
        loop {
            if reqwest::get(format!("{url}/status")).await.is_ok_and(|r| r.status().is_success()) {
                break;
            }
            if let Some(status) = guard.0.as_mut().and_then(|d| d.try_wait().ok().flatten()) {
                panic!("chromedriver exited at start: {status}");
            }
            assert!(started.elapsed() < WAIT, "chromedriver did not answer on port {port}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let args = vec![
            "--headless=new".to_string(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-dev-shm-usage".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--no-first-run".into(),
            "--disable-quic".into(),
            "--lang=vi".into(),
            format!("--window-size={width},{height}"),
            format!("--user-data-dir={}", profile.path().display()),
        ];
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), json!("chrome"));
        caps.insert("goog:chromeOptions".into(), json!({"binary": chromium_binary(), "args": args}));
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(caps)
            .connect(&url)
            .await
            .unwrap_or_else(|e| panic!("no Chromium session through chromedriver: {e}"));
        Some(Browser { client, driver: guard.0.take().expect("driver"), _profile: profile })
    }

    /// Ends the session (chromedriver closes Chromium); the drop ends chromedriver.
    async fn close(self) {
        let _ = self.client.clone().close().await;
    }

    async fn goto(&self, url: &str) {
        self.client.goto(url).await.unwrap_or_else(|e| panic!("open {url}: {e}"));
    }

    /// Waits for an element (CSS selector) to be present.
    async fn find(&self, css: &str) -> Element {
        self.client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no element `{css}` within {WAIT:?}: {e}"))
    }

    async fn fill(&self, css: &str, text: &str) {
        let e = self.find(css).await;
        e.clear().await.unwrap_or_else(|err| panic!("clear `{css}`: {err}"));
        e.send_keys(text).await.unwrap_or_else(|err| panic!("type into `{css}`: {err}"));
    }

    async fn click(&self, css: &str) {
        self.find(css).await.click().await.unwrap_or_else(|e| panic!("click `{css}`: {e}"));
    }

    async fn text(&self, css: &str) -> String {
        self.find(css).await.text().await.unwrap_or_else(|e| panic!("text of `{css}`: {e}"))
    }

    /// Waits until the page's path (and query) starts with `prefix`.
    async fn wait_for_path(&self, prefix: &str) {
        let started = Instant::now();
        loop {
            let path = self.path().await;
            if path.starts_with(prefix) {
                // The new page has loaded when its body is there.
                self.find("body").await;
                return;
            }
            assert!(started.elapsed() < WAIT, "still at {path}, expected {prefix}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn js(&self, script: &str, args: Vec<Value>) -> Value {
        self.client.execute(script, args).await.unwrap_or_else(|e| panic!("script `{script}`: {e}"))
    }

    /// The page fits the window: nothing to scroll sideways.
    async fn assert_no_horizontal_scroll(&self, what: &str) {
        let v = self.js("return [document.documentElement.scrollWidth, window.innerWidth];", vec![]).await;
        let (scroll, inner) = (v[0].as_i64().unwrap(), v[1].as_i64().unwrap());
        assert!(scroll <= inner, "{what} scrolls sideways: scrollWidth {scroll} > innerWidth {inner}");
    }

    /// The page passes the accessibility audit of `tests/api/common/a11y.js` (names, headings,
    /// focus order, contrast).
    async fn assert_accessible(&self, what: &str) {
        let problems = self.js(concat!("return (\n", include_str!("api/common/a11y.js"), "\n);"), vec![]).await;
        let problems: Vec<String> = serde_json::from_value(problems).expect("a list of problems");
        assert!(problems.is_empty(), "{what} ({}): {problems:#?}", self.path().await);
    }

    /// Presses a key on the element that has the focus, as a keyboard user would.
    async fn press(&self, key: Key) {
        let focused = self.client.active_element().await.expect("the focused element");
        focused.send_keys(&key.to_string()).await.unwrap_or_else(|e| panic!("press {key:?}: {e}"));
    }

    /// A short description of the focused element: its tag, id and class.
    async fn focused(&self) -> String {
        let v = self
            .js("const e = document.activeElement; return `${e.tagName.toLowerCase()}#${e.id}.${e.className}`;", vec![])
            .await;
        v.as_str().unwrap_or_default().to_string()
    }

    /// Presses Tab until the focus is on `css`, at most `limit` times; the focus must stay visible.
    async fn tab_to(&self, css: &str, limit: usize) {
        for _ in 0..limit {
            self.press(Key::Tab).await;
            let v = self
                .js(
                    "const e = document.activeElement; const s = getComputedStyle(e);
                     return [e.matches(arguments[0]), s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2];",
                    vec![json!(css)],
                )
                .await;
            assert_eq!(v[1], true, "the focus on {} has no visible outline", self.focused().await);
            if v[0] == true {
                return;
            }
        }
        panic!("`{css}` not reached with {limit} presses of Tab (focus on {})", self.focused().await);
    }

    /// With `MOTCUA_SCREENSHOTS=<dir>`, saves a PNG of the window as `<dir>/<name>.png` (to look at by eye).
    async fn snapshot(&self, name: &str) {
        if let Some(dir) = std::env::var_os("MOTCUA_SCREENSHOTS") {
            // The whole page: the window grows to the document's height for the picture.
            let (w, h) = self.client.get_window_size().await.expect("window size");
            let full = self.js("return document.documentElement.scrollHeight;", vec![]).await.as_u64().unwrap_or(h);
            self.client.set_window_size(w as u32, full.clamp(h, 8000) as u32).await.expect("resize");
            let png = self.client.screenshot().await.expect("screenshot");
            self.client.set_window_size(w as u32, h as u32).await.expect("resize back");
            std::fs::create_dir_all(&dir).expect("screenshot directory");
            std::fs::write(Path::new(&dir).join(format!("{name}.png")), png).expect("write screenshot");
        }
    }

    /// Signs in through the sign-in page and waits to arrive at `next`.
    async fn sign_in(&self, app: &TestApp, username: &str, next: &str) {
        self.goto(&app.url(&format!("/dang-nhap?next={next}"))).await;
        self.fill("#username", username).await;
        self.fill("#password", PW).await;
        self.click("form[action='/dang-nhap'] button[type=submit]").await;
        self.wait_for_path(next).await;
    }

    /// Signs out with the header's button and waits for the signed-out header.
    async fn sign_out(&self) {
        self.click("form[action='/dang-xuat'] button").await;
        self.find(".who a[href='/dang-nhap']").await;
    }

    /// Chooses an option of a `<select>` by its value.
    async fn select(&self, select_css: &str, value: &str) {
        self.click(&format!("{select_css} option[value='{value}']")).await;
    }

    /// The path (and query) of the page shown.
    async fn path(&self) -> String {
        let url = self.client.current_url().await.expect("current url");
        match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_string(),
        }
    }
}

/// Ends chromedriver if the browser could not be set up.
struct DriverGuard(Option<Child>);

impl Drop for DriverGuard {
    fn drop(&mut self) {
        if let Some(mut d) = self.0.take() {
            let _ = Command::new("kill").args(["-KILL", "--", &format!("-{}", d.id())]).stderr(Stdio::null()).status();
            let _ = d.kill();
            let _ = d.wait();
        }
    }
}

/// The number in the dashboard's Biểu II.06a total row for a column.
async fn dashboard_total(b: &Browser, column: &str) -> i64 {
    let t = b.text(&format!("#tong-cong td[data-col='{column}']")).await;
    t.replace('.', "").trim().parse().unwrap_or_else(|_| panic!("a number in the total row: {t:?}"))
}

/// A dossier received at the counter through the API (for pages to show).
async fn counter_intake(app: &TestApp, clerk: &str, procedure: &str) -> String {
    let token = app.login(clerk, PW).await;
    let body = json!({"procedure_code": procedure, "channel": "direct",
        "applicant": {"name": "Lê Thị Hoa", "id_number": "092190001234", "phone": "0912345678", "address": "Cần Thơ"}});
    let (s, b) = app.post_with("/api/v1/dossiers", &token, &body).await;
    assert_eq!(s, 201, "{b}");
    b["code"].as_str().unwrap().to_string()
}

/// An online submission to quận Ninh Kiều through the API, not received yet; its reference.
async fn online_submission(app: &TestApp) -> String {
    let token = app.login("citizen.an", PW).await;
    let body = json!({"procedure_code": BUSINESS, "channel": "online", "agency_code": NINH_KIEU,
        "applicant": {"name": "Nguyễn Văn An", "id_number": "092190004321", "phone": "0987654321", "address": "Cần Thơ"}});
    let (s, b) = app.post_with("/api/v1/dossiers", &token, &body).await;
    assert_eq!(s, 201, "{b}");
    b["reference"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn leader_dashboard_and_public_lookup_in_a_real_browser() {
    let Some(b) = Browser::start(1280, 900).await else { return };
    let app = common::spawn_app().await;

    // Not signed in: the dashboard sends the leader to sign in, then back.
    b.goto(&app.url("/lanh-dao")).await;
    b.wait_for_path("/dang-nhap?next=/lanh-dao").await;
    b.fill("#username", "leader.tp").await;
    b.fill("#password", PW).await;
    b.click("form[action='/dang-nhap'] button[type=submit]").await;
    b.wait_for_path("/lanh-dao").await;
    assert_eq!(b.text("h1").await, "Thống kê, chỉ tiêu một cửa điện tử");
    let before = dashboard_total(&b, "received_total").await;
    b.snapshot("dashboard-desktop").await;
    assert!(b.find("svg.chart title").await.html(true).await.unwrap().contains("Hồ sơ tiếp nhận theo tháng"));
    assert!(b.find("ul.cards li.kpi").await.text().await.unwrap().contains("Mục tiêu"));

    // A dossier received at a counter counts at once.
    let code = counter_intake(&app, "clerk.ninhkieu", BUSINESS).await;
    b.client.refresh().await.unwrap();
    assert_eq!(dashboard_total(&b, "received_total").await, before + 1);

    // The quick choice "Tháng này" keeps the scope and shows this month.
    b.click(".quick a[href*='from=']").await;
    b.wait_for_path("/lanh-dao?from=").await;
    assert!(dashboard_total(&b, "received_total").await >= 1);

    // The download links are the API's and work with the sign-in cookie.
    let href = b.find("ul.downloads a").await.attr("href").await.unwrap().expect("href");
    assert!(href.starts_with("/api/v1/stats/report?") && href.ends_with("format=csv"), "{href}");
    let status = b.js("return fetch(arguments[0]).then(r => r.status);", vec![json!(href)]).await;
    assert_eq!(status, 200);

    // A bad date typed into the address: a readable error, the form again.
    b.goto(&app.url("/lanh-dao?from=2026-02-30")).await;
    assert!(b.text("#loi").await.contains("không phải một ngày hợp lệ"));

    // The public lookup page, on a desktop and on a phone.
    b.goto(&app.url(&format!("/tra-cuu/{code}"))).await;
    assert!(b.text("main").await.contains(&code));
    b.client.set_window_size(390, 844).await.unwrap();
    b.client.refresh().await.unwrap();
    b.find("main").await;
    b.assert_no_horizontal_scroll("the lookup page").await;
    b.snapshot("lookup-phone").await;
    b.goto(&app.url("/lanh-dao")).await;
    b.find("#bieu-ii06a-bang").await;
    b.assert_no_horizontal_scroll("the leader dashboard").await;
    b.snapshot("dashboard-phone").await;

    b.sign_out().await;
    b.close().await;
}

/// The journey of issue 6 through the pages: a citizen submits online, the counter receives and
/// transfers, the leader's dashboard counts it, the public lookup shows the new status; and the
/// lookup page and the inbox fit a phone's width.
#[tokio::test]
async fn citizen_submits_online_the_counter_receives_and_transfers_the_leader_sees_it() {
    let Some(b) = Browser::start(1280, 900).await else { return };
    let app = common::spawn_app().await;

    // The leader's count before.
    b.sign_in(&app, "leader.tp", "/lanh-dao").await;
    let received_before = dashboard_total(&b, "received_total").await;
    let online_before = dashboard_total(&b, "received_online").await;
    b.sign_out().await;

    // The citizen finds a level-4 procedure in the catalogue and submits online.
    b.sign_in(&app, "citizen.an", "/thu-tuc").await;
    b.fill("#q", "hộ kinh doanh").await;
    b.select("#muc_do", "4").await;
    b.click("form[role=search] button[type=submit]").await;
    b.wait_for_path("/thu-tuc?").await;
    b.click(&format!("a[href='/thu-tuc/{BUSINESS}']")).await;
    b.wait_for_path(&format!("/thu-tuc/{BUSINESS}")).await;
    b.click(&format!("a[href='/thu-tuc/{BUSINESS}/nop']")).await;
    b.wait_for_path(&format!("/thu-tuc/{BUSINESS}/nop")).await;
    // The receiving agency found with the search box: the one match comes chosen.
    b.fill("#tim", "ninh kieu").await;
    b.click(&format!("form[role=search][action='/thu-tuc/{BUSINESS}/nop'] button[type=submit]")).await;
    b.wait_for_path(&format!("/thu-tuc/{BUSINESS}/nop?")).await;
    assert!(b.text("main").await.contains("Có 1 cơ quan tiếp nhận phù hợp."), "{}", b.text("main").await);
    let chosen = b.js("return document.querySelector('#agency_code').value;", vec![]).await;
    assert_eq!(chosen.as_str(), Some(NINH_KIEU));
    // The result by post.
    b.click("input[name=result_delivery][value=post]").await;
    b.fill("#name", "Nguyễn Văn An").await;
    b.fill("#id_number", "092190004321").await;
    b.fill("#phone", "0987654321").await;
    b.fill("#address", "Phường Tân An, quận Ninh Kiều").await;
    b.click("input[name=documents]").await;
    b.click(&format!("form[method=post][action='/thu-tuc/{BUSINESS}/nop'] button[type=submit]")).await;
    b.wait_for_path("/ho-so-cua-toi/").await;
    let path = b.path().await;
    // Not received yet: no code, the submission's reference names it (TT 01/2018 Điều 19).
    let reference = path.trim_start_matches("/ho-so-cua-toi/").split('?').next().unwrap().to_string();
    assert!(reference.starts_with("HS-"), "{path}");
    assert!(b.text("main").await.contains("Đã nộp hồ sơ thành công"));
    assert!(b.text("main").await.contains("Nhận qua dịch vụ bưu chính công ích"));
    b.sign_out().await;

    // The leader sees it waiting for the counter of quận Ninh Kiều (issue 15 item 7).
    b.sign_in(&app, "leader.tp", "/lanh-dao").await;
    let row = format!("#cho-tiep-nhan tr[data-agency='{NINH_KIEU}']");
    assert_eq!(b.text(&format!("{row} td[data-col='waiting']")).await, "1");
    assert!(b.text(&row).await.contains("Còn trong hạn"), "submitted just now: {}", b.text(&row).await);
    b.snapshot("dashboard-waiting").await;
    b.sign_out().await;

    // The clerk of quận Ninh Kiều receives it from the inbox (the code is issued then), then transfers it.
    b.sign_in(&app, "clerk.ninhkieu", "/can-bo").await;
    b.click(&format!("a[href='/can-bo/ho-so/{reference}']")).await;
    b.wait_for_path(&format!("/can-bo/ho-so/{reference}")).await;
    b.click("form[aria-labelledby='tt-receive'] button[type=submit]").await;
    b.wait_for_path(&format!("/can-bo/ho-so/{NINH_KIEU}-")).await;
    let path = b.path().await;
    assert!(path.ends_with("?xong=receive"), "{path}");
    let code = path.trim_start_matches("/can-bo/ho-so/").split('?').next().unwrap().to_string();
    b.click("form[aria-labelledby='tt-transfer'] button[type=submit]").await;
    b.wait_for_path(&format!("/can-bo/ho-so/{code}?xong=transfer")).await;
    assert!(b.text(".alert-ok").await.contains("Chuyển bước xử lý tiếp theo"));

    // On a phone: the inbox and the public lookup page fit the width.
    b.client.set_window_size(390, 844).await.unwrap();
    b.goto(&app.url("/can-bo")).await;
    b.find("main h1").await;
    b.assert_no_horizontal_scroll("the inbox").await;
    b.snapshot("inbox-phone").await;
    b.goto(&app.url(&format!("/tra-cuu/{code}"))).await;
    b.find("main h1").await;
    b.assert_no_horizontal_scroll("the lookup page").await;
    b.client.set_window_size(1280, 900).await.unwrap();
    b.sign_out().await;

    // The leader's dashboard counts one more dossier received, online, and none waits any more.
    b.sign_in(&app, "leader.tp", "/lanh-dao").await;
    assert_eq!(dashboard_total(&b, "received_total").await, received_before + 1);
    assert_eq!(dashboard_total(&b, "received_online").await, online_before + 1);
    b.find("#cho-tiep-nhan-trong").await;
    assert_eq!(b.text("#tiep-nhan-trong-ky dd[data-col='timed']").await, "1");
    assert_eq!(b.text("#tiep-nhan-trong-ky dd[data-col='late']").await, "0 (0%)");
    b.sign_out().await;

    // The public lookup page (no sign-in) shows the new status, as the API says.
    let (s, lookup) = app.get(&format!("/api/v1/lookup/{code}")).await;
    assert_eq!(s, 200, "{lookup}");
    assert_eq!(lookup["status_code"], 4, "processing after the transfer: {lookup}");
    b.goto(&app.url(&format!("/tra-cuu/{code}"))).await;
    let page = b.text("main").await;
    assert!(page.contains(&code) && page.contains("Đang xử lý"), "{page}");
    b.close().await;
}

/// Issue 6 asks for pages usable by keyboard and screen reader and on a phone: every page of
/// every role passes the accessibility audit on a desktop and on a phone-sized screen, without
/// sideways scrolling, and a citizen looks up a dossier and a clerk opens it with the keyboard alone.
#[tokio::test]
async fn every_page_passes_the_accessibility_audit_works_by_keyboard_and_fits_a_phone() {
    let Some(b) = Browser::start(1280, 900).await else { return };
    let app = common::spawn_app().await;
    let code = counter_intake(&app, "clerk.ninhkieu", BUSINESS).await;
    // One online submission waiting, so that the dashboard's table of them is audited too; the
    // applicant's earlier one was refused, so the table of anomalies by agency shows too.
    let refused = online_submission(&app).await;
    let clerk = app.login("clerk.ninhkieu", PW).await;
    let (s, d) = app
        .post_with(
            &format!("/api/v1/dossiers/{refused}/actions"),
            &clerk,
            &json!({"action": "refuse", "reason": "Ngành nghề kinh doanh bị cấm"}),
        )
        .await;
    assert_eq!(s, 200, "{d}");
    let waiting = online_submission(&app).await;
    // The clerk reads it, so the applicant's page audits the table "Ai đã xem hồ sơ của tôi".
    assert_eq!(app.get_with(&format!("/api/v1/dossiers/{waiting}"), &clerk).await.0, 200);
    // Feedback (issue 17 item 6): one answered and published, one waiting for its answer, so the
    // public list, the citizen's list and the staff's answer form are audited with content.
    let citizen_token = app.login("citizen.an", PW).await;
    let specialist = app.login("specialist.ninhkieu", PW).await;
    for (consent, answer) in [(true, Some("Đã bố trí thêm ghế chờ.")), (false, None)] {
        let body = json!({"kind": "recommendation", "agency_code": NINH_KIEU, "publish_consent": consent,
            "content": "Đề nghị bố trí thêm ghế chờ tại Bộ phận Một cửa."});
        let (s, f) = app.post_with("/api/v1/feedback", &citizen_token, &body).await;
        assert_eq!(s, 201, "{f}");
        if let Some(answer) = answer {
            let path = format!("/api/v1/feedback/{}/answer", f["id"].as_str().unwrap());
            let (s, a) = app.post_with(&path, &specialist, &json!({"answer": answer})).await;
            assert_eq!(s, 200, "{a}");
        }
    }
    // A template (issue 17 item 5), so the procedure's public page and the administrators' page
    // are audited with their list of templates.
    let admin_token = app.login("admin", PW).await;
    let r = app
        .client
        .put(app.url(&format!("/api/v1/admin/procedures/{BUSINESS}/templates/to-khai.pdf?title=T%E1%BB%9D%20khai")))
        .bearer_auth(&admin_token)
        .header("content-type", "application/pdf")
        .body(b"%PDF-1.4\n".to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 201);
    let cookie = common::web::sign_in(&app, "leader.tp", PW).await;
    let dashboard = common::web::get(&app, "/lanh-dao", Some(&cookie)).await;
    assert!(dashboard.body.contains("id=\"bat-thuong-don-vi\""), "the anomalies by agency are shown");
    // The alert rules evaluated as the scheduler would twenty days from now (past any holiday): the
    // submission still waits, so the alerts page's table is audited too. Their staff notices are
    // due then, not now.
    let later = app.clock.now() + chrono::TimeDelta::days(20);
    let ticks = motcua::services::alerts::evaluate_due(&mut app.conn(), later, "browser-test").unwrap();
    assert!(ticks.iter().any(|t| t.rule == "online-unreceived-8h" && t.fired == 1), "{ticks:?}");
    app.expect_unsent(ticks.iter().map(|t| t.notices).sum());

    // Keyboard only: the first Tab reaches the skip link, then the lookup box; Enter looks up.
    b.goto(&app.url("/")).await;
    b.find("main h1").await;
    b.tab_to("a.skip-link", 1).await;
    let inside = b
        .js("const r = document.activeElement.getBoundingClientRect(); return r.left >= 0 && r.top >= 0;", vec![])
        .await;
    assert_eq!(inside, true, "the focused skip link shows on screen");
    b.tab_to("#ma", 15).await;
    let focused = b.client.active_element().await.expect("the focused element");
    focused.send_keys(&code).await.expect("type the code");
    b.press(Key::Enter).await;
    b.wait_for_path(&format!("/tra-cuu/{code}")).await;
    assert!(b.text("main").await.contains(&code));

    let public = [
        "/".to_string(),
        "/thu-tuc".into(),
        "/thu-tuc?q=khai+sinh&muc_do=4".into(),
        "/thu-tuc?q=s%E1%BB%95+%C4%91%E1%BB%8F&linh_vuc=dat+dai".into(),
        format!("/thu-tuc/{BUSINESS}"),
        "/tra-cuu".into(),
        format!("/tra-cuu/{code}"),
        "/tra-cuu/000.00.31.H12-000000-9999".into(),
        "/dang-nhap".into(),
        "/dang-ky".into(),
        "/phan-anh-kien-nghi".into(),
        format!("/phan-anh-kien-nghi/gui?ho_so={code}"),
        format!("/phan-anh-kien-nghi/ho-so?ho_so={code}"),
    ];
    // The applicant's waiting submission, and the page that confirms its withdrawal.
    let citizen = [
        "/ho-so-cua-toi".to_string(),
        format!("/thu-tuc/{BUSINESS}/nop"),
        format!("/thu-tuc/{BUSINESS}/nop?khu_vuc=000.00.31.H12&tim=ninh+ki%E1%BB%81u"),
        format!("/thu-tuc/{BUSINESS}/nop?tim=kh%C3%B4ng+c%C3%B3"),
        format!("/ho-so-cua-toi/{waiting}"),
        format!("/ho-so-cua-toi/{waiting}/rut-ho-so"),
        "/phan-anh-kien-nghi/cua-toi".into(),
        "/phan-anh-kien-nghi/gui".into(),
    ];
    let clerk = [
        "/can-bo".to_string(),
        "/can-bo/tiep-nhan".into(),
        format!("/can-bo/ho-so/{code}"),
        "/can-bo/canh-bao".into(),
        "/can-bo/phan-anh-kien-nghi".into(),
    ];
    let leader = [
        "/lanh-dao".to_string(),
        "/lanh-dao/dau-hieu-bat-thuong".into(),
        "/can-bo/canh-bao".into(),
        "/can-bo/phan-anh-kien-nghi".into(),
    ];
    let admin = [
        "/quan-tri".to_string(),
        "/quan-tri/thong-bao".into(),
        "/quan-tri/nguoi-dung".into(),
        "/quan-tri/lich".into(),
        "/quan-tri/ke-hoach".into(),
        "/quan-tri/thu-tuc".into(),
        format!("/quan-tri/thu-tuc/{BUSINESS}"),
        "/quan-tri/co-quan".into(),
        "/quan-tri/co-quan?ngay=2019-06-01".into(),
        "/quan-tri/co-quan/000.01.31.H12".into(),
        // Sở Tư pháp: its departments and the forms to change them.
        "/quan-tri/co-quan/000.00.03.H12".into(),
        "/quan-tri/sap-xep".into(),
        "/quan-tri/canh-bao".into(),
        // The national portal link, with a reconciliation (the dossier above waits: no portal is set).
        "/quan-tri/cong-dvc?tu_ngay=2026-01-01&den_ngay=2030-12-31".into(),
        // The staff reads of dossiers (issue 17 item 2), all and filtered.
        "/quan-tri/truy-cap".into(),
        "/quan-tri/truy-cap?tai_khoan=clerk.ninhkieu&tu_ngay=2020-01-01".into(),
    ];
    let roles: [(Option<&str>, &[String]); 5] = [
        (None, &public),
        (Some("citizen.an"), &citizen),
        (Some("clerk.ninhkieu"), &clerk),
        (Some("leader.tp"), &leader),
        (Some("admin"), &admin),
    ];
    for (user, pages) in roles {
        if let Some(user) = user {
            b.sign_in(&app, user, &pages[0]).await;
        }
        for (width, height) in [(1280, 900), (390, 844)] {
            b.client.set_window_size(width, height).await.unwrap();
            for page in pages {
                b.goto(&app.url(page)).await;
                b.find("main h1").await;
                let what = format!("{page} for {} at {width}px", user.unwrap_or("a visitor"));
                b.assert_accessible(&what).await;
                b.assert_no_horizontal_scroll(&what).await;
            }
        }
        b.client.set_window_size(1280, 900).await.unwrap();
        if user.is_some() {
            b.sign_out().await;
        }
    }

    // The lookup with the receipt's PIN shows who read the dossier (issue 17 item 2).
    let clerk = app.login("clerk.ninhkieu", PW).await;
    let (s, d) = app
        .post_with(
            "/api/v1/dossiers",
            &clerk,
            &json!({"procedure_code": BUSINESS, "channel": "direct", "applicant": {"name": "Lê Văn Tra",
                "id_number": "092190006666", "phone": "0912666666", "address": "Cần Thơ"}}),
        )
        .await;
    assert_eq!(s, 201, "{d}");
    let (read, pin) = (d["code"].as_str().unwrap().to_string(), d["pin"].as_str().unwrap().to_string());
    assert_eq!(app.get_with(&format!("/api/v1/dossiers/{read}"), &clerk).await.0, 200);
    for (width, height) in [(1280, 900), (390, 844)] {
        b.client.set_window_size(width, height).await.unwrap();
        b.goto(&app.url(&format!("/tra-cuu/{read}"))).await;
        b.fill("#pin", &pin).await;
        b.click(&format!("form[action='/tra-cuu/{read}'] button[type=submit]")).await;
        b.find("#ai-da-xem").await;
        let what = format!("the lookup of {read} with its PIN at {width}px");
        b.assert_accessible(&what).await;
        b.assert_no_horizontal_scroll(&what).await;
    }
    b.client.set_window_size(1280, 900).await.unwrap();

    // The clerk opens the dossier from the inbox and receives nothing by mistake: Tab, Enter.
    b.sign_in(&app, "clerk.ninhkieu", "/can-bo").await;
    b.tab_to(&format!("a[href='/can-bo/ho-so/{code}']"), 40).await;
    b.press(Key::Enter).await;
    b.wait_for_path(&format!("/can-bo/ho-so/{code}")).await;
    b.sign_out().await;
    b.close().await;
}

/// Feedback (issue 17 item 6) in a real browser: a citizen sends a recommendation through the form,
/// the agency's specialist answers it on the staff page, and the answer shows on the public page.
#[tokio::test]
async fn a_citizen_sends_feedback_the_agency_answers_it_and_the_answer_is_published() {
    let Some(b) = Browser::start(1280, 900).await else { return };
    let app = common::spawn_app().await;
    let question = "Đề nghị niêm yết rõ giờ làm việc buổi chiều tại Bộ phận Một cửa.";
    let answer = "Ủy ban đã niêm yết giờ làm việc tại cửa ra vào và trên cổng thông tin.";
    b.sign_in(&app, "citizen.an", "/phan-anh-kien-nghi/gui").await;
    b.click("input[name=kind][value=recommendation]").await;
    b.fill("#agency_code", NINH_KIEU).await;
    b.fill("#content", question).await;
    b.click("input[name=publish_consent]").await;
    b.click("form[action='/phan-anh-kien-nghi/gui'] button[type=submit]").await;
    b.find(".alert-ok").await;
    assert!(b.text("main").await.contains("Hạn trả lời"), "the deadline is shown");
    b.assert_accessible("the feedback confirmation").await;
    b.sign_out().await;

    b.sign_in(&app, "specialist.ninhkieu", "/can-bo/phan-anh-kien-nghi").await;
    assert!(b.text("main").await.contains(question));
    b.fill("textarea[name=answer]", answer).await;
    b.click("article form button[type=submit]").await;
    b.find(".alert-ok").await;
    b.assert_accessible("the staff feedback page after an answer").await;
    b.sign_out().await;

    b.goto(&app.url("/phan-anh-kien-nghi")).await;
    let main = b.text("main").await;
    assert!(main.contains(question) && main.contains(answer), "{main}");
    b.close().await;
}

/// The forms the dossier page offers: (number, address) of each link under "In biểu mẫu".
async fn form_links(b: &Browser) -> Vec<(String, String)> {
    let v = b
        .js(
            "return [...document.querySelectorAll(\"a[href*='/forms/']\")].map(a => [a.getAttribute('href').split('/').pop(), a.getAttribute('href')]);",
            vec![],
        )
        .await;
    serde_json::from_value(v).expect("pairs of strings")
}

/// Issue 14: the forms as a clerk prints them, in a real browser. The dossier page offers its
/// regime's forms (received in June 2025: TT 01/2018's, 05 the control sheet; in July 2025: TT
/// 03/2025's, 05 the stop notice once withdrawn and 06 the control sheet); each opens with its
/// number, its issuer and the national motto; and its print button prints, because the form's
/// Content-Security-Policy lets exactly that one script run.
#[tokio::test]
async fn the_clerk_prints_each_regimes_forms_and_the_print_button_prints() {
    let Some(b) = Browser::start(1280, 900).await else { return };
    let app = common::spawn_app_at("2025-06-20T09:00:00+07:00").await;
    const BIRTH: &str = "1.003583";
    let june = counter_intake(&app, "clerk.tanan", BIRTH).await;
    app.set_time("2025-07-21T09:00:00+07:00");
    let july = counter_intake(&app, "clerk.tanan", BIRTH).await;
    let token = app.login("clerk.tanan", PW).await;
    let (s, r) =
        app.post_with(&format!("/api/v1/dossiers/{july}/actions"), &token, &json!({"action": "withdraw"})).await;
    assert_eq!(s, 200, "{r}");

    let expected = [
        (june.as_str(), vec![("01", "Thông tư 01/2018"), ("05", "Thông tư 01/2018")], "Phiếu kiểm soát"),
        (
            july.as_str(),
            vec![("01", "Thông tư 03/2025"), ("05", "Thông tư 03/2025"), ("06", "Thông tư 03/2025")],
            "Thông báo dừng giải quyết hồ sơ",
        ),
    ];
    b.sign_in(&app, "clerk.tanan", "/can-bo").await;
    for (code, forms, form05) in expected {
        b.goto(&app.url(&format!("/can-bo/ho-so/{code}"))).await;
        let links = form_links(&b).await;
        let numbers: Vec<&str> = links.iter().map(|(n, _)| n.as_str()).collect();
        let want: Vec<&str> = forms.iter().map(|(n, _)| *n).collect();
        assert_eq!(numbers, want, "the forms offered for {code}");
        for ((number, href), (_, circular)) in links.iter().zip(&forms) {
            b.goto(&app.url(href)).await;
            b.snapshot(&format!("form-{number}-{code}")).await;
            let heading = b.text(".form-no").await;
            assert_eq!(heading, format!("Mẫu số {number} ({circular}/TT-VPCP)"));
            let title = b.js("return document.querySelector('h1').textContent;", vec![]).await;
            if *number == "05" {
                assert!(title.as_str().unwrap().contains(form05), "form 05 of {code}: {title}");
            }
            assert!(b.text(".issuer").await.contains("BỘ PHẬN MỘT CỬA"));
            assert!(b.text(".motto").await.contains("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"));
            // The print button calls the browser's print, and nothing is blocked on the way.
            b.js(
                "window.__printed = 0; window.__blocked = [];
                 document.addEventListener('securitypolicyviolation', e => window.__blocked.push(e.violatedDirective));
                 window.print = () => { window.__printed += 1; };",
                vec![],
            )
            .await;
            b.click(".no-print button").await;
            let v = b.js("return [window.__printed, window.__blocked];", vec![]).await;
            assert_eq!(v, json!([1, []]), "the print button of form {number} of {code}");
        }
    }
    b.close().await;
}

/// Issue 14 item 7: the dashboard's Biểu II.06a fits a 1280 px screen — every column header inside
/// the window, the table not scrolling in its box, the page not sideways — and on a phone each row
/// is a card whose numbers carry their column's name, inside the window, without sideways scrolling.
#[tokio::test]
async fn the_dashboard_report_table_fits_a_1280_px_screen_and_a_phone() {
    let Some(b) = Browser::start(1280, 800).await else { return };
    let app = common::spawn_app().await;
    counter_intake(&app, "clerk.ninhkieu", BUSINESS).await;
    b.sign_in(&app, "leader.tp", "/lanh-dao").await;
    // The report grouped by agency: the widest labels.
    b.goto(&app.url("/lanh-dao?group_by=agency")).await;
    b.find("#bieu-ii06a-bang tfoot td").await;
    // Every header: on screen (inside the window and the table's box, which does not scroll).
    let headers = b
        .js(
            "const w = window.innerWidth; const box = document.querySelector('#bieu-ii06a-bang').parentElement;
             const ths = [...document.querySelectorAll('#bieu-ii06a-bang thead th')];
             return {count: ths.length, innerWidth: w, boxScrolls: box.scrollWidth > box.clientWidth,
                     outside: ths.filter(th => { const r = th.getBoundingClientRect();
                                                 return r.width === 0 || r.left < 0 || r.right > w; })
                                 .map(th => th.textContent),
                     overflowing: [...document.querySelectorAll('#bieu-ii06a-bang th, #bieu-ii06a-bang td')]
                                 .filter(c => c.scrollWidth > c.clientWidth).map(c => c.textContent)};",
            vec![],
        )
        .await;
    assert_eq!(headers["count"], 12, "{headers}");
    assert_eq!(headers["innerWidth"], 1280, "{headers}");
    assert_eq!(headers["outside"], json!([]), "columns out of view at 1280 px: {headers}");
    assert_eq!(headers["overflowing"], json!([]), "text wider than its cell at 1280 px: {headers}");
    assert_eq!(headers["boxScrolls"], false, "the table scrolls in its box at 1280 px: {headers}");
    b.assert_no_horizontal_scroll("the dashboard at 1280 px").await;
    b.snapshot("dashboard-report-1280").await;

    // A phone: the documented layout — each row a card, every number labelled with its column's
    // header and inside the window.
    b.client.set_window_size(390, 844).await.unwrap();
    b.client.refresh().await.unwrap();
    b.find("#bieu-ii06a-bang tfoot td").await;
    b.assert_no_horizontal_scroll("the dashboard at 390 px").await;
    let cells = b
        .js(
            "const w = window.innerWidth;
             const headers = [...document.querySelectorAll('#bieu-ii06a-bang thead th')].slice(1).map(th => th.textContent.trim());
             const rows = [...document.querySelectorAll('#bieu-ii06a-bang tbody tr, #bieu-ii06a-bang tfoot tr')];
             const bad = [];
             for (const tr of rows) {
               if (getComputedStyle(tr).display !== 'block') bad.push('row not a card: ' + tr.textContent.slice(0, 40));
               [...tr.querySelectorAll('td')].forEach((td, i) => {
                 const r = td.getBoundingClientRect();
                 const label = getComputedStyle(td, '::before').content;
                 if (r.left < 0 || r.right > w) bad.push('outside: ' + td.dataset.col);
                 if (!label.includes(headers[i])) bad.push('label of ' + td.dataset.col + ': ' + label);
               });
             }
             return {rows: rows.length, headers: headers.length, bad};",
            vec![],
        )
        .await;
    assert_eq!(cells["headers"], 11, "{cells}");
    assert!(cells["rows"].as_i64().unwrap() >= 2, "{cells}");
    assert_eq!(cells["bad"], json!([]), "{cells}");
    b.snapshot("dashboard-report-phone").await;

    b.sign_out().await;
    b.close().await;
}

/// Issue 17: the lookup of a dossier that crossed Tết, waited for a supplement and was apologised
/// for, read as a citizen would on a desktop and on a phone: the timeline with its step names, the
/// deadline ledger, and with the PIN who viewed it. Saved as `lookup-1280` and `lookup-390` with
/// `MOTCUA_SCREENSHOTS`.
#[tokio::test]
async fn the_lookup_of_a_dossier_across_tet_reads_on_a_desktop_and_a_phone() {
    let Some(b) = Browser::start(1280, 900).await else { return };
    // Wednesday 3/2/2027 at 16:00: after 15:00, on the eve of Tết.
    let app = common::spawn_app_at("2027-02-03T16:00:00+07:00").await;
    let clerk = app.login("clerk.tanan", PW).await;
    let leader = app.login("leader.tanan", PW).await;
    let body = json!({"procedure_code": "1.003583", "channel": "direct", "documents": ["Tờ khai đăng ký khai sinh"],
        "applicant": {"name": "Lâm Thị Xuân", "id_number": "092190003333", "phone": "0933333333", "address": "Tân An"}});
    let (s, d) = app.post_with("/api/v1/dossiers", &clerk, &body).await;
    assert_eq!(s, 201, "{d}");
    let (code, pin) = (d["code"].as_str().unwrap().to_string(), d["pin"].as_str().unwrap().to_string());
    let steps: [(&str, &str, Value); 5] = [
        ("2027-02-11T09:00:00+07:00", &clerk, json!({"action": "request_supplement", "missing": ["Giấy chứng sinh"]})),
        ("2027-02-15T10:00:00+07:00", &clerk, json!({"action": "submit_supplement"})),
        (
            "2027-02-22T09:00:00+07:00",
            &leader,
            json!({"action": "extend", "new_due_date": "2027-03-05", "reason": "Chờ xác minh"}),
        ),
        ("2027-03-03T09:00:00+07:00", &leader, json!({"action": "approve"})),
        ("2027-03-03T10:00:00+07:00", &leader, json!({"action": "finish"})),
    ];
    for (at, token, action) in steps {
        app.set_time(at);
        let (s, r) = app.post_with(&format!("/api/v1/dossiers/{code}/actions"), token, &action).await;
        assert_eq!(s, 200, "{action} → {r}");
    }
    // A clerk opens it: the owner will see that read with the PIN.
    assert_eq!(app.get_with(&format!("/api/v1/dossiers/{code}"), &clerk).await.0, 200);

    for (width, height) in [(1280, 900), (390, 844)] {
        b.client.set_window_size(width, height).await.unwrap();
        b.goto(&app.url(&format!("/tra-cuu/{code}"))).await;
        let main = b.text("main").await;
        assert!(main.contains("Thời hạn giải quyết: vì sao là ngày này"), "{main}");
        assert!(main.contains("04/02–10/02/2027") && main.contains("Quá hạn"), "{main}");
        assert!(!main.contains("Lâm Thị Xuân") && !main.contains("Chờ xác minh"), "no personal data, no reasons");
        b.assert_no_horizontal_scroll(&format!("the lookup at {width} px")).await;
        b.assert_accessible(&format!("the lookup at {width} px")).await;
        b.fill("#pin", &pin).await;
        b.click(&format!("form[action='/tra-cuu/{code}'] button[type=submit]")).await;
        b.find("#bang-ai-da-xem").await;
        let main = b.text("main").await;
        assert!(main.contains("Giấy tờ đã nộp") && main.contains("Tờ khai đăng ký khai sinh"), "with the PIN: {main}");
        assert!(b.text("#bang-ai-da-xem").await.contains("UBND") || b.text("#bang-ai-da-xem").await.contains("Tân An"));
        b.assert_no_horizontal_scroll(&format!("the lookup with the PIN at {width} px")).await;
        b.assert_accessible(&format!("the lookup with the PIN at {width} px")).await;
        b.snapshot(&format!("lookup-{width}")).await;
    }
    b.close().await;
}
