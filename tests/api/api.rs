//! The foundation's HTTP API, end to end, on the test database (SQLite, or PostgreSQL with TEST_DATABASE_URL).
use crate::common;

use common::{assert_error, spawn_app};
use motcua::auth::{Claims, JwtKeys};
use serde_json::{json, Value};

const DEMO_PASSWORD: &str = "motcua-demo";

#[tokio::test]
async fn health_answers_when_the_database_does() {
    let app = spawn_app().await;
    let (status, body) = app.get("/health").await;
    assert_eq!(status, 200);
    assert_eq!(body["status"], "ok");
    assert_eq!(body["database"], app.db.backend());
}

#[tokio::test]
async fn a_demo_clerk_signs_in_with_the_right_role_and_agency() {
    let app = spawn_app().await;
    let (status, body) =
        app.post_json("/api/v1/auth/login", &json!({"username": "clerk.ninhkieu", "password": DEMO_PASSWORD})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["role"], "clerk");
    assert_eq!(body["agency_code"], "000.00.31.H12");
    let token = body["token"].as_str().unwrap();
    assert_eq!(token.split('.').count(), 3, "a JWT");

    let (status, me) = app.get_with("/api/v1/auth/me", token).await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["username"], "clerk.ninhkieu");
    assert_eq!(me["role"], "clerk");
    assert_eq!(me["agency_code"], "000.00.31.H12");

    let citizen = app.login("citizen.an", DEMO_PASSWORD).await;
    let (_, me) = app.get_with("/api/v1/auth/me", &citizen).await;
    assert_eq!(me["role"], "citizen");
    assert_eq!(me["agency_code"], Value::Null);
}

#[tokio::test]
async fn wrong_passwords_and_unknown_users_are_refused_alike() {
    let app = spawn_app().await;
    let (s, b) =
        app.post_json("/api/v1/auth/login", &json!({"username": "clerk.ninhkieu", "password": "wrong-password"})).await;
    assert_error(s, &b, 401, "invalid_credentials");
    let (s2, b2) =
        app.post_json("/api/v1/auth/login", &json!({"username": "nobody.here", "password": "wrong-password"})).await;
    assert_error(s2, &b2, 401, "invalid_credentials");
    assert_eq!(b["message"], b2["message"]);
}

#[tokio::test]
async fn malformed_login_bodies_get_clear_400s() {
    let app = spawn_app().await;
    let (s, b) = app.post_raw("/api/v1/auth/login", "application/json", "{\"username\": ").await;
    assert_error(s, &b, 400, "invalid_json");
    let (s, b) =
        app.post_json("/api/v1/auth/login", &json!({"username": "admin", "password": "x", "remember": true})).await;
    assert_error(s, &b, 400, "unknown_field");
    assert!(b["message"].as_str().unwrap().contains("remember"), "{b}");
    let (s, b) = app.post_json("/api/v1/auth/login", &json!({"username": "admin"})).await;
    assert_error(s, &b, 400, "invalid_body");
    let (s, b) = app.post_raw("/api/v1/auth/login", "text/plain", "username=admin").await;
    assert_error(s, &b, 400, "invalid_content_type");
}

