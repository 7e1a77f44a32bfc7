//! Migrations and seeds, on the test database (SQLite, or PostgreSQL with TEST_DATABASE_URL).
use crate::common;

use std::collections::BTreeSet;
use std::time::Duration;

use common::{manifest_dir, TestDb};
use diesel::prelude::*;
use motcua::services::seed;
use motcua::storage::{connection, schema};

fn migration_names(backend: &str) -> BTreeSet<String> {
    std::fs::read_dir(manifest_dir().join("migrations").join(backend))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn both_migration_folders_hold_the_same_migrations() {
    let sqlite = migration_names("sqlite");
    let postgres = migration_names("postgres");
    assert!(!sqlite.is_empty());
    assert_eq!(sqlite, postgres, "migrations/sqlite and migrations/postgres differ");
    for name in &sqlite {
        for backend in ["sqlite", "postgres"] {
            for file in ["up.sql", "down.sql"] {
                let p = manifest_dir().join("migrations").join(backend).join(name).join(file);
                assert!(p.exists(), "{} missing", p.display());
            }
        }
    }
}

type StatsRow = (
    String,
    String,
    chrono::NaiveDate,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
);

/// Reads every column of every table through schema.rs: fails if the migrations and the
/// hand-written schema disagree on a name or a type.
fn read_every_table(conn: &mut connection::AnyConnection) {
    schema::agencies::table
        .select(schema::agencies::all_columns)
        .load::<motcua::storage::agencies::AgencyRow>(conn)
        .unwrap();
    schema::procedures::table
        .select(schema::procedures::all_columns)
        .load::<motcua::storage::procedures::ProcedureRow>(conn)
        .unwrap();
    schema::procedure_documents::table
        .select(schema::procedure_documents::all_columns)
        .load::<motcua::storage::procedures::DocumentRow>(conn)
        .unwrap();
    schema::procedure_steps::table
        .select(schema::procedure_steps::all_columns)
        .load::<motcua::storage::procedures::StepRow>(conn)
        .unwrap();
    schema::users::table.select(schema::users::all_columns).load::<motcua::storage::users::UserRow>(conn).unwrap();
    schema::calendar_days::table
        .select(schema::calendar_days::all_columns)
        .load::<motcua::storage::calendar::CalendarDayRow>(conn)
        .unwrap();
    schema::plans::table.select(schema::plans::all_columns).load::<motcua::storage::plans::PlanRow>(conn).unwrap();
    schema::plan_targets::table
        .select(schema::plan_targets::all_columns)
        .load::<motcua::storage::plans::PlanTargetRow>(conn)
        .unwrap();
    use motcua::storage::dossiers as d;
    {
        use schema::dossiers as t;
        type Cursor = (
            i32,
            i32,
            Option<String>,
            Option<chrono::NaiveDateTime>,
            i32,
            Option<chrono::NaiveDateTime>,
            Option<String>,
        );
        t::table
            .select((
                d::DossierRow::as_select(),
                (
                    t::portal_sent_version,
                    t::portal_generation,
                    t::portal_claimed_by,
                    t::portal_claimed_until,
                    t::portal_attempts,
                    t::portal_next_at,
                    t::portal_last_error,
                ),
            ))
            .load::<(d::DossierRow, Cursor)>(conn)
            .unwrap();
    }
    schema::portal_deliveries::table
        .select(schema::portal_deliveries::all_columns)
        .load::<motcua::storage::portal::DeliveryRow>(conn)
        .unwrap();
    schema::dossier_applicants::table
        .select((d::ApplicantRow::as_select(), schema::dossier_applicants::name_folded))
        .load::<(d::ApplicantRow, String)>(conn)
        .unwrap();
    schema::dossier_events::table.select(schema::dossier_events::all_columns).load::<d::EventRow>(conn).unwrap();
    schema::dossier_files::table.select(schema::dossier_files::all_columns).load::<d::FileRow>(conn).unwrap();
    schema::dossier_ratings::table.select(schema::dossier_ratings::all_columns).load::<d::RatingRow>(conn).unwrap();
    schema::dossier_consultations::table
        .select(schema::dossier_consultations::all_columns)
        .load::<d::ConsultationRow>(conn)
        .unwrap();
    type AccessRow =
        (String, String, chrono::NaiveDateTime, String, Option<String>, Option<String>, String, String, Option<String>);
    schema::dossier_accesses::table.select(schema::dossier_accesses::all_columns).load::<AccessRow>(conn).unwrap();
    schema::dossier_sequences::table
        .select(schema::dossier_sequences::all_columns)
        .load::<(String, String, i32)>(conn)
        .unwrap();
    schema::notifications::table
        .select(schema::notifications::all_columns)
        .load::<motcua::storage::outbox::NotificationRow>(conn)
        .unwrap();
    for table in ["stats_daily", "stats_monthly", "stats_yearly", "off_system_counts"] {
        diesel::sql_query(format!("SELECT * FROM {table}")).execute(conn).unwrap();
    }
    schema::stats_yearly::table.select(schema::stats_yearly::all_columns).load::<StatsRow>(conn).unwrap();
    schema::stats_monthly::table.select(schema::stats_monthly::all_columns).load::<StatsRow>(conn).unwrap();
    schema::stats_daily::table.select(schema::stats_daily::all_columns).load::<StatsRow>(conn).unwrap();
    schema::throttle_events::table
        .select(schema::throttle_events::all_columns)
        .load::<motcua::storage::throttle::EventRow>(conn)
        .unwrap();
    schema::throttle_alerts::table
        .select(schema::throttle_alerts::all_columns)
        .load::<motcua::storage::throttle::AlertRow>(conn)
        .unwrap();
    schema::reorganisations::table
        .select(schema::reorganisations::all_columns)
        .load::<motcua::storage::reorganisations::ReorganisationRow>(conn)
        .unwrap();
    schema::agency_lineage::table
        .select(schema::agency_lineage::all_columns)
        .load::<motcua::storage::reorganisations::LineageRow>(conn)
        .unwrap();
    schema::demo_history::table
        .select(schema::demo_history::all_columns)
        .load::<motcua::storage::demo_history::DemoHistoryRow>(conn)
        .unwrap();
    schema::oversight_alert_rules::table
        .select(schema::oversight_alert_rules::all_columns)
        .load::<motcua::storage::alerts::RuleRow>(conn)
        .unwrap();
    schema::oversight_alerts::table
        .select(schema::oversight_alerts::all_columns)
        .load::<motcua::storage::alerts::AlertRow>(conn)
        .unwrap();
    schema::feedback::table
        .select(schema::feedback::all_columns)
        .load::<motcua::storage::feedback::FeedbackRow>(conn)
        .unwrap();
}

#[test]
fn migrations_run_up_down_and_up_again_and_match_the_schema() {
    let db = TestDb::new();
    let pool = connection::connect(db.url(), 2, Duration::from_secs(5)).unwrap();
    let mut conn = pool.get().unwrap();
    let applied = connection::run_migrations(&mut conn).unwrap();
    assert_eq!(applied, migration_names("sqlite").len());
    assert_eq!(connection::run_migrations(&mut conn).unwrap(), 0, "a second run is a no-op");
    seed::load(&mut conn, &manifest_dir().join("seeds"), true, seeded_at()).unwrap();
    read_every_table(&mut conn);
    assert_eq!(connection::revert_all_migrations(&mut conn).unwrap(), applied);
    assert!(schema::agencies::table.count().get_result::<i64>(&mut conn).is_err(), "tables are gone after down");
    assert_eq!(connection::run_migrations(&mut conn).unwrap(), applied);
    read_every_table(&mut conn);
}

#[test]
fn seeds_load_once_and_a_second_load_changes_nothing() {
    let db = TestDb::new();
    let pool = connection::connect(db.url(), 2, Duration::from_secs(5)).unwrap();
    let mut conn = pool.get().unwrap();
    connection::run_migrations(&mut conn).unwrap();
    let dir = manifest_dir().join("seeds");

    let reference_only = seed::load(&mut conn, &dir, false, seeded_at()).unwrap();
    assert!(reference_only.calendar_days > 100, "{reference_only}");
    assert_eq!(reference_only.plans, 5);
    assert_eq!((reference_only.agencies, reference_only.users), (0, 0));

    let first = seed::load(&mut conn, &dir, true, seeded_at()).unwrap();
    assert_eq!(first.calendar_days, 0);
    assert_eq!(first.agencies, 1 + 23 + 9 + 85 + 3, "{first}");
    assert!(first.procedures >= 30, "{first}");
    assert!(first.users >= 10, "{first}");

    let second = seed::load(&mut conn, &dir, true, seeded_at()).unwrap();
    assert_eq!(second, seed::SeedReport::default());

    let tet_2025: bool = diesel::select(diesel::dsl::exists(
        schema::calendar_days::table
            .filter(schema::calendar_days::day.eq(chrono::NaiveDate::from_ymd_opt(2025, 1, 29).unwrap()))
            .filter(schema::calendar_days::kind.eq("holiday")),
    ))
    .get_result(&mut conn)
    .unwrap();
    assert!(tet_2025, "lunar New Year 2025 is a holiday");
    let years: BTreeSet<i32> = schema::calendar_days::table
        .select(schema::calendar_days::day)
        .load::<chrono::NaiveDate>(&mut conn)
        .unwrap()
        .into_iter()
        .map(|d| chrono::Datelike::year(&d))
        .collect();
    assert_eq!(years, (2016..=2027).collect());
}

#[test]
fn every_plan_target_names_an_indicator_value_deadline_and_source() {
    let db = TestDb::new();
    let pool = connection::connect(db.url(), 2, Duration::from_secs(5)).unwrap();
    let mut conn = pool.get().unwrap();
    connection::run_migrations(&mut conn).unwrap();
    seed::load(&mut conn, &manifest_dir().join("seeds"), false, seeded_at()).unwrap();
    let plans = motcua::storage::plans::list(&mut conn).unwrap();
    let ids: Vec<&str> = plans.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["cantho-131-2016", "haiphong-2015", "national-2025", "quangnam-183-2020", "vinhphuc-3854-2016"]);
    for plan in &plans {
        // Every plan carries its period, and says where it comes from.
        let from = plan.period_from.unwrap_or_else(|| panic!("{} has no period", plan.id));
        assert!(plan.period_to.is_none_or(|to| from <= to), "{}", plan.id);
        assert!(plan.period_source.as_deref().is_some_and(|s| !s.is_empty()), "{}", plan.id);
        let targets = motcua::storage::plans::targets(&mut conn, &plan.id).unwrap();
        let with_indicator: Vec<_> = targets.iter().filter(|t| t.indicator.is_some() && t.value.is_some()).collect();
        assert!(!with_indicator.is_empty(), "{} has no indicator targets", plan.id);
        for t in &targets {
            match t.value {
                Some(v) => assert!((0.0..=100.0).contains(&v) || t.indicator.is_none(), "{}: {v}", plan.id),
                // A tracked metric: no value, no deadline, but an indicator and its source.
                None => assert!(t.indicator.is_some() && t.deadline.is_none(), "{}: {:?}", plan.id, t.indicator),
            }
            // The provincial plans cite a line of their text (D0 L135); the national targets the
            // reference that sources them.
            let cited = t.source_line.starts_with('D') || t.source_line.starts_with("regulations-2025.md §");
            assert!(!t.wording.is_empty() && cited, "{}: {:?}", plan.id, t.source_line);
        }
    }
    let national = motcua::storage::plans::targets(&mut conn, "national-2025").unwrap();
    let valued: Vec<_> = national.iter().filter(|t| t.value.is_some()).collect();
    assert_eq!(valued.len(), 1, "only TB 624 gives a number");
    assert_eq!(valued[0].indicator.as_deref(), Some("procedures_boundary_free_pct"));
    assert_eq!(valued[0].value, Some(100.0));
    assert!(valued[0].source_line.contains("TB 624/TB-VPCP"));
    assert!(national.iter().filter(|t| t.value.is_none()).all(|t| t.source_line.contains("Điều 19.2")));
}

