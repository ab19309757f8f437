//! The hand-written client: configuration, authentication, and the headers every request carries.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use http::{HeaderMap, HeaderName, HeaderValue};

use crate::RetryConfig;
use crate::error::{Error, Result};
use crate::generated::Globals;

/// Which Plex Media Server to talk to: one of the document's three server templates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Server {
    /// `https://{ip_description}.{identifier}.plex.direct:{port}`: the server's plex.direct
    /// name, which carries a valid TLS certificate.
    PlexDirect {
        /// The server's IP address with `-` between its components (`1-2-3-4`).
        ip_description: String,
        /// The server's machine identifier (32 hexadecimal digits).
        identifier: String,
        /// The port, usually 32400.
        port: u16,
    },
    /// `{protocol}://{host}:{port}`: a host name or address and a port.
    HostPort {
        /// `http` or `https`.
        protocol: String,
        /// Host name or IP address (an IPv6 address with or without brackets).
        host: String,
        /// The port, usually 32400.
        port: u16,
    },
    /// A full base URL, such as `http://127.0.0.1:32400` or a reverse proxy's address.
    Url(String),
}

impl Server {
    /// The base URL this server template stands for.
    pub fn url(&self) -> String {
        match self {
            Server::PlexDirect { ip_description, identifier, port } => {
                format!("https://{ip_description}.{identifier}.plex.direct:{port}")
            }
            Server::HostPort { protocol, host, port } if host.contains(':') && !host.starts_with('[') => {
                format!("{protocol}://[{host}]:{port}")
            }
            Server::HostPort { protocol, host, port } => format!("{protocol}://{host}:{port}"),
            Server::Url(url) => url.clone(),
        }
    }
}

/// The Plex token: kept out of every `Debug`, `Display` and log line.
#[derive(Clone)]
struct Token(String);

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

/// Configures a [`PlexClient`]. Start from [`PlexClient::builder`].
#[derive(Debug, Default, Clone)]
pub struct PlexClientBuilder {
    server: Option<Server>,
    token: Option<Token>,
    pub(crate) globals: Globals,
    retries: Option<RetryConfig>,
    timeout: Option<Duration>,
    http: Option<reqwest::Client>,
    max_response_bytes: Option<usize>,
    max_error_body_bytes: Option<usize>,
    operation_origin: Option<String>,
    connect_timeout: Option<Duration>,
    deadline: Option<Duration>,
    idle_timeout: Option<Duration>,
    max_connections_per_host: Option<usize>,
    proxies: Vec<reqwest::Proxy>,
    no_proxy: bool,
}

impl PlexClientBuilder {
    /// The default of [`PlexClientBuilder::connect_timeout`]: 10 s.
    pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

    /// The default of [`PlexClientBuilder::deadline`]: 5 minutes.
    pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(300);

    /// The default of [`PlexClientBuilder::idle_timeout`]: 60 s.
    pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(60);

    /// The default of [`PlexClientBuilder::max_connections_per_host`]: 64.
    pub const DEFAULT_MAX_CONNECTIONS_PER_HOST: usize = 64;

    /// The default of [`PlexClientBuilder::max_response_bytes`]: 64 MiB.
    pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 64 * 1024 * 1024;

    /// The default of [`PlexClientBuilder::max_error_body_bytes`]: 4 MiB.
    pub const DEFAULT_MAX_ERROR_BODY_BYTES: usize = 4 * 1024 * 1024;

    /// The server's base URL, e.g. `http://127.0.0.1:32400` (the `{full_server_url}` template).
    pub fn server_url(mut self, url: impl Into<String>) -> Self {
        self.server = Some(Server::Url(url.into()));
        self
    }

    /// The server, by one of its templates.
    pub fn server(mut self, server: Server) -> Self {
        self.server = Some(server);
        self
    }