#[tokio::test]
async fn missing_expired_tampered_and_foreign_tokens_are_refused() {
    let app = spawn_app().await;
    let (s, b) = app.get("/api/v1/auth/me").await;
    assert_error(s, &b, 401, "missing_token");

    let token = app.login("leader.tp", DEMO_PASSWORD).await;
    let keys = JwtKeys::new(&app.settings.auth);
    let claims: Claims = {
        let payload = token.split('.').nth(1).unwrap();
        serde_json::from_slice(&base64_url_decode(payload)).unwrap()
    };

    let mut expired = claims.clone();
    expired.exp = app.clock.now().timestamp() - 60;
    let (s, b) = app.get_with("/api/v1/auth/me", &keys.sign(&expired).unwrap()).await;
    assert_error(s, &b, 401, "token_expired");

    // Change the role in the payload but keep the signature: a tampered token.
    let mut parts: Vec<String> = token.split('.').map(str::to_string).collect();
    let mut forged = claims.clone();
    forged.role = "admin".into();
    parts[1] = base64_url_encode(&serde_json::to_vec(&forged).unwrap());
    let (s, b) = app.get_with("/api/v1/auth/me", &parts.join(".")).await;
    assert_error(s, &b, 401, "invalid_token");

    let mut other_settings = app.settings.auth.clone();
    other_settings.jwt_secret = "another-secret-another-secret-another".into();
    let (s, b) = app.get_with("/api/v1/auth/me", &JwtKeys::new(&other_settings).sign(&claims).unwrap()).await;
    assert_error(s, &b, 401, "invalid_token");

    let (s, b) = app.get_with("/api/v1/auth/me", "not-a-jwt").await;
    assert_error(s, &b, 401, "invalid_token");
}

#[tokio::test]
async fn the_agency_tree_is_can_tho() {
    let app = spawn_app().await;
    let (s, all) = app.get("/api/v1/agencies").await;
    assert_eq!(s, 200);
    let all = all.as_array().unwrap();
    let count = |level: &str, kind: Option<&str>| {
        all.iter().filter(|a| a["level"] == level && kind.is_none_or(|k| a["kind"] == k)).count()
    };
    assert_eq!(count("province", Some("department")) + count("province", Some("service_centre")), 23);
    assert_eq!(count("district", None), 9);
    assert_eq!(count("commune", None), 85);
    let names: Vec<&str> = all.iter().map(|a| a["name"].as_str().unwrap()).collect();
    for district in
        ["Ninh Kiều", "Bình Thủy", "Cái Răng", "Ô Môn", "Thốt Nốt", "Phong Điền", "Cờ Đỏ", "Vĩnh Thạnh", "Thới Lai"]
    {
        assert!(names.iter().any(|n| n.ends_with(district)), "{district} missing");
    }

    let (s, communes) = app.get("/api/v1/agencies?level=commune&parent=000.00.31.H12").await;
    assert_eq!(s, 200);
    let communes = communes.as_array().unwrap();
    assert!(!communes.is_empty());
    assert!(communes.iter().all(|c| c["parent_code"] == "000.00.31.H12" && c["level"] == "commune"));

    let (_, subtree) = app.get("/api/v1/agencies?within=000.00.31.H12").await;
    assert_eq!(subtree.as_array().unwrap().len(), communes.len() + 1);

    let (s, one) = app.get("/api/v1/agencies/000.00.05.H12").await;
    assert_eq!(s, 200);
    assert_eq!(one["name"], "Sở Tài nguyên và Môi trường");
}

#[tokio::test]
async fn bad_agency_queries_say_what_is_wrong() {
    let app = spawn_app().await;
    let (s, b) = app.get("/api/v1/agencies?level=county").await;
    assert_error(s, &b, 400, "invalid_level");
    let (s, b) = app.get("/api/v1/agencies/000.00.99.H12").await;
    assert_error(s, &b, 404, "agency_not_found");
    let (s, b) = app.get("/api/v1/agencies/H12").await;
    assert_error(s, &b, 400, "invalid_agency_code");
    let (s, b) = app.get("/api/v1/agencies?colour=red").await;
    assert_error(s, &b, 400, "invalid_query");
}

