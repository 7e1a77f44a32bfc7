//! The integration tests, as one binary (one link instead of one per file): each module is a part
//! of the application tested through its real HTTP server, command line or database, on SQLite, or
//! on PostgreSQL when `TEST_DATABASE_URL` is set. `common` is the harness they share (the browser
//! tests, `tests/browser.rs`, a binary of their own, use it too).
//!
//! The modules run together in one process, in parallel: a test that needs the process to itself
//! (a process-wide log subscriber, the process's exit) runs its body in a child process of this
//! binary (`common::isolated`).

mod common;

mod accesses;
mod admin;
mod admin_agencies;
mod agencies_in_time;
mod anomalies;
mod api;
mod boundary;
mod boundary_free;
mod budgets_read;
mod budgets_write;
mod catalogue_search;
mod checkouts;
mod cli;
mod dashboard;
mod demo;
mod departments;
mod domain_split;
mod dossiers;
mod errors;
mod feedback;
mod forms;
mod indexes;
mod intake_latency;
mod ledger;
mod notifications;
mod one_trip;
mod oversight_alerts;
mod pages;
mod portal;
mod postgres_exit;
mod regimes;
mod reorganise;
mod routes;
mod stats;
mod stats_hierarchy;
mod stats_property;
mod storage;
mod submit_choice;
mod templates;
mod throttle;
