//! A PostgreSQL server of the test's own (initdb on a free port), so a test can stop and start
//! it under a running service without disturbing the shared server the other tests use.

use std::path::PathBuf;
use std::process::Command;

/// A private PostgreSQL cluster; stopped and removed when dropped.
pub struct PgCluster {
    bin: PathBuf,
    dir: PathBuf,
    port: u16,
    as_postgres: bool,
}

impl PgCluster {
    /// Creates and starts a cluster, or None (the test skips) when PostgreSQL's server
    /// binaries are not installed; `REQUIRE_FAULT_TESTS=1` turns the skip into a failure.
    pub fn start() -> Option<PgCluster> {
        let bin = std::fs::read_dir("/usr/lib/postgresql").ok().and_then(|versions| {
            versions.flatten().map(|version| version.path().join("bin")).find(|bin| bin.join("initdb").is_file())
        });
        let Some(bin) = bin else {
            super::skip_without(
                "REQUIRE_FAULT_TESTS",
                "PostgreSQL's server binaries (/usr/lib/postgresql/*/bin/initdb)",
            );
            return None;
        };
        let dir = std::env::temp_dir().join(format!("rm-pg-{}-{}", std::process::id(), super::unique_name()));
        std::fs::create_dir_all(&dir).expect("cluster dir");
        // initdb refuses to run as root: the cluster belongs to the postgres user then.
        let as_postgres = Command::new("id").arg("-u").output().is_ok_and(|out| out.stdout.starts_with(b"0\n"));
        if as_postgres {
            let status = Command::new("chown").args(["postgres:postgres"]).arg(&dir).status().expect("chown");
            assert!(status.success(), "chown the cluster dir to postgres");
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("free port").port();
        let cluster = PgCluster { bin, dir, port, as_postgres };
        let data = cluster.data();
        cluster.run("initdb", &["-D", &data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"]);
        cluster.start_server();
        Some(cluster)
    }

    /// The URL of its `postgres` database.
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// Starts the server and waits until it accepts connections.
    pub fn start_server(&self) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off",
            self.port,
            self.dir.display()
        );
        let log = self.dir.join("server.log").display().to_string();
        self.run("pg_ctl", &["-D", &self.data(), "-o", &options, "-l", &log, "-w", "start"]);
    }

    /// Stops the server the way an operator does (fast: sessions are ended) and waits for it.
    pub fn stop_server(&self) {
        self.run("pg_ctl", &["-D", &self.data(), "-m", "fast", "-w", "stop"]);
    }

    fn data(&self) -> String {
        self.dir.join("data").display().to_string()
    }

    /// One of the server's programs, run as the cluster's owner.
    fn command(&self, program: &str) -> Command {
        let path = self.bin.join(program);
        if self.as_postgres {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(path);
            command
        } else {
            Command::new(path)
        }
    }

    fn run(&self, program: &str, args: &[&str]) {
        let output = self.command(program).args(args).output().unwrap_or_else(|error| panic!("{program}: {error}"));
        assert!(
            output.status.success(),
            "{program} {args:?}: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        if self.dir.join("data/postmaster.pid").exists() {
            let _ = self.command("pg_ctl").args(["-D", &self.data(), "-m", "immediate", "-w", "stop"]).output();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
