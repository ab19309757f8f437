//! Open enums: the generated enums keep a value they do not know instead of failing the
//! whole response, so a value Plex adds later (`photo` for a library type) is not a breaking
//! change.
//!
//! The generator emits one [`open_enum!`](crate::contract::open_enum!) call per enum, string or integer:
//!
//! ```ignore
//! crate::contract::open_enum! {
//!     /// The kind of a library section.
//!     pub enum SectionType: string {
//!         /// Films.
//!         Movie = "movie",
//!         /// A wire value that is not an identifier gets one from the generator.
//!         HomeVideo = "home-video",
//!     }
//! }
//! crate::contract::open_enum! {
//!     /// The kind of a media stream.
//!     pub enum StreamType: integer {
//!         /// Video.
//!         Video = 1,
//!         Audio = 2,
//!     }
//! }
//! ```
//!
//! Each variant is `[doc attributes] Identifier = literal`, separated by commas (a trailing
//! comma is allowed); `string` enums take string literals, `integer` enums integer literals
//! (negative ones too). The macro defines:
//!
//! - the enum, `#[non_exhaustive]`, with the known variants (their doc followed by their wire
//!   value) and `Unknown(String)` (string enums) or `Unknown(i64)` (integer enums), deriving
//!   `Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord` (and `Copy` for integer enums);
//! - `ALL`, the known variants in order; `as_str()` (string enums) or `value()` (integer
//!   enums), the wire value; `is_unknown()`;
//! - `Display` (the wire value), `FromStr` and `From<&str>`/`From<String>` (string enums:
//!   never fail, an unknown value is `Unknown`) or `FromStr` (integer enums: a decimal
//!   integer), `From<i64>` and `From<Self> for i64` (integer enums);
//! - `Serialize`, writing the wire value back unchanged (`Unknown` included);
//! - `Deserialize`: a known value is its variant, any other `Unknown`. Integer enums read
//!   their value with [`crate::lenient::integer`]'s rule (`"1"` and `1.0` are `1`); string
//!   enums also take a number outside `strict` (`1` matches `"1"`). Under the `strict` feature
//!   an unknown value is an error naming the enum, the value and the known values (the
//!   runtime adds the JSON path);
//! - `Default`: the value an empty wire value (`""`, `0`) decodes to, known or `Unknown`. A
//!   documented-required enum field the server leaves out gets it outside `strict` (see
//!   [`crate::lenient`]).
//!
//! `Unknown` holding a known value (built by hand: `Unknown("movie".into())`) writes the same
//! wire value as the known variant but does not compare equal to it; `from`/`parse` never
//! build one.

// A document without enums uses none of this (the crate `--out` writes for it still builds
// without warnings).
#![allow(dead_code, unused_macros)]

use std::fmt;
use std::marker::PhantomData;

use serde::Deserializer;
use serde::de::{self, Unexpected, Visitor};

use crate::lenient::STRICT;

/// What the deserializer of a string enum needs from it (implemented by [`open_enum!`]).
pub(crate) trait StringEnum: Sized {
    /// The enum's name, for errors.
    const NAME: &'static str;
    /// The known wire values.
    const WIRE: &'static [&'static str];
    /// The known variant for `value`, if any.
    fn known(value: &str) -> Option<Self>;
    /// `Unknown(value)`.
    fn unknown(value: String) -> Self;
}

/// What the deserializer of an integer enum needs from it (implemented by [`open_enum!`]).
pub(crate) trait IntegerEnum: Sized {
    /// The enum's name, for errors.
    const NAME: &'static str;
    /// The known wire values.
    const WIRE: &'static [i64];
    /// The known variant for `value`, or `Unknown(value)`.
    fn from_value(value: i64) -> Self;
    /// Whether `self` is `Unknown`.
    fn is_unknown_value(&self) -> bool;
}

/// The known values of an enum, for an error message: `` `a`, `b` ``.
struct OneOf<'a, T>(&'a [T]);

impl<T: fmt::Display> fmt::Display for OneOf<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        for (i, value) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "`{value}`")?;
        }
        Ok(())
    }
}

