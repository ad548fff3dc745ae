//! The command line: `serve` (the default), `migrate`, `token`, `seed-demo` and `print-schema`.

use std::future::IntoFuture;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use reverse_mentoring::auth::{ClaimMap, ClaimPath, ProviderSettings, Role};
use reverse_mentoring::config::{AuthMode, Config, DEFAULT_DATABASE_URL, default_secret_file};

/// Reverse-mentoring programs over GraphQL.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(flatten)]
    settings: Settings,
    #[command(subcommand)]
    command: Option<Command>,
}

/// Settings shared by every command; each has an environment variable.
#[derive(Args)]
struct Settings {
    /// Database URL: SQLite (embedded default) or PostgreSQL.
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL, global = true)]
    database_url: String,
    /// HS256 secret (at least 32 bytes). Without it the service runs in development mode.
    #[arg(long, env = "JWT_SECRET", hide_env_values = true, global = true)]
    jwt_secret: Option<String>,
    /// Development-mode secret file [default: beside the SQLite file].
    #[arg(long, env = "JWT_SECRET_FILE", global = true)]
    jwt_secret_file: Option<PathBuf>,
    /// Required token issuer (`iss`).
    #[arg(long, env = "JWT_ISSUER", global = true)]
    jwt_issuer: Option<String>,
    /// Required token audience (`aud`).
    #[arg(long, env = "JWT_AUDIENCE", global = true)]
    jwt_audience: Option<String>,
    /// Longest token lifetime accepted, in seconds (`exp` further ahead is refused).
    #[arg(long, env = "JWT_MAX_LIFETIME_SECS", default_value_t = 86_400, global = true)]
    jwt_max_lifetime_secs: u64,
    /// The identity provider's issuer: production mode, RS256/ES256 tokens checked against its
    /// JWKS (found through /.well-known/openid-configuration). Needs JWT_AUDIENCE.
    #[arg(long, env = "OIDC_ISSUER", global = true)]
    oidc_issuer: Option<String>,
    /// The provider's JWKS address, when discovery is not used.
    #[arg(long, env = "JWKS_URL", global = true)]
    jwks_url: Option<String>,
    /// Algorithms accepted from the identity provider [default: RS256,ES256].
    #[arg(long, env = "JWT_ALGORITHMS", value_delimiter = ',', global = true)]
    jwt_algorithms: Vec<String>,
    /// Claim naming the subject [default: sub].
    #[arg(long, env = "JWT_SUBJECT_CLAIM", global = true)]
    jwt_subject_claim: Option<String>,
    /// Claim naming the organisation, e.g. tid for Entra ID [default: org].
    #[arg(long, env = "JWT_ORG_CLAIM", global = true)]
    jwt_org_claim: Option<String>,
    /// Claim holding the roles, e.g. groups (Okta) or realm_access.roles (Keycloak) [default: roles].
    #[arg(long, env = "JWT_ROLES_CLAIM", global = true)]
    jwt_roles_claim: Option<String>,
    /// Claim holding the employee id, e.g. employeeid (Entra ID) [default: employee_id].
    #[arg(long, env = "JWT_EMPLOYEE_ID_CLAIM", global = true)]
    jwt_employee_id_claim: Option<String>,
    /// Provider role or group names and the roles they grant: `name=ROLE,...`.
    #[arg(long, env = "JWT_ROLE_MAP", global = true)]
    jwt_role_map: Option<String>,
    /// How often the provider's keys are fetched again, in seconds.
    #[arg(long, env = "JWKS_REFRESH_SECS", default_value_t = 900, global = true)]
    jwks_refresh_secs: u64,
    /// Shortest time between two fetches caused by tokens signed with an unknown key, in seconds.
    #[arg(long, env = "JWKS_MIN_REFETCH_SECS", default_value_t = 30, global = true)]
    jwks_min_refetch_secs: u64,
    /// Log as JSON lines instead of text.
    #[arg(long, env = "LOG_JSON", global = true)]
    log_json: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Run the service (the default).
    Serve(ServeArgs),
    /// Apply pending migrations and exit.
    Migrate,
    /// Print a development token the running service accepts.
    Token(TokenArgs),
    /// Fill the database with a demo organisation.
    SeedDemo {
        /// The organisation to fill.
        #[arg(long, default_value = "acme")]
        org: String,
    },
    /// List stored records of an organisation that break the rules on dates and employment
    /// (exit status 1 when there are any).
    CheckRecords {
        /// The organisation to check.
        #[arg(long)]
        org: String,
    },
    /// Print the GraphQL schema (SDL).
    PrintSchema,
    /// Solve a `peer.py gen` file and print `matched=K total=T seconds=S` like `peer.py solve`.
    MatchBench {
        /// The score matrix or `edges` file.
        file: PathBuf,
        /// participation (most mentees matched, then best total) or score (best total).
        #[arg(long, default_value = "participation")]
        objective: String,
    },
}

