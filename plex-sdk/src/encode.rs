//! Writing parameter values on the wire, by OpenAPI style: `simple` in the path and headers,
//! `form` (exploded or not) and `deepObject` in the query string and form bodies. Values go
//! through serde, so a generated enum is written as its wire value and a model as its
//! properties; a `BoolInt` parameter writes `true`/`false` as `1`/`0`.
//!
//! Public but hidden: `plex-sdk-mock` writes the values it expects with these same functions,
//! so its matchers expect exactly what the SDK sends. (The generated conformance suite works
//! the wire forms out on its own, from the document's rules, to catch a bug in this module.)

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serialize;
use serde_json::Value;

/// How a query parameter is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[doc(hidden)]
pub enum Style {
    /// `form`, exploded: `a=1&a=2`; an object's properties become parameters.
    Form,
    /// `form` with `explode: false`: `a=1,2`; an object as `a=k1,v1,k2,v2`.
    FormFlat,
    /// `deepObject`: `a[k1]=v1&a[k2]=v2`.
    DeepObject,
}

/// Characters kept as they are in a path segment (RFC 3986 unreserved).
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// `value` as JSON (`null` when serde cannot write it: the mock's matchers, which then match
/// nothing; the SDK's own requests use [`try_query`] and [`try_simple`], which say so).
pub fn to_value<T: Serialize + ?Sized>(value: &T) -> Value {
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

/// A value in `simple` style (headers): lists and objects comma-separated.
pub fn simple<T: Serialize + ?Sized>(value: &T, bool_int: bool) -> String {
    flat(&to_value(value), bool_int, &|s| s.to_string())
}

/// [`simple`], or serde's reason when it cannot write `value`.
pub fn try_simple<T: Serialize + ?Sized>(value: &T, bool_int: bool) -> Result<String, String> {
    let value = serde_json::to_value(value).map_err(|e| e.to_string())?;
    Ok(flat(&value, bool_int, &|s| s.to_string()))
}

/// A path parameter's value: `simple` style, each item percent-encoded (a list of ids is
/// `1,2,3`).
pub fn path_value<T: Serialize + ?Sized>(value: &T) -> String {
    flat(&to_value(value), false, &|s| utf8_percent_encode(s, PATH_SEGMENT).to_string())
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

/// Appends the pairs of query parameter `name` (unencoded: the URL builder encodes them).
/// `None` and `null` add nothing.
pub fn query<T: Serialize + ?Sized>(
    out: &mut Vec<(String, String)>,
    name: &str,
    value: &T,
    style: Style,
    bool_int: bool,
) {
    query_value(out, name, to_value(value), style, bool_int);
}

/// [`query`], or serde's reason when it cannot write `value` (nothing is added then).
pub fn try_query<T: Serialize + ?Sized>(
    out: &mut Vec<(String, String)>,
    name: &str,
    value: &T,
    style: Style,
    bool_int: bool,
) -> Result<(), String> {
    let value = serde_json::to_value(value).map_err(|e| e.to_string())?;
    query_value(out, name, value, style, bool_int);
    Ok(())
}

fn query_value(out: &mut Vec<(String, String)>, name: &str, value: Value, style: Style, bool_int: bool) {
    match (value, style) {
        (Value::Null, _) => {}
        (Value::Array(items), Style::Form | Style::DeepObject) => {
            out.extend(items.iter().filter(|v| !v.is_null()).map(|v| (name.to_string(), scalar(v, bool_int))));
        }
        (Value::Object(map), Style::Form) => {
            out.extend(map.iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k.clone(), simple(v, bool_int))));
        }
        (Value::Object(map), Style::DeepObject) => deep_object(out, name, &map, bool_int),
        (other, _) => out.push((name.to_string(), flat(&other, bool_int, &|s| s.to_string()))),
    }
}

/// `name[key]=value` per property; a nested object's properties as `name[key][inner]` (the
/// form the Plex document shows for its nested deepObject parameters).
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
    fn a_value_serde_cannot_write_is_an_error_not_a_missing_parameter() {
        let unwritable: BTreeMap<(u8, u8), u8> = [((1, 2), 3)].into();
        let mut out = Vec::new();
        let error = try_query(&mut out, "m", &unwritable, Style::Form, false).unwrap_err();
        assert!(error.contains("key must be a string"), "{error}");
        assert!(out.is_empty());
        assert!(try_simple(&unwritable, false).is_err());
        assert_eq!(try_simple(&[1, 2], false).unwrap(), "1,2");
    }

    fn pairs<T: Serialize>(name: &str, value: &T, style: Style, bool_int: bool) -> Vec<(String, String)> {
        let mut out = Vec::new();
        query(&mut out, name, value, style, bool_int);
        out
    }

    #[test]
    fn scalars_and_bool_ints() {
        assert_eq!(pairs("a", &5, Style::Form, false), [("a".into(), "5".into())]);
        assert_eq!(pairs("a", &true, Style::Form, true), [("a".into(), "1".into())]);
        assert_eq!(pairs("a", &false, Style::Form, true), [("a".into(), "0".into())]);
        assert_eq!(pairs("a", &true, Style::Form, false), [("a".into(), "true".into())]);
        assert!(pairs("a", &None::<i64>, Style::Form, false).is_empty());
    }

    #[test]
    fn lists_explode_or_join() {
        let list = vec!["x", "y"];
        assert_eq!(pairs("a", &list, Style::Form, false), [("a".into(), "x".into()), ("a".into(), "y".into())]);
        assert_eq!(pairs("a", &list, Style::FormFlat, false), [("a".into(), "x,y".into())]);
    }

    #[test]
    fn objects_by_style() {
        let map: BTreeMap<&str, &str> = [("k1", "v1"), ("k2", "v2")].into();
        assert_eq!(pairs("a", &map, Style::Form, false), [("k1".into(), "v1".into()), ("k2".into(), "v2".into())]);
        assert_eq!(pairs("a", &map, Style::FormFlat, false), [("a".into(), "k1,v1,k2,v2".into())]);
        assert_eq!(
            pairs("a", &map, Style::DeepObject, false),
            [("a[k1]".into(), "v1".into()), ("a[k2]".into(), "v2".into())]
        );
    }

    #[test]
    fn nested_deep_objects_nest_their_keys() {
        let value = serde_json::json!({ "Location": { "uri": "library://x" }, "title": "T" });
        assert_eq!(
            pairs("Item", &value, Style::DeepObject, false),
            [("Item[Location][uri]".into(), "library://x".into()), ("Item[title]".into(), "T".into())]
        );
    }

    #[test]
    fn path_values_are_encoded_per_item() {
        assert_eq!(path_value("RefreshLocalMedia"), "RefreshLocalMedia");
        assert_eq!(path_value("a b/c?d"), "a%20b%2Fc%3Fd");
        assert_eq!(path_value(&[1, 2, 3]), "1,2,3");
        assert_eq!(path_value(&["a,b", "c"]), "a%2Cb,c");
        assert_eq!(path_value("é"), "%C3%A9");
    }

    #[test]
    fn headers_are_simple() {
        assert_eq!(simple(&vec![1, 2], false), "1,2");
        assert_eq!(simple("x", false), "x");
    }
}
