//! The national evaluation indexes for a selection (issue 16 item 4): TT 01/2018's evaluation, the
//! QĐ 766 index and ND 224's real-time metrics, each per unit when grouped by agency. Read from the
//! same prefix sums as Biểu II.06a (one statement for every unit) and the procedures' online levels
//! (one): the cost does not grow with dossiers. The formulas are in `domain::indexes`.
use super::{compute, select, GroupBy, Selection, StatsQuery};
use crate::auth::Caller;
use crate::domain::indexes::ProceduresByLevel;
use crate::domain::stats::ReportRow;
use crate::error::{AppError, ErrorCode};
use crate::storage::agencies::AgencyRow;
use crate::storage::AnyConnection;

/// One unit of the indexes: an agency of the selection (or the selection as a whole).
#[derive(Debug, Clone)]
pub struct IndexUnit {
    pub key: String,
    pub label: String,
    pub row: ReportRow,
    /// The current procedures the unit's level receives, by online level, and their number.
    pub procedures: ProceduresByLevel,
    pub all_procedures: i64,
}

#[derive(Debug, Clone)]
pub struct Indexes {
    pub selection: Selection,
    pub units: Vec<IndexUnit>,
    pub total: IndexUnit,
}

/// The level whose procedures an agency is judged by: its own, or every procedure for the province
/// as a whole (as the plans' indicators do).
fn receiving_level(a: &AgencyRow) -> Option<&str> {
    (a.parent_code.is_some() || a.level != "province").then_some(a.level.as_str())
}

/// The indexes' figures for a selection: the period's counters per unit (group_by `none` or
/// `agency`), and each unit's procedures by online level.
pub fn indexes_on(conn: &mut AnyConnection, caller: &Caller, q: StatsQuery) -> Result<Indexes, AppError> {
    let selection = select(conn, caller, &q)?;
    if !matches!(selection.grouping, GroupBy::None | GroupBy::Agency) {
        return Err(AppError::new(
            ErrorCode::InvalidGroupBy,
            "the indexes evaluate units: group_by is none or agency".to_string(),
        ));
    }
    let (lines, total) = compute(conn, &selection)?;
    let unit_agencies = if lines.is_empty() {
        vec![]
    } else {
        let codes: Vec<String> = lines.iter().map(|l| l.key.clone()).collect();
        crate::storage::stats::agencies_named(conn, &codes)?
    };
    let levels = crate::storage::procedures::online_levels(conn)?;
    let unit = |key: String, label: String, row: ReportRow, agency: Option<&AgencyRow>| {
        let (procedures, _) =
            crate::storage::procedures::tally_by_online_level(&levels, agency.and_then(receiving_level));
        IndexUnit { key, label, row, procedures, all_procedures: procedures.iter().sum() }
    };
    let units = lines
        .into_iter()
        .map(|l| {
            let agency = unit_agencies.iter().find(|a| a.code == l.key);
            unit(l.key, l.label, l.row, agency)
        })
        .collect();
    let total = unit(selection.agency.code.clone(), selection.agency.name.clone(), total, Some(&selection.agency));
    Ok(Indexes { selection, units, total })
}
