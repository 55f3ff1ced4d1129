//! `clientela bench-writes`: what durability costs. Grants N store-credit amounts one
//! transaction each, through the same domain function as the panel, on a fresh SQLite file
//! with `synchronous=FULL` (what the server runs with) and again with `synchronous=NORMAL`,
//! and prints writes per second and the per-write latency of each.

use std::time::{Duration, Instant};

use anyhow::Result;
use chrono::Utc;
use diesel::connection::SimpleConnection;

use crate::db::{self, DbConn};
use crate::domain::credit::{self, GrantInput, SettingsInput};
use crate::domain::customers::{self, Contact};
use crate::domain::staff::{self, NewStaffInput};
use crate::i18n::Lang;

pub struct Figures {
    pub synchronous: &'static str,
    pub writes: usize,
    pub elapsed: Duration,
}

pub fn run(writes: usize) -> Result<()> {
    println!("bench-writes: {writes} credit grants, one transaction each, one connection");
    for synchronous in ["FULL", "NORMAL"] {
        let f = measure(synchronous, writes)?;
        let secs = f.elapsed.as_secs_f64();
        println!(
            "  synchronous={:<6} {:>8.0} writes/s  {:>7.3} ms per write  ({:.2?} in all)",
            f.synchronous,
            f.writes as f64 / secs,
            secs * 1000.0 / f.writes as f64,
            f.elapsed
        );
    }
    Ok(())
}

fn measure(synchronous: &'static str, writes: usize) -> Result<Figures> {
    let dir = std::env::temp_dir().join(format!(
        "clientela-bench-writes-{}-{synchronous}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir)?;
    let figures = measure_in(&dir, synchronous, writes);
    std::fs::remove_dir_all(&dir).ok();
    figures
}

fn measure_in(dir: &std::path::Path, synchronous: &'static str, writes: usize) -> Result<Figures> {
    let url = dir.join("bench.db").to_string_lossy().into_owned();
    let pool = db::connect(&url, 1)?;
    let mut conn = pool.get()?;
    conn.batch_execute(&format!("PRAGMA synchronous = {synchronous};"))?;
    let (owner, customer, reason) = prepare(&mut conn)?;
    let started = Instant::now();
    for i in 0..writes {
        credit::grant(
            &mut conn,
            owner,
            customer,
            &GrantInput {
                amount: "1.00".into(),
                reason: reason.clone(),
                expires_on: String::new(),
                note: String::new(),
                idempotency_key: format!("bench-{i}"),
            },
        )
        .map_err(|e| anyhow::anyhow!("grant {i}: {e:?}"))?;
    }
    Ok(Figures {
        synchronous,
        writes,
        elapsed: started.elapsed(),
    })
}

fn prepare(conn: &mut DbConn) -> Result<(i64, i64, String)> {
    let password = "bench password bench password";
    let owner = staff::create_first_owner(
        conn,
        &NewStaffInput {
            name: "Bench".into(),
            email: "bench@example.com".into(),
            password: password.into(),
            password_confirm: password.into(),
            role: String::new(),
        },
    )
    .map_err(|e| anyhow::anyhow!("owner: {e:?}"))?;
    credit::save_settings(
        conn,
        owner,
        &SettingsInput {
            enabled: Some("on".into()),
            expiry_days: String::new(),
        },
    )
    .map_err(|e| anyhow::anyhow!("credit settings: {e:?}"))?;
    let customer = customers::insert(
        conn,
        &Contact {
            full_name: "Cliente Bench".into(),
            email: Some("cliente@example.es".into()),
            phone: None,
            language: Lang::Es,
            registered: true,
            newsletter: false,
        },
        Utc::now().naive_utc(),
    )?;
    let reason = crate::db::credit::ReasonRow::all(conn)?
        .into_iter()
        .find(|r| r.code.as_deref() == Some("compensation"))
        .ok_or_else(|| anyhow::anyhow!("no compensation reason"))?
        .id
        .to_string();
    Ok((owner, customer, reason))
}