#[derive(Parser)]
struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "BIND_ADDRESS", default_value = "127.0.0.1:8080")]
    bind: String,
    /// Largest database connection pool (default: 10 on PostgreSQL, twice the cores on SQLite).
    #[arg(long, env = "DATABASE_MAX_CONNECTIONS")]
    max_connections: Option<u32>,
    /// Most rows per connection page.
    #[arg(long, env = "MAX_PAGE_SIZE", default_value_t = 100)]
    max_page_size: u64,
    /// Longest a request may take, in seconds.
    #[arg(long, env = "REQUEST_TIMEOUT_SECS", default_value_t = 30)]
    request_timeout_secs: u64,
    /// Largest request body, in bytes.
    #[arg(long, env = "BODY_LIMIT_BYTES", default_value_t = 2 * 1024 * 1024)]
    body_limit_bytes: usize,
    /// Allowed CORS origins, comma-separated; `*` allows any.
    #[arg(long, env = "CORS_ALLOWED_ORIGINS", default_value = "*", value_delimiter = ',')]
    cors_allowed_origins: Vec<String>,
    /// Base URL of training records' IRIs (xAPI activities, extensions, the accounts' home
    /// page): the service's public address, fixed for the deployment's life.
    #[arg(long, env = "XAPI_BASE_URL", default_value = reverse_mentoring::domain::xapi::DEFAULT_BASE)]
    xapi_base_url: String,
    /// Seconds between looks for statements to push to organisations' LRSs (0: this replica
    /// does not push).
    #[arg(long, env = "LRS_PUSH_INTERVAL_SECS", default_value_t = 5)]
    lrs_push_interval_secs: u64,
    /// Longest wait for an LRS's answer to one batch, seconds.
    #[arg(long, env = "LRS_PUSH_TIMEOUT_SECS", default_value_t = 20)]
    lrs_push_timeout_secs: u64,
    /// Deepest GraphQL query accepted.
    #[arg(long, env = "GRAPHQL_MAX_DEPTH", default_value_t = 15)]
    max_query_depth: usize,
    /// Highest query cost: one per field, times the page size for what a connection selects.
    #[arg(long, env = "GRAPHQL_MAX_COMPLEXITY", default_value_t = 50_000)]
    max_query_complexity: u64,
    /// Most aliased fields per document.
    #[arg(long, env = "GRAPHQL_MAX_ALIASES", default_value_t = 100)]
    max_aliases: usize,
    /// Most root fields per operation (after fragments are expanded).
    #[arg(long, env = "GRAPHQL_MAX_ROOT_FIELDS", default_value_t = 50)]
    max_root_fields: usize,
    /// Most mutations per request.
    #[arg(long, env = "GRAPHQL_MAX_MUTATIONS", default_value_t = 10)]
    max_mutations: usize,
    /// Most fragment spreads after expansion.
    #[arg(long, env = "GRAPHQL_MAX_FRAGMENT_SPREADS", default_value_t = 500)]
    max_fragment_spreads: u64,
    /// Most directives per document.
    #[arg(long, env = "GRAPHQL_MAX_DIRECTIVES", default_value_t = 50)]
    max_directives: usize,
    /// An Apollo persisted-query manifest (JSON): only its operations run (allow-list mode).
    #[arg(long, env = "PERSISTED_QUERIES_MANIFEST")]
    persisted_queries_manifest: Option<PathBuf>,
    /// Requests per minute one token may make, per replica (0 = no limit).
    #[arg(long, env = "RATE_LIMIT_PER_TOKEN", default_value_t = 600)]
    rate_limit_per_token: u32,
    /// Requests per minute one organisation may make, per replica (0 = no limit).
    #[arg(long, env = "RATE_LIMIT_PER_ORG", default_value_t = 6_000)]
    rate_limit_per_org: u32,
    /// Longest wait for requests in flight after SIGTERM, in seconds.
    #[arg(long, env = "SHUTDOWN_GRACE_SECS", default_value_t = 20)]
    shutdown_grace_secs: u64,
    /// Most lexical tokens per document.
    #[arg(long, env = "GRAPHQL_MAX_TOKENS", default_value_t = 10_000)]
    max_tokens: usize,
}

