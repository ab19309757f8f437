//! Example values of the models, from the document's examples: `models::X::example()`.

use serde::de::DeserializeOwned;

/// A realistic value of a model, from the document's examples (generated for every model the
/// document gives an example for: its own, a response's, or its properties').
///
/// ```
/// use plex_sdk::models::GetTasksResponse;
/// use plex_sdk_mock::Example;
///
/// let tasks = GetTasksResponse::example();
/// assert!(tasks.butler_tasks.is_some());
/// ```
pub trait Example: Sized {
    /// The example.
    fn example() -> Self;
}

/// The example `json` of model `name`, decoded. The crate's tests decode every example, so
/// this does not fail for the generated ones. (A document that gives no example uses none.)
#[allow(dead_code)]
pub(crate) fn decode<T: DeserializeOwned>(name: &str, json: &str) -> T {
    match serde_json::from_str(json) {
        Ok(value) => value,
        Err(e) => panic!("the example of models::{name} does not decode ({e}): plex-sdk-mock's tests catch this"),
    }
}

/// Whether `json` decodes as a `T`: the error when it does not.
#[cfg(test)]
pub(crate) fn check<T: DeserializeOwned>(json: &str) -> Result<(), String> {
    serde_json::from_str::<T>(json).map(|_| ()).map_err(|e| e.to_string())
}

/// The models whose document example is not used because it does not fit the model's schema,
/// with the reason (the generator checks each example against its schema first).
pub fn skipped_examples() -> &'static [(&'static str, &'static str)] {
    crate::generated::examples::SKIPPED
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_example_decodes_into_its_model() {
        let failures: Vec<String> = crate::generated::examples::ALL
            .iter()
            .filter_map(|(name, json, check)| check(json).err().map(|e| format!("{name}: {e}")))
            .collect();
        for (name, why) in super::skipped_examples() {
            eprintln!("skipped: {name}: {why}");
        }
        eprintln!(
            "{} examples decode; {} document examples skipped",
            crate::generated::examples::ALL.len(),
            super::skipped_examples().len()
        );
        assert!(failures.is_empty(), "examples that do not decode:\n{}", failures.join("\n"));
    }
}
