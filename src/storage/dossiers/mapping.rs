//! Stored dossiers ↔ the domain: the column encodings of domain values (read through diesel's
//! `deserialize_as`), the row → [`Dossier`] mapping and the changes an action writes back.
use chrono::{DateTime, NaiveDateTime, Utc};

use super::{DossierChanges, DossierRow, EventRow, NewDossier, NewEvent};
use crate::domain::calendar::Timeliness;
use crate::domain::department::DepartmentKey;
use crate::domain::dossier::{Channel, Decision, Dossier, Handover, Route, RoutedStep, Status, SupplementStage};
use crate::domain::feedback::{FeedbackKind, FeedbackStatus};
use crate::domain::intake_boundary::ResultDelivery;
use crate::domain::{AgencyCode, Role, TimeLimit, TimeUnit};

/// A stored value that is not one the domain knows (a row written by hand, or a newer version).
#[derive(Debug, thiserror::Error)]
#[error("the stored {what} `{value}` is not valid")]
pub struct BadColumn {
    pub what: &'static str,
    pub value: String,
}

fn bad(what: &'static str, value: &str) -> BadColumn {
    BadColumn { what, value: value.chars().take(60).collect() }
}

/// A dossier's resolved route as stored ([`Route::to_stored`]).
#[derive(Debug, Clone, PartialEq)]
pub struct StoredRoute(pub Vec<RoutedStep>);

impl StoredRoute {
    /// The agency of the step after `step`, if any.
    pub fn agency_after(&self, step: usize) -> Option<&AgencyCode> {
        self.0.get(step + 1).map(|s| &s.agency)
    }
}

impl TryFrom<String> for StoredRoute {
    type Error = BadColumn;
    fn try_from(s: String) -> Result<Self, BadColumn> {
        Route::parse_stored(&s).map(|r| StoredRoute(r.into_steps())).map_err(|_| bad("route", &s))
    }
}

impl From<&StoredRoute> for String {
    fn from(r: &StoredRoute) -> String {
        Route::new(r.0.clone()).to_stored()
    }
}

/// A nullable text column, read before it becomes an optional domain value.
#[derive(Debug)]
pub struct OptText(pub Option<String>);

impl<DB> diesel::Queryable<diesel::sql_types::Nullable<diesel::sql_types::Text>, DB> for OptText
where
    DB: diesel::backend::Backend,
    Option<String>: diesel::deserialize::FromStaticSqlRow<diesel::sql_types::Nullable<diesel::sql_types::Text>, DB>,
{
    type Row = Option<String>;
    fn build(row: Option<String>) -> diesel::deserialize::Result<Self> {
        Ok(OptText(row))
    }
}

macro_rules! text_column {
    ($ty:ty, $what:literal, $parse:expr, $show:expr) => {
        impl TryFrom<String> for $ty {
            type Error = BadColumn;
            fn try_from(s: String) -> Result<Self, BadColumn> {
                let parse: fn(&str) -> Option<$ty> = $parse;
                parse(&s).ok_or_else(|| bad($what, &s))
            }
        }
        impl TryFrom<OptText> for Option<$ty> {
            type Error = BadColumn;
            fn try_from(s: OptText) -> Result<Self, BadColumn> {
                s.0.map(<$ty>::try_from).transpose()
            }
        }
        impl $ty {
            /// The value as stored in its column.
            pub fn stored(self) -> &'static str {
                let show: fn($ty) -> &'static str = $show;
                show(self)
            }
        }
    };
}

text_column!(Status, "status", Status::parse, Status::as_str);
text_column!(FeedbackKind, "feedback kind", FeedbackKind::parse, FeedbackKind::as_str);
text_column!(FeedbackStatus, "feedback status", FeedbackStatus::parse, FeedbackStatus::as_str);
text_column!(Channel, "channel", Channel::parse, Channel::as_str);
text_column!(Decision, "decision", Decision::parse, Decision::as_str);
text_column!(ResultDelivery, "result delivery", ResultDelivery::parse, ResultDelivery::as_str);
text_column!(TimeUnit, "time unit", |s| s.parse().ok(), TimeUnit::as_str);
text_column!(
    Timeliness,
    "timeliness",
    |s| [Timeliness::Early, Timeliness::OnTime, Timeliness::Late].into_iter().find(|t| t.as_str() == s),
    Timeliness::as_str
);
text_column!(
    SupplementStage,
    "supplement stage",
    |s| match s {
        "intake" => Some(SupplementStage::Intake),
        "appraisal" => Some(SupplementStage::Appraisal),
        _ => None,
    },
    |s| match s {
        SupplementStage::Intake => "intake",
        SupplementStage::Appraisal => "appraisal",
    }
);

impl TryFrom<String> for Role {
    type Error = BadColumn;
    fn try_from(s: String) -> Result<Self, BadColumn> {
        s.parse().map_err(|_| bad("role", &s))
    }
}

impl TryFrom<String> for AgencyCode {
    type Error = BadColumn;
    fn try_from(s: String) -> Result<Self, BadColumn> {
        AgencyCode::parse(&s).map_err(|_| bad("agency code", &s))
    }
}

