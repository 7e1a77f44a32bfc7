//! The benchmark's data: the database created when missing, the synthetic province loaded once (and
//! `bench/after-load.sql` after it), the clean-up after requests, and the real codes the lookup reads.
use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Context;
use diesel::connection::SimpleConnection;

use super::{Options, FINISHED_DAYS, HOME_AGENCY, OPEN_DAYS, WRK_LOOKUP_CODES};
use crate::bench::{count, synthetic_catalogue};
use crate::storage::{connection, AnyConnection};

/// (server URL with the `postgres` database, database name) of a `postgres://…/NAME` URL.
pub(super) fn split_url(url: &str) -> anyhow::Result<(String, String)> {
    anyhow::ensure!(
        url.starts_with("postgres://") || url.starts_with("postgresql://"),
        "bench-requests runs on PostgreSQL only: give --database postgres://…/motcua_bench1m"
    );
    let (base, name) = url.rsplit_once('/').context("no database name in the URL")?;
    let name = name.split('?').next().unwrap_or_default().to_string();
    anyhow::ensure!(
        !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'),
        "the database name must be letters, digits and underscores"
    );
    Ok((format!("{base}/postgres"), name))
}

pub(super) fn ensure_database(url: &str) -> anyhow::Result<()> {
    let (admin_url, name) = split_url(url)?;
    let admin = connection::establish_postgres(&admin_url).context("cannot connect to the server")?;
    let mut admin = AnyConnection::Postgresql(admin);
    let sql = format!("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM pg_database WHERE datname = '{name}'");
    if count(&mut admin, &sql)? == 0 {
        admin.batch_execute(&format!("CREATE DATABASE {name}"))?;
    }
    Ok(())
}

/// Tables with a `dossier_id` column (children of dossiers), whatever the schema has grown.
fn dossier_children(conn: &mut AnyConnection) -> anyhow::Result<Vec<String>> {
    #[derive(diesel::QueryableByName)]
    struct T {
        #[diesel(sql_type = diesel::sql_types::Text)]
        table_name: String,
    }
    use diesel::RunQueryDsl;
    let rows: Vec<T> = diesel::sql_query(
        "SELECT CAST(table_name AS TEXT) AS table_name FROM information_schema.columns
         WHERE table_schema = current_schema() AND column_name = 'dossier_id' AND table_name <> 'dossiers'
           AND table_name <> 'dossier_accesses'
         ORDER BY table_name",
    )
    .load(conn)?;
    Ok(rows.into_iter().map(|t| t.table_name).collect())
}

/// Removes what requests and pgbench wrote (every dossier the loader did not make, the throttle's
/// records, today's code sequences), so that every round starts from the loaded data.
pub(super) fn clean_up(conn: &mut AnyConnection) -> anyhow::Result<()> {
    // The read log refuses DELETE (append-only, issue 17 item 2); a benchmark round empties it whole.
    let mut sql = String::from("TRUNCATE dossier_accesses;");
    for t in dossier_children(conn)? {
        let _ = write!(sql, "DELETE FROM {t} WHERE dossier_id NOT LIKE 'bench-%';");
    }
    sql.push_str("DELETE FROM dossiers WHERE id NOT LIKE 'bench-%'; DELETE FROM dossier_sequences;");
    conn.batch_execute(&sql).context("cleaning up after a round")?;
    // The throttle's tables may be renamed by a later schema: best effort.
    let _ = conn.batch_execute("DELETE FROM throttle_events;");
    vacuum(conn, "VACUUM")
}

/// VACUUM of the dossiers' big tables, one statement each (VACUUM runs outside a transaction).
fn vacuum(conn: &mut AnyConnection, how: &str) -> anyhow::Result<()> {
    for t in ["dossiers", "dossier_events", "dossier_applicants"] {
        conn.batch_execute(&format!("{how} {t}"))?;
    }
    Ok(())
}

