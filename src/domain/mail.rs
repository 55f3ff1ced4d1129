//! Outgoing e-mail: messages are queued in the outbox by the same transaction as the change
//! that causes them ([`enqueue`]), and a background worker delivers them ([`worker`]).
//!
//! Invariants:
//! - a rolled-back change sends nothing (its outbox row rolls back with it);
//! - a crash between commit and delivery loses nothing (the row stays pending and the claim
//!   expires); delivery is at least once: a crash after the SMTP server accepted a message
//!   but before it was marked sent sends it again;
//! - one worker at a time holds a message (a guarded claim), so several servers can run the
//!   worker against one database;
//! - a failed attempt waits longer each time (30 s doubling up to an hour); after
//!   [`MAX_ATTEMPTS`] the message is `failed` and stays in the outbox for staff to see.

use std::time::Duration;

use chrono::Utc;
use lettre::message::{Mailbox, header::ContentType};
use lettre::{
    AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message as Email, Tokio1Executor,
};

use crate::config::{Config, MailTransport};
use crate::db::outbox::{self, OutboxRow};
use crate::db::{DbConn, Pool, write_tx};
use crate::i18n::{Arg, Lang};

/// Attempts before a message is given up.
pub const MAX_ATTEMPTS: i32 = 8;
/// How long a worker may hold a message before another may try it.
const CLAIM: Duration = Duration::from_secs(120);
/// Messages one pass of the worker takes.
const BATCH: i64 = 20;

/// A message ready to queue: already in its reader's language.
#[derive(Debug, Clone)]
pub struct Message {
    /// What caused it, e.g. `mail.password_reset`.
    pub kind: &'static str,
    pub to: String,
    pub subject: String,
    pub body: String,
    pub customer_id: Option<i64>,
}

impl Message {
    /// A message whose subject and body are the Fluent messages `{key}-subject` and
    /// `{key}-body` in `lang`, with `args`.
    pub fn localized(
        kind: &'static str,
        key: &str,
        lang: Lang,
        to: &str,
        customer_id: Option<i64>,
        args: &[(&'static str, Arg)],
    ) -> Message {
        let body = lang.t_args(&format!("{key}-body"), args);
        Message {
            kind,
            to: to.to_owned(),
            subject: lang.t_args(&format!("{key}-subject"), args),
            // Fluent wraps placeables in bidi isolation marks; plain-text mail must not
            // carry them (they would break the links).
            body: body.replace(['\u{2068}', '\u{2069}'], ""),
            customer_id,
        }
    }
}

/// Queues a message. Call it inside the write transaction of the change that causes it.
pub fn enqueue(conn: &mut DbConn, m: &Message) -> diesel::QueryResult<i64> {
    outbox::insert(
        conn,
        m.kind,
        &m.to,
        &m.subject,
        &m.body,
        m.customer_id,
        Utc::now().naive_utc(),
    )
}

/// Whether staff may send a message again from the log. E-mailed account links may not: the
/// link in them was single-use or has been replaced; the customer asks for a new one.
pub fn can_resend(row: &OutboxRow) -> bool {
    row.status != outbox::PENDING
        && !row.kind.starts_with("mail.password_reset")
        && !row.kind.starts_with("mail.email_")
}

/// "Reenviar": queues a new copy of a sent or failed message (the original stays in the log
/// as it was). Returns the new message, or `None` when it may not be sent again.
pub fn resend(conn: &mut DbConn, actor: i64, id: i64) -> diesel::QueryResult<Option<i64>> {
    write_tx(conn, |conn| {
        let Some(row) = outbox::find(conn, id)?.filter(can_resend) else {
            return Ok(None);
        };
        let now = Utc::now().naive_utc();
        let new = outbox::insert(
            conn,
            &row.kind,
            &row.recipient,
            &row.subject,
            &row.body,
            row.customer_id,
            now,
        )?;
        crate::domain::audit::record(
            conn,
            Some(actor),
            "mail.resend",
            "outbox",
            Some(new),
            Some(format!("#{id}")),
            Some(row.recipient.clone()),
            now,
        )?;
        Ok(Some(new))
    })
}

/// How long to wait after the `attempts`-th failure.
pub fn backoff(attempts: i32) -> chrono::Duration {
    let exp = u32::try_from(attempts.clamp(1, 8) - 1).unwrap_or(0);
    chrono::Duration::seconds((30_i64 << exp).min(3600))
}

/// Where messages go.
pub enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Dir(AsyncFileTransport<Tokio1Executor>),
}

impl Transport {
    /// The transport the settings name; `None` for [`MailTransport::Hold`].
    pub fn from_config(config: &Config) -> anyhow::Result<Option<Transport>> {
        Ok(match &config.mail_transport {
            MailTransport::Hold => None,
            MailTransport::Smtp(url) => Some(Transport::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| anyhow::anyhow!("CLIENTELA_SMTP_URL: {e}"))?
                    .timeout(Some(Duration::from_secs(20)))
                    .build(),
            )),
            MailTransport::Dir(dir) => {
                std::fs::create_dir_all(dir)
                    .map_err(|e| anyhow::anyhow!("cannot create the mail folder {dir}: {e}"))?;
                Some(Transport::Dir(AsyncFileTransport::<Tokio1Executor>::new(
                    dir,
                )))
            }
        })
    }

    async fn send(&self, email: Email) -> Result<(), String> {
        match self {
            Transport::Smtp(t) => t.send(email).await.map(|_| ()).map_err(|e| e.to_string()),
            Transport::Dir(t) => t.send(email).await.map(|_| ()).map_err(|e| e.to_string()),
        }
    }
}

