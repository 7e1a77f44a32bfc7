use anyhow::Context;
use clap::Parser;

use motcua::cli::{Cli, Command, PortalCommand, UserCommand};
use motcua::configuration::{Environment, Settings};
use motcua::services::{seed, users};
use motcua::storage::connection;
use motcua::{startup, telemetry};

fn main() -> std::process::ExitCode {
    match real_main() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("motcua: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn real_main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let environment = match std::env::var("MOTCUA_ENV") {
        Ok(v) => v.parse()?,
        Err(_) => Environment::Local,
    };
    let mut settings = Settings::load(cli.config_dir.as_deref(), environment)?;
    if let Some(url) = &cli.database {
        settings.database.url = url.clone();
    }
    if matches!(cli.command, Some(Command::BenchRequests { .. })) {
        settings.telemetry.filter = "warn".into(); // the server runs in this process: no line per request
    }
    telemetry::init(&settings.telemetry);
    match cli.command.unwrap_or(Command::Serve { bind: None }) {
        Command::Serve { bind } => {
            if let Some(bind) = bind {
                settings.server.bind = bind;
            }
            serve(settings)
        }
        Command::Worker => {
            settings.check()?;
            let pool = startup::connect(&settings)?;
            startup::prepare_database(&settings, &pool)?;
            // The SMTP connection pool needs the runtime it will run on: build the worker inside it.
            actix_web::rt::System::new().block_on(async move {
                let clock = motcua::clock::Clock::System;
                if let Some(portal) = startup::portal_worker(&settings, pool.clone(), clock.clone())? {
                    actix_web::rt::spawn(portal.run());
                    println!("portal worker running ({})", settings.portal.url.as_deref().unwrap_or_default());
                }
                let worker = startup::worker(&settings, pool, clock)?;
                actix_web::rt::spawn(motcua::services::reorganise::run_scheduler(
                    worker.pool.clone(),
                    worker.clock.clone(),
                ));
                if settings.alerts.scheduler {
                    actix_web::rt::spawn(motcua::services::alerts::run_scheduler(
                        worker.pool.clone(),
                        worker.clock.clone(),
                        motcua::services::alerts::SCHEDULE_EVERY,
                    ));
                }
                println!("notification worker, reorganisation scheduler and alert rules running");
                worker.run().await;
                Ok(())
            })
        }
        Command::Migrate => {
            let pool = startup::connect(&settings)?;
            let mut conn = pool.get()?;
            let n = connection::with_schema_lock(&mut conn, connection::run_migrations)?;
            println!("{n} migrations applied");
            Ok(())
        }
        Command::Seed { no_demo } => {
            settings.check()?;
            let demo = settings.seed.demo && !no_demo;
            let pool = startup::connect(&settings)?;
            let mut conn = pool.get()?;
            let report = connection::with_schema_lock(&mut conn, |conn| {
                connection::run_migrations(conn)?;
                seed::load(conn, &settings.seed.dir, demo, motcua::clock::Clock::System.now())
            })?;
            println!("seeds loaded: {report}");
            Ok(())
        }
        Command::Reorganise { plan, dry_run } => {
            let text = std::fs::read_to_string(&plan).with_context(|| format!("cannot read {}", plan.display()))?;
            let pool = startup::connect(&settings)?;
            let mut conn = pool.get()?;
            connection::with_schema_lock(&mut conn, connection::run_migrations)?;
            let now = motcua::clock::Clock::System.now();
            let report = motcua::services::reorganise::load_on(&mut conn, &text, now, dry_run)
                .map_err(|e| anyhow::anyhow!("{} ({})", e, e.code()))?;
            println!("{}", serde_json::to_string_pretty(&report)?);
            Ok(())
        }
        Command::Portal { command } => {
            use motcua::services::portal::admin;
            let pool = startup::connect(&settings)?;
            let mut conn = pool.get()?;
            connection::with_schema_lock(&mut conn, connection::run_migrations)?;
            let failed = |e: motcua::error::AppError| anyhow::anyhow!("{} ({})", e, e.code());
            match command {
                PortalCommand::Reconcile { from, to, json } => {
                    let period = motcua::domain::period::Period::new(from, to)?;
                    let found = admin::reconcile_on(&mut conn, &period).map_err(failed)?;
                    if json {
                        println!("{}", serde_json::to_string_pretty(&found)?);
                    } else {
                        for d in &found {
                            println!("{}\t{}\t{}", d.code, d.kind, d.detail);
                        }
                        println!("{} differences from {from} to {to}", found.len());
                    }
                    if !found.is_empty() {
                        std::process::exit(1);
                    }
                    Ok(())
                }
                PortalCommand::Import { file, source } => {
                    use motcua::services::portal::inbound;
                    let text =
                        std::fs::read_to_string(&file).with_context(|| format!("cannot read {}", file.display()))?;
                    let items = inbound::read_feed(&text).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
                    let now = motcua::clock::Clock::System.now();
                    let (mut tally, mut bad) = (std::collections::BTreeMap::<String, usize>::new(), 0);
                    for (i, item) in items.iter().enumerate() {
                        let Some(system) = item.source.clone().or_else(|| source.clone()) else {
                            anyhow::bail!("item {} has no source: give --source or a source column", i + 1);
                        };
                        let outcome = inbound::ministry_dossier(item, &system, now)
                            .and_then(|d| motcua::services::dossiers::import_on(&mut conn, &d, now));
                        match outcome {
                            Ok((o, _)) => *tally.entry(format!("{o:?}").to_lowercase()).or_default() += 1,
                            Err(e) => {
                                bad += 1;
                                let code = item.code.as_deref().unwrap_or("?");
                                eprintln!("item {} ({code}): {e} ({})", i + 1, e.code());
                            }
                        }
                    }
                    println!("{} items: {tally:?}, {bad} refused", items.len());
                    if bad > 0 {
                        std::process::exit(1);
                    }
                    Ok(())
                }
                PortalCommand::Resend { code, from, to } => {
                    let what = match (code, from, to) {
                        (Some(code), _, _) => admin::Resend::Dossier(code),
                        (None, Some(from), Some(to)) => {
                            admin::Resend::Period(motcua::domain::period::Period::new(from, to)?)
                        }
                        _ => anyhow::bail!("name a dossier (--code) or a period (--from and --to)"),
                    };
                    let n = admin::resend_in(&mut conn, &what).map_err(failed)?;
                    println!("{n} dossiers will be sent again");
                    Ok(())
                }
            }
        }
        Command::BenchStats { dossiers, year, runs } => {
            anyhow::ensure!(dossiers > 0 && runs > 0, "--dossiers and --runs must be positive");
            let pool = startup::connect(&settings)?;
            startup::prepare_database(&settings, &pool)?;
            let mut conn = pool.get()?;
            println!("loading {dossiers} synthetic dossiers if needed, then timing {runs} runs of each path...");
            let result = motcua::bench::run(&mut conn, dossiers, year, runs)?;
            println!("{result}");
            Ok(())
        }
        Command::BenchLogin { binary, storm, rss_signins, intake, samples, seconds, no_throttle_env } => {
            let postgres = cli.database.filter(|u| u.starts_with("postgres://") || u.starts_with("postgresql://"));
            let binary = match binary {
                Some(b) => b,
                None => std::env::current_exe()?,
            };
            let opts = motcua::bench_login::Options {
                binary,
                postgres,
                storm,
                rss_signins,
                intake,
                samples,
                seconds,
                no_throttle_env,
            };
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
            let report = runtime.block_on(motcua::bench_login::run(opts))?;
            println!("{report}");
            Ok(())
        }
        Command::BenchRequests {
            open,
            home_open,
            finished,
            rounds,
            samples,
            seconds,
            lookup_connections,
            intake_clients,
            pg_log,
            out,
            bench_dir,
        } => {
            let database = cli.database.context("bench-requests needs --database postgres://…/motcua_bench1m")?;
            let opts = motcua::bench_requests::Options {
                database,
                open,
                home_open,
                finished,
                rounds,
                samples,
                seconds,
                lookup_connections,
                intake_clients,
                pg_log,
                out,
                bench_dir,
            };
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
            let report = runtime.block_on(motcua::bench_requests::run(settings, opts))?;
            println!("{report}");
            Ok(())
        }
        Command::User { command: UserCommand::Add { username, password, role, agency, full_name } } => {
            let pool = startup::connect(&settings)?;
            let mut conn = pool.get()?;
            connection::run_migrations(&mut conn)?;
            let full_name = full_name.unwrap_or_else(|| username.clone());
            let id = users::add(
                &mut conn,
                users::NewUser {
                    username: username.clone(),
                    password,
                    role,
                    agency_code: agency,
                    full_name,
                    is_demo: false,
                    department: None,
                },
                motcua::clock::Clock::System.now(),
            )
            .with_context(|| format!("cannot add user {username}"))?;
            println!("user {username} added (id {id})");
            Ok(())
        }
    }
}

fn serve(settings: Settings) -> anyhow::Result<()> {
    actix_web::rt::System::new().block_on(async move {
        // The demo history (if configured) is made in the background once serving has started.
        let app = startup::Application::build(&settings)?;
        let url = settings.public_url(app.port());
        let backend = connection::DatabaseUrl::parse(&settings.database.url)?;
        println!("motcua is serving on {url}  (database: {})", backend.redacted());
        println!(
            "  open {url}/ in a browser: the citizens' portal; {url}/dang-nhap to sign in (demo accounts in README.md)"
        );
        println!("  the API: {url}/api/v1/openapi.json  {url}/health");
        app.run_until_stopped().await?;
        Ok(())
    })
}