impl TryFrom<OptText> for Option<AgencyCode> {
    type Error = BadColumn;
    fn try_from(s: OptText) -> Result<Self, BadColumn> {
        s.0.map(AgencyCode::try_from).transpose()
    }
}

impl TryFrom<String> for DepartmentKey {
    type Error = BadColumn;
    fn try_from(s: String) -> Result<Self, BadColumn> {
        DepartmentKey::parse(&s).map_err(|_| bad("department key", &s))
    }
}

impl TryFrom<OptText> for Option<DepartmentKey> {
    type Error = BadColumn;
    fn try_from(s: OptText) -> Result<Self, BadColumn> {
        s.0.map(DepartmentKey::try_from).transpose()
    }
}

fn naive(t: Option<DateTime<Utc>>) -> Option<NaiveDateTime> {
    t.map(|t| t.naive_utc())
}

fn utc(t: Option<NaiveDateTime>) -> Option<DateTime<Utc>> {
    t.map(|t| t.and_utc())
}

impl DossierRow {
    /// The domain view of the stored dossier.
    pub fn to_domain(&self) -> Dossier {
        Dossier {
            status: self.status,
            channel: self.channel,
            receiving_agency: self.receiving_agency.clone(),
            current_agency: self.current_agency.clone(),
            current_step: self.current_step as usize,
            route: self.route.0.clone(),
            limit: TimeLimit { value: self.limit_value as u32, unit: self.limit_unit },
            submitted_at: self.submitted_at.and_utc(),
            received_at: utc(self.received_at),
            clock_started_at: utc(self.clock_started_at),
            due_at: utc(self.due_at),
            extended_due_at: utc(self.extended_due_at),
            step_started_at: utc(self.step_started_at),
            step_due_at: utc(self.step_due_at),
            supplement_stage: self.supplement_stage,
            intake_supplements: self.intake_supplements as u32,
            appraisal_supplements: self.appraisal_supplements as u32,
            extensions: self.extensions as u32,
            decision: self.decision,
            finished_at: utc(self.finished_at),
            timeliness: self.timeliness,
            returned_at: utc(self.returned_at),
            competent_agency: self.competent_agency.clone(),
            handover_due_at: utc(self.handover_due_at),
            competent_received_at: utc(self.competent_received_at),
            current_department: self.current_department.clone(),
        }
    }

    /// The counter that hands the result back ([`Dossier::counter`]).
    pub fn counter(&self) -> &AgencyCode {
        self.route.0.last().map(|s| &s.agency).unwrap_or(&self.receiving_agency)
    }

    /// The date promised to the applicant (the apology's new date if one was issued), as stored.
    pub fn promised_due_at(&self) -> Option<NaiveDateTime> {
        self.to_domain().promised_due_at().map(|t| t.naive_utc())
    }

    /// The row after `d`'s changes, at `row_version`.
    pub fn with(&self, d: &Dossier, row_version: i32) -> DossierRow {
        let c = DossierChanges::of(d, row_version);
        DossierRow {
            current_agency: d.current_agency.clone(),
            status: d.status,
            status_code: c.status_code,
            current_step: c.current_step,
            received_at: c.received_at,
            clock_started_at: c.clock_started_at,
            due_at: c.due_at,
            extended_due_at: c.extended_due_at,
            step_started_at: c.step_started_at,
            step_due_at: c.step_due_at,
            supplement_stage: d.supplement_stage,
            intake_supplements: c.intake_supplements,
            appraisal_supplements: c.appraisal_supplements,
            extensions: c.extensions,
            decision: d.decision,
            finished_at: c.finished_at,
            timeliness: d.timeliness,
            returned_at: c.returned_at,
            handover_due_at: c.handover_due_at,
            competent_received_at: c.competent_received_at,
            current_department: d.current_department.clone(),
            row_version,
            ..self.clone()
        }
    }
}

impl DossierChanges {
    /// What an action writes back: the dossier's state `d`, at `row_version`.
    pub fn of(d: &Dossier, row_version: i32) -> DossierChanges {
        DossierChanges {
            current_agency: d.current_agency.to_string(),
            status: d.status.stored().to_string(),
            status_code: d.status.national_code(),
            current_step: d.current_step as i32,
            received_at: naive(d.received_at),
            clock_started_at: naive(d.clock_started_at),
            due_at: naive(d.due_at),
            extended_due_at: naive(d.extended_due_at),
            step_started_at: naive(d.step_started_at),
            step_due_at: naive(d.step_due_at),
            supplement_stage: d.supplement_stage.map(|s| s.stored().to_string()),
            intake_supplements: d.intake_supplements as i32,
            appraisal_supplements: d.appraisal_supplements as i32,
            extensions: d.extensions as i32,
            decision: d.decision.map(|x| x.stored().to_string()),
            finished_at: naive(d.finished_at),
            timeliness: d.timeliness.map(|t| t.stored().to_string()),
            returned_at: naive(d.returned_at),
            handover_due_at: naive(d.handover_due_at),
            competent_received_at: naive(d.competent_received_at),
            current_department: d.current_department.as_ref().map(|k| k.to_string()),
            row_version,
        }
    }
}

