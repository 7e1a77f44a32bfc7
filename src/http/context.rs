//! The application context: everything a handler needs besides its request, built once by
//! [`crate::startup`] and handed to every handler as one `web::Data<AppContext>`. Nothing in it
//! is state that matters between requests (issue 12, item 4): the pool is shared, the clock is
//! given (tests set it), the rest is configuration.
use crate::auth::jwt::JwtKeys;
use crate::clock::Clock;
use crate::http::client::TrustedProxies;
use crate::services::dossiers::{Links, SubmissionPolicy};
use crate::services::throttle::Limits;
use crate::storage::Pool;

pub struct AppContext {
    /// The database (one check-out per request).
    pub pool: Pool,
    /// The only source of the time.
    pub clock: Clock,
    /// The public addresses the service gives out (lookup links in notices, same-site checks).
    pub links: Links,
    /// Signing and checking session tokens.
    pub keys: JwtKeys,
    /// How many online submissions an account may have waiting.
    pub policy: SubmissionPolicy,
    /// The throttles (sign-in, lookup proof, rating), counted in the database.
    pub limits: Limits,
    /// The proxies whose `X-Forwarded-For` is believed.
    pub proxies: TrustedProxies,
    /// The national portal as a peer (its address, tokens and adapter).
    pub portal: crate::configuration::PortalSettings,
    /// What the owner is shown of the staff who read their dossier (`[privacy]`).
    pub privacy: crate::configuration::PrivacySettings,
    /// The catalogue search's synonym list (`seeds/catalogue/synonyms.json`).
    pub synonyms: std::sync::Arc<crate::domain::search::Synonyms>,
}

impl AppContext {
    /// The context of the request `req` was sent in (every request has one; see `startup::run`).
    pub fn of(req: &actix_web::HttpRequest) -> Option<&AppContext> {
        req.app_data::<actix_web::web::Data<AppContext>>().map(|d| d.get_ref())
    }
}
