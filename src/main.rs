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