impl From<&DossierRow> for NewDossier {
    fn from(r: &DossierRow) -> NewDossier {
        NewDossier {
            id: r.id.clone(),
            code: r.code.clone(),
            reference: r.reference.clone(),
            procedure_id: r.procedure_id.clone(),
            procedure_code: r.procedure_code.clone(),
            receiving_agency: r.receiving_agency.to_string(),
            current_agency: r.current_agency.to_string(),
            channel: r.channel.stored().to_string(),
            status: r.status.stored().to_string(),
            status_code: r.status.national_code(),
            current_step: r.current_step,
            route: String::from(&r.route),
            limit_value: r.limit_value,
            limit_unit: r.limit_unit.stored().to_string(),
            documents: r.documents.clone(),
            citizen_user_id: r.citizen_user_id.clone(),
            pin: r.pin.clone(),
            submitted_at: r.submitted_at,
            received_at: r.received_at,
            clock_started_at: r.clock_started_at,
            due_at: r.due_at,
            extended_due_at: r.extended_due_at,
            step_started_at: r.step_started_at,
            step_due_at: r.step_due_at,
            supplement_stage: r.supplement_stage.map(|s| s.stored().to_string()),
            intake_supplements: r.intake_supplements,
            appraisal_supplements: r.appraisal_supplements,
            extensions: r.extensions,
            decision: r.decision.map(|d| d.stored().to_string()),
            finished_at: r.finished_at,
            timeliness: r.timeliness.map(|t| t.stored().to_string()),
            returned_at: r.returned_at,
            row_version: r.row_version,
            competent_agency: r.competent_agency.as_ref().map(|c| c.to_string()),
            handover_due_at: r.handover_due_at,
            competent_received_at: r.competent_received_at,
            result_delivery: r.result_delivery.stored().to_string(),
            current_department: r.current_department.as_ref().map(|k| k.to_string()),
            source: r.source.clone(),
        }
    }
}

impl EventRow {
    /// The control-sheet row of a handover.
    pub fn of(
        dossier_id: &str,
        seq: i32,
        h: &Handover,
        actor: (&str, Role),
        note: Option<String>,
        details: Option<serde_json::Value>,
    ) -> EventRow {
        EventRow {
            dossier_id: dossier_id.to_string(),
            seq,
            at: h.at.naive_utc(),
            action: h.action.to_string(),
            actor_user_id: Some(actor.0.to_string()),
            actor_role: actor.1,
            from_agency: h.from_agency.clone(),
            to_agency: h.to_agency.clone(),
            status: h.status,
            status_code: h.status.national_code(),
            step_due_at: h.step_due_at.map(|t| t.naive_utc()),
            step_timeliness: h.step_timeliness,
            note,
            details: details.map(|d| d.to_string()),
            due_at: h.due_at.map(|t| t.naive_utc()),
            extended_due_at: h.extended_due_at.map(|t| t.naive_utc()),
        }
    }

    /// The row in its stored encoding.
    pub fn to_insert(&self) -> NewEvent<'_> {
        NewEvent {
            dossier_id: &self.dossier_id,
            seq: self.seq,
            at: self.at,
            action: &self.action,
            actor_user_id: self.actor_user_id.as_deref(),
            actor_role: self.actor_role.as_str(),
            from_agency: self.from_agency.as_str(),
            to_agency: self.to_agency.as_str(),
            status: self.status.stored(),
            status_code: self.status_code,
            step_due_at: self.step_due_at,
            step_timeliness: self.step_timeliness.map(Timeliness::stored),
            note: self.note.as_deref(),
            details: self.details.as_deref(),
            due_at: self.due_at,
            extended_due_at: self.extended_due_at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_round_trip_through_their_column() {
        let stored = "000.01.31.H12:1,000.00.31.H12:7,000.01.31.H12:2".to_string();
        let route = StoredRoute::try_from(stored.clone()).unwrap();
        assert_eq!(route.0.len(), 3);
        assert_eq!(route.0[1].time_share, 7);
        assert_eq!(route.agency_after(0).map(|a| a.as_str()), Some("000.00.31.H12"));
        assert_eq!(route.agency_after(2), None);
        assert_eq!(String::from(&route), stored);
        assert!(StoredRoute::try_from("000.01.31.H12".to_string()).is_err());
    }

    #[test]
    fn unknown_stored_values_are_refused_not_guessed() {
        assert_eq!(Status::try_from("returned".to_string()).unwrap(), Status::Returned);
        assert!(Status::try_from("archived".to_string()).is_err());
        assert_eq!(Option::<Timeliness>::try_from(OptText(None)).unwrap(), None);
        assert_eq!(Option::<Timeliness>::try_from(OptText(Some("late".into()))).unwrap(), Some(Timeliness::Late));
        assert!(Option::<Decision>::try_from(OptText(Some("maybe".into()))).is_err());
        for s in [SupplementStage::Intake, SupplementStage::Appraisal] {
            assert_eq!(SupplementStage::try_from(s.stored().to_string()).unwrap(), s);
        }
        assert!(AgencyCode::try_from("not a code".to_string()).is_err());
    }
}
