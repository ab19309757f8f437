//! Retry policy: exponential backoff on 429, 5XX, timeouts and (optionally) connection errors.

use std::time::Duration;

use backon::ExponentialBuilder;

/// How a call is retried. Retries are off unless a `RetryConfig` is set on the client
/// ([`crate::PlexClientBuilder::retries`]) or on one call (`.retries(..)` on any request).
///
/// The delay before retry *n* is `initial_interval * exponent^(n-1)` plus up to as much again
/// of random jitter, capped at `max_interval`; retrying stops (returning the last error) once
/// the delays would add up to more than `max_elapsed_time`. A `Retry-After` header (in
/// seconds) from the server replaces the computed delay, and counts against
/// `max_elapsed_time` too: a server asking for a longer wait than is left ends the retries.
///
/// Other 4XX statuses, bodies that do not decode ([`crate::Error::Decode`]) and bodies over
/// the size limit ([`crate::Error::BodyTooLarge`]) are never retried: the same request would
/// get the same answer. A connection that breaks while the body arrives counts as a
/// connection error.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryConfig {
    /// Delay before the first retry.
    pub initial_interval: Duration,
    /// Longest delay between two attempts.
    pub max_interval: Duration,
    /// Growth factor of the delay.
    pub exponent: f32,
    /// Total time spent waiting between attempts, at most.
    pub max_elapsed_time: Duration,
    /// Whether failures to connect (and connections that break) are retried too.
    pub retry_connection_errors: bool,
}

impl Default for RetryConfig {
    /// 500 ms, doubling up to 60 s, for at most one hour; connection errors are retried.
    fn default() -> Self {
        RetryConfig {
            initial_interval: Duration::from_millis(500),
            max_interval: Duration::from_secs(60),
            exponent: 2.0,
            max_elapsed_time: Duration::from_secs(3600),
            retry_connection_errors: true,
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

    pub(crate) fn backoff(&self) -> ExponentialBuilder {
        ExponentialBuilder::default()
            .with_min_delay(self.initial_interval)
            .with_max_delay(self.max_interval)
            .with_factor(self.exponent)
            .without_max_times()
            .with_total_delay(Some(self.max_elapsed_time))
            .with_jitter()
    }
}
