//! Layered configuration: `config/base.toml`, then `config/{local,test,production}.toml`
//! picked by `MOTCUA_ENV`, then `MOTCUA__SECTION__KEY` environment variables.
//! The result is passed explicitly; nothing reads configuration from a global.
//!
//! The four files are built into the binary too: without `--config-dir` / `MOTCUA_CONFIG_DIR` and
//! without a `config/` folder in the working directory, the built-in copies are used.
use std::fmt;
use std::path::{Path, PathBuf};

use figment::providers::{Env, Format, Toml};
use figment::Figment;
use serde::Deserialize;

/// The JWT secret shipped in `config/base.toml`; `production` refuses to start with it.
pub const DEFAULT_JWT_SECRET: &str = "insecure-development-secret-change-me";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Environment {
    Local,
    Test,
    Production,
}

impl Environment {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Local => "local",
            Self::Test => "test",
            Self::Production => "production",
        }
    }
}

impl std::str::FromStr for Environment {
    type Err = anyhow::Error;
    fn from_str(s: &str) -> anyhow::Result<Self> {
        match s {
            "local" => Ok(Self::Local),
            "test" => Ok(Self::Test),
            "production" => Ok(Self::Production),
            other => anyhow::bail!("MOTCUA_ENV is `{other}`: expected local, test or production"),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    #[serde(skip, default = "default_env")]
    pub environment: Environment,
    pub server: ServerSettings,
    pub database: DatabaseSettings,
    pub auth: AuthSettings,
    pub telemetry: TelemetrySettings,
    pub seed: SeedSettings,
    pub notifications: NotificationSettings,
    pub email: EmailSettings,
    pub sms: SmsSettings,
    #[serde(default)]
    pub submissions: SubmissionSettings,
    pub throttle: ThrottleSettings,
    #[serde(default)]
    pub lookup: LookupSettings,
    #[serde(default)]
    pub codes: CodeSettings,
    #[serde(default)]
    pub portal: PortalSettings,
    #[serde(default)]
    pub privacy: PrivacySettings,
    #[serde(default)]
    pub alerts: AlertSettings,
}

fn default_env() -> Environment {
    Environment::Local
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerSettings {
    /// `HOST:PORT` to listen on; port 0 picks a free port (tests).
    pub bind: String,
    /// The address people open; printed at start-up and used in links (QR codes, emails).
    pub public_url: Option<String>,
    pub workers: Option<usize>,
    /// Reverse proxies (IPs or CIDRs, e.g. `10.0.0.0/8`) whose `X-Forwarded-For` is believed: the
    /// client is then the right-most address in it that is not a trusted proxy. Empty (the
    /// default): the client is the socket's peer and `X-Forwarded-For` is ignored.
    #[serde(default)]
    pub trusted_proxies: Vec<String>,
}

#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseSettings {
    /// `sqlite://PATH`, a plain path, or `postgres://…`.
    pub url: String,
    pub pool_size: u32,
    pub connect_timeout_secs: u64,
}

/// Prints the URL without its password (and query values).
impl fmt::Debug for DatabaseSettings {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let Self { url, pool_size, connect_timeout_secs } = self;
        f.debug_struct("DatabaseSettings")
            .field("url", &redact_url(url))
            .field("pool_size", pool_size)
            .field("connect_timeout_secs", connect_timeout_secs)
            .finish()
    }
}

#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthSettings {
    pub jwt_secret: String,
    pub issuer: String,
    pub audience: String,
    pub token_ttl_minutes: i64,
}

