//! The statements of one request of each kind, counted by the pool's counter and read back from
//! PostgreSQL's statement log, and the pgbench scripts made of that SQL.
use std::collections::HashMap;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::Context;
use diesel::connection::SimpleConnection;

use super::load::id_of;
use super::server::{Instance, Requests};
use super::{Options, PGBENCH_LOOKUP_SCRIPTS};
use crate::bench::count;
use crate::configuration::Settings;
use crate::storage::{connection, AnyConnection};

/// Statements of one request.
pub(super) struct Counted {
    pub(super) name: &'static str,
    pub(super) target: &'static str,
    pub(super) counter: u64,
    pub(super) logged: Vec<Logged>,
}

impl Counted {
    pub(super) fn writes(&self) -> usize {
        self.logged.iter().filter(|s| s.is_write()).count()
    }
    pub(super) fn pings(&self) -> usize {
        self.logged.iter().filter(|s| s.is_ping()).count()
    }
    pub(super) fn control(&self) -> usize {
        self.logged.iter().filter(|s| s.is_transaction_control()).count()
    }
    /// What pgbench runs for this request: everything but the pool's check-out ping.
    fn sql(&self) -> Vec<&Logged> {
        self.logged.iter().filter(|s| !s.is_ping()).collect()
    }
}

/// What the capture server saw: each request's statements, the code a lookup read and the code and
/// reference an intake gave (the pgbench scripts replace them).
pub(super) struct Captured {
    pub(super) counted: Vec<Counted>,
    lookup_code: String,
    intake_code: String,
    intake_reference: String,
}

/// Counts the statements of one request of each kind, after a warm-up request, on a capture server
/// whose sessions log every statement.
pub(super) async fn capture(
    settings: &Settings,
    opts: &Options,
    db_name: &str,
    conn: &mut AnyConnection,
    codes: &[String],
) -> anyhow::Result<Captured> {
    println!("counting statements per request (capture server, log_statement = 'all')...");
    let mut log = StatementLog { path: opts.pg_log.clone(), db: db_name.to_string(), offset: 0 };
    log.mark()?;
    conn.batch_execute(&format!("ALTER DATABASE {db_name} SET log_statement = 'all'"))?;
    let (counted, lookup_code, (intake_code, intake_reference)) = {
        let server = Instance::start_app(settings);
        conn.batch_execute(&format!("ALTER DATABASE {db_name} RESET log_statement"))?;
        let server = server?;
        let requests = Requests::new(&server.url, codes.to_vec()).await?;
        let mut counted: Vec<Counted> = Vec::new();
        let mut lookup_code = String::new();
        let mut intake_keys = (String::new(), String::new());
        for (name, target) in [
            ("inbox: GET /api/v1/dossiers", "≤ 3"),
            ("inbox page: GET /can-bo", "–"),
            ("lookup: GET /api/v1/lookup/{code}", "≤ 2"),
            ("intake: POST /api/v1/dossiers", "≤ 15, ≤ 8 writes"),
            ("action: POST …/actions (transfer)", "≤ 12"),
            ("dashboard: GET /lanh-dao (province leader)", "≤ 10"),
        ] {
            // A first request warms the caches and the connections; the second is counted.
            let kind = name.split(':').next().unwrap_or_default();
            capture_request(&requests, kind, None).await?;
            // An action needs a dossier of its own: received before the count starts.
            let subject = if kind == "action" { Some(requests.intake().await?.0) } else { None };
            tokio::time::sleep(Duration::from_millis(300)).await;
            log.mark()?;
            let before = connection::statements_sent(&opts.database);
            let keys = capture_request(&requests, kind, subject.as_deref()).await?;
            let counter = connection::statements_sent(&opts.database) - before;
            tokio::time::sleep(Duration::from_millis(500)).await;
            let logged = log.since_mark()?;
            if name.starts_with("lookup") {
                lookup_code = keys.clone().map(|k| k.0).unwrap_or_default();
            }
            if name.starts_with("intake") {
                intake_keys = keys.clone().unwrap_or_default();
            }
            counted.push(Counted { name, target, counter, logged });
        }
        drop(requests);
        drop(server);
        (counted, lookup_code, intake_keys)
    };
    Ok(Captured { counted, lookup_code, intake_code, intake_reference })
}

