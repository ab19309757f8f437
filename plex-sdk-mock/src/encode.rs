//! Parameter values as the SDK writes them on the wire (OpenAPI styles: `simple` in the path
//! and headers, `form` and `deepObject` in the query string and form bodies), so that a typed
//! matcher expects exactly what `plex-sdk` sends. Values go through serde, like the SDK's.

use serde::Serialize;
use serde_json::Value;

/// How a query parameter is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[doc(hidden)]
pub enum Style {
    /// `form`, exploded: `a=1&a=2`; an object's properties become parameters.
    Form,
    /// `form` with `explode: false`: `a=1,2`.
    FormFlat,
    /// `deepObject`: `a[k1]=v1&a[k2]=v2`.
    DeepObject,
}

pub(crate) fn to_value<T: Serialize + ?Sized>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// A scalar as text (`null` as nothing).
fn scalar(value: &Value, bool_int: bool) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Bool(b) if bool_int => if *b { "1" } else { "0" }.to_string(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn flat(value: &Value, bool_int: bool, encode: &dyn Fn(&str) -> String) -> String {
    match value {
        Value::Array(items) => items.iter().map(|v| encode(&scalar(v, bool_int))).collect::<Vec<_>>().join(","),
        Value::Object(map) => map
            .iter()
            .filter(|(_, v)| !v.is_null())
            .flat_map(|(k, v)| [encode(k), encode(&scalar(v, bool_int))])
            .collect::<Vec<_>>()
            .join(","),
        other => encode(&scalar(other, bool_int)),
    }
}

/// A header value (`simple` style).
pub(crate) fn simple<T: Serialize + ?Sized>(value: &T, bool_int: bool) -> String {
    flat(&to_value(value), bool_int, &|s| s.to_string())
}

/// A path parameter's value, each item percent-encoded as the SDK does (RFC 3986 unreserved
/// characters kept).
pub(crate) fn path_value<T: Serialize + ?Sized>(value: &T) -> String {
    flat(&to_value(value), false, &percent_encode)
}

fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The (name, value) pairs of a query parameter, unencoded; `None` and `null` give none.
pub(crate) fn query<T: Serialize + ?Sized>(
    name: &str,
    value: &T,
    style: Style,
    bool_int: bool,
) -> Vec<(String, String)> {
    match (to_value(value), style) {
        (Value::Null, _) => Vec::new(),
        (Value::Array(items), Style::Form | Style::DeepObject) => {
            items.iter().filter(|v| !v.is_null()).map(|v| (name.to_string(), scalar(v, bool_int))).collect()
        }
        (Value::Object(map), Style::Form) => {
            map.iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k.clone(), simple(v, bool_int))).collect()
        }
        (Value::Object(map), Style::DeepObject) => {
            let mut out = Vec::new();
            deep_object(&mut out, name, &map, bool_int);
            out
        }
        (other, _) => vec![(name.to_string(), flat(&other, bool_int, &|s| s.to_string()))],
    }
}

/// `name[key]=value` per property; a nested object's properties as `name[key][inner]` (as the
/// SDK writes them: see plex-sdk's `encode.rs`).
fn deep_object(out: &mut Vec<(String, String)>, name: &str, map: &serde_json::Map<String, Value>, bool_int: bool) {
    for (k, v) in map.iter().filter(|(_, v)| !v.is_null()) {
        match v {
            Value::Object(inner) => deep_object(out, &format!("{name}[{k}]"), inner, bool_int),
            other => out.push((format!("{name}[{k}]"), simple(other, bool_int))),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    #[test]
    fn path_values_are_encoded_per_item() {
        assert_eq!(path_value("RefreshLocalMedia"), "RefreshLocalMedia");
        assert_eq!(path_value("a b/c?d"), "a%20b%2Fc%3Fd");
        assert_eq!(path_value(&[1, 2, 3]), "1,2,3");
        assert_eq!(path_value("é"), "%C3%A9");
    }

    #[test]
    fn query_styles() {
        let pairs = |v: Vec<(String, String)>| v.into_iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>();
        assert_eq!(pairs(query("a", &true, Style::Form, true)), ["a=1"]);
        assert_eq!(pairs(query("a", &vec!["x", "y"], Style::Form, false)), ["a=x", "a=y"]);
        assert_eq!(pairs(query("a", &vec!["x", "y"], Style::FormFlat, false)), ["a=x,y"]);
        let map: BTreeMap<&str, &str> = [("k1", "v1")].into();
        assert_eq!(pairs(query("a", &map, Style::DeepObject, false)), ["a[k1]=v1"]);
        assert_eq!(pairs(query("a", &map, Style::Form, false)), ["k1=v1"]);
        assert!(query("a", &None::<i64>, Style::Form, false).is_empty());
    }
}
