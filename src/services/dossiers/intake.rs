//! Intake: a dossier received at the counter (it gets its code now), or a citizen's online
//! submission (it gets a reference; the code comes when a clerk receives it, see `act`).
use chrono::{DateTime, NaiveDate, Utc};

use super::notices::{count, enqueue, Counted, Names};
use super::read::{calendar_from, DossierRecord, Surroundings};
use super::Links;
use crate::auth::Caller;
use crate::domain::applicant::Applicant;
use crate::domain::department::{self, DepartmentKey};
use crate::domain::dossier::{
    Action, Actor, Channel, Dossier, DossierCode, ElectronicId, RoutedStep, Status, SubmissionReference,
};
use crate::domain::intake_boundary::{handover_route, Competent, Placement, PlacementError, ResultDelivery};
use crate::domain::notice::{NoticeKind, Preference};
use crate::domain::{AgencyCode, AgencyLevel, ProcedureCode, Role, StepTarget, TimeLimit};
use crate::error::{AppError, ErrorCode};
use crate::storage::dossiers::{self as store, ApplicantRow, DossierContext, DossierRow, EventRow, StoredRoute};
use crate::storage::{self, agencies, departments, procedures, AnyConnection, Pool};

/// What intake asks for, as it arrives from outside.
#[derive(Debug, Clone)]
pub struct IntakeInput {
    pub procedure_code: String,
    pub channel: String,
    /// For online submissions: the agency the citizen submits to.
    pub agency_code: Option<String>,
    pub name: String,
    pub id_number: String,
    pub phone: String,
    pub email: Option<String>,
    pub address: String,
    pub documents: Vec<String>,
    /// email, sms, both or none; by default both when an email is given, else sms.
    pub notify_by: Option<String>,
}

/// What intake asks for beside [`IntakeInput`] (kept apart so that callers that do not know of
/// boundary-free intake keep building their input as before).
#[derive(Debug, Clone, Default)]
pub struct IntakeExtras {
    /// The code of the applicant's commune or ward, when the applicant names it: for boundary-free
    /// intake, the competent commune (ND 118/2025; see `domain::intake_boundary`).
    pub applicant_commune: Option<String>,
    /// counter (default), post or online: how the applicant takes the result.
    pub result_delivery: Option<String>,
    /// A clerk turns a paper dossier away at the counter: everything missing (Mẫu 02; nothing is
    /// received, no code is issued, the record is kept and the supplement brings it back).
    pub request_supplement: Option<Vec<String>>,
    /// … or refuses it as ineligible, with the reasons (Mẫu 03; national status 3).
    pub refuse_reason: Option<String>,
}

/// How many online submissions an account may have waiting for a clerk (`submissions.max_pending_per_account`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SubmissionPolicy {
    pub max_pending_per_account: u32,
}

impl Default for SubmissionPolicy {
    /// The default of `config/base.toml`.
    fn default() -> Self {
        Self { max_pending_per_account: 10 }
    }
}

/// Intake's input once checked at the boundary.
#[derive(Debug, Clone)]
pub struct Intake {
    channel: Channel,
    procedure: ProcedureCode,
    receiving: AgencyCode,
    applicant: Applicant,
    preference: Preference,
    documents: Vec<String>,
    applicant_commune: Option<AgencyCode>,
    delivery: ResultDelivery,
    /// The clerk's decision on a paper dossier not received: a supplement request or a refusal.
    turn_away: Option<Action>,
    /// Submitted on the national portal: its code there, when, and its files.
    portal: Option<PortalOrigin>,
}

/// A dossier submitted on the national portal (issue 15): it keeps the portal's code (an external
/// code scheme), its submission time is the portal's, and its files come with it, checked like uploads.
#[derive(Debug, Clone)]
pub struct PortalOrigin {
    pub code: DossierCode,
    pub submitted_at: DateTime<Utc>,
    pub files: Vec<super::files::Upload>,
}

/// Who files a portal submission's history rows and files: the portal, on the applicant's behalf.
pub const PORTAL_UPLOADER: &str = "cong-dvcqg";

