//! Pure rules of the one-stop shop: no actix, no diesel, no I/O.
pub mod agency;
pub mod alerts;
pub mod anomalies;
pub mod applicant;
pub mod attachment;
pub mod calendar;
pub mod delay_attribution;
pub mod department;
pub mod dossier;
pub mod feedback;
pub mod indexes;
pub mod intake_boundary;
pub mod intake_latency;
pub mod labels;
pub mod notice;
pub mod period;
pub mod procedure;
pub mod regime;
pub mod reorganisation;
pub mod search;
pub mod stats;
pub mod text;
pub mod user;

pub use agency::{AgencyCode, AgencyLevel};
pub use procedure::{OnlineLevel, ProcedureCode, StepTarget, TimeLimit, TimeUnit};
pub use user::{Role, Username};