/// The pgbench scripts of the baselines, in `out`.
pub(super) struct Scripts {
    pub(super) inbox_sql: PathBuf,
    pub(super) inbox_main_sql: PathBuf,
    pub(super) dashboard_sql: PathBuf,
    pub(super) intake_sql: PathBuf,
    pub(super) lookup_scripts: Vec<PathBuf>,
}

/// Writes the pgbench scripts: each request's SQL without the pool's ping, the inbox's main query
/// alone, the intake's writes and one lookup per code; each runs once before anything is timed.
pub(super) fn scripts(
    conn: &mut AnyConnection,
    opts: &Options,
    out: &Path,
    captured: &Captured,
    codes: &[String],
) -> anyhow::Result<Scripts> {
    let Captured { counted, lookup_code, intake_code, intake_reference } = captured;
    let find = |prefix: &str| counted.iter().find(|c| c.name.starts_with(prefix)).context("captured");
    let inbox_sql = out.join("pgbench-inbox.sql");
    std::fs::write(&inbox_sql, script(&find("inbox:")?.sql()))?;
    // The inbox's main query alone (its first statement on the dossiers), as the issue quotes it.
    let inbox_main_sql = out.join("pgbench-inbox-main.sql");
    let main = find("inbox:")?
        .sql()
        .into_iter()
        .find(|s| s.sql.to_ascii_lowercase().contains("dossiers") && !s.is_transaction_control());
    std::fs::write(&inbox_main_sql, script(&main.into_iter().collect::<Vec<_>>()))?;
    let dashboard_sql = out.join("pgbench-dashboard.sql");
    std::fs::write(&dashboard_sql, script(&find("dashboard")?.sql()))?;
    let intake_sql = out.join("pgbench-intake-writes.sql");
    let existing = {
        let uuid = regex::Regex::new(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}").expect("regex");
        let mut v = Vec::new();
        for s in &find("intake")?.logged {
            for m in uuid.find_iter(&s.sql) {
                let sql = format!(
                    "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM (SELECT id FROM procedures WHERE id = '{u}'
                     UNION ALL SELECT id FROM users WHERE id = '{u}') x",
                    u = m.as_str()
                );
                if count(conn, &sql)? > 0 {
                    v.push(m.as_str().to_string());
                }
            }
        }
        v
    };
    std::fs::write(
        &intake_sql,
        intake_writes_script(&find("intake")?.logged, intake_code, intake_reference, &existing),
    )?;
    let lookup_template = script(&find("lookup")?.sql());
    let lookup_id = id_of(conn, lookup_code)?;
    let mut lookup_scripts = Vec::new();
    let uuid = regex::Regex::new(r"'[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'").expect("regex");
    for (k, code) in codes.iter().take(PGBENCH_LOOKUP_SCRIPTS).enumerate() {
        let id = id_of(conn, code)?;
        let text = lookup_template
            .replace(&format!("'{lookup_code}'"), &format!("'{code}'"))
            .replace(&format!("'{lookup_id}'"), &format!("'{id}'"));
        // The throttle's own records need fresh ids.
        let text = format!("\\set r random(1, 1000000000000000)\n{}", uuid.replace_all(&text, "('pgb-' || :r)"));
        let path = out.join(format!("pgbench-lookup-{k:03}.sql"));
        std::fs::write(&path, text)?;
        lookup_scripts.push(path);
    }
    // Check every script once before timing anything.
    for s in [&inbox_sql, &inbox_main_sql, &dashboard_sql, &intake_sql, &lookup_scripts[0]] {
        let mut cmd = Command::new("pgbench");
        cmd.args(["-n", "-M", "simple", "-t", "1", "-f"]).arg(s).arg(&opts.database);
        let o = cmd.output().context("cannot run pgbench")?;
        anyhow::ensure!(
            o.status.success() && !String::from_utf8_lossy(&o.stderr).contains("ERROR"),
            "the captured SQL in {} does not run alone: {}",
            s.display(),
            String::from_utf8_lossy(&o.stderr)
        );
    }
    Ok(Scripts { inbox_sql, inbox_main_sql, dashboard_sql, intake_sql, lookup_scripts })
}

