//! The response corpus (`tests/corpus/*.json`): answers shaped like what Plex Media Servers
//! send, with the drifts from the documented types that users of Plex SDKs meet (enum values
//! the document does not list, ids and numbers as strings, `0`/`1`/`2` for booleans, fields
//! the document does not know, documented-required fields left out, required and nullable ones
//! included, properties an open schema does not list). Each entry is served by a local server
//! and decoded through its SDK call.
//!
//! - Without `strict`, every entry decodes, and each drift decodes as its entry says (the
//!   decoded answer is written back to JSON and read at the drift's pointer).
//! - With `--features strict`, the entry with every drift repaired decodes (so the drifts are
//!   the only departures from the document), and each drift alone makes the call fail with
//!   `Error::Decode` at the drift's path, except a `kept_property`: an open schema expects
//!   properties it does not list, so it decodes there too, and is written back.
//!
//! An entry file holds `operation` (the operationId the test calls), `method`, `path` (where
//! the call goes, with the arguments this file passes), `body`, and `drifts`: each has
//! `pointer` (JSON pointer into `body`), `kind` (see [`Kind`]), `why` (what real servers do),
//! `documented` (a value the document allows, used to repair it; not for `unknown_field` and
//! `kept_property`) and `decoded` (what the lenient SDK gives there; absent means "not written
//! back").
//! `CORPUS=<file stem>` runs one entry.

use plex_sdk::{Error, PlexClient};
use serde::Deserialize;
use serde_json::Value;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    operation: String,
    method: String,
    path: String,
    body: Value,
    drifts: Vec<Drift>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Drift {
    pointer: String,
    kind: Kind,
    why: String,
    #[serde(default)]
    #[cfg_attr(not(feature = "strict"), allow(dead_code))]
    documented: Option<Value>,
    /// Absent: not written back; `null`: written back as `null`.
    #[serde(default, deserialize_with = "present")]
    #[cfg_attr(feature = "strict", allow(dead_code))]
    decoded: Option<Value>,
}

/// A member that is there, whatever its value (`null` included).
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(d).map(Some)
}

/// What a drift is. The repair for `strict` puts `documented` at the pointer, except for an
/// unknown field (removed), a missing field (inserted) and a kept property (left as it is).
#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
enum Kind {
    /// An enum value the document does not list.
    UnknownEnumValue,
    /// A number (an id, a count) sent as a string.
    NumberAsString,
    /// An integer sent as a float without a fraction (`7.0`).
    WholeFloat,
    /// A boolean sent as `0`/`1`/`2` or as a string.
    BooleanAsNumber,
    /// A string (an id) sent as a number.
    StringAsNumber,
    /// A float field sent as a string holding a number (an integer is a number in every mode).
    FloatAsOther,
    /// A field the document does not describe.
    UnknownField,
    /// A documented-required field left out (a nullable one too: `decoded` is then `null`).
    MissingRequired,
    /// A property that a schema allowing more (`additionalProperties: true`) does not list:
    /// kept in the model's `additional_properties` and written back, in every mode.
    KeptProperty,
}

fn entries() -> Vec<(String, Entry)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let only = std::env::var("CORPUS").ok();
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|f| f.expect("a corpus directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .filter(|p| only.as_deref().is_none_or(|o| p.file_stem().is_some_and(|s| s == o)))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no corpus entries in {} (CORPUS={only:?})", dir.display());
    files
        .into_iter()
        .map(|file| {
            let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            let entry = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            (file.file_name().unwrap_or_default().to_string_lossy().into_owned(), entry)
        })
        .collect()
}

/// Calls `operation` with this corpus's arguments and writes the decoded answer back as JSON.
async fn call(client: &PlexClient, operation: &str) -> Result<Value, Error> {
    fn json<T: serde::Serialize>(value: T) -> Value {
        serde_json::to_value(value).expect("a decoded answer serialises")
    }
    Ok(match operation {
        "getTasks" => json(client.butler().get_tasks().send().await?),
        "getSections" => json(client.library().get_sections().send().await?),
        "listContent" => json(client.content().list_content("1".into()).send().await?),
        "getMetadataItem" => json(client.content().get_metadata_item(vec!["17".into()]).send().await?),
        "listSessions" => json(client.status().list_sessions().send().await?),
        "getAllHubs" => json(client.hubs().get_all_hubs().send().await?),
        "getSectionHubs" => json(client.hubs().get_section_hubs(1).send().await?),
        "listPlaylists" => json(client.playlist().list_playlists().send().await?),
        "getPlaylistItems" => json(client.playlist().get_playlist_items(7).send().await?),
        "getPlayQueue" => json(client.play_queue().get_play_queue(42).send().await?),
        "listActivities" => json(client.activities().list_activities().send().await?),
        "get-server-resources" => json(client.plex().get_server_resources().send().await?),
        other => panic!("the corpus test does not know how to call `{other}`: add it to `call`"),
    })
}