    /// The Plex token, sent as `X-Plex-Token` on every request.
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(Token(token.into()));
        self
    }

    /// Retries for every call of this client (off when not set). A call's own
    /// `.retries(..)` takes precedence.
    pub fn retries(mut self, retries: RetryConfig) -> Self {
        self.retries = Some(retries);
        self
    }

    /// A timeout for each attempt of every call of this client (none when not set): the time
    /// from sending the request until the whole response has arrived, or, for a streamed
    /// ([`crate::Binary`]) answer, until its head has (its body is bounded by
    /// [`idle_timeout`](Self::idle_timeout) instead). Each retry gets the timeout anew; the
    /// [`deadline`](Self::deadline) bounds them all. A call's own `.timeout(..)` takes
    /// precedence.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The longest a call of this client may take in all, every attempt and the waits between
    /// them included (default [`DEFAULT_DEADLINE`](Self::DEFAULT_DEADLINE), 5 minutes;
    /// `Duration::MAX` for none). Past it the call ends with [`Error::Timeout`]. For a streamed
    /// answer it covers the time until the [`crate::Binary`] is returned, not reading it. A
    /// call's own `.deadline(..)` takes precedence.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// The longest wait for a connection to the server to open (default
    /// [`DEFAULT_CONNECT_TIMEOUT`](Self::DEFAULT_CONNECT_TIMEOUT), 10 s). Past it the attempt
    /// fails with [`Error::Connect`]. Only for the SDK's own HTTP client: one given with
    /// [`http_client`](Self::http_client) keeps its own settings.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// The longest wait for the next chunk of a streamed ([`crate::Binary`]) body (default
    /// [`DEFAULT_IDLE_TIMEOUT`](Self::DEFAULT_IDLE_TIMEOUT), 60 s; `Duration::MAX` for
    /// none). A download that keeps progressing is never cut, however long it takes; one that
    /// stalls this long ends with [`Error::Timeout`]. [`crate::Binary::set_idle_timeout`]
    /// changes it for one body.
    pub fn idle_timeout(mut self, timeout: Duration) -> Self {
        self.idle_timeout = Some(timeout);
        self
    }

    /// How many calls of this client may use connections to one host (scheme, host and
    /// port) at a time (default
    /// [`DEFAULT_MAX_CONNECTIONS_PER_HOST`](Self::DEFAULT_MAX_CONNECTIONS_PER_HOST), 64; at
    /// least 1). A call beyond it waits for one of them to end (within its deadline), so a
    /// burst of thousands of calls reuses a few connections instead of running out of file
    /// descriptors. A call holds its slot until its body is read; a [`crate::Binary`] until
    /// its end is read or it is dropped. Clones of the client share the slots. Idle
    /// connections kept for reuse are capped at the same number; as a connection returns to
    /// the pool on a task of its own, a call starting just then may open one more, so the
    /// connections opened in a burst can pass the cap by a few. Only the SDK's own HTTP client
    /// gets the idle cap; the slots apply to any.
    pub fn max_connections_per_host(mut self, limit: usize) -> Self {
        self.max_connections_per_host = Some(limit);
        self
    }

    /// The largest success (2XX) body a call accepts, in bytes (default
    /// [`DEFAULT_MAX_RESPONSE_BYTES`](Self::DEFAULT_MAX_RESPONSE_BYTES), 64 MiB). A larger
    /// body is an [`Error::BodyTooLarge`]: it fails as soon as its `Content-Length` shows it,
    /// or else once the limit is passed while reading, so no more than about `limit` bytes
    /// are ever held in memory.
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = Some(limit);
        self
    }

    /// How much of a body that comes with a status that is not a success is read, at most, in
    /// bytes (default [`DEFAULT_MAX_ERROR_BODY_BYTES`](Self::DEFAULT_MAX_ERROR_BODY_BYTES),
    /// 4 MiB). Reading stops there and the [`Error::Api`] is returned with an excerpt of what
    /// was read; only that excerpt (at most [`crate::BODY_EXCERPT_LIMIT`] bytes) is kept. A
    /// body read to its end lets the connection be reused.
    pub fn max_error_body_bytes(mut self, limit: usize) -> Self {
        self.max_error_body_bytes = Some(limit);
        self
    }

    /// Sends the operations that the document serves from their own server (the plex.tv
    /// account calls, such as `authentication().get_token_details()`) to `origin`
    /// (`scheme://host:port`) instead of that server's, keeping its path (`/api/v2`). For
    /// tests against a local mock; by default they go where the document says.
    pub fn operation_server_origin(mut self, origin: impl Into<String>) -> Self {
        self.operation_origin = Some(origin.into().trim_end_matches('/').to_string());
        self
    }

    /// Sends every request through `proxy` (call it again for more: the first that applies to
    /// a URL is used). Without any, the SDK's own client uses the system's proxies: the
    /// `HTTP_PROXY`, `HTTPS_PROXY`, `ALL_PROXY` and `NO_PROXY` environment variables (either
    /// case), as reqwest reads them. Only for the SDK's own HTTP client: one given with
    /// [`http_client`](Self::http_client) keeps its own settings.
    pub fn proxy(mut self, proxy: reqwest::Proxy) -> Self {
        self.proxies.push(proxy);
        self
    }

    /// Uses no proxy at all, the system's and any given with [`proxy`](Self::proxy)
    /// included: every request goes straight to the server. Only for the SDK's own HTTP
    /// client.
    pub fn no_proxy(mut self) -> Self {
        self.no_proxy = true;
        self
    }

    /// Uses this `reqwest::Client` (for its TLS, proxy or connection-pool settings). Its
    /// redirect policy then applies: reqwest's default one follows redirects to other hosts
    /// with the token, which the SDK's own client never does. Build it with
    /// `.redirect(plex_sdk::redirect_policy())` to keep the SDK's policy:
    ///
    /// ```
    /// let http = reqwest::Client::builder().redirect(plex_sdk::redirect_policy()).build().unwrap();
    /// let client = plex_sdk::PlexClient::builder().server_url("http://127.0.0.1:32400").http_client(http).build();
    /// assert!(client.is_ok());
    /// ```
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Builds the client. Fails when no server was given or its URL is not `http(s)://`, or a
    /// header value (token, identifier...) holds characters HTTP headers cannot carry.
    ///
    /// When no client identifier was set, a random one (a UUID) is made; read it with
    /// [`PlexClient::client_identifier`] and reuse it, since Plex keys devices by it.
    pub fn build(mut self) -> Result<PlexClient> {
        let server = self
            .server
            .ok_or_else(|| Error::Config("no server: call .server_url(..) or .server(..) on the builder".into()))?;
        let base = server.url();
        let base = base.trim_end_matches('/').to_string();
        let parsed = reqwest::Url::parse(&base)
            .map_err(|e| Error::Config(format!("server URL `{base}` is not a valid URL: {e}")))?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
            return Err(Error::Config(format!("server URL `{base}` must be http:// or https:// with a host")));
        }
        warn_if_plaintext(&parsed);
        let client_identifier = self
            .globals
            .client_identifier_slot()
            .map(|slot| slot.get_or_insert_with(|| uuid::Uuid::new_v4().to_string()).clone())
            .unwrap_or_default();
        let mut headers = HeaderMap::new();
        if let Some(Token(token)) = &self.token {
            let Some(header) = crate::generated::TOKEN_HEADER else {
                return Err(Error::Config(
                    "the API document defines no token header, so a token cannot be sent".into(),
                ));
            };
            let mut value = HeaderValue::from_str(token)
                .map_err(|_| Error::Config("the token holds characters that HTTP headers cannot carry".into()))?;
            value.set_sensitive(true);
            headers.insert(HeaderName::from_static(header), value);
        }
        for (name, value) in self.globals.headers() {
            let value = HeaderValue::from_str(value).map_err(|_| {
                Error::Config(format!("the value for {name} holds characters that HTTP headers cannot carry"))
            })?;
            headers.insert(HeaderName::from_static(name), value);
        }
        let max_connections = self.max_connections_per_host.unwrap_or(Self::DEFAULT_MAX_CONNECTIONS_PER_HOST).max(1);
        let http = match self.http {
            Some(http) => http,
            None => own_http_client(self.connect_timeout, max_connections, self.no_proxy, self.proxies)?,
        };
        Ok(PlexClient {
            inner: Arc::new(Inner {
                http,
                base_url: base,
                headers,
                client_identifier,
                has_token: self.token.is_some(),
                retries: self.retries,
                timeout: self.timeout,
                max_response_bytes: self.max_response_bytes.unwrap_or(Self::DEFAULT_MAX_RESPONSE_BYTES),
                max_error_body_bytes: self.max_error_body_bytes.unwrap_or(Self::DEFAULT_MAX_ERROR_BODY_BYTES),
                operation_origin: self.operation_origin,
                deadline: self.deadline.unwrap_or(Self::DEFAULT_DEADLINE),
                idle_timeout: self.idle_timeout.or(Some(Self::DEFAULT_IDLE_TIMEOUT)).filter(|t| *t != Duration::MAX),
                slots: Slots::new(max_connections),
            }),
        })
    }
}