/// One request of a kind: the inbox, its page, a lookup (returns the code), an intake (returns the
/// code and reference), an action (a transfer of `subject`, or of a fresh intake) or the dashboard.
async fn capture_request(
    requests: &Requests,
    kind: &str,
    subject: Option<&str>,
) -> anyhow::Result<Option<(String, String)>> {
    match kind {
        "inbox" => requests.inbox().await.map(|_| None),
        "inbox page" => requests.inbox_page().await.map(|_| None),
        "lookup" => requests.lookup().await.map(|(_, c)| Some((c, String::new()))),
        "intake" => requests.intake().await.map(Some),
        "action" => {
            let code = match subject {
                Some(c) => c.to_string(),
                None => requests.intake().await?.0,
            };
            requests.transfer(&code).await.map(|_| None)
        }
        _ => requests.dashboard().await.map(|_| None),
    }
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL's statement log.

/// Reads the statements one database's sessions logged since a mark.
struct StatementLog {
    path: PathBuf,
    db: String,
    offset: u64,
}

/// One statement as the server ran it, its parameters written in as literals.
#[derive(Debug, Clone)]
pub(super) struct Logged {
    sql: String,
}

impl Logged {
    fn is_ping(&self) -> bool {
        self.sql.trim().eq_ignore_ascii_case("SELECT 1")
    }
    fn is_transaction_control(&self) -> bool {
        let s = self.sql.trim_start().to_ascii_uppercase();
        ["BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "START TRANSACTION"].iter().any(|k| s.starts_with(k))
    }
    fn is_write(&self) -> bool {
        let s = self.sql.trim_start().to_ascii_uppercase();
        ["INSERT", "UPDATE", "DELETE", "WITH"].iter().any(|k| s.starts_with(k))
            && (!s.starts_with("WITH") || s.contains("INSERT") || s.contains("UPDATE") || s.contains("DELETE"))
    }
}

impl StatementLog {
    fn mark(&mut self) -> anyhow::Result<()> {
        self.offset = std::fs::metadata(&self.path)
            .with_context(|| format!("cannot read PostgreSQL's log {} (give --pg-log)", self.path.display()))?
            .len();
        Ok(())
    }

    fn since_mark(&self) -> anyhow::Result<Vec<Logged>> {
        let mut f = std::fs::File::open(&self.path)?;
        f.seek(SeekFrom::Start(self.offset))?;
        let mut text = String::new();
        f.read_to_string(&mut text)?;
        Ok(parse_log(&text, &self.db))
    }
}

/// Parses `log_line_prefix = '%m [%p] %q%u@%d '` lines: `statement:` and `execute …:` entries of
/// database `db`, each followed (for the extended protocol) by a `DETAIL:  parameters:` entry.
fn parse_log(text: &str, db: &str) -> Vec<Logged> {
    let prefix =
        regex::Regex::new(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)? \S+ \[(\d+)\] (?:(\S*)@(\S*) )?([A-Z]+):  (.*)$")
            .expect("valid regex");
    // (pid, database, level, message) per entry; continuation lines belong to the entry above.
    let mut entries: Vec<(String, String, String, String)> = Vec::new();
    for line in text.lines() {
        match prefix.captures(line) {
            Some(c) => entries.push((
                c[1].to_string(),
                c.get(3).map(|m| m.as_str().to_string()).unwrap_or_default(),
                c[4].to_string(),
                c[5].to_string(),
            )),
            None => {
                if let Some(last) = entries.last_mut() {
                    last.3.push('\n');
                    last.3.push_str(line);
                }
            }
        }
    }
    let mut out: Vec<Logged> = Vec::new();
    let mut last_of_pid: HashMap<String, usize> = HashMap::new();
    for (pid, database, level, message) in entries {
        if database != db {
            continue;
        }
        if level == "LOG" {
            let sql = if let Some(s) = message.strip_prefix("statement: ") {
                Some(s.to_string())
            } else if message.starts_with("execute ") {
                message.split_once(": ").map(|(_, s)| s.to_string())
            } else {
                None
            };
            if let Some(sql) = sql {
                last_of_pid.insert(pid, out.len());
                out.push(Logged { sql });
            }
        } else if level == "DETAIL" {
            if let (Some(params), Some(&i)) = (message.strip_prefix("parameters: "), last_of_pid.get(&pid)) {
                out[i].sql = substitute(&out[i].sql, &parse_params(params));
            }
        }
    }
    out
}

/// `$1 = 'a', $2 = NULL, …` → {1: "'a'", 2: "NULL"}.
fn parse_params(s: &str) -> HashMap<usize, String> {
    let mut out = HashMap::new();
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'$' {
            i += 1;
            continue;
        }
        let start = i + 1;
        let mut j = start;
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
        }
        let Ok(n) = s[start..j].parse::<usize>() else { break };
        let rest = &s[j..];
        let Some(rest) = rest.strip_prefix(" = ") else { break };
        let value_start = s.len() - rest.len();
        if rest.starts_with("NULL") {
            out.insert(n, "NULL".to_string());
            i = value_start + 4;
        } else if rest.starts_with('\'') {
            let mut k = value_start + 1;
            loop {
                if k >= b.len() {
                    break;
                }
                if b[k] == b'\'' {
                    if k + 1 < b.len() && b[k + 1] == b'\'' {
                        k += 2;
                        continue;
                    }
                    break;
                }
                k += 1;
            }
            let end = (k + 1).min(s.len());
            out.insert(n, s[value_start..end].to_string());
            i = end;
        } else {
            break;
        }
    }
    out
}