impl Intake {
    /// Checks what arrives from outside against who submits it.
    pub fn parse(caller: &Caller, input: IntakeInput) -> Result<Self, AppError> {
        Self::parse_with(caller, input, IntakeExtras::default())
    }

    /// [`Intake::parse`] with the applicant's commune and the result delivery.
    pub fn parse_with(caller: &Caller, input: IntakeInput, extras: IntakeExtras) -> Result<Self, AppError> {
        let delivery = match extras.result_delivery.as_deref() {
            None => ResultDelivery::default(),
            Some(d) => ResultDelivery::parse(d).ok_or_else(|| {
                AppError::new(ErrorCode::InvalidResultDelivery, "result_delivery is counter, post or online")
            })?,
        };
        let applicant_commune = extras
            .applicant_commune
            .as_deref()
            .map(|c| AgencyCode::parse(c).map_err(|e| AppError::new(ErrorCode::InvalidApplicantCommune, e.to_string())))
            .transpose()?;
        let mut intake = Self::parse_input(caller, input)?;
        intake.applicant_commune = applicant_commune;
        intake.delivery = delivery;
        intake.turn_away = match (extras.request_supplement, extras.refuse_reason) {
            (None, None) => None,
            (Some(missing), None) => Some(Action::RequestSupplement { missing }),
            (None, Some(reason)) => Some(Action::Refuse { reason }),
            (Some(_), Some(_)) => {
                return Err(AppError::new(
                    ErrorCode::InvalidAction,
                    "a dossier at the counter is either sent back for a supplement or refused, not both",
                ))
            }
        };
        if intake.turn_away.is_some() && (intake.channel == Channel::Online || caller.role != Role::Clerk) {
            return Err(AppError::new(
                ErrorCode::InvalidAction,
                "only a clerk turns a paper dossier away at the counter; an online one is refused or sent back once submitted",
            ));
        }
        Ok(intake)
    }

    fn parse_input(caller: &Caller, input: IntakeInput) -> Result<Self, AppError> {
        let channel = Channel::parse(&input.channel).ok_or_else(|| {
            AppError::new(ErrorCode::InvalidChannel, "channel must be `direct`, `postal` or `online`")
        })?;
        let procedure = ProcedureCode::parse(&input.procedure_code)
            .map_err(|e| AppError::new(ErrorCode::InvalidProcedureCode, e.to_string()))?;
        let applicant =
            Applicant::parse(&input.name, &input.id_number, &input.phone, input.email.as_deref(), &input.address)
                .map_err(AppError::from)?;
        let preference = match input.notify_by.as_deref() {
            Some(p) => Preference::parse(p)
                .ok_or_else(|| AppError::new(ErrorCode::InvalidNotifyBy, "notify_by is email, sms, both or none"))?,
            None if applicant.email.is_some() => Preference::Both,
            None => Preference::Sms,
        };
        if preference.wants_email() && applicant.email.is_none() {
            return Err(AppError::new(ErrorCode::EmailRequired, "notices by email need the applicant's email address"));
        }
        let documents: Vec<String> = input.documents.iter().map(|d| d.trim().to_string()).collect();
        if documents.len() > 100 || documents.iter().any(|d| d.is_empty() || d.chars().count() > 300) {
            return Err(AppError::new(
                ErrorCode::InvalidDocuments,
                "list at most 100 documents, each a non-empty name of at most 300 characters",
            ));
        }
        let receiving = match (caller.role, channel) {
            (Role::Clerk, Channel::Direct | Channel::Postal) => {
                if input.agency_code.as_deref().is_some_and(|a| Some(a) != caller.agency.as_ref().map(|c| c.as_str())) {
                    return Err(AppError::new(
                        ErrorCode::NotYourAgency,
                        "a clerk receives dossiers at their own agency only",
                    ));
                }
                caller.agency.clone().expect("staff tokens carry an agency")
            }
            (Role::Citizen, Channel::Online) => {
                let code = input.agency_code.as_deref().ok_or_else(|| {
                    AppError::new(
                        ErrorCode::AgencyRequired,
                        "an online submission names the agency it is submitted to (agency_code)",
                    )
                })?;
                AgencyCode::parse(code).map_err(|e| AppError::new(ErrorCode::InvalidAgencyCode, e.to_string()))?
            }
            (Role::Clerk, Channel::Online) => {
                return Err(AppError::new(
                    ErrorCode::InvalidChannel,
                    "clerks receive dossiers in person or by post; online dossiers come from citizens",
                ))
            }
            (Role::Citizen, _) => {
                return Err(AppError::new(ErrorCode::InvalidChannel, "citizens submit online (channel `online`)"))
            }
            _ => return Err(AppError::new(ErrorCode::RoleNotAllowed, "only clerks and citizens submit dossiers")),
        };
        Ok(Self {
            channel,
            procedure,
            receiving,
            applicant,
            preference,
            documents,
            applicant_commune: None,
            delivery: ResultDelivery::default(),
            turn_away: None,
            portal: None,
        })
    }

