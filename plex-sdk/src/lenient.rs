//! Lenient decoding, for the places where Plex servers are looser than their document. The
//! generated models use these through `#[serde(deserialize_with = ..)]`, one rule per
//! documented type:
//!
//! | decoder | for a documented… | also accepts (outside `strict`) | rejects |
//! | --- | --- | --- | --- |
//! | [`bool`](fn@bool) | boolean | `0` → `false`, any other integer → `true` (Plex sends `hidden: 2`); `"true"`/`"false"`; a string holding an integer, by the same rule (`"0"`, `"1"`) | floats, other strings (`"yes"`) |
//! | [`integer`] | integer | a float without a fraction (`7.0`); a string holding an integer or such a float (`"42"`, `" 42 "`, `"7.0"`) | a fraction (`23.976`: not truncated, an error naming the path), values out of the field's range, other strings |
//! | [`number`] | number | a string holding a finite number (`"2.35"`, `"7"`); integers are numbers anyway | other strings, `"NaN"`, `"inf"` |
//! | [`string`] | string | a number, written in decimal (ids sent as `123`; a float as Rust prints it: `7.0` → `"7"`, `2.5` → `"2.5"`) | booleans, arrays, objects |
//!
//! Each has an `opt_` form for optional fields, which also accepts `null` (as `None`); the
//! generator pairs it with `#[serde(default)]` so that a missing optional field is `None`.
//!
//! Three rules need no decoder:
//!
//! - **A missing field never fails the response.** The generator marks every field that has
//!   no default of its own `#[cfg_attr(not(feature = "strict"), serde(default))]`, so a field
//!   the server leaves out takes its type's `Default`, whether the document calls it optional,
//!   required, or required and nullable: `None` for an `Option` (plex.tv leaves out
//!   `services[].secret`, which the document marks required and nullable), `""`, `0`,
//!   `false`, an empty list, a nested object of defaults, the Unix epoch for a date-time, or
//!   for an open enum the value an empty wire value decodes to (see
//!   [`open_enum`](mod@crate::open_enum)). The generator derives `Default` for every model
//!   whose fields all have one, so every field of every model has one. The field's type stays
//!   what the document says, at the cost of not telling "absent" from "empty".
//! - **Nothing the server sent is lost where the document expects more.** A model whose schema
//!   says `additionalProperties: true` (or merges one that does), as `Metadata`, `Media`,
//!   `Part` and `Stream` do, has a field `additional_properties` (a
//!   `BTreeMap<String, serde_json::Value>`, flattened): the properties the model does not
//!   list land there with their JSON values as sent, and are written back unchanged when the
//!   value is encoded, so a decode → encode round trip keeps them. This holds in every mode.
//! - **Unknown fields of other models are ignored** (serde's default; the models derive no
//!   `deny_unknown_fields` outside `strict`).
//!
//! With the `strict` feature none of this applies: every value must have its documented JSON
//! type exactly (a number is still accepted for a documented number whether or not it has a
//! fraction), a missing required field is an error, and unknown fields are errors (outside
//! open schemas, which keep them in `additional_properties`), so tests against a real server
//! show where it diverges. The runtime names the JSON path of any error.

// Which of these the generated models call depends on the document's field types.
#![allow(dead_code)]

use std::fmt;
use std::marker::PhantomData;
use std::str::FromStr;

use serde::Deserializer;
use serde::de::{self, Unexpected, Visitor};

/// Whether the `strict` feature is on: exact types only.
pub(crate) const STRICT: bool = cfg!(feature = "strict");

// ---------------------------------------------------------------------------------------
// Booleans
// ---------------------------------------------------------------------------------------

struct BoolVisitor;

impl Visitor<'_> for BoolVisitor {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(if STRICT { "a boolean" } else { "a boolean, an integer (0 or 1), or a string holding one" })
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<bool, E> {
        Ok(v)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<bool, E> {
        if STRICT { Err(E::invalid_type(Unexpected::Unsigned(v), &self)) } else { Ok(v != 0) }
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<bool, E> {
        if STRICT { Err(E::invalid_type(Unexpected::Signed(v), &self)) } else { Ok(v != 0) }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<bool, E> {
        if STRICT {
            return Err(E::invalid_type(Unexpected::Str(v), &self));
        }
        bool_from_str(v).ok_or_else(|| E::invalid_value(Unexpected::Str(v), &self))
    }
}

/// The string rule for booleans: `"true"`, `"false"`, or an integer (`0` is `false`, any
/// other integer `true`, as for a JSON integer).
fn bool_from_str(v: &str) -> Option<bool> {
    match v {
        "true" => Some(true),
        "false" => Some(false),
        _ => v.trim().parse::<i64>().ok().map(|n| n != 0),
    }
}

/// A boolean that may arrive as an integer (`0` is `false`, any other `true`) or as a string
/// (`"true"`, `"false"`, or an integer by the same rule).
pub(crate) fn bool<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    d.deserialize_any(BoolVisitor)
}

/// [`bool()`] for an optional field.
pub(crate) fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    d.deserialize_option(OptionVisitor(BoolVisitor))
}

