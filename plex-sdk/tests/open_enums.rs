//! The generated enums are open: a value the document does not list decodes into `Unknown`
//! and is written back unchanged (under `strict`, it is an error naming the value).

use plex_sdk::models::ButlerTask;

#[test]
fn known_values_decode_to_their_variants() {
    let task: ButlerTask = serde_json::from_str("\"RefreshLocalMedia\"").unwrap();
    assert_eq!(task, ButlerTask::RefreshLocalMedia);
    assert_eq!(serde_json::to_string(&task).unwrap(), "\"RefreshLocalMedia\"");
    assert!(ButlerTask::ALL.contains(&ButlerTask::CleanOldBundles));
}

#[cfg(not(feature = "strict"))]
#[test]
fn an_unknown_value_is_kept_and_written_back() {
    let task: ButlerTask = serde_json::from_str("\"DefragmentTheCosmos\"").unwrap();
    assert_eq!(task, ButlerTask::Unknown("DefragmentTheCosmos".into()));
    assert!(task.is_unknown());
    assert_eq!(task.to_string(), "DefragmentTheCosmos");
    assert_eq!(serde_json::to_string(&task).unwrap(), "\"DefragmentTheCosmos\"");
}

#[cfg(feature = "strict")]
#[test]
fn under_strict_an_unknown_value_is_an_error_naming_it() {
    let err = serde_json::from_str::<ButlerTask>("\"DefragmentTheCosmos\"").unwrap_err().to_string();
    assert!(err.contains("DefragmentTheCosmos"), "{err}");
}