/// Loads the synthetic province unless the same load is there already; returns its time.
pub(super) fn load_if_needed(
    conn: &mut AnyConnection,
    opts: &Options,
    today: chrono::NaiveDate,
) -> anyhow::Result<Option<Duration>> {
    conn.batch_execute(
        "CREATE TABLE IF NOT EXISTS bench_requests_meta (open BIGINT NOT NULL, home BIGINT NOT NULL,
           finished BIGINT NOT NULL, anchor DATE NOT NULL, load_seconds DOUBLE PRECISION NOT NULL)",
    )?;
    let same = count(
        conn,
        &format!(
            "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM bench_requests_meta WHERE open = {} AND home = {} AND finished = {}",
            opts.open, opts.home_open, opts.finished
        ),
    )?;
    if same == 1 {
        after_load(conn, opts)?;
        return Ok(None);
    }
    let started = Instant::now();
    println!("loading {} open and {} finished dossiers (once; kept for later runs)...", opts.open, opts.finished);
    let mut sql = String::from("TRUNCATE dossier_accesses;");
    for t in dossier_children(conn)? {
        let _ = write!(sql, "DELETE FROM {t} WHERE dossier_id LIKE 'bench-%';");
    }
    sql.push_str("DELETE FROM dossiers WHERE id LIKE 'bench-%'; DELETE FROM bench_requests_meta;");
    conn.batch_execute(&sql)?;
    load(conn, opts, today)?;
    conn.batch_execute("DROP TABLE IF EXISTS bench_requests_after_load")?;
    after_load(conn, opts)?;
    crate::bench::rebuild_counters(conn)?;
    vacuum(conn, "VACUUM ANALYZE")?;
    let took = started.elapsed();
    conn.batch_execute(&format!(
        "INSERT INTO bench_requests_meta VALUES ({}, {}, {}, '{today}', {})",
        opts.open,
        opts.home_open,
        opts.finished,
        took.as_secs_f64()
    ))?;
    Ok(Some(took))
}

/// Runs `bench/after-load.sql` when it differs from the one that ran last on this database (a later
/// schema's derived columns, filled on a database loaded by an earlier binary too).
fn after_load(conn: &mut AnyConnection, opts: &Options) -> anyhow::Result<()> {
    let path = opts.bench_dir.join("after-load.sql");
    let Ok(sql) = std::fs::read_to_string(&path) else { return Ok(()) };
    conn.batch_execute("CREATE TABLE IF NOT EXISTS bench_requests_after_load (sql TEXT NOT NULL)")?;
    let quoted = sql.replace('\'', "''");
    let same = count(
        conn,
        &format!("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM bench_requests_after_load WHERE sql = '{quoted}'"),
    )?;
    if same == 0 {
        println!("running {}...", path.display());
        conn.batch_execute(&sql).with_context(|| format!("running {}", path.display()))?;
        conn.batch_execute(&format!(
            "DELETE FROM bench_requests_after_load; INSERT INTO bench_requests_after_load VALUES ('{quoted}');"
        ))?;
    }
    Ok(())
}

