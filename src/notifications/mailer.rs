//! Email: lettre over real SMTP (no TLS, STARTTLS or TLS, optional credentials) or `.eml` files.
use std::time::Duration;

use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::configuration::{EmailSettings, EmailTransport, SmtpTls};

/// A configured email transport.
#[derive(Clone)]
pub enum Mailer {
    Smtp(AsyncSmtpTransport<Tokio1Executor>, Mailbox),
    File(AsyncFileTransport<Tokio1Executor>, Mailbox),
}

/// One email to send.
pub struct Email<'a> {
    /// The notice's id: becomes the Message-ID.
    pub id: &'a str,
    pub to: &'a str,
    pub subject: &'a str,
    pub text: &'a str,
    pub html: &'a str,
}

/// TLS towards `smtp_host`, trusting the public roots and the certificates of `smtp_ca_file`.
fn tls_parameters(s: &EmailSettings) -> anyhow::Result<TlsParameters> {
    let mut params = TlsParameters::builder(s.smtp_host.clone());
    if let Some(path) = &s.smtp_ca_file {
        let pem = std::fs::read(path).map_err(|e| anyhow::anyhow!("email.smtp_ca_file {}: {e}", path.display()))?;
        let ca =
            Certificate::from_pem(&pem).map_err(|e| anyhow::anyhow!("email.smtp_ca_file {}: {e}", path.display()))?;
        params = params.add_root_certificate(ca);
    }
    Ok(params.build()?)
}

impl Mailer {
    pub fn new(s: &EmailSettings) -> anyhow::Result<Self> {
        let from: Mailbox =
            s.from.parse().map_err(|e| anyhow::anyhow!("email.from `{}` is not an address: {e}", s.from))?;
        Ok(match s.transport {
            EmailTransport::File => {
                std::fs::create_dir_all(&s.file_dir)?;
                Self::File(AsyncFileTransport::<Tokio1Executor>::new(&s.file_dir), from)
            }
            EmailTransport::Smtp => {
                let tls = match s.smtp_tls {
                    SmtpTls::None => Tls::None,
                    SmtpTls::Starttls => Tls::Required(tls_parameters(s)?),
                    SmtpTls::Tls => Tls::Wrapper(tls_parameters(s)?),
                };
                let builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&s.smtp_host).tls(tls);
                let mut builder = builder.port(s.smtp_port).timeout(Some(Duration::from_secs(s.timeout_secs)));
                if let (Some(user), Some(password)) = (&s.smtp_username, &s.smtp_password) {
                    builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
                }
                Self::Smtp(builder.build(), from)
            }
        })
    }

    pub async fn send(&self, email: &Email<'_>) -> anyhow::Result<()> {
        let from = match self {
            Self::Smtp(_, f) | Self::File(_, f) => f.clone(),
        };
        let to: Mailbox = email.to.parse().map_err(|e| anyhow::anyhow!("recipient is not an address: {e}"))?;
        let message = Message::builder()
            .from(from)
            .to(to)
            .subject(email.subject)
            .message_id(Some(format!("<{}@motcua>", email.id)))
            .multipart(MultiPart::alternative_plain_html(email.text.to_string(), email.html.to_string()))?;
        match self {
            Self::Smtp(t, _) => t.send(message).await.map(|_| ()).map_err(|e| anyhow::anyhow!("SMTP: {e}")),
            Self::File(t, _) => t.send(message).await.map(|_| ()).map_err(|e| anyhow::anyhow!("mail file: {e}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_file_transport_writes_a_multipart_message_with_the_notice_id() {
        let dir = tempfile::tempdir().unwrap();
        let settings = EmailSettings {
            transport: EmailTransport::File,
            from: "Một cửa <motcua@example.vn>".into(),
            file_dir: dir.path().to_path_buf(),
            smtp_host: String::new(),
            smtp_port: 25,
            smtp_tls: SmtpTls::None,
            smtp_username: None,
            smtp_password: None,
            smtp_ca_file: None,
            timeout_secs: 1,
        };
        let mailer = Mailer::new(&settings).unwrap();
        let email = Email {
            id: "n-1",
            to: "hoa@example.vn",
            subject: "Hồ sơ đã có kết quả",
            text: "Kết quả",
            html: "<p>Kết quả</p>",
        };
        mailer.send(&email).await.unwrap();
        let files: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().path()).collect();
        assert_eq!(files.len(), 1);
        let raw = std::fs::read_to_string(&files[0]).unwrap();
        assert!(raw.contains("Message-ID: <n-1@motcua>") && raw.contains("multipart/alternative"), "{raw}");
        assert!(raw.contains("To: hoa@example.vn"), "{raw}");
        assert!(Mailer::new(&EmailSettings { from: "not an address".into(), ..settings }).is_err());
    }
}