/// Prints `***` for the JWT secret.
impl fmt::Debug for AuthSettings {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let Self { jwt_secret: _, issuer, audience, token_ttl_minutes } = self;
        f.debug_struct("AuthSettings")
            .field("jwt_secret", &REDACTED)
            .field("issuer", issuer)
            .field("audience", audience)
            .field("token_ttl_minutes", token_ttl_minutes)
            .finish()
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TelemetrySettings {
    /// `pretty` for people, `json` for log collectors.
    pub format: LogFormat,
    /// A tracing `EnvFilter` directive; `RUST_LOG` overrides it.
    pub filter: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Pretty,
    Json,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedSettings {
    /// The folder holding `reference/`, `demo/` and `plans/`.
    pub dir: PathBuf,
    /// Load `seeds/demo` (Cần Thơ and demo accounts). Never in production.
    pub demo: bool,
    /// `serve` loads the seeds when it finds an empty database.
    pub on_empty_database: bool,
    /// With `demo`: on a database without dossiers, `serve` first makes this many days of demo
    /// dossiers through the real use cases (see `services::demo`). 0 (the default) makes none.
    #[serde(default)]
    pub demo_history_days: u32,
    /// With `demo`: reorganisation plans (`seeds/reorganisations/<id>.json`) loaded with the seeds
    /// on an empty database, each applied at once if its date has come (see `services::reorganise`).
    #[serde(default)]
    pub reorganisations: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotificationSettings {
    /// `serve` runs a delivery worker too (any number of instances may).
    pub worker: bool,
    pub poll_interval_ms: u64,
    pub batch: i64,
    /// How long a claimed notice stays with one worker before another may take it over.
    pub lease_secs: i64,
    /// After this many failed attempts a notice is marked failed (administrators can re-queue it).
    pub max_attempts: i32,
    pub backoff_base_secs: i64,
    pub backoff_max_secs: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EmailTransport {
    /// Real SMTP (the only transport production accepts).
    Smtp,
    /// `.eml` files in `email.file_dir`, for development.
    File,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpTls {
    None,
    Starttls,
    Tls,
}

#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmailSettings {
    pub transport: EmailTransport,
    /// The sender, e.g. `Một cửa Cần Thơ <motcua@cantho.gov.vn>`.
    pub from: String,
    pub file_dir: PathBuf,
    pub smtp_host: String,
    pub smtp_port: u16,
    pub smtp_tls: SmtpTls,
    pub smtp_username: Option<String>,
    pub smtp_password: Option<String>,
    /// A PEM file of root certificates to trust besides the public ones (a province's own CA),
    /// for `starttls` and `tls`.
    #[serde(default)]
    pub smtp_ca_file: Option<PathBuf>,
    pub timeout_secs: u64,
}

/// Prints whether an SMTP password is set, not the password.
impl fmt::Debug for EmailSettings {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let Self {
            transport,
            from,
            file_dir,
            smtp_host,
            smtp_port,
            smtp_tls,
            smtp_username,
            smtp_password,
            smtp_ca_file,
            timeout_secs,
        } = self;
        f.debug_struct("EmailSettings")
            .field("transport", transport)
            .field("from", from)
            .field("file_dir", file_dir)
            .field("smtp_host", smtp_host)
            .field("smtp_port", smtp_port)
            .field("smtp_tls", smtp_tls)
            .field("smtp_username", smtp_username)
            .field("smtp_password", &smtp_password.as_ref().map(|_| REDACTED))
            .field("smtp_ca_file", smtp_ca_file)
            .field("timeout_secs", timeout_secs)
            .finish()
    }
}

#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmsSettings {
    /// The gateway's HTTP endpoint; without one, SMS notices wait in the outbox.
    pub gateway_url: Option<String>,
    /// A header sent with every request, `Name: value` (e.g. `Authorization: Bearer …`).
    pub auth_header: Option<String>,
    /// JSON body with `{{to}}`, `{{text}}` and `{{id}}` placeholders (filled JSON-escaped).
    pub body_template: String,
    pub timeout_secs: u64,
}

/// Prints the gateway URL without credentials or query values, and the auth header's name only.
impl fmt::Debug for SmsSettings {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let Self { gateway_url, auth_header, body_template, timeout_secs } = self;
        let header_name = |h: &String| format!("{}: {REDACTED}", h.split_once(':').map_or("", |(name, _)| name.trim()));
        f.debug_struct("SmsSettings")
            .field("gateway_url", &gateway_url.as_deref().map(redact_url))
            .field("auth_header", &auth_header.as_ref().map(header_name))
            .field("body_template", body_template)
            .field("timeout_secs", timeout_secs)
            .finish()
    }
}

/// Online submissions (DOMAIN.md §4: a submission has a reference, the code comes at receipt).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubmissionSettings {
    /// How many online submissions that no clerk has received yet one citizen account may hold;
    /// the next answers 429 `too_many_pending_submissions`.
    pub max_pending_per_account: u32,
}