fn build(row: &OutboxRow, from: &Mailbox) -> Result<Email, String> {
    let to: Mailbox = row
        .recipient
        .parse()
        .map_err(|e| format!("recipient: {e}"))?;
    Email::builder()
        .from(from.clone())
        .to(to)
        .subject(row.subject.clone())
        .header(ContentType::TEXT_PLAIN)
        .body(row.body.clone())
        .map_err(|e| e.to_string())
}

/// What one pass of the worker did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pass {
    pub sent: usize,
    pub failed: usize,
}

/// Delivers the messages that are due now. Several workers may run this at once.
pub async fn deliver_due(
    pool: &Pool,
    transport: &Transport,
    from: &Mailbox,
) -> anyhow::Result<Pass> {
    let mut pass = Pass::default();
    loop {
        let p = pool.clone();
        let claimed: Vec<OutboxRow> = actix_web::web::block(move || -> anyhow::Result<_> {
            let mut conn = p.get()?;
            let now = Utc::now().naive_utc();
            let until = now + chrono::Duration::from_std(CLAIM)?;
            Ok(outbox::claim_due(&mut conn, now, until, BATCH)?)
        })
        .await??;
        if claimed.is_empty() {
            return Ok(pass);
        }
        for row in claimed {
            let outcome = match build(&row, from) {
                Ok(email) => transport.send(email).await,
                Err(e) => Err(e),
            };
            let p = pool.clone();
            let ok = outcome.is_ok();
            actix_web::web::block(move || -> anyhow::Result<()> {
                let mut conn = p.get()?;
                let now = Utc::now().naive_utc();
                write_tx(&mut conn, |conn| match &outcome {
                    Ok(()) => outbox::mark_sent(conn, row.id, now),
                    Err(e) => {
                        let attempts = row.attempts + 1;
                        let retry = (attempts < MAX_ATTEMPTS).then(|| now + backoff(attempts));
                        tracing::warn!(id = row.id, attempts, "e-mail not delivered: {e}");
                        outbox::mark_attempt_failed(conn, row.id, &truncate(e), retry)
                    }
                })?;
                Ok(())
            })
            .await??;
            if ok {
                pass.sent += 1;
            } else {
                pass.failed += 1;
            }
        }
    }
}

fn truncate(e: &str) -> String {
    e.chars().take(500).collect()
}

/// Runs until the process ends: delivers what is due every `poll`.
pub async fn worker(pool: Pool, transport: Transport, from: Mailbox, poll: Duration) {
    let mut tick = actix_web::rt::time::interval(poll);
    loop {
        tick.tick().await;
        match deliver_due(&pool, &transport, &from).await {
            Ok(Pass { sent: 0, failed: 0 }) => {}
            Ok(p) => tracing::info!(sent = p.sent, failed = p.failed, "mail worker pass"),
            Err(e) => tracing::warn!("mail worker: {e:#}"),
        }
    }
}

/// The sender mailbox of the settings.
pub fn sender(config: &Config) -> anyhow::Result<Mailbox> {
    config
        .mail_from
        .parse()
        .map_err(|e| anyhow::anyhow!("CLIENTELA_MAIL_FROM: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_failure_waits_twice_as_long_up_to_an_hour() {
        assert_eq!(backoff(1).num_seconds(), 30);
        assert_eq!(backoff(2).num_seconds(), 60);
        assert_eq!(backoff(3).num_seconds(), 120);
        assert_eq!(backoff(8).num_seconds(), 3600);
        assert_eq!(backoff(50).num_seconds(), 3600);
    }

    #[test]
    fn a_localized_message_has_no_bidi_marks_around_its_link() {
        let m = Message::localized(
            "mail.password_reset",
            "mail-password-reset",
            Lang::En,
            "ana@example.com",
            None,
            &[
                ("name", "Ana".into()),
                ("link", "http://x/shop/password/reset/abc".into()),
                ("hours", 1.into()),
            ],
        );
        assert!(
            m.body.contains("\nhttp://x/shop/password/reset/abc\n"),
            "{}",
            m.body
        );
        assert!(m.body.contains("one hour"), "{}", m.body);
        assert!(!m.body.contains('\u{2068}'));
        assert!(!m.subject.is_empty() && !m.subject.starts_with("mail-"));
    }
}
