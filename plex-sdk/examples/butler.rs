//! A small command-line tool for the Plex Media Server's Butler (its scheduler of maintenance
//! tasks), built on `plex-sdk`.
//!
//! ```text
//! cargo run -p plex-sdk --example butler -- --server-url URL --token TOKEN list
//! cargo run -p plex-sdk --example butler -- --server-url URL --token TOKEN start NAME
//! cargo run -p plex-sdk --example butler -- --server-url URL --token TOKEN stop NAME
//! cargo run -p plex-sdk --example butler -- --server-url URL --token TOKEN start-all
//! cargo run -p plex-sdk --example butler -- --server-url URL --token TOKEN stop-all
//! ```
//!
//! - `list` prints every task as a table (name, whether it is enabled, its interval in days,
//!   whether its start time is randomised, its title).
//! - `start NAME` / `stop NAME` start or cancel one task; `NAME` is one of the task names the
//!   server recognises (`RefreshLocalMedia`, `BackupDatabase`...; a wrong name lists them all).
//! - `start-all` starts every enabled task; `stop-all` cancels the running ones and clears the
//!   queue.
//!
//! `URL` is the server's base URL, such as `http://127.0.0.1:32400`. `--token` may be left out
//! for servers that let local clients in without one. `--timeout SECONDS` (default 10) bounds
//! each call.
//!
//! Exit status: 0 on success, 1 when the server refused the call or could not be reached, 2 for
//! a wrong command line (an unknown task name, a bad URL).

use std::error::Error as StdError;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use plex_sdk::butler::StartTaskStatus;
use plex_sdk::models::{ButlerTask, GetTasksResponse};
use plex_sdk::{Error, PlexClient};

#[derive(Debug, Parser)]
#[command(about = "List, start and stop the Butler tasks of a Plex Media Server")]
struct Cli {
    /// The server's base URL, e.g. http://127.0.0.1:32400.
    #[arg(long, value_name = "URL")]
    server_url: String,

    /// The Plex token (sent as X-Plex-Token). Some local servers accept calls without one.
    #[arg(long, value_name = "TOKEN")]
    token: Option<String>,

    /// Give up on a call after this many seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..))]
    timeout: u64,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// List the Butler tasks and their schedule.
    List,
    /// Start one task now.
    Start {
        /// The task's name, e.g. RefreshLocalMedia.
        name: String,
    },
    /// Cancel one running or queued task.
    Stop {
        /// The task's name, e.g. RefreshLocalMedia.
        name: String,
    },
    /// Start every enabled task.
    StartAll,
    /// Cancel every running task and clear the queue.
    StopAll,
}

/// What went wrong, and with which exit status to leave.
struct Failure {
    message: String,
    code: u8,
}

impl Failure {
    /// A wrong command line or configuration (exit status 2).
    fn usage(message: String) -> Self {
        Failure { message, code: 2 }
    }

    /// The call failed (exit status 1).
    fn call(message: String) -> Self {
        Failure { message, code: 1 }
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("error: {}", failure.message);
            ExitCode::from(failure.code)
        }
    }
}

async fn run(cli: &Cli) -> Result<(), Failure> {
    let mut builder = PlexClient::builder().server_url(&cli.server_url).product("plex-sdk butler example");
    if let Some(token) = &cli.token {
        builder = builder.token(token);
    }
    let client = builder.build().map_err(|err| Failure::usage(err.to_string()))?;
    let butler = client.butler();
    let timeout = Duration::from_secs(cli.timeout);
    let fail = |err: Error| explain(err, cli);

    match &cli.command {
        Command::List => {
            let tasks = butler.get_tasks().timeout(timeout).await.map_err(fail)?;
            print!("{}", render_table(&tasks));
        }
        Command::Start { name } => {
            let task = parse_task(name)?;
            match butler.start_task(task.clone()).timeout(timeout).await {
                Ok(StartTaskStatus::Ok) => println!("started {task}"),
                Ok(StartTaskStatus::Accepted) => println!("{task} was already running"),
                Ok(StartTaskStatus::Other(status)) => println!("started {task} (the server answered {status})"),
                Err(err) if err.status() == Some(404) => {
                    return Err(Failure::call(format!("the server has no task named `{task}`")));
                }
                Err(err) => return Err(fail(err)),
            }
        }
        Command::Stop { name } => {
            let task = parse_task(name)?;
            match butler.stop_task(task.clone()).timeout(timeout).await {
                Ok(()) => println!("stopped {task}"),
                Err(err) if err.status() == Some(404) => {
                    return Err(Failure::call(format!(
                        "no task named `{task}` is running or queued (or the server has no such task)"
                    )));
                }
                Err(err) => return Err(fail(err)),
            }
        }
        Command::StartAll => {
            butler.start_tasks().timeout(timeout).await.map_err(fail)?;
            println!("asked the server to start every enabled Butler task");
        }
        Command::StopAll => {
            butler.stop_tasks().timeout(timeout).await.map_err(fail)?;
            println!("asked the server to stop every running Butler task and clear its queue");
        }
    }
    Ok(())
}