#[test]
fn an_unknown_url_scheme_is_a_clear_startup_error() {
    let err = connection::connect("mysql://root@localhost/motcua", 1, Duration::from_secs(1)).unwrap_err();
    assert!(err.to_string().contains("unsupported database URL scheme"), "{err}");
}

/// Issue 11's migration on a database that already holds dossiers: each keeps its code and gets a
/// reference of its own in the `HS-` shape; the code may then be NULL (an online submission).
#[test]
fn dossiers_made_before_the_reference_migration_keep_their_code_and_get_a_reference() {
    use diesel_migrations::MigrationHarness;
    use motcua::domain::dossier::SubmissionReference;
    use motcua::storage::dossiers::DossierRow;
    let db = TestDb::new();
    let pool = connection::connect(db.url(), 2, Duration::from_secs(5)).unwrap();
    let mut conn = pool.get().unwrap();
    connection::run_migrations(&mut conn).unwrap();
    seed::load(&mut conn, &manifest_dir().join("seeds"), true, seeded_at()).unwrap();
    // Back to the state before the reference migration (later migrations reverted first).
    let mut reverted = Vec::new();
    while reverted.last().map(String::as_str) != Some("20261202000001") {
        let version = match &mut *conn {
            connection::AnyConnection::Postgresql(c) => c.revert_last_migration(connection::PG_MIGRATIONS).unwrap(),
            connection::AnyConnection::Sqlite(c) => c.revert_last_migration(connection::SQLITE_MIGRATIONS).unwrap(),
        }
        .to_string();
        assert!(version.as_str() >= "20261202000001", "reverted past the reference migration: {reverted:?}");
        reverted.push(version);
    }
    for n in 1..=3 {
        diesel::sql_query(format!(
            "INSERT INTO dossiers (id, code, procedure_id, procedure_code, receiving_agency, current_agency, channel,
                status, status_code, current_step, route, limit_value, limit_unit, documents, pin, submitted_at,
                received_at, row_version)
             SELECT 'old-{n}', '000.00.31.H12-261120-000{n}', id, code, '000.00.31.H12', '000.00.31.H12', 'direct',
                'received', 2, 0, '000.00.31.H12:1', 3, 'working_days', '[]', '12345{n}', '2026-11-20 02:00:00',
                '2026-11-20 02:00:00', 1
             FROM procedures WHERE code = '2.000720' AND is_current"
        ))
        .execute(&mut conn)
        .unwrap();
    }
    assert_eq!(connection::run_migrations(&mut conn).unwrap(), reverted.len());
    let rows: Vec<DossierRow> = schema::dossiers::table
        .order(schema::dossiers::id.asc())
        .select(DossierRow::as_select())
        .load(&mut conn)
        .unwrap();
    assert_eq!(rows.len(), 3);
    let mut references = BTreeSet::new();
    for (i, r) in rows.iter().enumerate() {
        assert_eq!(r.code.as_deref(), Some(format!("000.00.31.H12-261120-000{}", i + 1).as_str()));
        let parsed = SubmissionReference::parse(&r.reference).unwrap();
        assert_eq!(parsed.as_str(), r.reference, "stored in its canonical shape");
        references.insert(r.reference.clone());
    }
    assert_eq!(references.len(), 3, "unique: {references:?}");
    // The foreign keys still point at the dossiers (SQLite rebuilt the table).
    let orphans: i64 = diesel::sql_query(
        "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM dossier_applicants a LEFT JOIN dossiers d ON d.id = a.dossier_id WHERE d.id IS NULL",
    )
    .get_result::<Count>(&mut conn)
    .unwrap()
    .n;
    assert_eq!(orphans, 0, "every applicant row still has its dossier");
    // A code may now be missing, a reference may not, and both stay unique.
    let copy = |id: &str, code: &str, reference: &str| {
        format!(
            "INSERT INTO dossiers (id, code, reference, procedure_id, procedure_code, receiving_agency, current_agency,
                channel, status, status_code, current_step, route, limit_value, limit_unit, documents, pin,
                submitted_at, row_version)
             SELECT '{id}', {code}, {reference}, procedure_id, procedure_code, receiving_agency, current_agency,
                'online', 'submitted', 1, 0, route, limit_value, limit_unit, documents, pin, submitted_at, 1
             FROM dossiers WHERE id = 'old-1'"
        )
    };
    diesel::sql_query(copy("new-1", "NULL", "'HS-0000000001'")).execute(&mut conn).unwrap();
    diesel::sql_query(copy("new-2", "NULL", "'HS-0000000002'")).execute(&mut conn).unwrap();
    assert!(diesel::sql_query(copy("new-3", "NULL", "'HS-0000000002'")).execute(&mut conn).is_err());
    assert!(diesel::sql_query(copy("new-4", "NULL", "NULL")).execute(&mut conn).is_err());
    assert!(diesel::sql_query(copy("new-5", "'000.00.31.H12-261120-0001'", "'HS-0000000005'"))
        .execute(&mut conn)
        .is_err());
    read_every_table(&mut conn);
}

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