/// The bulk load (PostgreSQL SQL). **Where a later schema adds a NOT NULL column without a default
/// to `dossiers`, `dossier_applicants` or `dossier_events`, add it to the column lists below**;
/// values derived from others (e.g. a folded applicant name) go in `bench/after-load.sql`.
fn load(conn: &mut AnyConnection, opts: &Options, today: chrono::NaiveDate) -> anyhow::Result<()> {
    let (_, _) = synthetic_catalogue(conn)?;
    let home_ok =
        count(conn, &format!("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM bench_agencies WHERE code = '{HOME_AGENCY}'"))?;
    anyhow::ensure!(home_ok == 1, "{HOME_AGENCY} (the clerk's agency) does not handle procedures in the seeds");
    conn.batch_execute(&format!(
        "DROP TABLE IF EXISTS bench_r_agencies;
         CREATE TABLE bench_r_agencies AS
           SELECT -1 AS i, code, level FROM bench_agencies WHERE code = '{HOME_AGENCY}'
           UNION ALL
           SELECT ROW_NUMBER() OVER (ORDER BY code) - 1, code, level FROM bench_agencies WHERE code <> '{HOME_AGENCY}';"
    ))?;
    let others = count(conn, "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM bench_r_agencies WHERE i >= 0")?;
    let all = others + 1;
    let (n, h, f) = (opts.open, opts.home_open.min(opts.open), opts.finished);
    let columns = "id, code, reference, procedure_id, procedure_code, receiving_agency, current_agency, channel, status,
        status_code, current_step, route, limit_value, limit_unit, documents, citizen_user_id, pin, submitted_at,
        received_at, clock_started_at, due_at, extended_due_at, step_started_at, step_due_at, supplement_stage,
        intake_supplements, appraisal_supplements, extensions, decision, finished_at, timeliness, returned_at, row_version";
    // Open dossiers: the first `h` at the home agency, the rest spread over the others; the k-th
    // dossier of an agency was received `k % OPEN_DAYS + 1` days before the load, with sequence
    // `k / OPEN_DAYS + 1` that day (so codes are real and unique). Status by g % 20: 5% submitted online
    // (no code yet), 20% received, 50% processing, 10% awaiting a supplement, 15% result ready.
    let open = format!(
        "INSERT INTO dossiers ({columns})
         SELECT 'bench-r-' || s.g,
           CASE WHEN s.st = 0 THEN NULL ELSE s.agency || '-' || to_char(s.day, 'YYMMDD') || '-' || lpad(CAST(s.seq AS TEXT), 4, '0') END,
           'HS-BR' || lpad(CAST(s.g AS TEXT), 8, '0'), p.id, p.code, s.agency, s.agency,
           CASE WHEN s.st = 0 OR s.g % 10 < 3 THEN 'online' ELSE 'direct' END,
           CASE s.st WHEN 0 THEN 'submitted' WHEN 1 THEN 'received' WHEN 2 THEN 'processing' WHEN 3 THEN 'awaiting_supplement' ELSE 'result_ready' END,
           CASE s.st WHEN 0 THEN 1 WHEN 1 THEN 2 WHEN 2 THEN 4 WHEN 3 THEN 5 ELSE 9 END,
           0, s.agency || ':1', p.time_limit_value, 'working_days', '[\"Đơn đề nghị\"]', NULL, '000000',
           s.at, CASE WHEN s.st = 0 THEN NULL ELSE s.at END, CASE WHEN s.st = 0 THEN NULL ELSE s.at END,
           CASE WHEN s.st = 0 THEN NULL ELSE s.at + p.time_limit_value * INTERVAL '33 hours' END, NULL,
           CASE WHEN s.st = 0 THEN NULL ELSE s.at END,
           CASE WHEN s.st = 0 THEN NULL ELSE s.at + (1 + s.g % 5) * INTERVAL '1 day' END,
           CASE WHEN s.st = 3 THEN 'appraisal' END, 0, CASE WHEN s.st = 3 THEN 1 ELSE 0 END, 0,
           NULL, NULL, NULL, NULL, 1
         FROM (SELECT x.g, a.code AS agency, a.level AS level,
                 DATE '{today}' - CAST(1 + x.k % {OPEN_DAYS} AS INTEGER) AS day, x.k / {OPEN_DAYS} + 1 AS seq,
                 CASE WHEN x.g % 20 = 0 THEN 0 WHEN x.g % 20 < 5 THEN 1 WHEN x.g % 20 < 15 THEN 2
                      WHEN x.g % 20 < 17 THEN 3 ELSE 4 END AS st,
                 CAST(DATE '{today}' - CAST(1 + x.k % {OPEN_DAYS} AS INTEGER) AS TIMESTAMP) + INTERVAL '1 hour'
                   + ((x.g * 37) % 28800) * INTERVAL '1 second' AS at
               FROM (SELECT g, CASE WHEN g <= {h} THEN -1 ELSE (g - {h} - 1) % {others} END AS ai,
                            CASE WHEN g <= {h} THEN g - 1 ELSE (g - {h} - 1) / {others} END AS k
                     FROM generate_series(CAST(1 AS BIGINT), {n}) AS g) x
               JOIN bench_r_agencies a ON a.i = x.ai) s
         JOIN bench_levels bl ON bl.level = s.level
         JOIN bench_procs p ON p.level = s.level AND p.i = (s.g / 7) % bl.n"
    );
    conn.batch_execute(&open).context("loading open dossiers")?;
    // Finished dossiers, received before the open ones, returned after up to twice the time limit.
    let finished = format!(
        "INSERT INTO dossiers ({columns})
         SELECT 'bench-f-' || s.g, s.agency || '-' || to_char(s.day, 'YYMMDD') || '-' || lpad(CAST(s.seq AS TEXT), 4, '0'),
           'HS-BF' || lpad(CAST(s.g AS TEXT), 8, '0'), p.id, p.code, s.agency, s.agency,
           CASE WHEN s.g % 10 < 3 THEN 'online' ELSE 'direct' END, 'returned', 10,
           0, s.agency || ':1', p.time_limit_value, 'working_days', '[\"Đơn đề nghị\"]', NULL, '000000',
           s.at, s.at, s.at, s.at + p.time_limit_value * INTERVAL '33 hours', NULL, s.at,
           s.at + INTERVAL '1 day', NULL, 0, 0, 0, 'approved',
           s.at + ((s.g * 7919) % (p.time_limit_value * 2 + 2)) * INTERVAL '1 day', NULL,
           s.at + ((s.g * 7919) % (p.time_limit_value * 2 + 2)) * INTERVAL '1 day', 1
         FROM (SELECT x.g, a.code AS agency, a.level AS level,
                 DATE '{today}' - CAST({OPEN_DAYS} + 1 + x.k % {FINISHED_DAYS} AS INTEGER) AS day,
                 x.k / {FINISHED_DAYS} + 1 AS seq,
                 CAST(DATE '{today}' - CAST({OPEN_DAYS} + 1 + x.k % {FINISHED_DAYS} AS INTEGER) AS TIMESTAMP)
                   + INTERVAL '1 hour' + ((x.g * 37) % 28800) * INTERVAL '1 second' AS at
               FROM (SELECT g, g % {all} - 1 AS ai, g / {all} AS k FROM generate_series(CAST(1 AS BIGINT), {f}) AS g) x
               JOIN bench_r_agencies a ON a.i = x.ai) s
         JOIN bench_levels bl ON bl.level = s.level
         JOIN bench_procs p ON p.level = s.level AND p.i = (s.g / 7) % bl.n;
         UPDATE dossiers SET timeliness = CASE
             WHEN CAST(finished_at + INTERVAL '7 hours' AS DATE) < CAST(due_at + INTERVAL '7 hours' AS DATE) THEN 'early'
             WHEN CAST(finished_at + INTERVAL '7 hours' AS DATE) = CAST(due_at + INTERVAL '7 hours' AS DATE) THEN 'on_time'
             ELSE 'late' END
         WHERE id LIKE 'bench-f-%';"
    );
    conn.batch_execute(&finished).context("loading finished dossiers")?;
    // Applicants: names from common family, middle and given names (about 5,600 combinations),
    // unique 12-digit ID numbers, phones.
    let applicants = "INSERT INTO dossier_applicants (dossier_id, name, id_number, phone, email, address, notify_by)
         SELECT d.id,
           (ARRAY['Nguyễn','Trần','Lê','Phạm','Hoàng','Huỳnh','Phan','Vũ','Võ','Đặng','Bùi','Đỗ','Hồ','Ngô'])[1 + d.n % 14]
           || ' ' || (ARRAY['Văn','Thị','Minh','Thanh','Ngọc','Quốc','Hoàng','Thu','Đức','Kim'])[1 + (d.n / 14) % 10]
           || ' ' || (ARRAY['An','Bình','Châu','Dũng','Giang','Hà','Hải','Hạnh','Hiếu','Hòa','Hùng','Hương','Khánh','Khoa',
                            'Lan','Linh','Long','Mai','Nam','Nga','Nhung','Phong','Phúc','Quân','Quyên','Sơn','Tâm','Thảo',
                            'Thắng','Thủy','Tiến','Trâm','Trung','Tú','Tuấn','Uyên','Việt','Vinh','Xuân','Yến'])[1 + (d.n / 140) % 40],
           '0' || CAST(92000000000 + d.n AS TEXT), '09' || lpad(CAST((d.n * 7919) % 100000000 AS TEXT), 8, '0'), NULL,
           CAST(1 + d.n % 300 AS TEXT) || ' đường Nguyễn Trãi, Cần Thơ', 'both'
         FROM (SELECT id, CAST(substr(id, 9) AS BIGINT) + CASE WHEN id LIKE 'bench-f-%' THEN 50000000 ELSE 0 END AS n
               FROM dossiers WHERE id LIKE 'bench-%') d";
    conn.batch_execute(applicants).context("loading applicants")?;
    let events =
        "INSERT INTO dossier_events (dossier_id, seq, at, action, actor_user_id, actor_role, from_agency, to_agency,
           status, status_code, step_due_at, step_timeliness, note, details)
         SELECT id, 1, received_at, 'intake', NULL, 'clerk', receiving_agency, receiving_agency, 'received', 2,
           step_due_at, NULL, NULL, NULL
         FROM dossiers WHERE id LIKE 'bench-%' AND received_at IS NOT NULL;
         INSERT INTO dossier_events (dossier_id, seq, at, action, actor_user_id, actor_role, from_agency, to_agency,
           status, status_code, step_due_at, step_timeliness, note, details)
         SELECT id, 2, received_at + INTERVAL '2 hours', 'transfer', NULL, 'clerk', current_agency, current_agency,
           'processing', 4, step_due_at, NULL, NULL, NULL
         FROM dossiers WHERE id LIKE 'bench-%' AND status_code IN (4, 5, 9, 10);";
    conn.batch_execute(events).context("loading events")?;
    Ok(())
}

