//! What the printable forms need beyond the dossier's record: the letterheads of the agencies that
//! issue them, the names of the staff who signed, the dossier's number in its tracking book and
//! its procedure's fee and documents. Read only when a form is printed (five queries).
use chrono::Datelike;

use super::read::DossierRecord;
use crate::domain::calendar::to_vietnam;
use crate::error::AppError;
use crate::forms::PrintFacts;
use crate::storage::{agencies, dossiers as store, procedures, users, AnyConnection};

/// The first instant of Vietnam's year `y`, in UTC (the tracking book is opened per year).
pub fn vietnam_year_start(y: i32) -> chrono::NaiveDateTime {
    chrono::NaiveDate::from_ymd_opt(y, 1, 1).unwrap_or(chrono::NaiveDate::MIN).and_time(chrono::NaiveTime::MIN)
        - chrono::TimeDelta::hours(7)
}

/// The facts the forms of `r` print besides its record.
pub fn print_facts(conn: &mut AnyConnection, r: &DossierRecord) -> Result<PrintFacts, AppError> {
    let mut codes: Vec<String> = r.agency_names.keys().cloned().collect();
    codes.push(r.row.receiving_agency.to_string());
    codes.sort();
    codes.dedup();
    let letterheads = agencies::letterheads(conn, &codes)?;
    let mut ids: Vec<String> = r.events.iter().filter_map(|e| e.actor_user_id.clone()).collect();
    ids.sort();
    ids.dedup();
    let staff = users::full_names(conn, &ids)?;
    let book = match (r.row.received_at, r.row.code.as_deref()) {
        (Some(at), Some(code)) => {
            let year = to_vietnam(at.and_utc()).year();
            let n = store::book_number(conn, r.row.receiving_agency.as_str(), vietnam_year_start(year), at, code)?;
            Some((year, n))
        }
        _ => None,
    };
    let ((fee_vnd, fee_description), required) = procedures::fee_and_documents(conn, &r.row.procedure_id)?;
    Ok(PrintFacts {
        letterheads,
        staff,
        book,
        fee: crate::domain::labels::fee_label_vi(fee_vnd, &fee_description),
        required: required.into_iter().map(|d| (d.name, d.copies, d.original)).collect(),
    })
}
