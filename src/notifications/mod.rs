//! Delivery of the outbox: email over SMTP (lettre), SMS through an HTTP gateway, by a worker
//! that any instance may run. Delivery is at least once: the notice's id travels as the email's
//! Message-ID and the SMS gateway's client reference, so a repeat after a crash can be recognised.
pub mod mailer;
pub mod sms;
pub mod worker;