impl Default for SubmissionSettings {
    fn default() -> Self {
        Self { max_pending_per_account: 10 }
    }
}

/// What `Debug` prints in place of a secret (settings are printed to diagnose configuration, and
/// a printed secret ends in logs and bug reports).
const REDACTED: &str = "***";

/// A URL for `Debug`: the password of its user info and the values of its query (libpq accepts
/// `?password=`) replaced by `***`.
fn redact_url(url: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let mut out = match (base.find("://"), base.rfind('@')) {
        (Some(s), Some(at)) if at > s && base[s + 3..at].contains(':') => {
            let user = base[s + 3..at].split(':').next().unwrap_or("");
            format!("{}{user}:{REDACTED}{}", &base[..s + 3], &base[at..])
        }
        _ => base.to_string(),
    };
    if let Some(query) = query {
        let names: Vec<String> =
            query.split('&').map(|p| format!("{}={REDACTED}", p.split_once('=').map_or(p, |(name, _)| name))).collect();
        out = format!("{out}?{}", names.join("&"));
    }
    out
}

/// The folder looked for in the working directory when none is given.
pub const DEFAULT_CONFIG_DIR: &str = "config";

/// The configuration files built into the binary, by name.
pub const EMBEDDED: [(&str, &str); 4] = [
    ("base.toml", include_str!("../config/base.toml")),
    ("local.toml", include_str!("../config/local.toml")),
    ("test.toml", include_str!("../config/test.toml")),
    ("production.toml", include_str!("../config/production.toml")),
];
/// Limits on failed proofs of ownership and failed sign-ins (see `services::throttle`). Failures
/// are counted in the database, per client address (IPv6 by its /64) and per subject.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ThrottleSettings {
    /// Wrong PINs or phones for one dossier from one client before that client gets 429.
    pub proof_failures_per_client: i64,
    pub proof_window_minutes: i64,
    /// Wrong proofs for one dossier from all clients together before everyone without the owner's
    /// account gets 429 and staff get an alert.
    pub proof_failures_per_dossier: i64,
    pub proof_dossier_window_minutes: i64,
    /// Wrong passwords for one username from one client.
    pub sign_in_failures_per_user_and_client: i64,
    /// Wrong passwords from one client, whatever the usernames.
    pub sign_in_failures_per_client: i64,
    /// Wrong passwords for one username from all clients together.
    pub sign_in_failures_per_user: i64,
    pub sign_in_window_minutes: i64,
    /// Feedback and complaints (phản ánh, kiến nghị) one account (or one dossier's PIN holder)
    /// may send in `feedback_window_minutes`; more answer 429 `too_many_feedback`.
    pub feedback_per_account: i64,
    /// Feedback from one client address, whoever sends it, in `feedback_window_minutes`.
    pub feedback_per_client: i64,
    pub feedback_window_minutes: i64,
}

impl Default for ThrottleSettings {
    fn default() -> Self {
        Self {
            proof_failures_per_client: 5,
            proof_window_minutes: 15,
            proof_failures_per_dossier: 50,
            proof_dossier_window_minutes: 60,
            sign_in_failures_per_user_and_client: 5,
            sign_in_failures_per_client: 20,
            sign_in_failures_per_user: 50,
            sign_in_window_minutes: 15,
            feedback_per_account: 5,
            feedback_per_client: 20,
            feedback_window_minutes: 1440,
        }
    }
}

