//! Pushing training records to an organisation's own LRS: what a target is, how long to wait
//! after failures, and what an LRS's answer means for the batch sent.

use std::time::Duration;

use super::{DomainError, invalid, text};

/// How the service authenticates to the LRS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PushAuth {
    /// HTTP Basic.
    Basic { username: String, password: String },
    /// OAuth2 client credentials: a bearer token from `token_url`.
    OAuth2 { token_url: String, client_id: String, client_secret: String, scope: Option<String> },
}

impl PushAuth {
    /// The spelling stored.
    pub fn kind(&self) -> &'static str {
        match self {
            PushAuth::Basic { .. } => "BASIC",
            PushAuth::OAuth2 { .. } => "OAUTH2",
        }
    }
}

/// Where an organisation's statements go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushTarget {
    /// The LRS's xAPI base; statements are POSTed to `{endpoint}/statements`.
    pub endpoint: String,
    pub auth: PushAuth,
}

/// Checks a target as an ADMIN gives it.
pub fn target(endpoint: &str, auth: PushAuth) -> Result<PushTarget, DomainError> {
    let endpoint = web_url("endpoint", endpoint)?;
    let auth = match auth {
        PushAuth::Basic { username, password } => PushAuth::Basic {
            username: text::required("username", &username, 256)?,
            password: text::required("password", &password, 1024)?,
        },
        PushAuth::OAuth2 { token_url, client_id, client_secret, scope } => PushAuth::OAuth2 {
            token_url: web_url("tokenUrl", &token_url)?,
            client_id: text::required("clientId", &client_id, 256)?,
            client_secret: text::required("clientSecret", &client_secret, 1024)?,
            scope: scope.map(|scope| text::limited("scope", scope.trim(), 512)).transpose()?.filter(|s| !s.is_empty()),
        },
    };
    Ok(PushTarget { endpoint, auth })
}

fn web_url(field: &str, value: &str) -> Result<String, DomainError> {
    let value = value.trim().trim_end_matches('/');
    let host = value.strip_prefix("https://").or_else(|| value.strip_prefix("http://"));
    match host {
        Some(host) if !host.is_empty() && value.len() <= 2048 && !value.contains(char::is_whitespace) => {
            Ok(value.to_owned())
        }
        _ => Err(invalid(format!("{field} must be an absolute http(s) URL"))),
    }
}

/// How long to wait after the `failures`-th failure in a row: 1 s, doubling, at most 5 minutes.
pub fn backoff(failures: i32) -> Duration {
    let exponent = u32::try_from(failures.clamp(1, 20) - 1).unwrap_or(0);
    Duration::from_secs(2u64.saturating_pow(exponent).min(300))
}

/// What an LRS's answer to a batch means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// Stored (200), or already stored as it is (204 on an exact retry).
    Delivered,
    /// Not stored: try again later, saying why.
    Refused(String),
}

/// Reads the LRS's status: 2xx is delivered; 409 means it holds one of these ids with another
/// body, which retrying cannot mend, so it is reported like any other refusal.
pub fn answer(status: u16, body: &str) -> Answer {
    if (200..300).contains(&status) {
        return Answer::Delivered;
    }
    let said: String = body.chars().take(300).collect();
    let why = match status {
        401 | 403 => "the LRS refused the credentials",
        409 => "the LRS already holds one of these statement ids with other content",
        429 => "the LRS asked to slow down",
        status if status >= 500 => "the LRS failed",
        _ => "the LRS refused the batch",
    };
    Answer::Refused(format!("{why} (HTTP {status}): {said}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_web_urls_with_credentials() {
        let basic = PushAuth::Basic { username: "svc".into(), password: "pw".into() };
        let ok = target(" https://lrs.example.com/xAPI/ ", basic.clone()).unwrap();
        assert_eq!(ok.endpoint, "https://lrs.example.com/xAPI");
        assert!(target("lrs.example.com", basic.clone()).is_err());
        assert!(target("ftp://lrs", basic).is_err());
        let blank = PushAuth::Basic { username: " ".into(), password: "pw".into() };
        assert!(target("https://lrs", blank).is_err());
        let oauth = PushAuth::OAuth2 {
            token_url: "https://idp/token".into(),
            client_id: "id".into(),
            client_secret: "secret".into(),
            scope: Some(" ".into()),
        };
        assert_eq!(target("https://lrs", oauth).unwrap().auth.kind(), "OAUTH2");
    }

    #[test]
    fn waits_double_after_each_failure_up_to_five_minutes() {
        let waits: Vec<u64> = (1..=10).map(|n| backoff(n).as_secs()).collect();
        assert_eq!(waits, [1, 2, 4, 8, 16, 32, 64, 128, 256, 300]);
        assert_eq!(backoff(0).as_secs(), 1);
        assert_eq!(backoff(i32::MAX).as_secs(), 300);
    }

    #[test]
    fn answers_are_delivered_or_refused_with_the_reason() {
        assert_eq!(answer(200, "[\"id\"]"), Answer::Delivered);
        assert_eq!(answer(204, ""), Answer::Delivered);
        let Answer::Refused(why) = answer(503, "down for maintenance") else { panic!("refused") };
        assert!(why.contains("HTTP 503") && why.contains("maintenance"));
        let Answer::Refused(why) = answer(409, "") else { panic!("refused") };
        assert!(why.contains("other content"));
        let Answer::Refused(why) = answer(400, &"x".repeat(1000)) else { panic!("refused") };
        assert!(why.len() < 400, "an answer is quoted, not copied whole");
    }
}