    /// The same submission, as one made on the national portal.
    pub fn from_portal(self, origin: PortalOrigin) -> Self {
        Self { portal: Some(origin), preference: Preference::None, ..self }
    }
}

/// Resolves a procedure's route for a receiving agency: `receiving`, the agency at a level on its
/// path (`ancestors` holds it and those above it), or a named agency.
fn resolve_route(
    receiving: &agencies::AgencyRow,
    ancestors: &[agencies::AgencyRow],
    steps: &[procedures::StepRow],
) -> Result<Vec<RoutedStep>, AppError> {
    steps
        .iter()
        .map(|s| {
            let target = StepTarget::parse(&s.target).map_err(|e| AppError::Internal(e.into()))?;
            let agency = match target {
                StepTarget::Receiving => receiving.code.clone(),
                StepTarget::AncestorAt(level) => {
                    ancestors.iter().find(|a| a.level == level.as_str()).map(|a| a.code.clone()).ok_or_else(|| {
                        AppError::new(
                            ErrorCode::RouteUnresolvable,
                            format!(
                                "agency {} has no {level}-level agency above it for step `{}`",
                                receiving.code, s.name
                            ),
                        )
                    })?
                }
                StepTarget::Agency(c) => c.to_string(),
            };
            Ok(RoutedStep {
                agency: AgencyCode::parse(&agency).map_err(|e| AppError::Internal(e.into()))?,
                // As the procedure names it; `name_departments` resolves it in the agency.
                department: s.department.as_deref().and_then(|d| DepartmentKey::parse(d).ok()),
                time_share: s.time_share as u32,
            })
        })
        .collect()
}

