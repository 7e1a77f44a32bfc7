//! A browser-like HTTP client for the page tests: redirects are not followed, the session cookie
//! is handled by hand, and form posts carry this site's Origin as a browser's would.
use super::TestApp;

/// A client that does not follow redirects (tests look at the 303 and its Location).
pub fn browser() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

/// What a page answered.
pub struct Page {
    pub status: u16,
    pub location: String,
    pub set_cookie: Vec<String>,
    pub body: String,
}

impl Page {
    /// The `name=value` of the session cookie this answer set.
    pub fn session_cookie(&self) -> String {
        let cookie = self.set_cookie.iter().find(|c| c.starts_with("motcua_session=")).expect("session cookie");
        cookie.split(';').next().unwrap().to_string()
    }
}

pub async fn read(r: reqwest::Response) -> Page {
    let status = r.status().as_u16();
    let location = r.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    let set_cookie =
        r.headers().get_all("set-cookie").iter().filter_map(|v| v.to_str().ok()).map(str::to_string).collect();
    let body = r.text().await.unwrap_or_default();
    Page { status, location, set_cookie, body }
}

pub async fn get(app: &TestApp, path: &str, cookie: Option<&str>) -> Page {
    let mut req = browser().get(app.url(path));
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    read(req.send().await.unwrap()).await
}

/// A form POST as a browser on this site sends it (Origin = the app).
pub async fn post_form(app: &TestApp, path: &str, cookie: Option<&str>, form: &[(&str, &str)]) -> Page {
    let mut req = browser().post(app.url(path)).header("origin", app.address.clone()).form(form);
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    read(req.send().await.unwrap()).await
}

/// Signs in through the page; returns the `name=value` cookie to send back.
pub async fn sign_in(app: &TestApp, username: &str, password: &str) -> String {
    let p = post_form(app, "/dang-nhap", None, &[("username", username), ("password", password), ("next", "")]).await;
    assert_eq!(p.status, 303, "{}", p.body);
    p.session_cookie()
}

/// A `multipart/form-data` body of text fields and files (all under the name `files`), and its
/// content type.
pub fn multipart(fields: &[(&str, &str)], files: &[(&str, &str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "----motcuaTestBoundary7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
        );
    }
    for (file_name, content_type, content) in files {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{file_name}\"\r\nContent-Type: {content_type}\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(content);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// A multipart form POST as a browser on this site sends it, with a session cookie.
pub async fn post_multipart(
    app: &TestApp,
    path: &str,
    cookie: &str,
    fields: &[(&str, &str)],
    files: &[(&str, &str, &[u8])],
) -> Page {
    let (ct, body) = multipart(fields, files);
    let r = browser()
        .post(app.url(path))
        .header("cookie", cookie)
        .header("origin", app.address.clone())
        .header("content-type", ct)
        .body(body)
        .send()
        .await
        .unwrap();
    read(r).await
}
