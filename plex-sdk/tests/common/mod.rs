//! Helpers shared by plex-sdk's integration tests (each test file includes this module and
//! uses what it needs).
#![allow(dead_code)]

use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use wiremock::{Request, Respond, ResponseTemplate};

/// Answers with `responses[i]` to the i-th request (the last one once they run out) and
/// records when each request arrived.
#[derive(Clone)]
pub struct Recorder {
    times: Arc<Mutex<Vec<Instant>>>,
    responses: Vec<ResponseTemplate>,
}

impl Recorder {
    pub fn new(responses: Vec<ResponseTemplate>) -> Self {
        Recorder { times: Arc::default(), responses }
    }

    pub fn times(&self) -> Vec<Instant> {
        self.times.lock().unwrap().clone()
    }
}

impl Respond for Recorder {
    fn respond(&self, _request: &Request) -> ResponseTemplate {
        let mut times = self.times.lock().unwrap();
        times.push(Instant::now());
        let i = (times.len() - 1).min(self.responses.len() - 1);
        self.responses[i].clone()
    }
}

/// A local port on which nothing listens.
pub fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind an ephemeral port");
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    port
}