/// The SDK's own HTTP client: the same-origin redirect policy, the connect timeout, the
/// idle-connection cap, and the proxies (the system's unless `proxies` are given or
/// `no_proxy` is set).
fn own_http_client(
    connect_timeout: Option<Duration>,
    max_connections: usize,
    no_proxy: bool,
    proxies: Vec<reqwest::Proxy>,
) -> Result<reqwest::Client> {
    let mut builder = reqwest::Client::builder()
        .redirect(redirect_policy())
        .user_agent(concat!("plex-sdk-rust/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(connect_timeout.unwrap_or(PlexClientBuilder::DEFAULT_CONNECT_TIMEOUT))
        .pool_max_idle_per_host(max_connections);
    if no_proxy {
        builder = builder.no_proxy();
    } else {
        for proxy in proxies {
            builder = builder.proxy(proxy);
        }
    }
    builder.build().map_err(|e| Error::Config(format!("cannot create the HTTP client: {e}")))
}

/// The redirect policy of the SDK's own HTTP client, for one given with
/// [`PlexClientBuilder::http_client`]: it follows redirects only within the server's origin
/// (scheme, host and port), at most 10, since the token is a custom header that reqwest would
/// otherwise send on to any host a `Location` names. A redirect elsewhere is returned as it
/// is (an [`Error::Api`] with its 3XX status).
pub fn redirect_policy() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let same_origin = attempt.previous().first().is_some_and(|first| first.origin() == attempt.url().origin());
        if !same_origin || attempt.previous().len() > 10 { attempt.stop() } else { attempt.follow() }
    })
}