#[derive(Args)]
struct TokenArgs {
    /// Organisation (tenant).
    #[arg(long)]
    org: String,
    /// Role(s): admin, coordinator, analyst, lms, participant.
    #[arg(long = "role", required = true)]
    roles: Vec<String>,
    /// Subject.
    #[arg(long)]
    sub: String,
    /// The person's employee id [default: the subject].
    #[arg(long)]
    employee_id: Option<String>,
    /// Lifetime in hours.
    #[arg(long, default_value_t = 12)]
    hours: i64,
}

impl Settings {
    fn config(&self) -> Result<Config, String> {
        let mut config = Config::new(self.database_url.clone(), self.auth()?);
        config.jwt_issuer = self.oidc_issuer.clone().or_else(|| self.jwt_issuer.clone());
        config.jwt_audience = self.jwt_audience.clone();
        config.jwt_max_lifetime = Duration::from_secs(self.jwt_max_lifetime_secs);
        Ok(config)
    }

    /// Development or shared-secret HS256, or the identity provider; settings of one mode given
    /// to another are refused, so a production deployment never falls back to HS256 unnoticed.
    fn auth(&self) -> Result<AuthMode, String> {
        let provider_only = [
            ("JWKS_URL", self.jwks_url.is_some()),
            ("JWT_ALGORITHMS", !self.jwt_algorithms.is_empty()),
            ("JWT_SUBJECT_CLAIM", self.jwt_subject_claim.is_some()),
            ("JWT_ORG_CLAIM", self.jwt_org_claim.is_some()),
            ("JWT_ROLES_CLAIM", self.jwt_roles_claim.is_some()),
            ("JWT_EMPLOYEE_ID_CLAIM", self.jwt_employee_id_claim.is_some()),
            ("JWT_ROLE_MAP", self.jwt_role_map.is_some()),
        ];
        let Some(issuer) = &self.oidc_issuer else {
            if let Some((name, _)) = provider_only.iter().find(|(_, given)| *given) {
                return Err(format!("{name} is an identity-provider setting: set OIDC_ISSUER too, or leave it out"));
            }
            return Ok(match &self.jwt_secret {
                Some(secret) => AuthMode::SharedSecret { secret: secret.clone() },
                None => AuthMode::Development {
                    secret_file: self
                        .jwt_secret_file
                        .clone()
                        .unwrap_or_else(|| default_secret_file(&self.database_url)),
                },
            });
        };
        if self.jwt_secret.is_some() || self.jwt_secret_file.is_some() {
            return Err("OIDC_ISSUER and JWT_SECRET / JWT_SECRET_FILE exclude each other: with an identity \
                        provider only its RS256/ES256 tokens are accepted"
                .into());
        }
        if self.jwt_issuer.as_ref().is_some_and(|other| other != issuer) {
            return Err("JWT_ISSUER differs from OIDC_ISSUER: leave JWT_ISSUER out".into());
        }
        if self.jwt_audience.is_none() {
            return Err("OIDC_ISSUER needs JWT_AUDIENCE (the API's application id or audience)".into());
        }
        let names = if self.jwt_algorithms.is_empty() {
            vec!["RS256".into(), "ES256".into()]
        } else {
            self.jwt_algorithms.clone()
        };
        let algorithms = names
            .iter()
            .map(|name| {
                name.trim()
                    .parse::<jsonwebtoken::Algorithm>()
                    .ok()
                    .filter(|alg| reverse_mentoring::auth::ASYMMETRIC.contains(alg))
                    .ok_or_else(|| {
                        format!("JWT_ALGORITHMS: '{name}' is not an asymmetric algorithm such as RS256 or ES256")
                    })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let path = |value: &Option<String>, default: &str| ClaimPath::parse(value.as_deref().unwrap_or(default));
        let claims = ClaimMap {
            subject: path(&self.jwt_subject_claim, "sub")?,
            org: path(&self.jwt_org_claim, "org")?,
            roles: path(&self.jwt_roles_claim, "roles")?,
            employee_id: path(&self.jwt_employee_id_claim, "employee_id")?,
            role_names: ClaimMap::parse_role_names(self.jwt_role_map.as_deref().unwrap_or(""))?,
        };
        let settings = ProviderSettings {
            issuer: issuer.clone(),
            jwks_url: self.jwks_url.clone(),
            algorithms,
            refresh: Duration::from_secs(self.jwks_refresh_secs.max(1)),
            min_refetch: Duration::from_secs(self.jwks_min_refetch_secs),
        };
        Ok(AuthMode::Provider { settings, claims })
    }
}

/// A large answer is tens of thousands of small values built and freed per request: with
/// glibc's allocator 40% of the CPU under load went to malloc and free, and its per-thread
/// arenas held RSS far above what the requests in flight use.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let telemetry = match reverse_mentoring::telemetry::init(cli.settings.log_json) {
        Ok(telemetry) => telemetry,
        Err(message) => {
            eprintln!("error: telemetry: {message}");
            return ExitCode::FAILURE;
        }
    };
    let result = match cli.command {
        None => serve(&cli.settings, ServeArgs::parse_from(["serve"])).await,
        Some(Command::Serve(args)) => serve(&cli.settings, args).await,
        Some(Command::Migrate) => migrate(&cli.settings).await,
        Some(Command::Token(args)) => token(&cli.settings, args),
        Some(Command::SeedDemo { org }) => seed(&cli.settings, &org).await,
        Some(Command::MatchBench { file, objective }) => match_bench(&file, &objective),
        Some(Command::CheckRecords { org }) => check_records(&cli.settings, &org).await,
        Some(Command::PrintSchema) => {
            print!("{}", reverse_mentoring::graphql::sdl());
            Ok(())
        }
    };
    telemetry.shutdown();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(settings: &Settings, args: ServeArgs) -> Result<(), String> {
    let mut config = settings.config()?;
    if let Some(max_connections) = args.max_connections {
        config.max_connections = max_connections;
    }
    config.max_page_size = args.max_page_size;
    config.request_timeout = Duration::from_secs(args.request_timeout_secs);
    config.body_limit_bytes = args.body_limit_bytes;
    config.cors_allowed_origins = args.cors_allowed_origins;
    config.xapi_base_url = args.xapi_base_url;
    config.lrs_push = (args.lrs_push_interval_secs > 0).then(|| reverse_mentoring::push::PushSettings {
        interval: Duration::from_secs(args.lrs_push_interval_secs),
        timeout: Duration::from_secs(args.lrs_push_timeout_secs.max(1)),
        batch: 500,
    });
    config.max_query_depth = args.max_query_depth;
    config.persisted_query_manifest = args.persisted_queries_manifest;
    config.export_traces = reverse_mentoring::telemetry::traces_configured();
    config.rate_limit_per_token = args.rate_limit_per_token;
    config.rate_limit_per_org = args.rate_limit_per_org;
    config.query_limits = reverse_mentoring::graphql::QueryLimits {
        max_cost: args.max_query_complexity,
        max_aliases: args.max_aliases,
        max_root_fields: args.max_root_fields,
        max_mutations: args.max_mutations,
        max_fragment_spreads: args.max_fragment_spreads,
        max_directives: args.max_directives,
        max_tokens: args.max_tokens,
    };
    if let AuthMode::Provider { settings, .. } = &config.auth {
        tracing::info!(issuer = %settings.issuer, "tokens are checked against the identity provider's keys");
    }
    if let AuthMode::Development { secret_file } = &config.auth {
        tracing::warn!(
            secret_file = %secret_file.display(),
            "DEVELOPMENT MODE: tokens are HS256-signed with a local secret file; set JWT_SECRET in production"
        );
    }
    let app = reverse_mentoring::build(config).await.map_err(|error| error.to_string())?;
    let listener =
        tokio::net::TcpListener::bind(&args.bind).await.map_err(|error| format!("bind {}: {error}", args.bind))?;
    tracing::info!(address = %args.bind, "listening; GraphiQL at http://{}/graphiql", args.bind);
    let (stopping, mut stopped) = tokio::sync::watch::channel(false);
    // New connections are refused from the signal on; requests in flight get the grace period.
    let server = axum::serve(listener, app.router).with_graceful_shutdown(async move {
        termination().await;
        tracing::info!("shutting down: finishing requests in flight, accepting no new ones");
        let _ = stopping.send(true);
    });
    let grace = Duration::from_secs(args.shutdown_grace_secs);
    tokio::select! {
        finished = server.into_future() => finished.map_err(|error| error.to_string()),
        () = async {
            let _ = stopped.wait_for(|stopping| *stopping).await;
            tokio::time::sleep(grace).await;
        } => {
            tracing::warn!(grace_secs = grace.as_secs(), "grace period over; requests still running are cut off");
            Ok(())
        }
    }
}

/// SIGTERM (what orchestrators send) or Ctrl-C.
async fn termination() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}