/// A database whose plans were loaded before plans carried their period gets it from the plan
/// files when the seeds are loaded again; nothing else changes.
#[test]
fn a_plan_loaded_before_periods_gets_its_period_from_the_seeds() {
    let db = TestDb::new();
    let pool = connection::connect(db.url(), 2, Duration::from_secs(5)).unwrap();
    let mut conn = pool.get().unwrap();
    connection::run_migrations(&mut conn).unwrap();
    let dir = manifest_dir().join("seeds");
    seed::load(&mut conn, &dir, false, seeded_at()).unwrap();
    diesel::update(schema::plans::table)
        .set((
            schema::plans::period_from.eq(None::<chrono::NaiveDate>),
            schema::plans::period_to.eq(None::<chrono::NaiveDate>),
            schema::plans::period_source.eq(None::<String>),
        ))
        .execute(&mut conn)
        .unwrap();
    let again = seed::load(&mut conn, &dir, false, seeded_at()).unwrap();
    assert_eq!(again, seed::SeedReport::default(), "no plan is added again");
    let plans = motcua::storage::plans::list(&mut conn).unwrap();
    let cantho = plans.iter().find(|p| p.id == "cantho-131-2016").unwrap();
    let day = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    assert_eq!((cantho.period_from, cantho.period_to), (Some(day("2016-01-01")), Some(day("2020-12-31"))));
    let national = plans.iter().find(|p| p.id == "national-2025").unwrap();
    assert_eq!((national.period_from, national.period_to), (Some(day("2025-11-16")), None));
}

/// When these tests load the seeds (the accounts' and rows' `created_at`): a fixed time, not the wall clock.
fn seeded_at() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339("2026-11-23T09:00:00+07:00").unwrap().to_utc()
}

/// Rows' `created_at` come from the application's Clock, like every other time (a test sets it).
#[tokio::test]
async fn an_account_created_through_the_api_is_stamped_by_the_clock_not_the_wall_clock() {
    let app = common::spawn_app_at("2026-11-23T09:00:00+07:00").await;
    let body = serde_json::json!({"username": "minh.do", "full_name": "Đỗ Văn Minh", "password": "mot-mat-khau"});
    assert_eq!(app.post_json("/api/v1/auth/register", &body).await.0, 201);
    let row = motcua::storage::users::find_by_username(&mut app.conn(), "minh.do").unwrap().unwrap();
    assert_eq!(row.created_at, seeded_at().naive_utc(), "the test's clock: 23/11/2026 09:00 in Vietnam");
    let demo = motcua::storage::users::find_by_username(&mut app.conn(), "clerk.ninhkieu").unwrap().unwrap();
    assert_eq!(demo.created_at, seeded_at().naive_utc(), "the seeds are loaded at the clock's time too");
}