/// The public lookup (`/api/v1/lookup/{code}`, `/tra-cuu/{code}`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LookupSettings {
    /// Lookups answered per client address per minute; more answer 429 `too_many_lookups`.
    pub max_per_minute: i64,
}

impl Default for LookupSettings {
    fn default() -> Self {
        Self { max_per_minute: 60 }
    }
}

/// The national public service portal as a peer (issue 15; `services::portal`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PortalSettings {
    /// Where items are posted; unset: nothing is sent and nothing piles up.
    pub url: Option<String>,
    /// The access token the portal gave this system (sent as `session`).
    pub token: String,
    /// Which specification to speak: `legacy_json`.
    pub adapter: String,
    /// The token the portal presents (`Authorization: Bearer …`) when it delivers a dossier to
    /// `POST /api/v1/portal/dossiers`; unset: that endpoint takes nothing.
    pub inbound_token: Option<String>,
    /// How long one request may take before it counts as failed (and is retried); keep it well under
    /// `notifications.lease_secs`, the workers' lease.
    pub timeout_secs: u64,
}

impl Default for PortalSettings {
    fn default() -> Self {
        Self { url: None, token: String::new(), adapter: "legacy_json".into(), inbound_token: None, timeout_secs: 10 }
    }
}

/// The early-warning rules' scheduler (issue 16 item 2).
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AlertSettings {
    /// Whether `serve` (with its delivery worker) and `motcua worker` evaluate the alert rules
    /// as their ticks come. On by default; the `test` environment turns it off, because a test on
    /// the system clock would otherwise raise alerts (and staff notices) depending on the hour it
    /// runs at: the alert tests evaluate ticks themselves, on their own clock.
    pub scheduler: bool,
}

impl Default for AlertSettings {
    fn default() -> Self {
        Self { scheduler: true }
    }
}

/// What the owner of a dossier is shown of the staff who read it (issue 17 item 2).
#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PrivacySettings {
    /// Whether the owner sees the full name of each staff member who read their dossier; off: the
    /// agency, department, role, time and what was read, without the name. The administrators'
    /// audit always shows it.
    pub show_staff_names_to_owner: bool,
}

/// How this system names itself in dossier codes.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CodeSettings {
    /// The two digits naming this system as the owner in TT 04/2025 Điều 23 codes
    /// (`…-YYMMDD-AAXXXX`, AA), as the national operator assigns them. Unset: dossiers of
    /// nationwide centralised services cannot be coded and their intake says so.
    pub system_owner: Option<String>,
}

impl CodeSettings {
    /// The owner digits as a number, if set and two digits.
    pub fn owner(&self) -> anyhow::Result<Option<u8>> {
        match self.system_owner.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some(s) if s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit()) => Ok(s.parse().ok()),
            Some(_) => anyhow::bail!("codes.system_owner is two digits (TT 04/2025 Điều 23), e.g. \"07\""),
        }
    }
}

impl Settings {
    /// Reads the layers for `environment`, then the process environment. The files come from
    /// `config_dir` when given (it must hold `base.toml`), else from `config/` in the working
    /// directory when it holds `base.toml`, else from the copies built into the binary.
    pub fn load(config_dir: Option<&Path>, environment: Environment) -> anyhow::Result<Self> {
        let env = Env::prefixed("MOTCUA__").split("__");
        match config_dir {
            Some(dir) => Self::load_with(dir, environment, env),
            None if Path::new(DEFAULT_CONFIG_DIR).join("base.toml").is_file() => {
                Self::load_with(Path::new(DEFAULT_CONFIG_DIR), environment, env)
            }
            None => Self::load_embedded_with(environment, env),
        }
    }

