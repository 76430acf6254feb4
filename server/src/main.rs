//! `trellis`: serve the app, migrate, load demo data, and administer users and orgs.

use anyhow::{Context, Result, bail};
use app::error::AppError;
use app::partners::{PartnerInput, people, repo};
use clap::{Parser, Subcommand};
use std::io::Read;
use std::process::ExitCode;
use trellis::{Config, seed};

// mimalloc, not glibc malloc: a page render makes thousands of small allocations across
// threads, and glibc's malloc/free were ~17 % of the CPU under load (perf, /partners).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "trellis", version, about = "Trellis partner portal")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the app (the default).
    Serve,
    /// Create or update the database schema.
    Migrate,
    /// Load data.
    Seed {
        /// The demo vendor, staff and partners (idempotent).
        #[arg(long)]
        demo: bool,
        /// Also add this many synthetic partner organisations (for load tests).
        #[arg(long, default_value_t = 0)]
        partners: usize,
        /// Also add this many synthetic deal registrations (for load tests).
        #[arg(long, default_value_t = 0)]
        deals: usize,
        /// Also add this many synthetic notifications for `--notify` (for load tests).
        #[arg(long, default_value_t = 0)]
        notifications: usize,
        /// Whose notifications `--notifications` adds.
        #[arg(long, default_value = "cam@acme.example")]
        notify: String,
    },
    /// Manage users.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Manage partner organisations.
    Org {
        #[command(subcommand)]
        command: OrgCommand,
    },
    /// Manage API tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Import data from files.
    Import {
        #[command(subcommand)]
        command: ImportCommand,
    },
    /// The conflict-matching model.
    Match {
        #[command(subcommand)]
        command: MatchCommand,
    },
    /// The credential issuer.
    Issuer {
        #[command(subcommand)]
        command: IssuerCommand,
    },
}

#[derive(Subcommand)]
enum MatchCommand {
    /// Train the match model on this installation's data (u from random pairs of pipeline
    /// records, m by expectation-maximisation over the candidate pairs of submitted
    /// registrations), save it and print the report. Checks use it within a minute.
    Train {
        /// Print the report without saving the model.
        #[arg(long)]
        dry_run: bool,
    },
    /// Print the model checks use now: m, u and the weight of each comparison level.
    Report,
}

#[derive(Subcommand)]
enum IssuerCommand {
    /// Sign new credentials with a new key; earlier keys stay in the DID document, so what
    /// they signed still verifies.
    RotateKey,
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Create an API token acting as the user with this email; prints the token.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long, default_value = "CLI token")]
        name: String,
    },
}

#[derive(Subcommand)]
enum ImportCommand {
    /// Upsert the direct pipeline and named accounts from a CSV file with the columns
    /// external_id, company, domain, street, city, region, postcode, country, phone,
    /// contact_email. All rows are checked first; nothing is written if any row is wrong.
    Pipeline { file: std::path::PathBuf },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a user; the password is read from standard input.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// admin, channel_manager or marketer (vendor staff, no --org); partner_admin,
        /// sales or marketer (with --org).
        #[arg(long)]
        role: String,
        /// The partner organisation's slug.
        #[arg(long)]
        org: Option<String>,
    },
}

#[derive(Subcommand)]
enum OrgCommand {
    /// Create a partner organisation and print its slug.
    Create {
        #[arg(long)]
        name: String,
        /// Partner type(s), comma-separated: reseller, var, msp, isv, si, referral, cosell,
        /// marketplace, influence.
        #[arg(long = "type")]
        partner_type: String,
        #[arg(long, default_value = "registered")]
        tier: String,
        #[arg(long, default_value = "")]
        region: String,
        #[arg(long, default_value = "onboarding")]
        status: String,
    },
}

fn init_tracing() {
    use tracing_subscriber::{EnvFilter, fmt};
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let json = std::env::var("TRELLIS_LOG_FORMAT").is_ok_and(|v| v == "json");
    let builder = fmt().with_env_filter(filter).with_writer(std::io::stderr);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}