/// Parses a task name, or explains which names are valid.
fn parse_task(name: &str) -> Result<ButlerTask, Failure> {
    // An open enum parses any name (an unknown one as `Unknown`): refuse those here.
    let task = ButlerTask::from(name);
    if task.is_unknown() {
        let valid = task_names().join(", ");
        return Err(Failure::usage(format!("unknown task `{name}`; valid task names: {valid}")));
    }
    Ok(task)
}

/// Turns an SDK error into a message for a person at a terminal.
fn explain(err: Error, cli: &Cli) -> Failure {
    let url = &cli.server_url;
    let message = match &err {
        Error::Api { status: 401, .. } if cli.token.is_some() => {
            "the server refused the token (401 Unauthorized); check --token".to_string()
        }
        Error::Api { status: 401, .. } => {
            "the server requires a token (401 Unauthorized); pass one with --token".to_string()
        }
        Error::Connect { source, .. } => format!("cannot reach the Plex server at {url}: {}", causes(source)),
        Error::Timeout { .. } => {
            format!("the Plex server at {url} did not answer within {}s (a larger --timeout may help)", cli.timeout)
        }
        Error::Config(_) => return Failure::usage(err.to_string()),
        _ => causes(&err),
    };
    Failure::call(message)
}

/// An error's message followed by those of its causes, leaving out any a message already
/// includes (the SDK's errors quote their source).
fn causes(err: &(dyn StdError + 'static)) -> String {
    let mut message = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !message.contains(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
        source = cause.source();
    }
    message
}

/// The task names the server recognises, read from `ButlerTask` itself rather than copied here.
fn task_names() -> Vec<&'static str> {
    ButlerTask::ALL.iter().map(ButlerTask::as_str).collect()
}

/// The tasks as an aligned table, then how many there are.
fn render_table(tasks: &GetTasksResponse) -> String {
    let yes_no = |value: Option<bool>| match value {
        Some(true) => "yes".to_string(),
        Some(false) => "no".to_string(),
        None => "-".to_string(),
    };
    let text = |value: &Option<String>| value.as_deref().filter(|v| !v.is_empty()).unwrap_or("-").to_string();

    let items = tasks.butler_tasks.iter().flat_map(|t| &t.butler_task);
    let header = ["NAME", "ENABLED", "INTERVAL (days)", "RANDOMIZED", "TITLE"].map(String::from);
    let rows: Vec<[String; 5]> = items
        .map(|task| {
            [
                text(&task.name),
                yes_no(task.enabled),
                task.interval.map_or_else(|| "-".to_string(), |days| days.to_string()),
                yes_no(task.schedule_randomized),
                text(&task.title),
            ]
        })
        .collect();

    let count = match rows.len() {
        1 => "1 task".to_string(),
        n => format!("{n} tasks"),
    };
    if rows.is_empty() {
        return format!("{count}\n");
    }

    let mut widths = [0usize; 5];
    for row in std::iter::once(&header).chain(&rows) {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in std::iter::once(&header).chain(&rows) {
        let mut line = String::new();
        for (i, (cell, width)) in row.iter().zip(widths).enumerate() {
            if i > 0 {
                line.push_str("  ");
            }
            line.push_str(cell);
            line.extend(std::iter::repeat_n(' ', width - cell.chars().count()));
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out.push_str(&count);
    out.push('\n');
    out
}