#[tokio::test]
async fn the_catalogue_lists_real_procedures_at_every_level_with_routes() {
    let app = spawn_app().await;
    let (s, list) = app.get("/api/v1/procedures").await;
    assert_eq!(s, 200);
    let list = list.as_array().unwrap();
    assert!(list.len() >= 30, "only {} procedures", list.len());
    for level in ["commune", "district", "province"] {
        assert!(list.iter().any(|p| p["competent_level"] == level), "no {level} procedure");
    }
    assert!(list.iter().any(|p| p["online_level"] == 4 && p["online_service"] == "toàn trình"));
    assert!(list.iter().any(|p| p["online_level"] == 3 && p["online_service"] == "một phần"));
    let inter_level = list.iter().filter(|p| p["route_levels"].as_array().unwrap().len() >= 2).count();
    assert!(inter_level >= 3, "only {inter_level} procedures cross levels");
    for p in list {
        let steps = p["steps"].as_array().unwrap();
        assert!(!steps.is_empty(), "{}", p["code"]);
        let shares: i64 = steps.iter().map(|s| s["time_share"].as_i64().unwrap()).sum();
        assert_eq!(shares, p["time_limit"]["value"].as_i64().unwrap(), "{}", p["code"]);
        assert_eq!(steps[0]["at"], "receiving");
        assert!(!p["documents"].as_array().unwrap().is_empty());
    }

    let (_, level4) = app.get("/api/v1/procedures?online_level=4").await;
    assert!(level4.as_array().unwrap().iter().all(|p| p["online_level"] == 4));
    let (_, level3plus) = app.get("/api/v1/procedures?min_online_level=3").await;
    assert!(level3plus.as_array().unwrap().len() >= level4.as_array().unwrap().len());
    let (_, communes) = app.get("/api/v1/procedures?level=commune").await;
    assert!(communes.as_array().unwrap().iter().all(|p| p["competent_level"] == "commune"));
    let (_, civil) = app.get("/api/v1/procedures?field=H%E1%BB%99%20t%E1%BB%8Bch").await; // "Hộ tịch"
    assert!(!civil.as_array().unwrap().is_empty());
    assert!(civil.as_array().unwrap().iter().all(|p| p["field"] == "Hộ tịch"));
}

#[tokio::test]
async fn search_finds_names_with_or_without_diacritics() {
    let app = spawn_app().await;
    let (_, with) = app.get("/api/v1/procedures?q=khai%20sinh").await;
    let (_, without) = app.get("/api/v1/procedures?q=KHAI%20SINH").await;
    let (_, accented) = app.get("/api/v1/procedures?q=Khai%20sinh").await;
    let with = with.as_array().unwrap();
    assert!(!with.is_empty());
    assert!(with.iter().all(|p| p["name"].as_str().unwrap().to_lowercase().contains("khai sinh")));
    assert_eq!(with.len(), without.as_array().unwrap().len());
    assert_eq!(with.len(), accented.as_array().unwrap().len());
    let (_, folded) = app.get("/api/v1/procedures?q=dang%20ky%20khai%20sinh").await;
    assert!(!folded.as_array().unwrap().is_empty());
    let (_, nothing) = app.get("/api/v1/procedures?q=xyzzy%25").await;
    assert!(nothing.as_array().unwrap().is_empty(), "a % in the text is literal");
}

#[tokio::test]
async fn a_procedure_shows_its_documents_route_and_versions() {
    let app = spawn_app().await;
    let (_, list) = app.get("/api/v1/procedures").await;
    let first = &list.as_array().unwrap()[0];
    let code = first["code"].as_str().unwrap();
    let (s, p) = app.get(&format!("/api/v1/procedures/{code}")).await;
    assert_eq!(s, 200, "{p}");
    assert_eq!(p["code"], code);
    assert!(p["versions"].as_array().unwrap().contains(&p["version"]));
    assert_eq!(p["steps"], first["steps"]);

    // One demo procedure has two versions; the list shows the newest.
    let versioned = list
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["version"].as_i64() == Some(2))
        .expect("a procedure with a second version");
    let code = versioned["code"].as_str().unwrap();
    let (_, v1) = app.get(&format!("/api/v1/procedures/{code}?version=1")).await;
    assert_eq!(v1["version"], 1);
    assert_eq!(v1["versions"], json!([1, 2]));
    assert_ne!(v1["time_limit"], versioned["time_limit"]);

    let (s, b) = app.get(&format!("/api/v1/procedures/{code}?version=9")).await;
    assert_error(s, &b, 404, "procedure_not_found");
    let (s, b) = app.get("/api/v1/procedures/9.999999").await;
    assert_error(s, &b, 404, "procedure_not_found");
    let (s, b) = app.get("/api/v1/procedures/not-a-code").await;
    assert_error(s, &b, 400, "invalid_procedure_code");
    let (s, b) = app.get("/api/v1/procedures?online_level=7").await;
    assert_error(s, &b, 400, "invalid_online_level");
    let (s, b) = app.get("/api/v1/procedures?online_level=three").await;
    assert_error(s, &b, 400, "invalid_query");
}

