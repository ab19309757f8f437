//! What real Plex servers send, decoded through the public models and a client against
//! wiremock: the lenient rules outside `strict`, exact types under it (run this file with and
//! without `--features strict`), and the words of the error for an XML answer.

use plex_sdk::models::GetTasksResponse;
use plex_sdk::{Error, PlexClient};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "secret-token";

/// One Butler task with `fields` (JSON members, without braces).
fn tasks_body(fields: &str) -> String {
    format!(r#"{{"ButlerTasks":{{"ButlerTask":[{{"name":"BackupDatabase",{fields}}}]}}}}"#)
}

/// `body` decoded as the runtime decodes it, with the path of a mismatch.
fn decode(body: &str) -> Result<GetTasksResponse, (String, String)> {
    let mut de = serde_json::Deserializer::from_str(body);
    serde_path_to_error::deserialize(&mut de).map_err(|e| (e.path().to_string(), e.inner().to_string()))
}

fn task(body: &str) -> (Option<bool>, Option<i64>) {
    let decoded = decode(body).unwrap_or_else(|e| panic!("{body}: {e:?}"));
    let task = &decoded.butler_tasks.unwrap().butler_task[0];
    (task.enabled, task.interval)
}

async fn server_answering(body: &str, content_type: &str) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/butler"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body.to_owned(), content_type))
        .mount(&server)
        .await;
    server
}

fn client_for(server: &MockServer) -> PlexClient {
    PlexClient::builder().server_url(server.uri()).token(TOKEN).client_identifier("abc123").build().unwrap()
}

#[test]
fn documented_types_decode_in_every_mode() {
    assert_eq!(task(&tasks_body(r#""enabled":true,"interval":7"#)), (Some(true), Some(7)));
    assert_eq!(task(&tasks_body(r#""enabled":null"#)), (None, None));
}

#[cfg(not(feature = "strict"))]
#[test]
fn plex_style_values_decode() {
    for (fields, expected) in [
        (r#""enabled":1,"interval":"7""#, (Some(true), Some(7))),
        (r#""enabled":"0","interval":7.0"#, (Some(false), Some(7))),
        (r#""enabled":2,"interval":" 3 ""#, (Some(true), Some(3))),
        (r#""enabled":"true","interval":"1.0","hasVoiceActivity":"1","Unknown":{"x":[1]}"#, (Some(true), Some(1))),
    ] {
        assert_eq!(task(&tasks_body(fields)), expected, "{fields}");
    }
}

#[test]
fn a_fraction_in_an_integer_is_an_error_naming_its_path() {
    let (path, message) = decode(&tasks_body(r#""interval":23.976"#)).unwrap_err();
    assert_eq!(path, "ButlerTasks.ButlerTask[0].interval");
    assert!(message.contains("23.976"), "{message}");
}

#[cfg(feature = "strict")]
#[test]
fn strict_accepts_only_documented_types() {
    for (fields, field) in [
        (r#""enabled":1"#, "enabled"),
        (r#""enabled":"true""#, "enabled"),
        (r#""interval":"7""#, "interval"),
        (r#""interval":7.0"#, "interval"),
    ] {
        let (path, _) = decode(&tasks_body(fields)).unwrap_err();
        assert_eq!(path, format!("ButlerTasks.ButlerTask[0].{field}"), "{fields}");
    }
    let (path, message) = decode(&tasks_body(r#""hasVoiceActivity":true"#)).unwrap_err();
    assert!(message.contains("unknown field `hasVoiceActivity`"), "{path}: {message}");
}

#[cfg(not(feature = "strict"))]
#[tokio::test]
async fn the_client_decodes_plex_style_values() {
    let server = server_answering(&tasks_body(r#""enabled":"1","interval":"7","extra":1"#), "application/json").await;
    let tasks = client_for(&server).butler().get_tasks().await.unwrap();
    let task = &tasks.butler_tasks.unwrap().butler_task[0];
    assert_eq!((task.enabled, task.interval), (Some(true), Some(7)));
}

#[tokio::test]
async fn the_client_names_the_path_of_a_fraction() {
    let server = server_answering(&tasks_body(r#""interval":23.976"#), "application/json").await;
    match client_for(&server).butler().get_tasks().await.unwrap_err() {
        Error::Decode { operation: "getTasks", path, .. } => assert_eq!(path, "ButlerTasks.ButlerTask[0].interval"),
        other => panic!("expected Error::Decode, got {other:?}"),
    }
}

#[tokio::test]
async fn an_xml_answer_is_named_in_words() {
    let body = format!(r#"<?xml version="1.0" encoding="UTF-8"?><MediaContainer token="{TOKEN}"/>"#);
    let server = server_answering(&body, "text/xml;charset=utf-8").await;
    let err = client_for(&server).butler().get_tasks().await.unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, Error::Decode { operation: "getTasks", status: 200, .. }), "{err:?}");
    assert!(text.contains("the server answered XML; `getTasks` decodes JSON"), "{text}");
    assert!(text.contains("Accept: application/json"), "{text}");
    let debug = format!("{err:?}");
    assert!(!debug.contains(TOKEN) && !text.contains(TOKEN), "{debug}");
    assert!(err.body_excerpt().unwrap().contains("<redacted>"));
}
