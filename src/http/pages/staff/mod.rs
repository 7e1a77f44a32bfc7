//! The staff workspace: the inbox by urgency (search, filters, pages), the dossier page with only
//! the actions allowed now, and intake at the counter.
pub mod dossier;
pub mod inbox;
pub mod intake;

pub use dossier::{act, action_label, dossier, DossierView};
pub use inbox::{inbox, Urgency};
pub use intake::{intake, intake_form, ApplicantValues};

pub fn channel_label(c: &str) -> &'static str {
    match c {
        "online" => "Trực tuyến",
        "postal" => "Bưu chính",
        _ => "Trực tiếp",
    }
}
