//! The `clientela` binary: serve (the default), fill a fresh store with demo data, or run the
//! migrations only.

use clap::{Parser, Subcommand};
use clientela::config::Config;
use clientela::startup::Application;
use clientela::{db, domain, telemetry};

#[derive(Parser)]
#[command(
    name = "clientela",
    version,
    about = "Customer admin panel for online stores"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the admin panel (the default).
    Serve {
        /// Fill an empty store with demo customers and orders first.
        #[arg(long)]
        demo: bool,
    },
    /// Fill an empty store with demo customers, addresses, products and orders, then exit.
    Demo,
    /// Apply the database migrations, then exit.
    Migrate,
    /// Fill the database with many synthetic customers and orders (scale tests), then exit.
    Generate {
        /// Number of customers to add.
        #[arg(long)]
        customers: u64,
        /// Number of orders to spread over them.
        #[arg(long)]
        orders: u64,
        /// Same seed (and --until), same data.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Add to a database that already has customers.
        #[arg(long)]
        force: bool,
        /// Last day of the generated history (YYYY-MM-DD).
        #[arg(long, default_value = clientela::generate::DEFAULT_UNTIL)]
        until: chrono::NaiveDate,
    },
    /// Measure the customer pages over HTTP against the server started in this process.
    Bench {
        /// Concurrent keep-alive connections.
        #[arg(long, default_value_t = 16)]
        connections: usize,
        /// Measured seconds per scenario.
        #[arg(long, default_value_t = 10)]
        duration: u64,
        /// Unmeasured seconds before each scenario.
        #[arg(long, default_value_t = 2)]
        warmup: u64,
        /// Only the scenarios whose label contains this text (e.g. "card").
        #[arg(long)]
        only: Option<String>,
    },
    /// Copy the live SQLite database to a new file (consistent, while the server serves).
    Backup {
        /// The new file.
        #[arg(long)]
        to: std::path::PathBuf,
    },
    /// Put a backup in place of the SQLite database (refused while a server uses it).
    Restore {
        /// The backup file.
        #[arg(long)]
        from: std::path::PathBuf,
    },
    /// Run the integrity checks and the ledger invariants; exit status 1 if one fails.
    Check,
    /// Time durable writes (credit grants) with synchronous=FULL and NORMAL on fresh SQLite files.
    BenchWrites {
        /// Grants per run.
        #[arg(long, default_value_t = 2_000)]
        writes: usize,
    },
    /// Time the CSV import of customers (preview and import) on a fresh database, then exit.
    BenchImport {
        /// Rows in the generated file.
        #[arg(long, default_value_t = 100_000)]
        rows: usize,
        /// Use DATABASE_URL (an empty database) instead of a temporary SQLite file.
        #[arg(long)]
        use_database_url: bool,
    },
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let config = match Config::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("clientela: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    telemetry::init(config.log_json);
    let result = match cli.command.unwrap_or(Command::Serve { demo: false }) {
        Command::Serve { demo } => serve(config, demo),
        Command::Demo => demo_data(&config),
        Command::Migrate => db::connect(&config.database_url, 1).map(|_| ()),
        Command::Generate {
            customers,
            orders,
            seed,
            force,
            until,
        } => generate_data(
            &config,
            &clientela::generate::Options {
                customers,
                orders,
                seed,
                force,
                until,
            },
        ),
        Command::Backup { to } => clientela::ops::backup(&config.database_url, &to).map(|s| {
            println!(
                "backup: {} ({:.1} MB) in {:.2} s",
                to.display(),
                s.bytes as f64 / 1_048_576.0,
                s.took.as_secs_f64()
            );
            clientela::ops::print_report(&s.report);
        }),
        Command::Restore { from } => {
            clientela::ops::restore(&config.database_url, &from).map(|r| {
                println!("restored {} into {}", from.display(), config.database_url);
                clientela::ops::print_report(&r);
            })
        }
        Command::Check => match check(&config) {
            Ok(true) => Ok(()),
            Ok(false) => return std::process::ExitCode::FAILURE,
            Err(e) => Err(e),
        },
        Command::BenchWrites { writes } => clientela::bench_writes::run(writes),
        Command::BenchImport {
            rows,
            use_database_url,
        } => clientela::bench_import::run(
            &config,
            &clientela::bench_import::Options {
                rows,
                use_database_url,
            },
        ),
        Command::Bench {
            connections,
            duration,
            warmup,
            only,
        } => clientela::bench::run(
            config,
            &clientela::bench::Options {
                connections,
                duration: std::time::Duration::from_secs(duration),
                warmup: std::time::Duration::from_secs(warmup),
                only,
            },
        ),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e:#}");
            eprintln!("clientela: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// Prints the checks of the database; false when one fails.
fn check(config: &Config) -> anyhow::Result<bool> {
    let pool = db::connect(&config.database_url, 1)?;
    let mut conn = pool.get()?;
    let report = domain::integrity::check(&mut conn, db::Backend::from_url(&config.database_url))?;
    clientela::ops::print_report(&report);
    Ok(report.ok())
}

fn demo_data(config: &Config) -> anyhow::Result<()> {
    let pool = db::connect(&config.database_url, 1)?;
    let mut conn = pool.get()?;
    match domain::demo::seed_now(&mut conn)? {
        Some((customers, orders)) => {
            tracing::info!(customers, orders, "demo store created");
        }
        None => tracing::warn!("the store already has customers; demo data not added"),
    }
    Ok(())
}

fn generate_data(config: &Config, opts: &clientela::generate::Options) -> anyhow::Result<()> {
    let s = clientela::generate::run(&config.database_url, opts)?;
    eprintln!(
        "generate: {} customers, {} addresses, {} orders, {} order lines on {} \
         (seed {}, until {}); load {:.1} s, {} {:.1} s",
        s.customers,
        s.addresses,
        s.orders,
        s.order_lines,
        s.backend.name(),
        opts.seed,
        opts.until,
        s.load.as_secs_f64(),
        s.analyze_command,
        s.analyze.as_secs_f64()
    );
    Ok(())
}

fn serve(config: Config, demo: bool) -> anyhow::Result<()> {
    if demo {
        demo_data(&config)?;
    }
    actix_web::rt::System::new().block_on(async move {
        let app = Application::build(config.clone()).await?;
        tracing::info!(
            backend = db::Backend::from_url(&config.database_url).name(),
            "Clientela listening on http://{}:{}",
            config.host,
            app.port()
        );
        app.run().await?;
        tracing::info!("shut down cleanly");
        Ok(())
    })
}