/// Real codes for the lookup, in an order that spreads them over agencies and days (also written to
/// `lookup-codes.txt` in `out`, for the wrk script).
pub(super) fn lookup_codes(conn: &mut AnyConnection, out: &Path) -> anyhow::Result<Vec<String>> {
    #[derive(diesel::QueryableByName)]
    struct C {
        #[diesel(sql_type = diesel::sql_types::Text)]
        code: String,
    }
    use diesel::RunQueryDsl;
    let rows: Vec<C> = diesel::sql_query(format!(
        "SELECT code FROM dossiers WHERE id LIKE 'bench-%' AND code IS NOT NULL ORDER BY md5(id) LIMIT {WRK_LOOKUP_CODES}"
    ))
    .load(conn)?;
    std::fs::write(out.join("lookup-codes.txt"), rows.iter().map(|c| format!("{}\n", c.code)).collect::<String>())?;
    Ok(rows.into_iter().map(|c| c.code).collect())
}

/// The id of the dossier with this code.
pub(super) fn id_of(conn: &mut AnyConnection, code: &str) -> anyhow::Result<String> {
    #[derive(diesel::QueryableByName)]
    struct I {
        #[diesel(sql_type = diesel::sql_types::Text)]
        id: String,
    }
    use diesel::RunQueryDsl;
    Ok(diesel::sql_query(format!("SELECT id FROM dossiers WHERE code = '{code}'")).get_result::<I>(conn)?.id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_urls_are_checked() {
        assert_eq!(
            split_url("postgres://postgres@127.0.0.1:5432/motcua_bench1m").unwrap(),
            ("postgres://postgres@127.0.0.1:5432/postgres".to_string(), "motcua_bench1m".to_string())
        );
        assert!(split_url("sqlite://x.db").is_err());
        assert!(split_url("postgres://h/bad-name").is_err());
    }
}