// ---------------------------------------------------------------------------------------
// Integers
// ---------------------------------------------------------------------------------------

struct IntegerVisitor<T>(PhantomData<T>);

impl<T> Visitor<'_> for IntegerVisitor<T>
where
    T: TryFrom<i64> + TryFrom<u64> + FromStr,
{
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(if STRICT {
            "an integer"
        } else {
            "an integer in range (a float only without a fraction), or a string holding one"
        })
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
        T::try_from(v).map_err(|_| E::invalid_value(Unexpected::Signed(v), &self))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
        T::try_from(v).map_err(|_| E::invalid_value(Unexpected::Unsigned(v), &self))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<T, E> {
        if STRICT {
            return Err(E::invalid_type(Unexpected::Float(v), &self));
        }
        integer_from_f64(v).ok_or_else(|| E::invalid_value(Unexpected::Float(v), &self))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        if STRICT {
            return Err(E::invalid_type(Unexpected::Str(v), &self));
        }
        integer_from_str(v).ok_or_else(|| E::invalid_value(Unexpected::Str(v), &self))
    }
}

/// The float rule for integers: a float without a fraction, within the type's range. A
/// fraction is never truncated (`23.976` in an integer field is an error, not `23`).
fn integer_from_f64<T: TryFrom<i64> + TryFrom<u64>>(v: f64) -> Option<T> {
    // 2^63 and 2^64 are exact as floats; NaN and infinities have no zero fraction.
    const TWO_63: f64 = 9_223_372_036_854_775_808.0;
    if v.fract() != 0.0 {
        None
    } else if (-TWO_63..TWO_63).contains(&v) {
        T::try_from(v as i64).ok()
    } else if (0.0..2.0 * TWO_63).contains(&v) {
        T::try_from(v as u64).ok()
    } else {
        None
    }
}

/// The string rule for integers: surrounding whitespace ignored, then an integer, or a float
/// by [`integer_from_f64`]'s rule.
fn integer_from_str<T: TryFrom<i64> + TryFrom<u64> + FromStr>(v: &str) -> Option<T> {
    let v = v.trim();
    v.parse::<T>().ok().or_else(|| v.parse::<f64>().ok().and_then(integer_from_f64))
}

/// An integer that may arrive as a float without a fraction or as a string holding either.
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

// ---------------------------------------------------------------------------------------
// Numbers
// ---------------------------------------------------------------------------------------

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
            return Err(E::invalid_type(Unexpected::Str(v), &self));
        }
        number_from_str(v).ok_or_else(|| E::invalid_value(Unexpected::Str(v), &self))
    }
}

/// The string rule for numbers: surrounding whitespace ignored, then a finite number (JSON
/// has no `NaN` or infinity, so neither does a string standing in for a JSON number).
fn number_from_str(v: &str) -> Option<f64> {
    v.trim().parse::<f64>().ok().filter(|n| n.is_finite())
}

/// A number that may arrive as a string holding one.
pub(crate) fn number<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    d.deserialize_any(NumberVisitor)
}

/// [`number`] for an optional field.
pub(crate) fn opt_number<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    d.deserialize_option(OptionVisitor(NumberVisitor))
}

/// [`number`] for an `f32` field (`format: float`): the same rules, then narrowed.
pub(crate) fn number_f32<'de, D: Deserializer<'de>>(d: D) -> Result<f32, D::Error> {
    number(d).map(|n| n as f32)
}

/// [`number_f32`] for an optional field.
pub(crate) fn opt_number_f32<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f32>, D::Error> {
    opt_number(d).map(|n| n.map(|n| n as f32))
}

// ---------------------------------------------------------------------------------------
// Strings
// ---------------------------------------------------------------------------------------

struct StringVisitor;

impl Visitor<'_> for StringVisitor {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(if STRICT { "a string" } else { "a string or a number" })
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_owned())
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
        Ok(v)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
        if STRICT { Err(E::invalid_type(Unexpected::Unsigned(v), &self)) } else { Ok(v.to_string()) }
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
        if STRICT { Err(E::invalid_type(Unexpected::Signed(v), &self)) } else { Ok(v.to_string()) }
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
        if STRICT { Err(E::invalid_type(Unexpected::Float(v), &self)) } else { Ok(v.to_string()) }
    }
}