/// The `strict` error for a value `name` does not know.
fn unknown_error<E: de::Error, V: fmt::Display, K: fmt::Display>(name: &str, value: V, known: &[K]) -> E {
    E::custom(format_args!("unknown {name} value `{value}`, expected one of {}", OneOf(known)))
}

struct StringEnumVisitor<T>(PhantomData<T>);

impl<T: StringEnum> StringEnumVisitor<T> {
    /// `value` (borrowed or owned) as a known variant, else `Unknown` (an error under `strict`).
    fn decode<E: de::Error, S: AsRef<str> + Into<String>>(value: S) -> Result<T, E> {
        match T::known(value.as_ref()) {
            Some(known) => Ok(known),
            None if STRICT => Err(unknown_error(T::NAME, value.as_ref(), T::WIRE)),
            None => Ok(T::unknown(value.into())),
        }
    }
}

impl<T: StringEnum> Visitor<'_> for StringEnumVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "a {} value: one of {}{}", T::NAME, OneOf(T::WIRE), if STRICT { "" } else { ", or another string" })
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        Self::decode(v)
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<T, E> {
        Self::decode(v)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
        if STRICT { Err(E::invalid_type(Unexpected::Unsigned(v), &self)) } else { Self::decode(v.to_string()) }
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
        if STRICT { Err(E::invalid_type(Unexpected::Signed(v), &self)) } else { Self::decode(v.to_string()) }
    }
}

/// The `Deserialize` of a string enum.
pub(crate) fn deserialize_string<'de, T: StringEnum, D: Deserializer<'de>>(d: D) -> Result<T, D::Error> {
    d.deserialize_any(StringEnumVisitor(PhantomData))
}

/// The `Deserialize` of an integer enum.
pub(crate) fn deserialize_integer<'de, T: IntegerEnum, D: Deserializer<'de>>(d: D) -> Result<T, D::Error> {
    let value: i64 = crate::lenient::integer(d)?;
    let decoded = T::from_value(value);
    if STRICT && decoded.is_unknown_value() {
        return Err(unknown_error(T::NAME, value, T::WIRE));
    }
    Ok(decoded)
}

