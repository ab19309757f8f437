//! Lenient decoding, for the places where Plex servers are looser than their document. The
//! generated models use these through `#[serde(deserialize_with = ..)]`:
//!
//! | rule | accepted for a documented… | why |
//! | --- | --- | --- |
//! | [`bool`] | boolean: `true`/`false`, `0`/`1`, `"0"`/`"1"`, `"true"`/`"false"` | Plex sends flags as `0`/`1` (its XML heritage) |
//! | [`integer`] | integer: a JSON integer, or a string holding one (`"42"`) | ids and counts arrive as strings |
//! | [`number`] | number: a JSON number, or a string holding one (`"2.35"`) | ratings and ratios too |
//!
//! Each has an `opt_` form for optional fields (also accepting `null`). Unknown fields are
//! ignored and missing optional fields are `None` (serde's defaults). With the `strict`
//! feature none of this applies: every value must have its documented JSON type, and unknown
//! fields are errors, so tests against a real server show where it diverges.

// Which of these the generated models call depends on the document's field types.
#![allow(dead_code)]

use std::fmt;
use std::marker::PhantomData;
use std::str::FromStr;

use serde::Deserializer;
use serde::de::{self, Visitor};

const STRICT: bool = cfg!(feature = "strict");

struct BoolVisitor;

impl Visitor<'_> for BoolVisitor {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(if STRICT { "a boolean" } else { "a boolean, 0 or 1" })
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<bool, E> {
        Ok(v)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<bool, E> {
        match v {
            0 | 1 if !STRICT => Ok(v == 1),
            _ => Err(E::invalid_value(de::Unexpected::Unsigned(v), &self)),
        }
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<bool, E> {
        match v {
            0 | 1 if !STRICT => Ok(v == 1),
            _ => Err(E::invalid_value(de::Unexpected::Signed(v), &self)),
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<bool, E> {
        match v {
            "1" | "true" if !STRICT => Ok(true),
            "0" | "false" if !STRICT => Ok(false),
            _ => Err(E::invalid_value(de::Unexpected::Str(v), &self)),
        }
    }
}

/// A boolean that may arrive as `0`/`1` or a string of either.
pub(crate) fn bool<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    d.deserialize_any(BoolVisitor)
}

/// [`bool`] for an optional field.
pub(crate) fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    d.deserialize_option(OptionVisitor(BoolVisitor))
}

struct IntegerVisitor<T>(PhantomData<T>);

impl<T> Visitor<'_> for IntegerVisitor<T>
where
    T: TryFrom<i64> + TryFrom<u64> + FromStr,
{
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(if STRICT { "an integer" } else { "an integer, or a string holding one" })
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
        T::try_from(v).map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &self))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
        T::try_from(v).map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        if STRICT {
            return Err(E::invalid_type(de::Unexpected::Str(v), &self));
        }
        v.trim().parse::<T>().map_err(|_| E::invalid_value(de::Unexpected::Str(v), &self))
    }
}

/// An integer that may arrive as a numeric string.
pub(crate) fn integer<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: TryFrom<i64> + TryFrom<u64> + FromStr,
{
    d.deserialize_any(IntegerVisitor(PhantomData))
}

/// [`integer`] for an optional field.
pub(crate) fn opt_integer<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: TryFrom<i64> + TryFrom<u64> + FromStr,
{
    d.deserialize_option(OptionVisitor(IntegerVisitor(PhantomData)))
}

struct NumberVisitor;

impl Visitor<'_> for NumberVisitor {
    type Value = f64;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(if STRICT { "a number" } else { "a number, or a string holding one" })
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<f64, E> {
        Ok(v)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<f64, E> {
        Ok(v as f64)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<f64, E> {
        Ok(v as f64)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<f64, E> {
        if STRICT {
            return Err(E::invalid_type(de::Unexpected::Str(v), &self));
        }
        v.trim().parse::<f64>().map_err(|_| E::invalid_value(de::Unexpected::Str(v), &self))
    }
}

/// A number that may arrive as a numeric string.
pub(crate) fn number<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    d.deserialize_any(NumberVisitor)
}

/// [`number`] for an optional field.
pub(crate) fn opt_number<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    d.deserialize_option(OptionVisitor(NumberVisitor))
}

/// `null` (or a missing value) as `None`, anything else through the inner visitor.
struct OptionVisitor<V>(V);

impl<'de, V: Visitor<'de>> Visitor<'de> for OptionVisitor<V> {
    type Value = Option<V::Value>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        self.0.expecting(f)?;
        f.write_str(" or null")
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self.0).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Sample {
        #[serde(default, deserialize_with = "super::opt_bool")]
        flag: Option<bool>,
        #[serde(default, deserialize_with = "super::opt_integer")]
        count: Option<i32>,
        #[serde(default, deserialize_with = "super::opt_number")]
        ratio: Option<f64>,
        #[serde(deserialize_with = "super::bool")]
        required_flag: bool,
    }

    fn parse(json: &str) -> Result<Sample, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[cfg(not(feature = "strict"))]
    #[test]
    fn plex_style_values_decode() {
        for (text, flag) in
            [("true", true), ("false", false), ("1", true), ("0", false), ("\"1\"", true), ("\"0\"", false)]
        {
            let s = parse(&format!(r#"{{"flag": {text}, "required_flag": {text}}}"#)).unwrap();
            assert_eq!((s.flag, s.required_flag), (Some(flag), flag), "{text}");
        }
        let s = parse(r#"{"count": "42", "ratio": "2.35", "required_flag": 1, "unknown": [1, 2]}"#).unwrap();
        assert_eq!((s.count, s.ratio), (Some(42), Some(2.35)));
        let s = parse(r#"{"flag": null, "required_flag": 0}"#).unwrap();
        assert_eq!((s.flag, s.count, s.ratio), (None, None, None));
    }

    #[test]
    fn nonsense_is_still_an_error() {
        assert!(parse(r#"{"required_flag": 2}"#).is_err());
        assert!(parse(r#"{"required_flag": "yes"}"#).is_err());
        assert!(parse(r#"{"required_flag": true, "count": "many"}"#).is_err());
        assert!(parse(r#"{"required_flag": true, "count": 99999999999}"#).is_err(), "out of i32 range");
    }

    #[cfg(feature = "strict")]
    #[test]
    fn strict_accepts_only_documented_types() {
        assert!(parse(r#"{"required_flag": 1}"#).is_err());
        assert!(parse(r#"{"required_flag": true, "count": "42"}"#).is_err());
        assert!(parse(r#"{"required_flag": true, "count": 42}"#).is_ok());
    }
}