    /// Reads the layers from `config_dir`, with an explicit environment-variable provider (tests).
    pub fn load_with(config_dir: &Path, environment: Environment, env: Env) -> anyhow::Result<Self> {
        let base = config_dir.join("base.toml");
        anyhow::ensure!(base.exists(), "configuration file {} not found", base.display());
        let layers = Figment::new()
            .merge(Toml::file(base))
            .merge(Toml::file(config_dir.join(format!("{}.toml", environment.as_str()))));
        Self::extract(layers.merge(env), environment)
    }

    /// Reads the layers built into the binary, with an explicit environment-variable provider.
    pub fn load_embedded_with(environment: Environment, env: Env) -> anyhow::Result<Self> {
        let file = |name: &str| EMBEDDED.iter().find(|(n, _)| *n == name).map_or("", |(_, text)| *text);
        let layers = Figment::new()
            .merge(Toml::string(file("base.toml")))
            .merge(Toml::string(file(&format!("{}.toml", environment.as_str()))));
        Self::extract(layers.merge(env), environment)
    }

    fn extract(figment: Figment, environment: Environment) -> anyhow::Result<Self> {
        let mut settings: Settings = figment.extract().map_err(|e| anyhow::anyhow!("invalid configuration: {e}"))?;
        settings.environment = environment;
        Ok(settings)
    }

    /// Checks that do not need the database. `production` refuses the shipped JWT secret and demo data.
    pub fn check(&self) -> anyhow::Result<()> {
        anyhow::ensure!(self.auth.token_ttl_minutes > 0, "auth.token_ttl_minutes must be positive");
        anyhow::ensure!(self.database.pool_size > 0, "database.pool_size must be positive");
        anyhow::ensure!(self.notifications.max_attempts > 0, "notifications.max_attempts must be positive");
        anyhow::ensure!(self.notifications.batch > 0, "notifications.batch must be positive");
        let t = &self.throttle;
        for (name, v) in [
            ("throttle.proof_failures_per_client", t.proof_failures_per_client),
            ("throttle.proof_window_minutes", t.proof_window_minutes),
            ("throttle.proof_failures_per_dossier", t.proof_failures_per_dossier),
            ("throttle.proof_dossier_window_minutes", t.proof_dossier_window_minutes),
            ("throttle.sign_in_failures_per_user_and_client", t.sign_in_failures_per_user_and_client),
            ("throttle.sign_in_failures_per_client", t.sign_in_failures_per_client),
            ("throttle.sign_in_failures_per_user", t.sign_in_failures_per_user),
            ("throttle.sign_in_window_minutes", t.sign_in_window_minutes),
            ("lookup.max_per_minute", self.lookup.max_per_minute),
        ] {
            anyhow::ensure!(v > 0, "{name} must be positive");
        }
        crate::http::client::TrustedProxies::parse(&self.server.trusted_proxies)?;
        self.codes.owner()?;
        crate::services::portal::adapter_for(&self.portal)?;
        anyhow::ensure!(
            self.portal.url.is_none()
                || (self.portal.timeout_secs > 0 && (self.portal.timeout_secs as i64) < self.notifications.lease_secs),
            "portal.timeout_secs must be at least 1 and under notifications.lease_secs (the workers' lease)"
        );
        anyhow::ensure!(
            self.submissions.max_pending_per_account > 0,
            "submissions.max_pending_per_account must be at least 1, or no citizen could submit online"
        );
        anyhow::ensure!(
            self.notifications.lease_secs > self.email.timeout_secs.max(self.sms.timeout_secs) as i64,
            "notifications.lease_secs must be longer than email.timeout_secs and sms.timeout_secs, or a slow send could be taken over and sent twice"
        );
        if self.environment == Environment::Production {
            anyhow::ensure!(
                self.auth.jwt_secret != DEFAULT_JWT_SECRET && self.auth.jwt_secret.len() >= 32,
                "production refuses to start with the default or a short JWT secret: set MOTCUA__AUTH__JWT_SECRET to 32+ random characters"
            );
            anyhow::ensure!(!self.seed.demo, "production refuses to load demo data: set seed.demo = false");
            anyhow::ensure!(
                self.email.transport == EmailTransport::Smtp,
                "production refuses to start without real email: set email.transport = \"smtp\" and the SMTP host"
            );
        }
        Ok(())
    }