async fn migrate(settings: &Settings) -> Result<(), String> {
    reverse_mentoring::store::Store::connect(&settings.database_url, 1).await.map_err(|error| error.to_string())?;
    println!("migrations applied to {}", settings.database_url);
    Ok(())
}

fn token(settings: &Settings, args: TokenArgs) -> Result<(), String> {
    let config = settings.config()?;
    if let AuthMode::Provider { .. } = config.auth {
        return Err("tokens come from the identity provider (OIDC_ISSUER); this service signs none".into());
    }
    let keys = reverse_mentoring::token_keys(&config).map_err(|error| error.to_string())?;
    let roles = args
        .roles
        .iter()
        .map(|role| role.to_ascii_uppercase().parse::<Role>().map_err(|_| format!("unknown role '{role}'")))
        .collect::<Result<Vec<_>, _>>()?;
    let longest = settings.jwt_max_lifetime_secs / 3600;
    if args.hours < 1 || u64::try_from(args.hours).unwrap_or(u64::MAX) > longest {
        return Err(format!("--hours must be between 1 and {longest} (JWT_MAX_LIFETIME_SECS allows no longer)"));
    }
    let employee_id = args.employee_id.as_deref().unwrap_or(&args.sub);
    let token = keys.issue(&args.org, &args.sub, &roles, Some(employee_id), chrono::Duration::hours(args.hours))?;
    println!("{token}");
    Ok(())
}

