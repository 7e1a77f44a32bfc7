//! The staff workspace: the inbox by urgency (search, filters, pages), the dossier page with only
//! the actions allowed now, and intake at the counter.
pub mod alerts;
pub mod dossier;
pub mod inbox;
pub mod intake;

pub use alerts::alerts;
pub use dossier::{act, action_label, dossier, DossierView};
pub use inbox::inbox;
pub use intake::{intake, intake_form, ApplicantValues};
