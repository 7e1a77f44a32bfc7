//! motcua: the electronic one-stop-shop case system (một cửa điện tử) for a Vietnamese province.
pub mod auth;
pub mod bench;
pub mod bench_login;
pub mod bench_requests;
pub mod cli;
pub mod clock;
pub mod configuration;
pub mod domain;
pub mod error;
pub mod forms;
pub mod http;
pub mod notifications;
pub mod services;
pub mod startup;
pub mod storage;
pub mod telemetry;