/// Logs (once per process) that a token would cross the network unencrypted.
fn warn_if_plaintext(url: &reqwest::Url) {
    static WARNED: std::sync::Once = std::sync::Once::new();
    let loopback = match url.host() {
        Some(url::Host::Domain(d)) => d == "localhost",
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    if url.scheme() == "http" && !loopback {
        WARNED.call_once(|| {
            tracing::warn!(
                host = url.host_str(),
                "plain http:// to a non-loopback host: the token is sent unencrypted"
            );
        });
    }
}

/// A client for one Plex Media Server. Cheap to clone (clones share one connection pool).
///
/// ```no_run
/// # async fn run() -> plex_sdk::Result<()> {
/// let client = plex_sdk::PlexClient::builder()
///     .server_url("http://127.0.0.1:32400")
///     .token("my-plex-token")
///     .build()?;
/// let tasks = client.butler().get_tasks().await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct PlexClient {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) http: reqwest::Client,
    base_url: String,
    pub(crate) headers: HeaderMap,
    client_identifier: String,
    has_token: bool,
    pub(crate) retries: Option<RetryConfig>,
    pub(crate) timeout: Option<Duration>,
    pub(crate) max_response_bytes: usize,
    pub(crate) max_error_body_bytes: usize,
    operation_origin: Option<String>,
    pub(crate) deadline: Duration,
    pub(crate) idle_timeout: Option<Duration>,
    pub(crate) slots: Slots,
}

