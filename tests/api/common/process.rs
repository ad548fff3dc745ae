//! The service as its own process (the built binary), for what only a process shows: signals,
//! exporting on exit, several replicas on one database.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use tokio::process::{Child, Command};

use super::TEST_SECRET;

/// A running `reverse-mentoring serve`, killed when dropped.
pub struct ServiceProcess {
    /// Base URL, e.g. `http://127.0.0.1:43123`.
    pub address: String,
    child: Child,
    dir: PathBuf,
}

impl ServiceProcess {
    /// Starts the binary on a free port in a fresh working directory (so the default SQLite
    /// file is its own), verifying tokens with [`TEST_SECRET`]; `environment` adds settings.
    pub fn start(environment: &[(&str, &str)]) -> ServiceProcess {
        let dir = std::env::temp_dir().join(format!("rm-process-{}", super::unique_name()));
        std::fs::create_dir_all(&dir).expect("dir");
        let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("free port").port();
        let child = Command::new(env!("CARGO_BIN_EXE_reverse-mentoring"))
            .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
            .current_dir(&dir)
            .env_remove("DATABASE_URL")
            .env_remove("OIDC_ISSUER")
            .env("JWT_SECRET", TEST_SECRET)
            .envs(environment.iter().copied())
            .kill_on_drop(true)
            .spawn()
            .expect("start the service");
        ServiceProcess { address: format!("http://127.0.0.1:{port}"), child, dir }
    }

    /// Waits until `/readyz` answers 200.
    pub async fn ready(&mut self) {
        let client = reqwest::Client::new();
        let started = Instant::now();
        loop {
            if let Ok(response) = client.get(format!("{}/readyz", self.address)).send().await
                && response.status() == 200
            {
                return;
            }
            if let Ok(Some(exit)) = self.child.try_wait() {
                panic!("{} exited before it was ready: {exit}", self.address);
            }
            assert!(started.elapsed() < Duration::from_secs(60), "{} did not become ready", self.address);
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Sends SIGTERM, as an orchestrator stopping it does.
    pub async fn terminate(&self) {
        let pid = self.child.id().expect("running").to_string();
        let sent = Command::new("kill").args(["-TERM", &pid]).status().await.expect("kill");
        assert!(sent.success());
    }

    /// Waits for the process to exit, and says whether it exited successfully.
    pub async fn exits_cleanly(&mut self) -> bool {
        let exit = tokio::time::timeout(Duration::from_secs(10), self.child.wait()).await.expect("it exits");
        exit.expect("wait").success()
    }
}

impl Drop for ServiceProcess {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