/// Defines an open enum; see [the module](self) for the syntax and what it defines.
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident: string {
            $( $(#[$vmeta:meta])* $variant:ident = $wire:literal ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        $vis enum $name {
            $(
                $(#[$vmeta])*
                #[doc = ""]
                #[doc = concat!("On the wire: `", $wire, "`.")]
                $variant,
            )*
            /// A value this version of the SDK does not know, kept as the server sent it and
            /// written back unchanged. (With the `strict` feature it is a decoding error.)
            Unknown(::std::string::String),
        }

        impl $name {
            /// The known values, in the document's order.
            pub const ALL: &'static [Self] = &[$(Self::$variant),*];

            /// The wire value.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)*
                    Self::Unknown(value) => value,
                }
            }

            /// Whether this is a value the SDK does not know.
            pub fn is_unknown(&self) -> bool {
                matches!(self, Self::Unknown(_))
            }
        }

        impl $crate::open_enum::StringEnum for $name {
            const NAME: &'static str = stringify!($name);
            const WIRE: &'static [&'static str] = &[$($wire),*];

            fn known(value: &str) -> ::std::option::Option<Self> {
                match value {
                    $($wire => ::std::option::Option::Some(Self::$variant),)*
                    _ => ::std::option::Option::None,
                }
            }

            fn unknown(value: ::std::string::String) -> Self {
                Self::Unknown(value)
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                <Self as $crate::open_enum::StringEnum>::known(value)
                    .unwrap_or_else(|| Self::Unknown(value.to_owned()))
            }
        }

        impl ::std::convert::From<::std::string::String> for $name {
            fn from(value: ::std::string::String) -> Self {
                <Self as $crate::open_enum::StringEnum>::known(&value).unwrap_or(Self::Unknown(value))
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;

            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                ::std::result::Result::Ok(Self::from(value))
            }
        }

        impl ::std::default::Default for $name {
            fn default() -> Self {
                Self::from("")
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                $crate::open_enum::deserialize_string(d)
            }
        }
    };

    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident: integer {
            $( $(#[$vmeta:meta])* $variant:ident = $wire:literal ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        $vis enum $name {
            $(
                $(#[$vmeta])*
                #[doc = ""]
                #[doc = concat!("On the wire: `", $wire, "`.")]
                $variant,
            )*
            /// A value this version of the SDK does not know, kept as the server sent it and
            /// written back unchanged. (With the `strict` feature it is a decoding error.)
            Unknown(i64),
        }

        impl $name {
            /// The known values, in the document's order.
            pub const ALL: &'static [Self] = &[$(Self::$variant),*];

            /// The wire value.
            pub fn value(&self) -> i64 {
                match self {
                    $(Self::$variant => $wire,)*
                    Self::Unknown(value) => *value,
                }
            }

            /// Whether this is a value the SDK does not know.
            pub fn is_unknown(&self) -> bool {
                matches!(self, Self::Unknown(_))
            }
        }

        impl $crate::open_enum::IntegerEnum for $name {
            const NAME: &'static str = stringify!($name);
            const WIRE: &'static [i64] = &[$($wire),*];

            fn from_value(value: i64) -> Self {
                match value {
                    $($wire => Self::$variant,)*
                    _ => Self::Unknown(value),
                }
            }

            fn is_unknown_value(&self) -> bool {
                self.is_unknown()
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Display::fmt(&self.value(), f)
            }
        }

        impl ::std::convert::From<i64> for $name {
            fn from(value: i64) -> Self {
                <Self as $crate::open_enum::IntegerEnum>::from_value(value)
            }
        }

        impl ::std::convert::From<$name> for i64 {
            fn from(value: $name) -> i64 {
                value.value()
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::num::ParseIntError;

            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                value.trim().parse::<i64>().map(Self::from)
            }
        }

        impl ::std::default::Default for $name {
            fn default() -> Self {
                Self::from(0)
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                s.serialize_i64(self.value())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                $crate::open_enum::deserialize_integer(d)
            }
        }
    };
}

pub(crate) use open_enum;

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    crate::contract::open_enum! {
        /// A library section's kind.
        pub enum SectionType: string {
            /// Films.
            Movie = "movie",
            /// Series.
            Show = "show",
            /// Not an identifier on the wire.
            HomeVideo = "home-video",
            Numeric = "1",
        }
    }

    crate::contract::open_enum! {
        /// A stream's kind.
        pub enum StreamType: integer {
            /// Video.
            Video = 1,
            Audio = 2,
            Minus = -1,
            Zero = 0,
        }
    }

    crate::contract::open_enum! {
        /// No known values at all.
        pub enum Nothing: string {}
    }

    #[derive(Debug, serde::Deserialize, serde::Serialize, PartialEq)]
    struct Item {
        #[serde(rename = "type")]
        kind: SectionType,
        stream: StreamType,
    }

    fn item(kind: &str, stream: &str) -> Result<Item, String> {
        let json = format!(r#"{{"type": {kind}, "stream": {stream}}}"#);
        let mut de = serde_json::Deserializer::from_str(&json);
        serde_path_to_error::deserialize(&mut de).map_err(|e| format!("{} at {}", e.inner(), e.path()))
    }

    #[test]
    fn known_values_decode_and_serialise_back() {
        let decoded = item(r#""home-video""#, "2").unwrap();
        assert_eq!(decoded, Item { kind: SectionType::HomeVideo, stream: StreamType::Audio });
        assert_eq!(serde_json::to_string(&decoded).unwrap(), r#"{"type":"home-video","stream":2}"#);
        assert_eq!(item(r#""movie""#, "-1").unwrap().stream, StreamType::Minus);
    }

    #[cfg(not(feature = "strict"))]
    #[test]
    fn unknown_values_are_kept_and_written_back_unchanged() {
        let decoded = item(r#""photo""#, "7").unwrap();
        assert_eq!(decoded.kind, SectionType::Unknown("photo".into()));
        assert_eq!(decoded.stream, StreamType::Unknown(7));
        assert!(decoded.kind.is_unknown() && decoded.stream.is_unknown());
        assert_eq!(serde_json::to_string(&decoded).unwrap(), r#"{"type":"photo","stream":7}"#);
        let escaped = item(r#""ph\"oto""#, "1").unwrap();
        assert_eq!(escaped.kind.as_str(), "ph\"oto");
        assert_eq!(serde_json::to_string(&escaped.kind).unwrap(), r#""ph\"oto""#);
        let none: Nothing = serde_json::from_str(r#""anything""#).unwrap();
        assert!(none.is_unknown());
    }

    #[cfg(not(feature = "strict"))]
    #[test]
    fn lenient_wire_forms() {
        // Plex sends integers as strings; whole floats follow the integer rule.
        for stream in [r#""1""#, r#"" 1 ""#, "1.0"] {
            assert_eq!(item(r#""movie""#, stream).unwrap().stream, StreamType::Video, "{stream}");
        }
        assert_eq!(item(r#""movie""#, r#""9""#).unwrap().stream, StreamType::Unknown(9));
        // A number where a string enum is documented: matched as its decimal text.
        assert_eq!(item("1", "1").unwrap().kind, SectionType::Numeric);
        assert_eq!(item("42", "1").unwrap().kind, SectionType::Unknown("42".into()));
    }

    #[test]
    fn nonsense_is_an_error_naming_the_path() {
        for (kind, stream) in [(r#""movie""#, "1.5"), (r#""movie""#, r#""video""#), ("true", "1"), ("null", "1")] {
            let err = item(kind, stream).unwrap_err();
            let field = if kind == r#""movie""# { "at stream" } else { "at type" };
            assert!(err.ends_with(field), "{kind} {stream}: {err}");
        }
        assert!(item(r#""movie""#, "9223372036854775808").is_err(), "beyond i64");
    }

    #[cfg(feature = "strict")]
    #[test]
    fn strict_rejects_unknown_values_naming_value_and_known_ones() {
        let err = item(r#""photo""#, "1").unwrap_err();
        assert!(
            err.starts_with("unknown SectionType value `photo`, expected one of `movie`, `show`, `home-video`, `1`")
        );
        assert!(err.ends_with("at type"), "{err}");
        let err = item(r#""movie""#, "7").unwrap_err();
        assert!(err.starts_with("unknown StreamType value `7`, expected one of `1`, `2`, `-1`, `0`"), "{err}");
        assert!(err.ends_with("at stream"), "{err}");
        for (kind, stream) in [(r#""movie""#, r#""1""#), ("1", "1")] {
            assert!(item(kind, stream).is_err(), "{kind} {stream}: no coercion under strict");
        }
    }

    #[test]
    fn text_forms_and_conversions() {
        assert_eq!(
            SectionType::ALL,
            [SectionType::Movie, SectionType::Show, SectionType::HomeVideo, SectionType::Numeric]
        );
        assert_eq!(StreamType::ALL.len(), 4);
        assert!(Nothing::ALL.is_empty());
        for known in SectionType::ALL {
            assert_eq!(&known.as_str().parse::<SectionType>().unwrap(), known);
            assert_eq!(known.to_string(), known.as_str());
        }
        for known in StreamType::ALL {
            assert_eq!(known.to_string().parse::<StreamType>().unwrap(), *known);
            assert_eq!(StreamType::from(i64::from(*known)), *known);
        }
        assert_eq!(SectionType::from("photo".to_string()), SectionType::Unknown("photo".into()));
        assert_eq!(SectionType::from("show".to_string()), SectionType::Show);
        assert_eq!(SectionType::Unknown("photo".into()).to_string(), "photo");
        assert_eq!(StreamType::Unknown(-9).to_string(), "-9");
        assert!("video".parse::<StreamType>().is_err());
        assert!(!SectionType::Movie.is_unknown() && !StreamType::Audio.is_unknown() && Nothing::default().is_unknown());
        assert_eq!(SectionType::default(), SectionType::Unknown(String::new()));
        assert_eq!(StreamType::default(), StreamType::Zero, "the known variant for 0");
        let set: HashSet<_> = SectionType::ALL.iter().cloned().collect();
        assert_eq!(set.len(), SectionType::ALL.len());
        assert!(SectionType::Movie < SectionType::Show && StreamType::Video < StreamType::Unknown(0));
    }
}
