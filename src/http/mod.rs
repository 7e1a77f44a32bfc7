//! HTTP: JSON API handlers (`api`) and the request-level plumbing shared by them.
pub mod api;
pub mod boundary;
pub mod client;
pub mod pages;