/// Writes parameter values into `$n` placeholders outside quoted literals.
fn substitute(sql: &str, params: &HashMap<usize, String>) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.char_indices().peekable();
    let mut quoted = false;
    while let Some((i, c)) = chars.next() {
        if c == '\'' {
            quoted = !quoted;
            out.push(c);
        } else if c == '$' && !quoted {
            let digits: String = sql[i + 1..].chars().take_while(|d| d.is_ascii_digit()).collect();
            match digits.parse::<usize>().ok().and_then(|n| params.get(&n)) {
                Some(v) => {
                    out.push_str(v);
                    for _ in 0..digits.len() {
                        chars.next();
                    }
                }
                None => out.push(c),
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// A pgbench script of the given statements (one per command).
pub(super) fn script(statements: &[&Logged]) -> String {
    statements.iter().map(|s| format!("{};\n", s.sql.trim().trim_end_matches(';'))).collect()
}

/// The intake's writes as a pgbench script that can run many times: its transaction control and
/// writes (no reads), with every identifier literal the intake made up (uuids, the code, the
/// reference) replaced by one unique per transaction. The uuids in `existing` (the procedure, the
/// clerk: rows the intake points to) stay.
fn intake_writes_script(statements: &[Logged], code: &str, reference: &str, existing: &[String]) -> String {
    let kept: Vec<&Logged> = statements.iter().filter(|s| s.is_write() || s.is_transaction_control()).collect();
    // Drop transactions that wrote nothing.
    let mut trimmed: Vec<&Logged> = Vec::new();
    for s in kept {
        let upper = s.sql.trim_start().to_ascii_uppercase();
        if (upper.starts_with("COMMIT") || upper.starts_with("ROLLBACK"))
            && trimmed.last().is_some_and(|l| l.sql.trim_start().to_ascii_uppercase().starts_with("BEGIN"))
        {
            trimmed.pop();
            continue;
        }
        trimmed.push(s);
    }
    let mut text = script(&trimmed);
    let uuid = regex::Regex::new(r"'([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})'").expect("regex");
    let mut seen: Vec<String> = Vec::new();
    for c in uuid.captures_iter(&text.clone()) {
        if !seen.contains(&c[1].to_string()) && !existing.contains(&c[1].to_string()) {
            seen.push(c[1].to_string());
        }
    }
    for (k, u) in seen.iter().enumerate() {
        text = text.replace(&format!("'{u}'"), &format!("('pgb-{k}-' || :r)"));
    }
    if !code.is_empty() {
        text = text.replace(&format!("'{code}'"), "('PGB-' || :r)");
    }
    if !reference.is_empty() {
        text = text.replace(&format!("'{reference}'"), "('PGR-' || :r)");
    }
    format!("\\set r random(1, 1000000000000000)\n{text}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_entries_of_one_database_get_their_parameters() {
        let log = "2026-12-03 04:14:54.123 UTC [42] postgres@bench LOG:  execute s1: SELECT * FROM dossiers WHERE code = $1 AND n < $2 AND x = $10\n\
2026-12-03 04:14:54.124 UTC [43] postgres@other LOG:  statement: SELECT 2\n\
2026-12-03 04:14:54.125 UTC [42] postgres@bench DETAIL:  parameters: $1 = 'it''s, $2', $2 = NULL, $10 = '5'\n\
2026-12-03 04:14:54.126 UTC [42] postgres@bench LOG:  statement: BEGIN\n\
2026-12-03 04:14:54.127 UTC [42] postgres@bench LOG:  statement: INSERT INTO t\n\
VALUES (1)\n\
2026-12-03 04:14:54.128 UTC [99] LOG:  checkpoint starting: time\n";
        let got = parse_log(log, "bench");
        let sql: Vec<&str> = got.iter().map(|l| l.sql.as_str()).collect();
        assert_eq!(
            sql,
            [
                "SELECT * FROM dossiers WHERE code = 'it''s, $2' AND n < NULL AND x = '5'",
                "BEGIN",
                "INSERT INTO t\nVALUES (1)"
            ]
        );
        assert!(got[1].is_transaction_control() && got[2].is_write() && !got[0].is_write());
    }

    #[test]
    fn intake_writes_get_fresh_identifiers_per_transaction() {
        let logged = |s: &str| Logged { sql: s.to_string() };
        let statements = [
            logged("SELECT 1"),
            logged("BEGIN"),
            logged("SELECT name FROM procedures"),
            logged("INSERT INTO dossiers VALUES ('0193a4b2-1c2d-7e8f-9a0b-1c2d3e4f5a6b', '000.01.31.H12-261203-0001', 'HS-7K3QX9M2TB')"),
            logged("INSERT INTO dossier_events VALUES ('0193a4b2-1c2d-7e8f-9a0b-1c2d3e4f5a6b', 1)"),
            logged("COMMIT"),
            logged("BEGIN"),
            logged("SELECT 2"),
            logged("COMMIT"),
        ];
        let s = intake_writes_script(&statements, "000.01.31.H12-261203-0001", "HS-7K3QX9M2TB", &["1111".into()]);
        assert_eq!(
            s,
            "\\set r random(1, 1000000000000000)\nBEGIN;\n\
INSERT INTO dossiers VALUES (('pgb-0-' || :r), ('PGB-' || :r), ('PGR-' || :r));\n\
INSERT INTO dossier_events VALUES (('pgb-0-' || :r), 1);\nCOMMIT;\n"
        );
    }
}