async fn check_records(settings: &Settings, org: &str) -> Result<(), String> {
    let store =
        reverse_mentoring::store::Store::connect(&settings.database_url, 2).await.map_err(|error| error.to_string())?;
    let scoped = store.scoped(org, "check-records");
    scoped.apply_due_departures().await.map_err(|error| error.message().to_owned())?;
    let problems = scoped.record_problems().await.map_err(|error| error.message().to_owned())?;
    for problem in &problems {
        println!("{}\t{:?}:{}\t{}", problem.kind, problem.subject, problem.id, problem.message);
    }
    match problems.len() {
        0 => {
            println!("organisation '{org}': no record breaks the rules");
            Ok(())
        }
        count => Err(format!("organisation '{org}': {count} record(s) break the rules")),
    }
}

async fn seed(settings: &Settings, org: &str) -> Result<(), String> {
    let store =
        reverse_mentoring::store::Store::connect(&settings.database_url, 2).await.map_err(|error| error.to_string())?;
    match reverse_mentoring::demo::seed(&store, org).await.map_err(|error| error.message().to_owned())? {
        Some(seeded) => println!(
            "seeded organisation '{org}': {} people, {} skills, {} programs, {} enrolments, {} running relationships",
            seeded.people, seeded.skills, seeded.programs, seeded.enrollments, seeded.matches
        ),
        None => println!("organisation '{org}' already has programs; nothing seeded"),
    }
    Ok(())
}

fn match_bench(file: &std::path::Path, objective: &str) -> Result<(), String> {
    use reverse_mentoring::domain::matching::{MatchingObjective, bench_file};
    let objective = match objective {
        "participation" => MatchingObjective::Participation,
        "score" => MatchingObjective::Score,
        other => return Err(format!("objective must be participation or score, got '{other}'")),
    };
    let reader = std::fs::File::open(file).map_err(|error| format!("{}: {error}", file.display()))?;
    // The file is read before the clock starts, as peer.py does.
    let problem = bench_file::parse_reader(std::io::BufReader::new(reader)).map_err(|error| error.to_string())?;
    let started = std::time::Instant::now();
    let (matched, total) = bench_file::solve_bench(&problem, objective).map_err(|error| error.to_string())?;
    println!("matched={matched} total={total} seconds={:.4}", started.elapsed().as_secs_f64());
    Ok(())
}