/// Turns a validation error into sentences for the terminal.
fn explain(e: AppError) -> anyhow::Error {
    match e {
        AppError::Validation(fields) => {
            let en = app::i18n::Locale::En;
            let msgs: Vec<String> = fields
                .iter()
                .flat_map(|(f, ms)| {
                    // Form fields and CLI flags differ in a few names.
                    let flag = match f.as_str() {
                        "types" => "type",
                        other => other,
                    };
                    ms.iter().map(move |m| format!("--{flag}: {}", en.text(m)))
                })
                .collect();
            anyhow::anyhow!(msgs.join("\n"))
        }
        AppError::Conflict(key) => anyhow::anyhow!(
            "{}",
            app::i18n::Locale::En
                .known(&key)
                .unwrap_or("this conflicts with the current state")
        ),
        other => anyhow::anyhow!("{other}"),
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    init_tracing();
    match run(Cli::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<()> {
    let config = Config::from_env()?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            let listener = tokio::net::TcpListener::bind(config.addr)
                .await
                .with_context(|| format!("cannot listen on {}", config.addr))?;
            let addr = listener.local_addr()?;
            let state = trellis::state(&config, addr).await?;
            trellis::spawn_workers(&state);
            tracing::info!(%addr, database = %trellis::redact(&config.database_url), "Trellis is serving on http://{addr}");
            trellis::serve(listener, trellis::router(state)).await
        }
        Command::Migrate => {
            trellis::connect(&config.database_url).await?;
            println!("database is up to date");
            Ok(())
        }
        Command::Seed {
            demo,
            partners,
            deals,
            notifications,
            notify,
        } => {
            if !demo {
                bail!("nothing to seed: pass --demo");
            }
            let db = trellis::connect(&config.database_url).await?;
            let logins = seed::demo(&db).await?;
            seed::demo_learning(&db, &config.public_url).await?;
            trellis::seed_campaigns::demo_campaigns(&db).await?;
            let assets = seed::demo_content(&db, &trellis::files(&config)?).await?;
            println!("Content library: {assets} assets.");
            if partners > 0 {
                seed::synthetic_partners(&db, partners).await?;
                println!("Added {partners} synthetic partner organisations.");
            }
            if deals > 0 {
                seed::synthetic_deals(&db, deals).await?;
                println!("Added {deals} synthetic deal registrations.");
            }
            if notifications > 0 {
                seed::synthetic_notifications(&db, &notify, notifications).await?;
                println!("Added {notifications} synthetic notifications for {notify}.");
            }
            if partners > 0 || deals > 0 || notifications > 0 {
                // A bulk load: the planner needs to know the tables' new sizes.
                db.refresh_statistics(true).await?;
            }
            println!(
                "Demo data loaded. Sign in at {}/login with password {:?}:",
                config.public_url,
                seed::DEMO_PASSWORD
            );
            for l in logins {
                println!("  {:<28} {:<16} {}", l.email, l.role, l.org);
            }
            Ok(())
        }
        Command::User {
            command:
                UserCommand::Create {
                    email,
                    name,
                    role,
                    org,
                },
        } => {
            let mut password = String::new();
            std::io::stdin()
                .read_to_string(&mut password)
                .context("cannot read the password from stdin")?;
            let password = password.trim_end_matches(['\n', '\r']);
            let db = trellis::connect(&config.database_url).await?;
            let vendor = role_is_vendor(&role, org.is_some())?;
            let slug = match (vendor, org) {
                (true, None) => {
                    // The vendor organisation is created with the first vendor user.
                    let name =
                        std::env::var("TRELLIS_VENDOR_NAME").unwrap_or_else(|_| "Vendor".into());
                    repo::ensure_vendor(&db, &name).await.map_err(explain)?
                }
                (false, Some(o)) => o,
                (true, Some(_)) => {
                    bail!("--org is only for partner users; vendor roles take no --org")
                }
                (false, None) => bail!("partner roles need --org SLUG"),
            };
            people::create_user_with_password(&db, &slug, &email, &name, &role, password)
                .await
                .map_err(|e| match e {
                    AppError::Validation(ref f) if f.contains_key("org") => {
                        anyhow::anyhow!("--org: no organisation with slug {slug:?}")
                    }
                    other => explain(other),
                })?;
            println!("created {email}");
            Ok(())
        }
        Command::Issuer {
            command: IssuerCommand::RotateKey,
        } => {
            let db = trellis::connect(&config.database_url).await?;
            let id = app::learning::issuer::rotate(&db, app::server::now())
                .await
                .map_err(explain)?;
            println!(
                "New credentials are signed with {}",
                app::learning::issuer::method_id(
                    &app::learning::issuer::did_for(&config.public_url),
                    id
                )
            );
            Ok(())
        }
        Command::Token {
            command: TokenCommand::Create { email, name },
        } => {
            let db = trellis::connect(&config.database_url).await?;
            let caller = app::auth::tokens::caller_for_email(&db, &email)
                .await
                .map_err(explain)?;
            let secret = app::auth::tokens::create(&db, &caller, &name)
                .await
                .map_err(explain)?;
            println!("{secret}");
            Ok(())
        }
        Command::Import {
            command: ImportCommand::Pipeline { file },
        } => {
            let data =
                std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let rows = match app::deals::pipeline::parse_csv(&data) {
                Ok(rows) => rows,
                Err(errors) => {
                    for e in errors.iter().take(50) {
                        eprintln!("{}:{}: {}: {}", file.display(), e.line, e.field, e.message);
                    }
                    if errors.len() > 50 {
                        eprintln!("… and {} more problems", errors.len() - 50);
                    }
                    bail!(
                        "nothing was imported: {} problem(s) in {}",
                        errors.len(),
                        file.display()
                    );
                }
            };
            let db = trellis::connect(&config.database_url).await?;
            let total = rows.len();
            let start = std::time::Instant::now();
            let stats = app::deals::pipeline::upsert(&db, &rows, |done| {
                eprint!(
                    "\rimporting: {done}/{total} rows ({:.0}%)",
                    done as f64 * 100.0 / total.max(1) as f64
                );
            })
            .await
            .map_err(explain)?;
            let secs = start.elapsed().as_secs_f64();
            eprintln!();
            println!(
                "imported {} rows ({} new, {} updated) in {secs:.1}s, {:.0} rows/s",
                stats.rows,
                stats.inserted,
                stats.updated,
                stats.rows as f64 / secs.max(1e-9)
            );
            Ok(())
        }
        Command::Match { command } => {
            let db = trellis::connect(&config.database_url).await?;
            match command {
                MatchCommand::Train { dry_run } => {
                    let model =
                        app::deals::model_store::train(&db, Default::default(), &[], |msg| {
                            eprintln!("{msg}")
                        })
                        .await
                        .map_err(explain)?;
                    if !dry_run {
                        app::deals::model_store::save(&db, &model)
                            .await
                            .map_err(explain)?;
                    }
                    print!("{}", app::deals::model::report(&model));
                    println!(
                        "{}",
                        if dry_run {
                            "not saved (--dry-run)"
                        } else {
                            "saved: checks use this model within a minute"
                        }
                    );
                }
                MatchCommand::Report => {
                    let model = app::deals::model_store::current(&db)
                        .await
                        .map_err(explain)?;
                    print!("{}", app::deals::model::report(&model));
                }
            }
            Ok(())
        }
        Command::Org {
            command:
                OrgCommand::Create {
                    name,
                    partner_type,
                    tier,
                    region,
                    status,
                },
        } => {
            let db = trellis::connect(&config.database_url).await?;
            let input = PartnerInput {
                name,
                types: partner_type
                    .split(',')
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect(),
                tier,
                region,
                status,
                ..Default::default()
            };
            let valid = repo::validate_partner(&db, &input).await.map_err(explain)?;
            let slug = repo::create_partner(&db, app::policy::Actor::Operator, valid)
                .await
                .map_err(explain)?;
            println!("{slug}");
            Ok(())
        }
    }
}

/// Which side a CLI role belongs to; `marketer` is decided by `--org`.
fn role_is_vendor(role: &str, has_org: bool) -> Result<bool> {
    match role {
        "admin" | "channel_manager" => Ok(true),
        "partner_admin" | "sales" => Ok(false),
        "marketer" => Ok(!has_org),
        other => bail!(
            "--role: unknown role {other:?}; use admin, channel_manager, marketer, partner_admin or sales"
        ),
    }
}