/// A string that may arrive as a number (ids), written in decimal.
pub(crate) fn string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    d.deserialize_any(StringVisitor)
}

/// [`string`] for an optional field.
pub(crate) fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    d.deserialize_option(OptionVisitor(StringVisitor))
}

// ---------------------------------------------------------------------------------------
// Optional values
// ---------------------------------------------------------------------------------------

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

/// Writes a `BoolInt` field as the document does: `1` for true, `0` for false.
pub(crate) fn write_bool_int<S: serde::Serializer>(value: &bool, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u8(u8::from(*value))
}

/// [`write_bool_int`] for an optional field (`None` is written as `null`, and is usually
/// skipped by the field's `skip_serializing_if`).
pub(crate) fn write_opt_bool_int<S: serde::Serializer>(value: &Option<bool>, s: S) -> Result<S::Ok, S::Error> {
    match value {
        Some(v) => write_bool_int(v, s),
        None => s.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    /// Every decoder, required and optional, the way the generator uses them.
    #[derive(Debug, Deserialize, PartialEq, Default)]
    #[cfg_attr(feature = "strict", serde(deny_unknown_fields))]
    struct Sample {
        #[serde(default, deserialize_with = "super::opt_bool")]
        flag: Option<bool>,
        #[serde(default, deserialize_with = "super::opt_integer")]
        count: Option<i32>,
        #[serde(default, deserialize_with = "super::opt_number")]
        ratio: Option<f64>,
        #[serde(default, deserialize_with = "super::opt_string")]
        id: Option<String>,
        #[serde(deserialize_with = "super::bool")]
        #[cfg_attr(not(feature = "strict"), serde(default))]
        required_flag: bool,
        #[serde(default, deserialize_with = "super::integer")]
        size: u64,
        #[serde(default, deserialize_with = "super::number")]
        rating: f64,
        #[serde(default, deserialize_with = "super::string")]
        key: String,
        /// A required field of no lenient type (as `MediaContainer.content`).
        #[cfg_attr(not(feature = "strict"), serde(default))]
        content: String,
    }

    fn parse(json: &str) -> Result<Sample, serde_json::Error> {
        serde_json::from_str(json)
    }

    /// `json` as the value of `field` (the others at their defaults), with the required fields
    /// present.
    fn one(field: &str, json: &str) -> Result<Sample, serde_json::Error> {
        let required = if field == "required_flag" { "" } else { r#""required_flag": true, "# };
        let content = if field == "content" { "" } else { r#""content": "c", "# };
        parse(&format!(r#"{{{required}{content}"{field}": {json}}}"#))
    }

    fn flag(json: &str) -> Option<bool> {
        let optional = one("flag", json).ok()?.flag;
        let required = one("required_flag", json).ok().map(|s| s.required_flag);
        assert_eq!(optional, required, "{json}: the optional and required forms agree");
        optional
    }

    fn count(json: &str) -> Option<i32> {
        one("count", json).ok()?.count
    }

    fn size(json: &str) -> Option<u64> {
        one("size", json).ok().map(|s| s.size)
    }

    fn ratio(json: &str) -> Option<f64> {
        let optional = one("ratio", json).ok()?.ratio;
        assert_eq!(optional, one("rating", json).ok().map(|s| s.rating), "{json}");
        optional
    }

    fn id(json: &str) -> Option<String> {
        let optional = one("id", json).ok()?.id;
        assert_eq!(optional, one("key", json).ok().map(|s| s.key), "{json}");
        optional
    }

    #[test]
    fn documented_types_decode_in_every_mode() {
        assert_eq!(flag("true"), Some(true));
        assert_eq!(flag("false"), Some(false));
        assert_eq!(count("42"), Some(42));
        assert_eq!(count("-7"), Some(-7));
        assert_eq!(size("18446744073709551615"), Some(u64::MAX));
        assert_eq!(ratio("2.35"), Some(2.35));
        assert_eq!(ratio("3"), Some(3.0), "an integer is a JSON number");
        assert_eq!(id(r#""abc""#), Some("abc".into()));
        assert_eq!(id(r#""a\"b""#), Some("a\"b".into()), "escaped strings");
        let s =
            parse(r#"{"flag": null, "count": null, "ratio": null, "id": null, "required_flag": false, "content": ""}"#);
        assert_eq!(s.unwrap(), Sample::default());
    }

    #[test]
    fn nonsense_is_an_error_in_every_mode() {
        for json in ["1.0", r#""yes""#, r#""""#, "[]", "{}"] {
            assert_eq!(flag(json), None, "{json}");
        }
        for json in ["99999999999", r#""many""#, "true", "23.976", r#""23.976""#, r#""1e400""#, "[1]"] {
            assert_eq!(count(json), None, "{json}");
        }
        assert_eq!(size("-1"), None, "negative into unsigned");
        assert_eq!(size("1e20"), None, "a float beyond u64");
        for json in [r#""fast""#, r#""NaN""#, r#""inf""#, "true", r#""""#] {
            assert_eq!(ratio(json), None, "{json}");
        }
        for json in ["true", "[]", "{}"] {
            assert_eq!(id(json), None, "{json}");
        }
        assert!(parse("{}").is_err() == cfg!(feature = "strict"), "missing required fields");
    }

    #[cfg(not(feature = "strict"))]
    #[test]
    fn booleans_from_integers_and_strings() {
        for (json, value) in [("1", true), ("0", false), ("\"1\"", true), ("\"0\"", false)] {
            assert_eq!(flag(json), Some(value), "{json}");
        }
        assert_eq!((flag(r#""true""#), flag(r#""false""#)), (Some(true), Some(false)));
        // The decision for other integers: anything but 0 is true (Plex's `hidden: 2`).
        for json in ["2", "-1", "\"2\"", "\" 1 \""] {
            assert_eq!(flag(json), Some(true), "{json}");
        }
        assert_eq!(flag(r#""TRUE""#), None, "only the lowercase JSON words");
    }

    #[cfg(not(feature = "strict"))]
    #[test]
    fn integers_from_strings_and_whole_floats() {
        assert_eq!(count(r#""42""#), Some(42));
        assert_eq!(count(r#"" 42 ""#), Some(42));
        assert_eq!(count("7.0"), Some(7));
        assert_eq!(count("-0.0"), Some(0));
        assert_eq!(count(r#""7.0""#), Some(7));
        assert_eq!(count("1e3"), Some(1000));
        assert_eq!(size("9223372036854775808.0"), Some(1 << 63), "beyond i64, within u64");
        assert_eq!(size(r#""18446744073709551615""#), Some(u64::MAX), "parsed exactly, not through f64");
        // Out of range after the coercion is still an error.
        assert_eq!(count("3000000000.0"), None);
        assert_eq!(count(r#""3000000000""#), None);
    }

    #[cfg(not(feature = "strict"))]
    #[test]
    fn numbers_from_strings() {
        assert_eq!(ratio(r#""2.35""#), Some(2.35));
        assert_eq!(ratio(r#"" 7 ""#), Some(7.0));
        assert_eq!(ratio(r#""-1e-3""#), Some(-0.001));
    }

    #[cfg(not(feature = "strict"))]
    #[test]
    fn strings_from_numbers() {
        assert_eq!(id("123"), Some("123".into()));
        assert_eq!(id("-5"), Some("-5".into()));
        assert_eq!(id("18446744073709551615"), Some("18446744073709551615".into()));
        assert_eq!(id("2.5"), Some("2.5".into()));
        assert_eq!(id("7.0"), Some("7".into()));
    }

    #[cfg(not(feature = "strict"))]
    #[test]
    fn missing_required_fields_and_unknown_fields_do_not_fail() {
        let s = parse(r#"{"unknown": [1, {"deep": null}], "flag": 1}"#).unwrap();
        assert_eq!(s, Sample { flag: Some(true), ..Sample::default() });
    }

    #[cfg(feature = "strict")]
    #[test]
    fn strict_accepts_only_documented_types() {
        for json in ["1", "0", "2", r#""1""#, r#""true""#] {
            assert_eq!(flag(json), None, "{json}");
        }
        for json in [r#""42""#, "7.0"] {
            assert_eq!(count(json), None, "{json}");
        }
        assert_eq!(ratio(r#""2.35""#), None);
        assert_eq!(id("123"), None);
        let unknown = parse(r#"{"required_flag": true, "content": "", "unknown": 1}"#).unwrap_err();
        assert!(unknown.to_string().contains("unknown field `unknown`"), "{unknown}");
        let missing = parse(r#"{"required_flag": true}"#).unwrap_err();
        assert!(missing.to_string().contains("missing field `content`"), "{missing}");
    }

    #[cfg(not(feature = "strict"))]
    #[test]
    fn errors_name_the_value_and_the_rule() {
        let err = one("count", "23.976").unwrap_err().to_string();
        assert!(err.contains("23.976") && err.contains("without a fraction"), "{err}");
        let err = one("flag", r#""yes""#).unwrap_err().to_string();
        assert!(err.contains("\"yes\"") && err.contains("a boolean"), "{err}");
    }
}
