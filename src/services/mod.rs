//! Use cases: one function each, one transaction each.
pub mod agencies_admin;
pub mod auth;
pub mod calendar;
pub mod catalogue;
pub mod demo;
pub mod departments;
pub mod dossiers;
pub mod inbox;
pub mod lookup;
pub mod notifications;
pub mod plans;
pub mod reorganisation_plan;
pub mod reorganise;
pub mod seed;
pub mod stats;
pub mod throttle;
pub mod users;