/// Where a dossier received at `agency` on `today` goes: the competent agency when it is another
/// one (boundary-free intake, [`Placement::competent`]) and the route, resolved relative to the
/// competent agency and coming back to `agency` ([`handover_route`]); or, as before, no competent
/// agency elsewhere and the route resolved relative to `agency`.
fn place(
    conn: &mut AnyConnection,
    p: &procedures::ProcedureRow,
    steps: &[procedures::StepRow],
    agency: &agencies::AgencyRow,
    ancestors: &[agencies::AgencyRow],
    applicant_commune: Option<&AgencyCode>,
    today: chrono::NaiveDate,
) -> Result<(Option<AgencyCode>, Vec<RoutedStep>), AppError> {
    let internal = |e: String| AppError::Internal(anyhow::anyhow!(e));
    let levels: Vec<AgencyLevel> = p.receiving_levels.split(',').filter_map(|l| l.parse().ok()).collect();
    let receiving_level: AgencyLevel = agency.level.parse().map_err(|_| internal(format!("level {}", agency.level)))?;
    let receiving = AgencyCode::parse(&agency.code).map_err(|e| AppError::Internal(e.into()))?;
    // The applicant's commune: a commune-level unit of the same province, in operation today.
    let commune = match applicant_commune {
        None => None,
        Some(code) => {
            let rows = agencies::with_ancestors(conn, code.as_str())?;
            let root = |path: &str| path.trim_start_matches('/').split('/').next().unwrap_or_default().to_string();
            let row = rows.iter().find(|a| a.code == code.as_str()).cloned();
            match row {
                Some(r) if r.level == "commune" && r.valid_on(today) && root(&r.path) == root(&agency.path) => {
                    Some((r, rows))
                }
                _ => {
                    return Err(AppError::new(
                        ErrorCode::InvalidApplicantCommune,
                        format!("{code} is not a commune or ward of this province in operation on {today}"),
                    ))
                }
            }
        }
    };
    let first_named = steps.iter().skip(1).find_map(|s| match StepTarget::parse(&s.target) {
        Ok(StepTarget::Agency(c)) => Some(c),
        _ => None,
    });
    let placement = Placement {
        received_on: today,
        receiving_levels: &levels,
        first_named_agency: first_named.as_ref(),
        receiving: &receiving,
        receiving_level,
        receiving_is_centre: receiving_level == AgencyLevel::Commune || agency.kind == "service_centre",
        applicant_commune,
    };
    let competent = placement.competent().map_err(|e| match e {
        PlacementError::WrongLevel { .. } => AppError::new(
            ErrorCode::WrongReceivingLevel,
            format!(
                "procedure {} is received at {} level, not at {} ({})",
                p.code, p.receiving_levels, agency.level, agency.code
            ),
        ),
        PlacementError::ApplicantCommuneRequired => {
            AppError::new(ErrorCode::ApplicantCommuneRequired, format!("procedure {}: {e}", p.code))
        }
    })?;
    let above = |rows: &[agencies::AgencyRow], level: AgencyLevel| {
        rows.iter().find(|a| a.level == level.as_str()).map(|a| a.code.clone()).ok_or_else(|| {
            AppError::new(ErrorCode::RouteUnresolvable, format!("no {level}-level agency above {}", agency.code))
        })
    };
    let home = match competent {
        Competent::Receiving => return Ok((None, resolve_route(agency, ancestors, steps)?)),
        Competent::ApplicantCommune => {
            let (row, rows) = commune.expect("a named commune was checked above");
            return Ok((
                Some(AgencyCode::parse(&row.code).map_err(|e| AppError::Internal(e.into()))?),
                handover_route(&receiving, &resolve_route(&row, &rows, steps)?),
            ));
        }
        Competent::DistrictAbove => {
            above(commune.as_ref().map(|(_, rows)| rows.as_slice()).unwrap_or(ancestors), AgencyLevel::District)?
        }
        Competent::ProvinceAbove => above(ancestors, AgencyLevel::Province)?,
        Competent::Agency(code) => code.to_string(),
    };
    let rows = agencies::with_ancestors(conn, &home)?;
    let row = rows
        .iter()
        .find(|a| a.code == home)
        .cloned()
        .ok_or_else(|| AppError::new(ErrorCode::RouteUnresolvable, format!("no agency has the code {home}")))?;
    let competent_route = resolve_route(&row, &rows, steps)?;
    Ok((
        Some(AgencyCode::parse(&home).map_err(|e| AppError::Internal(e.into()))?),
        handover_route(&receiving, &competent_route),
    ))
}

/// The department that does each step that names one, in the step's agency on `today`: the named
/// one, or the one that took its work (renamed or closed, [`department::resolve`]); a step whose
/// department the agency does not have (or no longer has anywhere) goes to the agency as a whole.
/// One read per agency whose steps name a department.
fn name_departments(conn: &mut AnyConnection, route: &mut [RoutedStep], today: NaiveDate) -> Result<(), AppError> {
    let mut lists: Vec<(AgencyCode, Vec<department::Department>)> = Vec::new();
    for step in route.iter_mut() {
        let Some(key) = step.department.take() else { continue };
        if !lists.iter().any(|(a, _)| a == &step.agency) {
            let rows = departments::of_agency(conn, step.agency.as_str())?;
            lists.push((step.agency.clone(), rows.iter().filter_map(|r| r.to_domain()).collect()));
        }
        let list = lists.iter().find(|(a, _)| a == &step.agency).map(|(_, l)| l.as_slice()).unwrap_or_default();
        step.department = department::resolve(list, &key, today).map(|d| d.key.clone());
    }
    Ok(())
}

/// A six-digit PIN for the receipt, from the OS random source (via uuid v4).
pub(super) fn new_pin() -> String {
    let n = uuid::Uuid::new_v4().as_u128() % 1_000_000;
    format!("{n:06}")
}

