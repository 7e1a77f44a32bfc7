use crate::http::context::AppContext;
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};

use chrono::{NaiveDateTime, Timelike};

use super::dossiers::rfc3339;
use crate::error::AppError;
use crate::http::client::ClientAddr;
use crate::services::lookup::{self, Proof};

/// The public lookup shows times to the minute (RFC 3339, Vietnam time): the exact moment of a
/// step is no one's business but the office's.
fn to_minute(t: NaiveDateTime) -> String {
    rfc3339(t.with_second(0).and_then(|t| t.with_nanosecond(0)).unwrap_or(t))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ProofParams {
    /// The PIN printed on the receipt.
    pub pin: Option<String>,
    /// The phone number given at intake.
    pub phone: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct LookupHistory {
    pub at: String,
    /// What the step was, in words: the procedure's step the dossier moved into ("Thẩm định hồ
    /// sơ", "Trả kết quả"…) or what was done ("Phê duyệt", "Yêu cầu bổ sung, hoàn thiện hồ sơ"…).
    pub step: String,
    /// The agency the dossier was at after this step.
    pub agency: String,
    pub status: String,
    pub status_code: i32,
}

/// One line of the deadline ledger: an event that set, paused, restarted or moved the due date.
#[derive(Serialize, utoipa::ToSchema)]
pub struct LedgerLine {
    pub at: String,
    /// `submitted_online`, `intake_supplement`, `clock_started`, `awaiting_handover`,
    /// `competent_received`, `paused`, `restarted`, `extended`, `consulted`, `finished`,
    /// `withdrawn`, `stopped` or `not_received`.
    pub event: String,
    /// The event in words.
    pub label: String,
    /// The date in force after the event (to the minute); null while the clock has not started or
    /// is paused, and once the dossier is closed.
    pub due_at: Option<String>,
    /// Which date `due_at` is: `statutory` (what statistics judge against), `promised` (the
    /// apology's new date) or `handover` (a boundary-free dossier's handover deadline); null with it.
    pub due_kind: Option<String>,
    /// Why, in plain Vietnamese: the 15:00 rule, the days off crossed, the pause, the restart…
    pub explanation: String,
    /// The rule it follows (decree, article).
    pub rule: String,
}

/// The ledger's lines as the API and the pages give them.
pub fn ledger_lines(ledger: &[crate::domain::ledger::LedgerEntry]) -> Vec<LedgerLine> {
    ledger
        .iter()
        .map(|l| LedgerLine {
            at: to_minute(l.at.naive_utc()),
            event: l.kind.as_str().to_string(),
            label: l.kind.label_vi().to_string(),
            due_at: l.due_at.map(|t| to_minute(t.naive_utc())),
            due_kind: l.due_kind.map(|k| k.as_str().to_string()),
            explanation: l.explanation.clone(),
            rule: l.rule.clone(),
        })
        .collect()
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct LookupDetail {
    /// Missing documents, refusal reasons, the apology's reason: what the applicant needs to act.
    #[schema(value_type = Vec<Object>)]
    pub notices: Vec<serde_json::Value>,
    pub documents: Vec<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct LookupView {
    /// Null until a clerk receives the dossier (the code is issued at receipt).
    pub code: Option<String>,
    /// The submission's reference; looks the dossier up as well as its code does.
    pub reference: String,
    pub procedure_name: String,
    pub status: String,
    pub status_code: i32,
    pub status_label: String,
    pub received_at: Option<String>,
    pub due_at: Option<String>,
    pub finished_at: Option<String>,
    /// The agency handling it now; null once nobody does (returned, withdrawn, stopped, not received).
    pub current_agency: Option<String>,
    /// `early`, `on_time` or `late` once finished (against the statutory date); while open,
    /// `in_time` or `overdue` against the date promised; null otherwise.
    pub timeliness: Option<String>,
    /// The same in words: Trước hạn, Đúng hạn, Quá hạn, Còn hạn, Đã quá hạn hẹn trả.
    pub timeliness_label: Option<String>,
    pub history: Vec<LookupHistory>,
    /// The deadline ledger: every event that set, paused, restarted or moved the due date, with
    /// the date it produced and the rule it follows (no personal data, no reasons).
    pub ledger: Vec<LedgerLine>,
    /// Present only with a matching PIN or phone number.
    pub detail: Option<LookupDetail>,
    /// Present only with a matching PIN or phone number: who among staff read the dossier's
    /// personal data (issue 17 item 2). Absent without a proof.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accesses: Option<super::accesses::AccessesView>,
}

/// Public lookup by dossier code (or submission reference): status, dates (to the minute), where it
/// is, and its history; no personal data. At most `lookup.max_per_minute` lookups per client address
/// (429 `too_many_lookups`, with `Retry-After`); wrong proofs are throttled per dossier and client
/// (429 `too_many_attempts`).
#[utoipa::path(get, path = "/api/v1/lookup/{code}", tag = "public", params(("code" = String, Path), ProofParams),
    responses((status = 200, body = LookupView), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
              (status = 429, body = crate::error::ErrorBody)))]
pub async fn lookup(
    ctx: web::Data<AppContext>,
    client: ClientAddr,
    code: web::Path<String>,
    params: web::Query<ProofParams>,
) -> Result<HttpResponse, AppError> {
    let p = params.into_inner();
    let proof = Proof { pin: p.pin, phone: p.phone };
    let r = lookup::lookup(&ctx.pool, &ctx.limits, client, code.into_inner(), proof, ctx.clock.now()).await?;
    let row = &r.row;
    let detail = r.verified.then(|| LookupDetail {
        notices: r
            .history
            .iter()
            .filter_map(|(e, _)| {
                e.details.as_deref().and_then(|d| serde_json::from_str::<serde_json::Value>(d).ok()).map(|mut d| {
                    d["action"] = e.action.clone().into();
                    d["at"] = to_minute(e.at).into();
                    d
                })
            })
            .filter(|d| d["action"] != "intake")
            .collect(),
        documents: serde_json::from_str(&row.documents).unwrap_or_default(),
    });
    Ok(HttpResponse::Ok().json(LookupView {
        code: row.code.clone(),
        reference: row.reference.clone(),
        procedure_name: r.procedure_name.clone(),
        status: row.status.as_str().to_string(),
        status_code: row.status.national_code(),
        status_label: row.status_label().to_string(),
        received_at: row.received_at.map(to_minute),
        due_at: row.promised_due_at().map(to_minute),
        finished_at: row.finished_at.map(to_minute),
        current_agency: r.handling_agency().map(str::to_string),
        timeliness: r.standing().map(|(k, _)| k.to_string()),
        timeliness_label: r.standing().map(|(_, l)| l.to_string()),
        history: r
            .history
            .iter()
            .zip(&r.steps)
            .map(|((e, agency), step)| LookupHistory {
                at: to_minute(e.at),
                step: step.clone(),
                agency: agency.clone(),
                status: e.status.as_str().to_string(),
                status_code: e.status_code,
            })
            .collect(),
        ledger: ledger_lines(&r.ledger),
        detail,
        accesses: owner_accesses(&ctx, &r),
    }))
}

/// The staff reads shown to the applicant who proved ownership, under the deployment's policy.
fn owner_accesses(ctx: &AppContext, r: &lookup::LookupResult) -> Option<super::accesses::AccessesView> {
    let show = ctx.privacy.show_staff_names_to_owner;
    r.accesses.clone().map(|a| a.under_policy(show).into())
}