    /// The address people open: `server.public_url`, or else the bound host and the actual port
    /// (a wildcard bind address is shown as 127.0.0.1).
    /// How the service names itself to the outside: its address, and its owner digits in codes.
    pub fn links(&self, port: u16) -> crate::services::dossiers::Links {
        crate::services::dossiers::Links {
            public_url: self.public_url(port),
            code_owner: self.codes.owner().ok().flatten(),
        }
    }

    pub fn public_url(&self, port: u16) -> String {
        self.server.public_url.clone().unwrap_or_else(|| {
            let host = self.server.bind.rsplit_once(':').map(|(h, _)| h).unwrap_or("127.0.0.1");
            let host = if host == "0.0.0.0" || host == "[::]" { "127.0.0.1" } else { host };
            format!("http://{host}:{port}")
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config_dir() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("config")
    }

    fn no_env() -> Env {
        Env::prefixed("MOTCUA_TEST_NOTHING_SET__").split("__")
    }

    #[test]
    fn layers_load_for_every_environment() {
        for env in [Environment::Local, Environment::Test, Environment::Production] {
            let s = Settings::load_with(&config_dir(), env, no_env()).unwrap();
            assert_eq!(s.environment, env);
        }
    }

    #[test]
    fn production_refuses_the_default_secret_and_demo_data() {
        let mut s = Settings::load_with(&config_dir(), Environment::Production, no_env()).unwrap();
        assert_eq!(s.auth.jwt_secret, DEFAULT_JWT_SECRET);
        assert!(s.check().unwrap_err().to_string().contains("JWT secret"));
        s.auth.jwt_secret = "x".repeat(40);
        assert!(s.check().is_ok());
        s.email.transport = EmailTransport::File;
        assert!(s.check().unwrap_err().to_string().contains("SMTP"));
        s.email.transport = EmailTransport::Smtp;
        s.seed.demo = true;
        assert!(s.check().unwrap_err().to_string().contains("demo"));
    }

    #[test]
    fn a_citizen_may_hold_ten_pending_submissions_by_default_and_never_none() {
        let mut s = Settings::load_with(&config_dir(), Environment::Local, no_env()).unwrap();
        assert_eq!(s.submissions.max_pending_per_account, 10);
        s.submissions.max_pending_per_account = 0;
        assert!(s.check().unwrap_err().to_string().contains("max_pending_per_account"));
    }

    #[test]
    fn a_lease_shorter_than_a_send_is_refused() {
        let mut s = Settings::load_with(&config_dir(), Environment::Local, no_env()).unwrap();
        s.notifications.lease_secs = s.email.timeout_secs as i64;
        assert!(s.check().unwrap_err().to_string().contains("lease_secs"));
        s.notifications.lease_secs += 1;
        assert!(s.check().is_ok());
    }

    #[test]
    fn the_built_in_files_are_the_config_folder_and_a_folder_on_disk_wins() {
        let on_disk = std::fs::read_dir(config_dir()).unwrap().count();
        assert_eq!(EMBEDDED.len(), on_disk, "add the new configuration file to configuration::EMBEDDED");
        for (name, text) in EMBEDDED {
            assert_eq!(std::fs::read_to_string(config_dir().join(name)).unwrap(), text, "{name}");
        }
        for env in [Environment::Local, Environment::Test, Environment::Production] {
            let built_in = Settings::load_embedded_with(env, no_env()).unwrap();
            let disk = Settings::load_with(&config_dir(), env, no_env()).unwrap();
            assert_eq!(format!("{built_in:?}"), format!("{disk:?}"), "{env:?}");
            // `Debug` hides the secrets: compare them apart.
            assert_eq!(built_in.auth.jwt_secret, disk.auth.jwt_secret, "{env:?}");
            assert_eq!(built_in.database.url, disk.database.url, "{env:?}");
            assert_eq!(built_in.email.smtp_password, disk.email.smtp_password, "{env:?}");
            assert_eq!(built_in.sms.auth_header, disk.sms.auth_header, "{env:?}");
            assert_eq!(built_in.sms.gateway_url, disk.sms.gateway_url, "{env:?}");
        }
        let dir = tempfile::tempdir().unwrap();
        let base = EMBEDDED[0].1.replace("127.0.0.1:8080", "127.0.0.1:9999");
        std::fs::write(dir.path().join("base.toml"), base).unwrap();
        let s = Settings::load_with(dir.path(), Environment::Local, no_env()).unwrap();
        assert_eq!(s.server.bind, "127.0.0.1:9999");
        assert_eq!(s.seed.demo_history_days, 0, "no local.toml in that folder: nothing from the built-in one");
        assert!(Settings::load_with(&dir.path().join("nowhere"), Environment::Local, no_env()).is_err());
    }

    #[test]
    fn debug_output_shows_the_settings_but_not_their_secrets() {
        let mut s = Settings::load_with(&config_dir(), Environment::Production, no_env()).unwrap();
        s.auth.jwt_secret = "jwt-Secret-4f9a1c77e2b8d3a6c5f0e9d8".into();
        s.database.url = "postgres://motcua:Db-Pass-99@db.internal:5432/motcua?password=Query-Pass-11".into();
        s.email.smtp_username = Some("motcua-mailer".into());
        s.email.smtp_password = Some("Smtp-Pass-42".into());
        s.sms.gateway_url = Some("https://gw-user:Gw-Pass-7@sms.example.vn/send?api_key=Key-In-Url-5".into());
        s.sms.auth_header = Some("Authorization: Bearer Sms-Token-123".into());
        for text in [format!("{s:?}"), format!("{s:#?}")] {
            for secret in [
                "jwt-Secret-4f9a1c77e2b8d3a6c5f0e9d8",
                "Db-Pass-99",
                "Query-Pass-11",
                "Smtp-Pass-42",
                "Gw-Pass-7",
                "Key-In-Url-5",
                "Sms-Token-123",
                "Bearer",
            ] {
                assert!(!text.contains(secret), "{secret} is printed:\n{text}");
            }
            // What is not secret still shows, and where a secret is set.
            for shown in [
                "postgres://motcua:***@db.internal:5432/motcua?password=***",
                "https://gw-user:***@sms.example.vn/send?api_key=***",
                "Authorization: ***",
                "motcua-mailer",
                "smtp_password: Some(\"***\")",
                "jwt_secret: \"***\"",
                "token_ttl_minutes",
            ] {
                // `{:#?}` puts each field on a line of its own, with a trailing comma.
                let flat = text.replace(['\n', ' '], "").replace(",)", ")");
                assert!(flat.contains(&shown.replace(' ', "")), "{shown} is missing:\n{text}");
            }
        }
        assert_eq!(redact_url("sqlite:///var/lib/motcua/motcua.db"), "sqlite:///var/lib/motcua/motcua.db");
        assert_eq!(redact_url("postgres://postgres@127.0.0.1/postgres"), "postgres://postgres@127.0.0.1/postgres");
    }

    #[test]
    fn local_uses_an_embedded_sqlite_file() {
        let s = Settings::load_with(&config_dir(), Environment::Local, no_env()).unwrap();
        assert!(s.database.url.starts_with("sqlite://"));
        assert!(s.seed.demo);
        assert!(s.check().is_ok());
    }
}
