//! Retry policy: exponential backoff on 429, 5XX, timeouts and (optionally) connection errors,
//! for idempotent methods only unless a call opts in.

use std::time::Duration;

use backon::ExponentialBuilder;
use http::Method;

/// How a call is retried. Retries are off unless a `RetryConfig` is set on the client
/// ([`crate::PlexClientBuilder::retries`]) or on one call (`.retries(..)` on any request).
///
/// **Which calls.** Only calls whose method is idempotent (RFC 9110 §9.2.2: `GET`, `HEAD`,
/// `OPTIONS`, `TRACE`, `PUT`, `DELETE`) are retried: sending them twice has the effect of
/// sending them once. A `POST` (`start_task`, creating a playlist) or `PATCH` is sent once,
/// whatever the failure, unless the call opts in with
/// [`retry_non_idempotent(true)`](RetryConfig::retry_non_idempotent), preferably on that
/// one call:
///
/// ```no_run
/// # async fn run(client: plex_sdk::PlexClient) -> plex_sdk::Result<()> {
/// use plex_sdk::{RetryConfig, models::ButlerTask};
/// // Starting a task twice is harmless here: opt in for this call only.
/// let retries = RetryConfig::default().retry_non_idempotent(true);
/// client.butler().start_task(ButlerTask::BackupDatabase).retries(retries).await?;
/// # Ok(()) }
/// ```
///
/// **When.** 429, 5XX and timeouts are retried, and failures to connect (and connections that
/// break, a body cut short included) when [`RetryConfig::retry_connection_errors`] is set.
/// Other 4XX statuses, bodies that do not decode ([`crate::Error::Decode`]) and bodies over
/// the size limit ([`crate::Error::BodyTooLarge`]) are never retried: the same request would
/// get the same answer.
///
/// **How long.** The delay before retry *n* is `initial_interval * exponent^(n-1)` plus up to
/// as much again of random jitter, capped at `max_interval`. A `Retry-After` header (in
/// seconds) replaces the computed delay. Retrying stops, returning the last error, after
/// [`max_attempts`](RetryConfig::max_attempts) attempts, or when the next attempt would start
/// more than [`max_elapsed_time`](RetryConfig::max_elapsed_time) after the first one started
/// (so a `Retry-After` longer than what is left of it ends the retries at once). The call's
/// deadline ([`crate::PlexClientBuilder::deadline`]) bounds all of it as well.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryConfig {
    /// Delay before the first retry.
    pub initial_interval: Duration,
    /// Longest delay between two attempts.
    pub max_interval: Duration,
    /// Growth factor of the delay.
    pub exponent: f32,
    /// No attempt starts later than this after the first one started.
    pub max_elapsed_time: Duration,
    /// Whether failures to connect (and connections that break) are retried too.
    pub retry_connection_errors: bool,
    /// Attempts in all, the first one included (`1` never retries).
    pub max_attempts: u32,
    /// Whether calls with a method that is not idempotent (`POST`, `PATCH`) are retried too.
    pub retry_non_idempotent: bool,
}

impl Default for RetryConfig {
    /// 500 ms, doubling up to 10 s; at most 4 attempts within 30 s; connection errors are
    /// retried; `POST` and `PATCH` are not.
    fn default() -> Self {
        RetryConfig {
            initial_interval: Duration::from_millis(500),
            max_interval: Duration::from_secs(10),
            exponent: 2.0,
            max_elapsed_time: Duration::from_secs(30),
            retry_connection_errors: true,
            max_attempts: 4,
            retry_non_idempotent: false,
        }
    }
}

impl RetryConfig {
    /// Sets [`RetryConfig::initial_interval`].
    pub fn initial_interval(mut self, value: Duration) -> Self {
        self.initial_interval = value;
        self
    }
    /// Sets [`RetryConfig::max_interval`].
    pub fn max_interval(mut self, value: Duration) -> Self {
        self.max_interval = value;
        self
    }
    /// Sets [`RetryConfig::exponent`].
    pub fn exponent(mut self, value: f32) -> Self {
        self.exponent = value;
        self
    }
    /// Sets [`RetryConfig::max_elapsed_time`].
    pub fn max_elapsed_time(mut self, value: Duration) -> Self {
        self.max_elapsed_time = value;
        self
    }
    /// Sets [`RetryConfig::retry_connection_errors`].
    pub fn retry_connection_errors(mut self, value: bool) -> Self {
        self.retry_connection_errors = value;
        self
    }
    /// Sets [`RetryConfig::max_attempts`].
    pub fn max_attempts(mut self, value: u32) -> Self {
        self.max_attempts = value;
        self
    }
    /// Sets [`RetryConfig::retry_non_idempotent`]: whether a `POST` or `PATCH` may be sent
    /// again. Only for calls whose repetition is harmless.
    pub fn retry_non_idempotent(mut self, value: bool) -> Self {
        self.retry_non_idempotent = value;
        self
    }

    /// Whether a call with `method` may be retried at all.
    pub(crate) fn allows(&self, method: &Method) -> bool {
        self.retry_non_idempotent || is_idempotent(method)
    }

    pub(crate) fn backoff(&self) -> ExponentialBuilder {
        ExponentialBuilder::default()
            .with_min_delay(self.initial_interval)
            .with_max_delay(self.max_interval)
            .with_factor(self.exponent)
            .with_max_times(self.max_attempts.saturating_sub(1) as usize)
            .with_total_delay(Some(self.max_elapsed_time))
            .with_jitter()
    }
}

/// Whether `method` is idempotent (RFC 9110 §9.2.2).
pub(crate) fn is_idempotent(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE | Method::PUT | Method::DELETE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_idempotent_methods_retry_by_default() {
        let config = RetryConfig::default();
        for method in [Method::GET, Method::HEAD, Method::OPTIONS, Method::TRACE, Method::PUT, Method::DELETE] {
            assert!(config.allows(&method), "{method}");
        }
        for method in [Method::POST, Method::PATCH, Method::CONNECT] {
            assert!(!config.allows(&method), "{method}");
            assert!(config.retry_non_idempotent(true).allows(&method), "{method}");
        }
    }

    #[test]
    fn defaults_are_capped() {
        let config = RetryConfig::default();
        assert_eq!(config.max_attempts, 4);
        assert_eq!(config.max_elapsed_time, Duration::from_secs(30));
        assert!(!config.retry_non_idempotent);
    }
}
