//! Builds the application: pool, migrations, first-run seeding, the HTTP server on a bound listener.
use std::net::TcpListener;
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::{web, App, HttpServer};
use tracing_actix_web::TracingLogger;

use crate::auth::JwtKeys;
use crate::clock::Clock;
use crate::configuration::{Environment, Settings};
use crate::http::routes;
use crate::notifications::mailer::Mailer;
use crate::notifications::sms::SmsGateway;
use crate::notifications::worker::Worker;
use crate::services::portal::worker::PortalWorker;
use crate::services::seed;
use crate::storage::{agencies, connection, users, Pool};
use crate::telemetry::PrivacyRootSpan;

/// Opens the pool named by the settings.
pub fn connect(settings: &Settings) -> anyhow::Result<Pool> {
    connection::connect(
        &settings.database.url,
        settings.database.pool_size,
        Duration::from_secs(settings.database.connect_timeout_secs),
    )
}

/// Migrates; on an empty database (no agencies) loads the seeds when configured to;
/// in production refuses demo accounts. Safe when several instances start together.
pub fn prepare_database(settings: &Settings, pool: &Pool) -> anyhow::Result<()> {
    prepare_database_at(settings, pool, &Clock::System)
}

/// As [`prepare_database`], with the clock that says whether a reorganisation's date has come.
pub fn prepare_database_at(settings: &Settings, pool: &Pool, clock: &Clock) -> anyhow::Result<()> {
    // The legal regimes built into the binary: refused at start, not at the first dossier, if wrong.
    crate::domain::regime::read(&crate::domain::regime::FILES)?;
    let mut conn = pool.get()?;
    connection::with_schema_lock(&mut conn, |conn| {
        let applied = connection::run_migrations(conn)?;
        if applied > 0 {
            tracing::info!(applied, "migrations applied");
        }
        if settings.seed.on_empty_database && agencies::count(conn)? == 0 {
            let report = seed::load(conn, &settings.seed.dir, settings.seed.demo, clock.now())?;
            tracing::info!(%report, "empty database: seeds loaded");
            if settings.seed.demo {
                let plans = &settings.seed.reorganisations;
                // With a demo history, the days before each plan too (the months after are made in the background).
                let links = settings.links(0);
                let window = (settings.seed.demo_history_days > 0).then_some(&links);
                for r in seed::load_reorganisations(conn, &settings.seed.dir, plans, clock.now(), window)? {
                    tracing::info!(
                        plan = %r.plan,
                        applied = r.applied,
                        new_units = r.new_units,
                        ended_units = r.ended_units,
                        procedures = r.relevelled_procedures.len(),
                        dossiers_moved = r.moved_dossiers.len(),
                        accounts_moved = r.moved_accounts.len(),
                        "demo reorganisation loaded"
                    );
                }
                let d = seed::load_departments(conn, &settings.seed.dir)?;
                tracing::info!(
                    departments = d.departments,
                    skipped = d.skipped,
                    accounts = d.accounts,
                    "demo departments loaded"
                );
            }
        }
        // Early-warning rules missing from the database (a new deployment, or rules added to the
        // seed since): added by id, stored ones kept as they are.
        let added =
            crate::services::alerts::load_rules(conn, &seed::alert_rules_text(&settings.seed.dir)?, clock.now())?;
        if added > 0 {
            tracing::info!(added, "alert rules loaded");
        }
        if settings.environment == Environment::Production {
            let demo = users::count_demo(conn)?;
            anyhow::ensure!(
                demo == 0,
                "production refuses to start while {demo} demo accounts exist: remove the users created from seeds/demo"
            );
        }
        Ok(())
    })
}

/// The running application: the port it listens on, the server future, the delivery worker
/// (when `notifications.worker` is on) and the demo history to make in the background (when
/// `seed.demo` and `seed.demo_history_days` ask for one).
pub struct Application {
    port: u16,
    server: Server,
    worker: Option<Worker>,
    portal: Option<PortalWorker>,
    history: Option<DemoHistory>,
    /// Whether the alert rules' scheduler runs beside the delivery worker (`alerts.scheduler`).
    alerts: bool,
}