/// Serves `body` where `entry` says and calls its operation.
async fn decode(entry: &Entry, body: &Value) -> Result<Value, Error> {
    let server = MockServer::start().await;
    Mock::given(method(entry.method.as_str()))
        .and(path(entry.path.as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .expect(1)
        .mount(&server)
        .await;
    // plex.tv's calls (the document gives them a server of their own) go to the mock too.
    let client = PlexClient::builder()
        .server_url(server.uri())
        .operation_server_origin(server.uri())
        .token("corpus-token")
        .build()
        .expect("a client");
    call(&client, &entry.operation).await
}

/// The parent pointer and the last segment of `pointer`.
fn split(pointer: &str) -> (&str, String) {
    let (parent, last) = pointer.rsplit_once('/').unwrap_or(("", pointer));
    (parent, last.replace("~1", "/").replace("~0", "~"))
}

/// `body` with drift `drift` repaired: the documented value in place of the drifted one.
#[cfg_attr(not(feature = "strict"), allow(dead_code))]
fn repair(body: &mut Value, drift: &Drift, file: &str) {
    let (parent, key) = split(&drift.pointer);
    let documented =
        || drift.documented.clone().unwrap_or_else(|| panic!("{file}: {} has no `documented`", drift.pointer));
    match (drift.kind, body.pointer_mut(parent)) {
        (Kind::KeptProperty, _) => {}
        (Kind::UnknownField, Some(Value::Object(map))) => {
            assert!(map.remove(&key).is_some(), "{file}: {} is not in the body", drift.pointer);
        }
        (Kind::MissingRequired, Some(Value::Object(map))) => {
            assert!(map.insert(key, documented()).is_none(), "{file}: {} is in the body", drift.pointer);
        }
        (_, _) => {
            let slot = body.pointer_mut(&drift.pointer);
            *slot.unwrap_or_else(|| panic!("{file}: {} is not in the body", drift.pointer)) = documented();
        }
    }
}

/// The path `Error::Decode` names for a drift at `pointer` (serde_path_to_error's spelling:
/// `MediaContainer.Metadata[0].type`); a missing field is reported at its parent.
fn serde_path(pointer: &str, kind: Kind) -> String {
    let pointer = if kind == Kind::MissingRequired { split(pointer).0 } else { pointer };
    let mut out = String::new();
    for segment in pointer.split('/').skip(1) {
        if segment.parse::<usize>().is_ok() {
            out.push_str(&format!("[{segment}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&segment.replace("~1", "/").replace("~0", "~"));
        }
    }
    if out.is_empty() { ".".into() } else { out }
}

#[cfg(not(feature = "strict"))]
#[tokio::test]
async fn every_entry_decodes_with_its_drifts() {
    for (file, entry) in entries() {
        assert!(!entry.drifts.is_empty(), "{file}: a corpus entry carries drifts");
        let decoded = decode(&entry, &entry.body).await.unwrap_or_else(|e| panic!("{file}: {e}"));
        for drift in &entry.drifts {
            let at = decoded.pointer(&drift.pointer);
            match (&drift.decoded, drift.kind) {
                (None, _) => assert_eq!(at, None, "{file}: {} ({}) is not written back", drift.pointer, drift.why),
                (Some(expected), _) => {
                    assert_eq!(at, Some(expected), "{file}: {} ({}) decodes as documented", drift.pointer, drift.why)
                }
            }
        }
        println!("{file}: {} decoded, {} drifts as expected", entry.operation, entry.drifts.len());
    }
}

#[cfg(feature = "strict")]
#[tokio::test]
async fn strict_fails_at_each_drift() {
    for (file, entry) in entries() {
        let mut clean = entry.body.clone();
        for drift in &entry.drifts {
            repair(&mut clean, drift, &file);
        }
        decode(&entry, &clean).await.unwrap_or_else(|e| panic!("{file}: the repaired body must decode: {e}"));
        for (i, drift) in entry.drifts.iter().enumerate() {
            let mut one = entry.body.clone();
            for (j, other) in entry.drifts.iter().enumerate() {
                if i != j {
                    repair(&mut one, other, &file);
                }
            }
            let decoded = decode(&entry, &one).await;
            if drift.kind == Kind::KeptProperty {
                let decoded =
                    decoded.unwrap_or_else(|e| panic!("{file}: {} is expected by its schema: {e}", drift.pointer));
                let sent = one.pointer(&drift.pointer);
                assert_eq!(decoded.pointer(&drift.pointer), sent, "{file}: {} is kept and written back", drift.pointer);
                println!("{file}: {} decodes and is kept", drift.pointer);
                continue;
            }
            match decoded {
                Err(Error::Decode { path, message, operation, .. }) => {
                    assert_eq!(path, serde_path(&drift.pointer, drift.kind), "{file}: {} ({message})", drift.pointer);
                    assert_eq!(operation, entry.operation, "{file}");
                    println!("{file}: {} fails at `{path}`: {message}", drift.pointer);
                }
                other => panic!("{file}: {} ({}) must fail under strict, got {other:?}", drift.pointer, drift.why),
            }
        }
    }
}

#[test]
fn paths_are_spelled_as_the_decoder_spells_them() {
    assert_eq!(
        serde_path("/MediaContainer/Metadata/0/type", Kind::UnknownEnumValue),
        "MediaContainer.Metadata[0].type"
    );
    assert_eq!(serde_path("/MediaContainer/content", Kind::MissingRequired), "MediaContainer");
    assert_eq!(serde_path("/size", Kind::MissingRequired), ".");
}
