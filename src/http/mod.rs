//! HTTP: JSON API handlers (`api`), page handlers (`pages`), the route table that places both
//! (`routes`) and the request-level plumbing they share.
pub mod api;
pub mod boundary;
pub mod client;
pub mod context;
pub mod files;
pub mod pages;
pub mod routes;