/// What the background demo history needs: it ends at the clock's "now" when serving starts.
struct DemoHistory {
    pool: Pool,
    links: crate::services::dossiers::Links,
    clock: Clock,
    days: i64,
}

/// The portal's delivery worker, when `portal.url` is set.
pub fn portal_worker(settings: &Settings, pool: Pool, clock: Clock) -> anyhow::Result<Option<PortalWorker>> {
    PortalWorker::new(pool, clock, &settings.portal, settings.notifications.clone())
}

/// Builds a delivery worker from the settings.
pub fn worker(settings: &Settings, pool: Pool, clock: Clock) -> anyhow::Result<Worker> {
    Ok(Worker::new(
        pool,
        clock,
        Mailer::new(&settings.email)?,
        SmsGateway::new(&settings.sms)?,
        settings.notifications.clone(),
    ))
}

impl Application {
    /// Everything `serve` does before it answers requests.
    pub fn build(settings: &Settings) -> anyhow::Result<Self> {
        Self::build_with_clock(settings, Clock::System)
    }

    /// As [`Application::build`], with the clock the application reads "now" from (tests move it).
    pub fn build_with_clock(settings: &Settings, clock: Clock) -> anyhow::Result<Self> {
        settings.check()?;
        let pool = connect(settings)?;
        prepare_database_at(settings, &pool, &clock)?;
        let listener = TcpListener::bind(&settings.server.bind)
            .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", settings.server.bind))?;
        let port = listener.local_addr()?.port();
        let worker =
            if settings.notifications.worker { Some(worker(settings, pool.clone(), clock.clone())?) } else { None };
        let portal =
            if settings.notifications.worker { portal_worker(settings, pool.clone(), clock.clone())? } else { None };
        let history = (settings.seed.demo && settings.seed.demo_history_days > 0).then(|| DemoHistory {
            pool: pool.clone(),
            links: settings.links(port),
            clock: clock.clone(),
            days: i64::from(settings.seed.demo_history_days),
        });
        let server = run(listener, pool, settings, clock)?;
        Ok(Self { port, server, worker, portal, history, alerts: settings.alerts.scheduler })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until stopped. The delivery worker, the reorganisation scheduler and the demo history
    /// start beside the server: requests are answered while the history is being made.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        if let Some(w) = self.worker {
            tokio::spawn(crate::services::reorganise::run_scheduler(w.pool.clone(), w.clock.clone()));
            if self.alerts {
                tokio::spawn(crate::services::alerts::run_scheduler(
                    w.pool.clone(),
                    w.clock.clone(),
                    crate::services::alerts::SCHEDULE_EVERY,
                ));
            }
            tokio::spawn(w.run());
        }
        if let Some(p) = self.portal {
            tokio::spawn(p.run());
        }
        if let Some(h) = self.history {
            crate::services::demo::spawn_history(h.pool, h.links, h.clock.now(), h.days);
        }
        self.server.await
    }
}

fn run(listener: TcpListener, pool: Pool, settings: &Settings, clock: Clock) -> anyhow::Result<Server> {
    let port = listener.local_addr()?.port();
    let context = web::Data::new(crate::http::context::AppContext {
        pool,
        clock,
        links: settings.links(port),
        keys: JwtKeys::new(&settings.auth),
        policy: crate::services::dossiers::SubmissionPolicy {
            max_pending_per_account: settings.submissions.max_pending_per_account,
        },
        limits: crate::services::throttle::Limits::new(&settings.throttle, &settings.lookup),
        proxies: crate::http::client::TrustedProxies::parse(&settings.server.trusted_proxies)?,
        portal: settings.portal.clone(),
        synonyms: std::sync::Arc::new(seed::synonyms(&settings.seed.dir)?),
        privacy: settings.privacy,
    });
    let workers = settings.server.workers;
    let mut server = HttpServer::new(move || {
        App::new()
            .wrap(actix_web::middleware::from_fn(crate::http::boundary::guard))
            .wrap(TracingLogger::<PrivacyRootSpan>::new())
            .app_data(context.clone())
            .configure(routes::configure)
    })
    .shutdown_timeout(5);
    if let Some(w) = workers {
        server = server.workers(w);
    }
    Ok(server.listen(listener)?.run())
}