/// A submission reference from the OS random source (the low 64 bits of a uuid v4 are random
/// but for the two variant bits, above the 50 the reference takes).
pub(super) fn new_reference() -> SubmissionReference {
    SubmissionReference::from_random(uuid::Uuid::new_v4().as_u128() as u64)
}

/// How a dossier received at `at` is coded, read before its transaction: under the provincial
/// scheme (TT 01/2018 Điều 19, TT 03/2025), or, for a nationwide centralised service received
/// once TT 04/2025 is in force, under its Điều 23 scheme with the deciding agency's electronic ID
/// and this system's owner digits. A nationwide service whose agency has no electronic ID
/// recorded, or a system without its owner digits, cannot be coded: `409 nationwide_code_unavailable`
/// says what to set (nothing is received meanwhile).
pub(super) enum CodeTarget {
    Provincial,
    Nationwide { deciding: AgencyCode, id: ElectronicId, owner: u8 },
}

/// What a dossier is, for its code: its procedure, where it was received, the competent agency of
/// a boundary-free intake and its route.
pub(super) struct Coded<'a> {
    pub nationwide_centralised: bool,
    pub procedure_id: &'a str,
    pub receiving: &'a AgencyCode,
    pub competent: Option<&'a AgencyCode>,
    pub route: &'a [RoutedStep],
}

pub(super) fn code_target(
    conn: &mut AnyConnection,
    links: &Links,
    d: Coded<'_>,
    at: DateTime<Utc>,
) -> Result<CodeTarget, AppError> {
    let day = crate::domain::calendar::to_vietnam(at).date_naive();
    let in_force = crate::domain::regime::nationwide_scheme_on(day).is_some();
    if !d.nationwide_centralised || !in_force {
        return Ok(CodeTarget::Provincial);
    }
    // The agency that decides: the competent one of a boundary-free intake, else the first agency
    // of the route at the procedure's competent level, else the receiving agency.
    let deciding = match d.competent {
        Some(c) => c.clone(),
        None => {
            let level = procedures::competent_level(conn, d.procedure_id)?;
            let codes: Vec<String> = d.route.iter().map(|s| s.agency.to_string()).collect();
            let at_level: Vec<String> = agencies::describe(conn, &codes)?
                .into_iter()
                .filter(|(_, l, _)| *l == level)
                .map(|(c, _, _)| c)
                .collect();
            d.route
                .iter()
                .map(|s| &s.agency)
                .find(|a| at_level.iter().any(|c| c == a.as_str()))
                .unwrap_or(d.receiving)
                .clone()
        }
    };
    let unavailable = |m: String| AppError::new(ErrorCode::NationwideCodeUnavailable, m);
    let owner = links.code_owner.ok_or_else(|| {
        unavailable(
            "this procedure is a nationwide centralised service, coded under TT 04/2025 Điều 23 with this system's \
             owner digits, which are not configured: the operator sets codes.system_owner"
                .into(),
        )
    })?;
    let id = agencies::electronic_id(conn, deciding.as_str())?.ok_or_else(|| {
        unavailable(format!(
            "this procedure is a nationwide centralised service, coded under TT 04/2025 Điều 23 with the deciding \
             agency's electronic ID, and agency {deciding} has none recorded: an administrator records it \
             (PUT /api/v1/admin/agencies/{deciding}/electronic-id)"
        ))
    })?;
    let id = ElectronicId::parse(&id).map_err(|e| AppError::Internal(e.into()))?;
    Ok(CodeTarget::Nationwide { deciding, id, owner })
}

