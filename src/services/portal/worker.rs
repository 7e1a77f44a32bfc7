//! The portal's delivery worker: claims a dossier that owes the portal items (never the same one as
//! another worker, on any instance), sends its owed control-sheet rows in order through the
//! configured adapter, and moves the dossier's cursor after each answer. A portal that is down or
//! slow leaves the items owed, retried with backoff and never dropped; a refusal (an error code) is
//! recorded and the next item goes on.
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::TimeDelta;

use super::{progress_item, record_item, Delivery, PortalAdapter, PortalFailure, PortalItem, RecordFacts};
use crate::clock::Clock;
use crate::configuration::{NotificationSettings, PortalSettings};
use crate::domain::dossier::Status;
use crate::error::AppError;
use crate::notifications::worker::backoff;
use crate::storage::dossiers::{self, DossierContext, EventRow, Named};
use crate::storage::portal::{self, DeliveryRow};
use crate::storage::{self, departments, users, AnyConnection, Pool};

#[derive(Clone)]
pub struct PortalWorker {
    pub id: String,
    pub pool: Pool,
    pub clock: Clock,
    adapter: Arc<dyn PortalAdapter>,
    client: reqwest::Client,
    settings: NotificationSettings,
}

/// What one dossier owes, read in one go after the claim.
struct Owed {
    ctx: DossierContext,
    events: Vec<EventRow>,
    sent_version: i32,
    generation: i32,
    attempts: i32,
    /// Staff names by user id, and department names by (agency, key).
    handlers: HashMap<String, String>,
    departments: HashMap<(String, String), String>,
}

/// One item to send: its service (`record` or `progress`), the event it belongs to, the delivery.
pub struct Owing {
    pub service: &'static str,
    pub seq: i32,
    /// The last item of its event: the cursor moves to `seq` once it is answered.
    pub closes_event: bool,
    pub delivery: Delivery,
}

/// The department a control-sheet row sent the dossier to, if it names one.
fn department_of(e: &EventRow) -> Option<String> {
    let details: serde_json::Value = serde_json::from_str(e.details.as_deref()?).ok()?;
    details.get("department")?.as_str().map(str::to_string)
}

/// Whether the portal gets the dossier's record (`DongBoHoSoMC`) with this row, before its progress
/// item: with its first row, when it is received, when its due date moves (an apology with a new
/// date), when its result is ready, and when it closes.
fn owes_record(e: &EventRow) -> bool {
    e.seq == 1
        || e.action == "receive"
        || e.action == "extend"
        || matches!(e.status, Status::ResultReady)
        || !e.status.is_open()
}

/// The idempotency key of one item: the dossier, the row, the service, and the re-send generation.
pub fn idempotency_key(dossier_id: &str, seq: i32, service: &str, generation: i32) -> String {
    match generation {
        0 => format!("{dossier_id}-{seq}-{service}"),
        g => format!("{dossier_id}-{seq}-{service}-r{g}"),
    }
}

/// The items a dossier owes, in the order they are sent: for each owed row, its record first when
/// one is owed, then its progress item.
fn owing(o: &Owed) -> Vec<Owing> {
    let row = &o.ctx.row;
    let facts = RecordFacts {
        procedure_name: &o.ctx.procedure_name,
        field: &o.ctx.procedure_field,
        applicant: &o.ctx.applicant,
    };
    let mut items = Vec::new();
    for e in o.events.iter().filter(|e| e.seq > o.sent_version) {
        let delivery = |service: &str, item: PortalItem| Delivery {
            idempotency_key: idempotency_key(&row.id, e.seq, service, o.generation),
            agency: row.receiving_agency.to_string(),
            item,
        };
        if owes_record(e) {
            let item = PortalItem::Record(record_item(row, &facts, e));
            items.push(Owing {
                service: "record",
                seq: e.seq,
                closes_event: false,
                delivery: delivery("record", item),
            });
        }
        let handler = e.actor_user_id.as_ref().and_then(|id| o.handlers.get(id)).map_or("", String::as_str);
        let department =
            department_of(e).and_then(|k| o.departments.get(&(e.to_agency.to_string(), k))).map_or("", String::as_str);
        let item = PortalItem::Progress(progress_item(row, e, handler, department));
        items.push(Owing { service: "progress", seq: e.seq, closes_event: true, delivery: delivery("progress", item) });
    }
    items
}

fn read_owed(conn: &mut AnyConnection, id: &str) -> Result<Option<Owed>, AppError> {
    let Some(ctx) = dossiers::find_with_context(conn, Named::Id(id))? else { return Ok(None) };
    let (sent_version, generation, attempts) = portal::cursor(conn, id)?;
    // Only the rows the dossier read above had: a change committed since then is the next pass's
    // (its record must be built from the row as that change left it).
    let version = ctx.row.row_version;
    let events: Vec<EventRow> =
        dossiers::events(conn, id)?.into_iter().filter(|e| e.seq > sent_version && e.seq <= version).collect();
    let ids: Vec<String> = events.iter().filter_map(|e| e.actor_user_id.clone()).collect();
    let handlers = if ids.is_empty() { HashMap::new() } else { users::full_names(conn, &ids)? };
    let mut names = HashMap::new();
    for e in &events {
        if let Some(key) = department_of(e) {
            let agency = e.to_agency.to_string();
            if let Some(dep) = departments::find(conn, &agency, &key)? {
                names.insert((agency, key), dep.name);
            }
        }
    }
    Ok(Some(Owed { ctx, events, sent_version, generation, attempts, handlers, departments: names }))
}