/// The per-host connection cap: one semaphore of `limit` permits per origin.
pub(crate) struct Slots {
    limit: usize,
    hosts: Mutex<HashMap<String, Arc<tokio::sync::Semaphore>>>,
}

impl Slots {
    fn new(limit: usize) -> Self {
        Slots { limit, hosts: Mutex::new(HashMap::new()) }
    }

    /// Waits for a free slot for `url`'s origin; the slot is taken until the permit drops.
    pub(crate) async fn acquire(&self, url: &reqwest::Url) -> tokio::sync::OwnedSemaphorePermit {
        let origin = url.origin().ascii_serialization();
        let semaphore = {
            let mut hosts = self.hosts.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            Arc::clone(hosts.entry(origin).or_insert_with(|| Arc::new(tokio::sync::Semaphore::new(self.limit))))
        };
        if let Ok(permit) = Arc::clone(&semaphore).try_acquire_owned() {
            return permit;
        }
        let permit = semaphore.acquire_owned().await.expect("connection slots are never closed");
        // The slot was freed by a call that just read its body; its connection goes back to
        // the pool on a task of its own. Letting that task run first lets this call reuse
        // the connection rather than open one more.
        tokio::task::yield_now().await;
        permit
    }
}

/// `server` (`https://plex.tv/api/v2`) with its scheme, host and port replaced by `origin`.
fn replace_origin(server: &str, origin: &str) -> String {
    let after_scheme = server.find("://").map_or(0, |i| i + 3);
    let path_start = server[after_scheme..].find('/').map_or(server.len(), |i| after_scheme + i);
    format!("{origin}{}", &server[path_start..])
}

impl fmt::Debug for PlexClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PlexClient")
            .field("base_url", &self.inner.base_url)
            .field("client_identifier", &self.inner.client_identifier)
            .field("token", &if self.inner.has_token { "<redacted>" } else { "<none>" })
            .field("retries", &self.inner.retries)
            .field("timeout", &self.inner.timeout)
            .field("max_response_bytes", &self.inner.max_response_bytes)
            .field("max_error_body_bytes", &self.inner.max_error_body_bytes)
            .field("deadline", &self.inner.deadline)
            .field("idle_timeout", &self.inner.idle_timeout)
            .field("max_connections_per_host", &self.inner.slots.limit)
            .finish()
    }
}

impl PlexClient {
    /// Starts configuring a client.
    pub fn builder() -> PlexClientBuilder {
        PlexClientBuilder::default()
    }

    /// A client configured from the environment: `PLEX_SERVER_URL` (required), `PLEX_TOKEN`
    /// and `PLEX_CLIENT_IDENTIFIER` (optional). No other variable is read.
    pub fn from_env() -> Result<PlexClient> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let url = var("PLEX_SERVER_URL").ok_or_else(|| Error::Config("PLEX_SERVER_URL is not set".into()))?;
        let mut builder = PlexClient::builder().server_url(url);
        if let Some(token) = var("PLEX_TOKEN") {
            builder = builder.token(token);
        }
        if let Some(id) = var("PLEX_CLIENT_IDENTIFIER")
            && let Some(slot) = builder.globals.client_identifier_slot()
        {
            *slot = Some(id);
        }
        builder.build()
    }

    /// The `X-Plex-Client-Identifier` this client sends (the one set, or the random one made).
    pub fn client_identifier(&self) -> &str {
        &self.inner.client_identifier
    }

    /// The server's base URL.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The URL of `path` on the client's server, or on `server` (an operation's own, with its
    /// origin replaced by the builder's `operation_server_origin` when set).
    pub(crate) fn url_for(&self, server: Option<&str>, path: &str) -> Result<reqwest::Url> {
        let base = match (server, &self.inner.operation_origin) {
            (None, _) => self.inner.base_url.clone(),
            (Some(server), None) => server.to_string(),
            (Some(server), Some(origin)) => replace_origin(server, origin),
        };
        let url = format!("{}{path}", base.trim_end_matches('/'));
        reqwest::Url::parse(&url).map_err(|e| Error::Config(format!("cannot build the URL `{url}`: {e}")))
    }
}