/// The next code of a dossier received at `agency` on the day of `at` (Vietnam time), in the
/// caller's transaction, under `target` ([`code_target`]).
///
/// TT 01/2018 Điều 19: the code carries the receipt date and the agency's sequence of that day;
/// ND 61/2018 Điều 17.3: an online dossier is given it when the counter receives it. TT 04/2025
/// Điều 23: a nationwide code counts per deciding agency, system and day.
pub(super) fn issue_code(
    conn: &mut AnyConnection,
    agency: &AgencyCode,
    target: &CodeTarget,
    at: DateTime<Utc>,
) -> Result<DossierCode, AppError> {
    let day = crate::domain::calendar::to_vietnam(at).date_naive();
    let yymmdd = day.format("%y%m%d").to_string();
    let limit = |max: u32| {
        AppError::new(
            ErrorCode::DailyLimitReached,
            format!("this agency has issued the {max} dossier codes its scheme allows today"),
        )
    };
    match target {
        CodeTarget::Provincial => {
            let seq = store::next_sequence(conn, agency.as_str(), &yymmdd)?;
            // The scheme of the day's regime: 9,999 a day under TT 01/2018; growing under TT 03/2025.
            u32::try_from(seq)
                .ok()
                .and_then(|s| DossierCode::new(agency.clone(), day, s))
                .ok_or_else(|| limit(DossierCode::max_sequence(day)))
        }
        CodeTarget::Nationwide { deciding, id, owner } => {
            // Its own sequence, kept beside the deciding agency's provincial one.
            let seq = store::next_sequence(conn, deciding.as_str(), &format!("tt04-{owner:02}-{yymmdd}"))?;
            u32::try_from(seq)
                .ok()
                .and_then(|s| DossierCode::nationwide(id.clone(), day, *owner, s))
                .ok_or_else(|| limit(999_999_999))
        }
    }
}

/// Receives a dossier: at the counter (clerk; in person or by post) or online (citizen), with
/// the default [`SubmissionPolicy`].
pub async fn intake(
    pool: &Pool,
    links: &Links,
    caller: Caller,
    input: IntakeInput,
    at: DateTime<Utc>,
) -> Result<DossierRecord, AppError> {
    intake_with(pool, links, SubmissionPolicy::default(), caller, input, at).await
}

/// Receives a dossier at the counter (it gets its code now), or takes a citizen's online
/// submission (it gets only a reference; the code comes when a clerk receives it, see `act`).
pub async fn intake_with(
    pool: &Pool,
    links: &Links,
    policy: SubmissionPolicy,
    caller: impl Into<crate::auth::extractor::Who>,
    input: IntakeInput,
    at: DateTime<Utc>,
) -> Result<DossierRecord, AppError> {
    intake_full(pool, links, policy, caller, input, IntakeExtras::default(), at).await
}

/// [`intake_with`], with the applicant's commune and the result delivery ([`IntakeExtras`]).
pub async fn intake_full(
    pool: &Pool,
    links: &Links,
    policy: SubmissionPolicy,
    caller: impl Into<crate::auth::extractor::Who>,
    input: IntakeInput,
    extras: IntakeExtras,
    at: DateTime<Utc>,
) -> Result<DossierRecord, AppError> {
    let caller = caller.into();
    let intake = Intake::parse_with(caller.claimed(), input, extras)?;
    let links = links.clone();
    storage::run_as(pool, caller, move |conn, caller| intake_on(conn, &links, policy, &caller, intake, at)).await
}

