//! Request budgets per token and per organisation, so one client (or one tenant) cannot
//! starve the rest: over budget is HTTP 429 with `Retry-After`.
//!
//! Budgets live in each replica's memory, like a cache: losing them on restart is harmless,
//! and behind a load balancer of N replicas a client gets at most N times its budget.

use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

/// Keys kept before forgetting those whose budget is full again.
const FORGET_AFTER_KEYS: usize = 10_000;

/// The two budgets; either may be off.
pub struct RateLimits {
    per_token: Option<DefaultKeyedRateLimiter<String>>,
    per_org: Option<DefaultKeyedRateLimiter<String>>,
    clock: DefaultClock,
}

impl std::fmt::Debug for RateLimits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RateLimits").finish_non_exhaustive()
    }
}

impl RateLimits {
    /// Budgets of requests per minute for each token and each organisation (0 turns one off).
    pub fn per_minute(per_token: u32, per_org: u32) -> RateLimits {
        let limiter = |per_minute: u32| NonZeroU32::new(per_minute).map(|n| RateLimiter::keyed(Quota::per_minute(n)));
        RateLimits { per_token: limiter(per_token), per_org: limiter(per_org), clock: DefaultClock::default() }
    }

    /// Spends one request of `subject` in `org`; `Err` says how long to wait.
    pub fn check(&self, org: &str, subject: &str) -> Result<(), Duration> {
        let token_key = format!("{org}\u{1f}{subject}");
        for (limiter, key) in [(&self.per_token, token_key), (&self.per_org, org.to_owned())] {
            let Some(limiter) = limiter else { continue };
            if limiter.len() > FORGET_AFTER_KEYS {
                limiter.retain_recent();
            }
            if let Err(not_until) = limiter.check_key(&key) {
                return Err(not_until.wait_time_from(self.clock.now()));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_token_and_each_org_has_its_own_budget() {
        let limits = RateLimits::per_minute(2, 3);
        assert!(limits.check("acme", "ada").is_ok());
        assert!(limits.check("acme", "ada").is_ok());
        let wait = limits.check("acme", "ada").unwrap_err();
        assert!(wait > Duration::ZERO && wait <= Duration::from_secs(30), "{wait:?}");
        assert!(limits.check("acme", "ben").is_ok(), "another token has its own budget");
        assert!(limits.check("acme", "cy").is_err(), "but the organisation's 3 are spent");
        assert!(limits.check("globex", "ada").is_ok(), "another organisation is untouched");
        let off = RateLimits::per_minute(0, 0);
        assert!((0..1_000).all(|_| off.check("acme", "ada").is_ok()));
    }
}
