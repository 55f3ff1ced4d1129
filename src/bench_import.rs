//! `clientela bench-import`: times the CSV import of customers on a fresh database.
//!
//! It writes a deterministic file of N customers (names, e-mails, phones, languages, consent,
//! tags; every 50th row with a mistake), then measures, through the same domain functions as
//! the pages, reading and checking it (the preview) and importing it (the batches), and prints
//! rows per second. The database is a new SQLite file in a temporary directory unless
//! `DATABASE_URL` names an empty PostgreSQL database.

use std::fmt::Write as _;
use std::time::Instant;

use anyhow::{Context, Result, bail};

use crate::config::Config;
use crate::db::{self, Backend};
use crate::domain::customer_import::{self, Mode, Upload};
use crate::domain::staff::{self, NewStaffInput};

pub struct Options {
    pub rows: usize,
    /// Run on `DATABASE_URL` instead of a temporary SQLite file.
    pub use_database_url: bool,
}

/// The file: `;`-separated with a BOM, as Spanish and Polish spreadsheets save it.
pub fn sample_file(rows: usize) -> Vec<u8> {
    const FIRST: [&str; 8] = [
        "Ana", "Jan", "María", "Piotr", "Lucía", "Zofia", "John", "Łukasz",
    ];
    const LAST: [&str; 8] = [
        "Pérez",
        "Kowalski",
        "García",
        "Nowak",
        "López",
        "Wiśniewska",
        "Smith",
        "Żak",
    ];
    const LANGS: [&str; 3] = ["es", "pl", "en"];
    let mut out = String::with_capacity(rows * 90);
    out.push('\u{feff}');
    out.push_str(
        "Nombre;Correo electrónico;Teléfono;Idioma;Tipo de cliente;Newsletter;Etiquetas\n",
    );
    for i in 0..rows {
        let email = if i % 50 == 49 {
            format!("broken-{i}.example.com")
        } else {
            format!("customer{i}@example.com")
        };
        let _ = writeln!(
            out,
            "{} {};{};+34 6{:08};{};{};{};{}",
            FIRST[i % FIRST.len()],
            LAST[(i / 8) % LAST.len()],
            email,
            i,
            LANGS[i % 3],
            if i % 4 == 0 { "Registrado" } else { "Invitado" },
            if i % 3 == 0 { "sí" } else { "no" },
            if i % 10 == 0 { "VIP|Importado" } else { "" },
        );
    }
    out.into_bytes()
}

pub fn run(config: &Config, opts: &Options) -> Result<()> {
    if opts.rows == 0 {
        bail!("--rows must be greater than 0");
    }
    let dir = tempfile_dir()?;
    let url = if opts.use_database_url {
        config.database_url.clone()
    } else {
        dir.join("bench-import.db").to_string_lossy().into_owned()
    };
    let backend = Backend::from_url(&url);
    let pool = db::connect(&url, 1)?;
    let mut conn = pool.get()?;
    if crate::db::store::customer_count(&mut conn)? > 0 {
        bail!("the database already has customers; use an empty one");
    }
    let owner = match crate::db::staff::StaffRow::all(&mut conn)?.first() {
        Some(s) => s.id,
        None => staff::create_first_owner(
            &mut conn,
            &NewStaffInput {
                name: "Bench Owner".into(),
                email: "bench-owner@example.com".into(),
                password: "bench import password".into(),
                password_confirm: "bench import password".into(),
                role: String::new(),
            },
        )
        .map_err(|e| anyhow::anyhow!("{e}"))?,
    };

    let file = sample_file(opts.rows);
    let started = Instant::now();
    let id = customer_import::prepare(
        &mut conn,
        &Upload {
            staff_id: owner,
            file_name: "bench.csv",
            bytes: &file,
            separator: None,
            mode: Mode::Create,
        },
    )
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    let preview = started.elapsed();

    let started = Instant::now();
    if !crate::db::imports::start(&mut conn, id, chrono::Utc::now().naive_utc())? {
        bail!("the import did not start");
    }
    customer_import::run(&mut conn, id).map_err(|e| anyhow::anyhow!("{e}"))?;
    let import = started.elapsed();
    let imp = crate::db::imports::find(&mut conn, id)?.context("the import is gone")?;

    let per_s = |d: std::time::Duration| opts.rows as f64 / d.as_secs_f64().max(1e-9);
    println!(
        "bench-import on {}: {} rows ({:.1} MB), preview {:.2} s ({:.0} rows/s), import {:.2} s \
         ({:.0} rows/s), total {:.2} s; created {}, rejected {}",
        backend.name(),
        opts.rows,
        file.len() as f64 / 1_048_576.0,
        preview.as_secs_f64(),
        per_s(preview),
        import.as_secs_f64(),
        per_s(import),
        (preview + import).as_secs_f64(),
        imp.created_rows,
        imp.rejected_rows,
    );
    drop(conn);
    drop(pool);
    std::fs::remove_dir_all(&dir).ok();
    Ok(())
}

fn tempfile_dir() -> Result<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!("clientela-bench-import-{}", std::process::id()));
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    Ok(dir)
}