/// Intake on a connection, in one transaction; the record it returns is built from what it
/// wrote (nothing is read back).
pub fn intake_on(
    conn: &mut AnyConnection,
    links: &Links,
    policy: SubmissionPolicy,
    caller: &Caller,
    input: Intake,
    at: DateTime<Utc>,
) -> Result<DossierRecord, AppError> {
    let Intake {
        channel,
        procedure: procedure_code,
        receiving,
        applicant,
        preference,
        documents,
        applicant_commune,
        delivery,
        turn_away,
        portal,
    } = input;
    let (p, steps) = procedures::current_with_steps(conn, procedure_code.as_str())?.ok_or_else(|| {
        AppError::new(ErrorCode::ProcedureNotFound, format!("no procedure has the code {procedure_code}"))
    })?;
    if channel == Channel::Online && p.online_level < 3 {
        return Err(AppError::new(
            ErrorCode::NotOfferedOnline,
            format!(
                "procedure {} is offered online at level {} only; submit it at the counter",
                p.code, p.online_level
            ),
        ));
    }
    // The agency and those above it (a step "at district level" may be the agency itself).
    let ancestors = agencies::with_ancestors(conn, receiving.as_str())?;
    let agency = ancestors
        .iter()
        .find(|a| a.code == receiving.as_str())
        .cloned()
        .ok_or_else(|| AppError::new(ErrorCode::AgencyNotFound, format!("no agency has the code {receiving}")))?;
    // A unit that a reorganisation ended receives nothing from the day after its last one.
    let today = crate::domain::calendar::to_vietnam(at).date_naive();
    if !agency.valid_on(today) {
        let after = agency.held_by.as_deref().map(|h| format!("; its successor is {h}")).unwrap_or_default();
        return Err(AppError::new(
            ErrorCode::AgencyEnded,
            format!("agency {} ({}) is not in operation on {today}{after}", agency.code, agency.name),
        ));
    }
    let (competent, mut route) = place(conn, &p, &steps, &agency, &ancestors, applicant_commune.as_ref(), today)?;
    name_departments(conn, &mut route, today)?;
    let limit = TimeLimit {
        value: p.time_limit_value as u32,
        unit: p
            .time_limit_unit
            .parse()
            .map_err(|e: crate::domain::procedure::UnknownTimeUnit| AppError::Internal(e.into()))?,
    };
    let cal = calendar_from(conn, at)?;
    let (presented, handover) =
        Dossier::presented(channel, receiving.clone(), competent, route.clone(), limit, at, &cal, turn_away.is_none())
            .map_err(AppError::from)?;
    // A paper dossier turned away at the counter: the clerk's decision is its second history row.
    let turned = match &turn_away {
        Some(action) => {
            let actor = Actor { role: caller.role, agency: caller.agency.clone(), is_owner: false };
            Some(presented.apply(action, &actor, at, &cal).map_err(AppError::from)?)
        }
        None => None,
    };
    let dossier = turned.as_ref().map(|(d, _)| d.clone()).unwrap_or(presented);
    let version = if turned.is_some() { 2 } else { 1 };
    let target = match dossier.received_at {
        Some(_) => {
            let coded = Coded {
                nationwide_centralised: p.nationwide_centralised,
                procedure_id: &p.id,
                receiving: &receiving,
                competent: dossier.competent_agency.as_ref(),
                route: &route,
            };
            code_target(conn, links, coded, at)?
        }
        None => CodeTarget::Provincial,
    };
    let id = uuid::Uuid::now_v7().to_string();
    let reference = new_reference();
    let written = crate::storage::transaction(conn, |conn| {
        // Each branch starts with a write, so SQLite takes its lock up front.
        let code = if dossier.received_at.is_some() {
            Some(issue_code(conn, &receiving, &target, at)?)
        } else if channel != Channel::Online {
            // Turned away at the counter: nothing is received, no code is taken.
            None
        } else if let Some(origin) = &portal {
            // Submitted on the national portal: it keeps the portal's code.
            Some(origin.code.clone())
        } else {
            // Not received: no code is taken. The account's pending submissions are counted under
            // its row lock, so two submissions at once (on two instances) cannot both pass.
            if !store::lock_user(conn, &caller.user_id)? {
                return Err(AppError::new(ErrorCode::UnknownUser, "your account no longer exists"));
            }
            let pending = store::count_pending_submissions(conn, &caller.user_id)?;
            if pending >= i64::from(policy.max_pending_per_account) {
                return Err(AppError::new(
                    ErrorCode::TooManyPendingSubmissions,
                    format!(
                        "this account already has {pending} online submissions that no clerk has received yet \
                         (at most {}); wait until they are received, or withdraw one",
                        policy.max_pending_per_account
                    ),
                ));
            }
            None
        };
        let blank = DossierRow {
            id: id.clone(),
            code: code.as_ref().map(|c| c.to_string()),
            reference: reference.to_string(),
            procedure_id: p.id.clone(),
            procedure_code: p.code.clone(),
            receiving_agency: receiving.clone(),
            current_agency: receiving.clone(),
            channel,
            status: dossier.status,
            status_code: dossier.status.national_code(),
            current_step: 0,
            route: StoredRoute(route.clone()),
            limit_value: p.time_limit_value,
            limit_unit: limit.unit,
            documents: serde_json::to_string(&documents).expect("strings serialise"),
            citizen_user_id: (caller.role == Role::Citizen && portal.is_none()).then(|| caller.user_id.clone()),
            pin: new_pin(),
            submitted_at: portal.as_ref().map_or(at, |o| o.submitted_at).naive_utc(),
            received_at: None,
            clock_started_at: None,
            due_at: None,
            extended_due_at: None,
            step_started_at: None,
            step_due_at: None,
            supplement_stage: None,
            intake_supplements: 0,
            appraisal_supplements: 0,
            extensions: 0,
            decision: None,
            finished_at: None,
            timeliness: None,
            returned_at: None,
            row_version: 1,
            competent_agency: dossier.competent_agency.clone(),
            handover_due_at: None,
            competent_received_at: None,
            result_delivery: delivery,
            current_department: None,
            source: if portal.is_some() { "portal" } else { "motcua" }.to_string(),
        };
        let row = blank.with(&dossier, version);
        let applicant = ApplicantRow {
            dossier_id: id.clone(),
            name: applicant.name.clone(),
            id_number: applicant.id_number.clone(),
            phone: applicant.phone.clone(),
            email: applicant.email.clone(),
            address: applicant.address.clone(),
            notify_by: preference.as_str().to_string(),
        };
        store::insert(conn, &row, &applicant)?;
        for f in portal.iter().flat_map(|o| &o.files) {
            use sha2::Digest;
            store::insert_file(
                conn,
                &store::FileRow {
                    id: uuid::Uuid::now_v7().to_string(),
                    dossier_id: id.clone(),
                    file_name: f.file_name.clone(),
                    content_type: f.content_type.clone(),
                    size_bytes: f.content.len() as i64,
                    sha256: format!("{:x}", sha2::Sha256::digest(&f.content)),
                    content: f.content.clone(),
                    uploaded_at: at.naive_utc(),
                    uploaded_by: PORTAL_UPLOADER.to_string(),
                },
            )?;
        }
        count(conn, &Counted::new(&row, &p.field, p.online_level), None, &dossier, &cal)?;
        if dossier.status == Status::Received {
            let names = Names { procedure: &p.name, agency: &agency.name };
            enqueue(conn, links, &row, &applicant, names, NoticeKind::Received, None, at)?;
        }
        let mut event = EventRow::of(
            &id,
            1,
            &handover,
            (&caller.user_id, caller.role),
            None,
            Some(match &portal {
                Some(_) => serde_json::json!({"channel": channel.as_str(), "source": "portal"}),
                None => serde_json::json!({"channel": channel.as_str()}),
            }),
        );
        if portal.is_some() {
            // The applicant submitted on the portal: no account of this system acted.
            event.actor_user_id = None;
        }
        store::insert_event(conn, &event)?;
        let mut events = vec![event];
        if let (Some((_, h)), Some(action)) = (&turned, &turn_away) {
            let details = match action {
                Action::RequestSupplement { missing } => serde_json::json!({"missing": missing}),
                Action::Refuse { reason } => serde_json::json!({"reason": reason}),
                _ => serde_json::Value::Null,
            };
            let e = EventRow::of(&id, 2, h, (&caller.user_id, caller.role), None, Some(details.clone()));
            store::insert_event(conn, &e)?;
            let refused = dossier.status == Status::NotReceived;
            if let Some(kind) = NoticeKind::for_action(h.action, refused, refused) {
                let names = Names { procedure: &p.name, agency: &agency.name };
                enqueue(conn, links, &row, &applicant, names, kind, Some(&details), at)?;
            }
            events.push(e);
        }
        tracing::info!(
            dossier = %row.code_or_reference(),
            procedure = %p.code,
            channel = channel.as_str(),
            "dossier submitted"
        );
        Ok::<_, AppError>((row, applicant, events))
    })?;
    let (row, applicant, events) = written;
    let surroundings = Surroundings {
        events,
        names: [(agency.code.clone(), agency.name.clone())].into(),
        files: vec![],
        consultations: vec![],
        usernames: Default::default(),
        staff_names: Default::default(),
    };
    let ctx = DossierContext {
        row,
        procedure_name: p.name.clone(),
        procedure_field: p.field.clone(),
        online_level: p.online_level,
        nationwide_centralised: p.nationwide_centralised,
        applicant,
        rating: None,
        file_count: 0,
        consultation_count: 0,
    };
    surroundings.into_record(conn, ctx, caller, &cal, at)
}