#[tokio::test]
async fn the_openapi_document_names_every_endpoint() {
    let app = spawn_app().await;
    let (s, doc) = app.get("/api/v1/openapi.json").await;
    assert_eq!(s, 200);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in ["/health", "/api/v1/auth/login", "/api/v1/agencies", "/api/v1/procedures", "/api/v1/procedures/{code}"]
    {
        assert!(doc["paths"].get(path).is_some(), "{path} missing");
    }
    let (s, b) = app.get("/api/v1/nothing-here").await;
    assert_error(s, &b, 404, "route_not_found");
}

/// Whether a JSON schema lets `null` through: `"type": "null"`, a type list holding it, or an
/// alternative (`oneOf`/`anyOf`) that does.
fn accepts_null(schema: &Value) -> bool {
    let by_type = match &schema["type"] {
        Value::String(t) => t == "null",
        Value::Array(ts) => ts.iter().any(|t| t == "null"),
        _ => false,
    };
    let by_alternative = ["oneOf", "anyOf"]
        .iter()
        .filter_map(|k| schema[*k].as_array())
        .any(|alternatives| alternatives.iter().any(accepts_null));
    by_type || by_alternative
}

/// What schemathesis checks in CI (`.ci/schemathesis`) starts from the document: it must name every
/// status an operation can answer, with the error body, and let null through where the API sends it.
#[tokio::test]
async fn the_openapi_document_names_every_answer_and_every_null() {
    let app = spawn_app().await;
    let (s, doc) = app.get("/api/v1/openapi.json").await;
    assert_eq!(s, 200);
    let mut problems = Vec::new();
    let mut secured = 0;
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("path item") {
            let responses = op["responses"].as_object().expect("responses");
            let name = format!("{} {path}", method.to_uppercase());
            let bearer = op["security"].as_array().is_some_and(|rs| rs.iter().any(|r| r.get("bearer").is_some()));
            if bearer {
                secured += 1;
                if !responses.contains_key("401") {
                    problems.push(format!("{name}: bearer-secured but no 401"));
                }
            }
            let takes_input = op.get("requestBody").is_some()
                || op["parameters"]
                    .as_array()
                    .is_some_and(|ps| ps.iter().any(|p| p["in"] == "path" || p["in"] == "query"));
            if takes_input && !responses.contains_key("400") {
                problems.push(format!("{name}: takes input but no 400"));
            }
            if !responses.contains_key("503") {
                problems.push(format!("{name}: no 503 (database unavailable)"));
            }
            for (status, response) in responses {
                let error = status.starts_with('4') || status.starts_with('5');
                if error
                    && response["content"]["application/json"]["schema"]["$ref"] != "#/components/schemas/ErrorBody"
                {
                    problems.push(format!("{name}: {status} without the ErrorBody"));
                }
            }
        }
    }
    assert!(secured >= 25, "only {secured} bearer-secured operations: is the security scheme still named bearer?");
    assert!(problems.is_empty(), "{problems:#?}");

    let schemas = &doc["components"]["schemas"];
    let details = &schemas["HistoryEntry"]["properties"]["details"];
    assert!(accepts_null(details), "history[].details is null for most steps: {details}");
    // Every optional field of a view is an `Option` serialized as null when absent.
    for (name, schema) in schemas.as_object().expect("schemas") {
        if !(name.ends_with("View") || name.ends_with("Entry")) {
            continue;
        }
        let required: Vec<&Value> = schema["required"].as_array().map(|r| r.iter().collect()).unwrap_or_default();
        for (field, property) in schema["properties"].as_object().into_iter().flatten() {
            if !required.contains(&&Value::String(field.clone())) && !accepts_null(property) {
                problems.push(format!("{name}.{field} is optional but not nullable: {property}"));
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");

    let form = &doc["paths"]["/api/v1/dossiers/{code}/forms/{form}"]["get"]["responses"]["200"]["content"];
    assert!(form.get("text/html").is_some(), "forms answer HTML: {form}");
    let file = &doc["paths"]["/api/v1/dossiers/{code}/files/{id}"]["get"]["responses"]["200"]["content"];
    for kind in ["application/pdf", "image/jpeg", "image/png"] {
        assert_eq!(file[kind]["schema"]["format"], "binary", "downloads are files: {file}");
    }
}

fn base64_url_decode(s: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut bits = 0u32;
    let mut n = 0;
    let mut out = Vec::new();
    for c in s.bytes() {
        let v = ALPHABET.iter().position(|&a| a == c).expect("base64url") as u32;
        bits = (bits << 6) | v;
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
            bits &= (1 << n) - 1;
        }
    }
    out
}

fn base64_url_encode(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let v = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            out.push(ALPHABET[((v >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

#[tokio::test]
async fn a_citizen_registers_through_the_api_and_gets_a_token() {
    let app = spawn_app().await;
    let body = serde_json::json!({"username": "minh.do", "full_name": "Đỗ Văn Minh", "password": "mot-mat-khau"});
    let (s, b) = app.post_json("/api/v1/auth/register", &body).await;
    assert_eq!(s, 201, "{b}");
    assert_eq!((b["role"].as_str(), b["agency_code"].clone()), (Some("citizen"), serde_json::Value::Null));
    let (s, me) = app.get_with("/api/v1/auth/me", b["token"].as_str().unwrap()).await;
    assert_eq!((s, me["username"].as_str()), (200, Some("minh.do")));
    let (s, b) = app.post_json("/api/v1/auth/register", &body).await;
    assert_error(s, &b, 409, "username_taken");
    let short = serde_json::json!({"username": "minh.do2", "full_name": "Đỗ Văn Minh", "password": "short"});
    let (s, b) = app.post_json("/api/v1/auth/register", &short).await;
    assert_error(s, &b, 400, "password_too_short");
    let (s, b) = app
        .post_json(
            "/api/v1/auth/register",
            &serde_json::json!({"username": "x", "full_name": "y", "password": "zzzzzzzz", "role": "admin"}),
        )
        .await;
    assert_error(s, &b, 400, "unknown_field");
    let (s, b) =
        app.post_json("/api/v1/auth/login", &serde_json::json!({"username": "minh.do2", "password": "short"})).await;
    assert_error(s, &b, 401, "invalid_credentials");
}

/// A token's life is counted on the application's Clock, not the wall clock.
#[tokio::test]
async fn tokens_expire_by_the_clock() {
    let app =
        crate::common::spawn_app_configured(Some("2024-03-04T09:00:00+07:00"), |s| s.auth.token_ttl_minutes = 60).await;
    let token = app.login("leader.tp", DEMO_PASSWORD).await;
    app.set_time("2024-03-04T09:59:00+07:00");
    let (s, b) = app.get_with("/api/v1/auth/me", &token).await;
    assert_eq!(s, 200, "{b}");
    app.set_time("2024-03-04T10:01:00+07:00");
    let (s, b) = app.get_with("/api/v1/auth/me", &token).await;
    assert_error(s, &b, 401, "token_expired");
}