/// The portal's answer to one request, read by the adapter.
async fn send(client: &reqwest::Client, adapter: &dyn PortalAdapter, d: &Delivery) -> Result<String, PortalFailure> {
    let request = adapter.request(d);
    let mut r = client.post(&request.url);
    for (name, value) in &request.headers {
        r = r.header(name, value);
    }
    let answer = r.body(request.body).send().await.map_err(|e| PortalFailure::Retry(format!("unreachable: {e}")))?;
    let status = answer.status().as_u16();
    let body = answer.bytes().await.map_err(|e| PortalFailure::Retry(format!("the answer broke off: {e}")))?;
    adapter.read_answer(status, &body)?;
    Ok(String::from_utf8_lossy(&body).chars().take(500).collect())
}

impl PortalWorker {
    /// A worker for the configured portal, or None when no `portal.url` is set.
    pub fn new(
        pool: Pool,
        clock: Clock,
        portal: &PortalSettings,
        settings: NotificationSettings,
    ) -> anyhow::Result<Option<Self>> {
        let Some(adapter) = super::adapter_for(portal)? else { return Ok(None) };
        let id = format!("portal-{}-{}", std::process::id(), uuid::Uuid::new_v4().simple());
        let client = reqwest::Client::builder().timeout(Duration::from_secs(portal.timeout_secs)).build()?;
        Ok(Some(Self { id, pool, clock, adapter: Arc::from(adapter), client, settings }))
    }

    fn lease_until(&self) -> chrono::NaiveDateTime {
        self.clock.now().naive_utc() + TimeDelta::seconds(self.settings.lease_secs)
    }

    /// One pass: claims dossiers owing items and delivers them. Returns how many items were attempted.
    pub async fn run_once(&self) -> Result<usize, AppError> {
        let (now, batch) = (self.clock.now().naive_utc(), self.settings.batch);
        let due = storage::run(&self.pool, move |conn| Ok(portal::due(conn, now, batch)?)).await?;
        let mut attempted = 0;
        for id in due {
            let (worker, until, at) = (self.id.clone(), self.lease_until(), self.clock.now().naive_utc());
            let claimed = storage::run(&self.pool, {
                let id = id.clone();
                move |conn| Ok(portal::claim(conn, &id, &worker, at, until)?)
            })
            .await?;
            if claimed {
                attempted += self.deliver(id).await?;
            }
        }
        Ok(attempted)
    }

    /// Delivers what one claimed dossier owes, in order, until done or an attempt must wait.
    async fn deliver(&self, id: String) -> Result<usize, AppError> {
        let owed = storage::run(&self.pool, {
            let id = id.clone();
            move |conn| read_owed(conn, &id)
        })
        .await?;
        let Some(owed) = owed else { return Ok(0) };
        let version = owed.ctx.row.row_version;
        let mut attempted = 0;
        for item in owing(&owed) {
            attempted += 1;
            let outcome = send(&self.client, self.adapter.as_ref(), &item.delivery).await;
            let now = self.clock.now().naive_utc();
            let (taken, answer) = match outcome {
                Ok(answer) => ("taken", Some(answer)),
                Err(PortalFailure::Refused(why)) => {
                    tracing::warn!(dossier = %id, seq = item.seq, service = item.service, error = %why, "the portal refused an item");
                    ("refused", Some(why))
                }
                Err(PortalFailure::Retry(why)) => {
                    let next = now + backoff(&self.settings, owed.attempts + 1);
                    tracing::warn!(dossier = %id, seq = item.seq, attempts = owed.attempts + 1, error = %why, "portal delivery to retry");
                    let (id, worker) = (id.clone(), self.id.clone());
                    storage::run(&self.pool, move |conn| Ok(portal::failed(conn, &id, &worker, next, &why)?)).await?;
                    return Ok(attempted);
                }
            };
            let row = DeliveryRow {
                idempotency_key: item.delivery.idempotency_key.clone(),
                dossier_id: id.clone(),
                seq: item.seq,
                service: item.service.to_string(),
                item: item_json(&item.delivery.item),
                outcome: taken.to_string(),
                answer,
                delivered_at: now,
            };
            let (worker, until, closes) = (self.id.clone(), self.lease_until(), item.closes_event);
            let kept = storage::run(&self.pool, move |conn| Ok(portal::delivered(conn, &worker, &row, closes, until)?))
                .await?;
            if !kept {
                // Another worker took the dossier over (this one's lease ran out): it goes on from there.
                return Ok(attempted);
            }
        }
        let worker = self.id.clone();
        storage::run(&self.pool, move |conn| {
            portal::skip_to(conn, &id, &worker, version)?;
            portal::release(conn, &id, &worker)?;
            Ok(())
        })
        .await?;
        Ok(attempted)
    }

    /// Runs until the process stops.
    pub async fn run(self) {
        tracing::info!(worker = %self.id, adapter = self.adapter.name(), "portal worker started");
        loop {
            match self.run_once().await {
                Ok(n) if n > 0 => continue,
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "portal worker pass failed"),
            }
            tokio::time::sleep(Duration::from_millis(self.settings.poll_interval_ms)).await;
        }
    }
}

/// The item as JSON (the portal's field names), as the record of what was sent keeps it.
pub fn item_json(item: &PortalItem) -> String {
    match item {
        PortalItem::Record(r) => serde_json::to_string(r),
        PortalItem::Progress(p) => serde_json::to_string(p),
    }
    .unwrap_or_default()
}
