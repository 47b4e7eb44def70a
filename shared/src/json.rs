//! Reading JSON text with every struct taken as an object only.
//!
//! serde's derived reader of a struct answers both a JSON object and a JSON array of its
//! fields in order. Nothing Tousu writes is ever an array for a struct, yet the array reader
//! was instantiated for every struct type: about a tenth of the browser app's reading code
//! (10 KB brotli of the field build, docs/BENCHMARKS.md "Session 22"). [`from_str`] reads
//! through a thin layer that asks serde_json for a map wherever a struct is asked for, so
//! the array readers are never referenced and the linker drops them. Everything else is
//! passed through unchanged (options, sequences, enums, borrowed strings, `RawValue`).
//! Both the app and the server read the wire through it, so both refuse a struct written as
//! an array in the same words.

use serde::de::{self, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, Visitor};
use std::fmt;

/// Reads a `T` from JSON text, like `serde_json::from_str`, except that a struct must be a
/// JSON object.
pub fn from_str<'de, T: de::Deserialize<'de>>(text: &'de str) -> Result<T, serde_json::Error> {
    let mut reader = serde_json::Deserializer::from_str(text);
    let value = T::deserialize(Objects(&mut reader))?;
    reader.end()?;
    Ok(value)
}

/// The deserializer layer: structs as maps, every visitor wrapped.
struct Objects<D>(D);
/// A visitor whose accesses and nested deserializers are wrapped.
struct Visit<V>(V);
/// A map, sequence, enum or variant access whose values are read through [`Objects`].
struct Access<A>(A);
/// A seed that reads through [`Objects`].
struct Seed<S>(S);
/// A struct variant's fields, read as a map through the variant's newtype access.
struct StructFields<V>(V);

macro_rules! forward_deserialize {
    ($($method:ident($($arg:ident: $ty:ty),*)),* $(,)?) => {
        $(
            fn $method<V: Visitor<'de>>(self, $($arg: $ty,)* visitor: V) -> Result<V::Value, D::Error> {
                self.0.$method($($arg,)* Visit(visitor))
            }
        )*
    };
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Objects<D> {
    type Error = D::Error;

    forward_deserialize!(
        deserialize_any(),
        deserialize_bool(),
        deserialize_i8(),
        deserialize_i16(),
        deserialize_i32(),
        deserialize_i64(),
        deserialize_i128(),
        deserialize_u8(),
        deserialize_u16(),
        deserialize_u32(),
        deserialize_u64(),
        deserialize_u128(),
        deserialize_f32(),
        deserialize_f64(),
        deserialize_char(),
        deserialize_str(),
        deserialize_string(),
        deserialize_bytes(),
        deserialize_byte_buf(),
        deserialize_option(),
        deserialize_unit(),
        deserialize_unit_struct(name: &'static str),
        deserialize_newtype_struct(name: &'static str),
        deserialize_seq(),
        deserialize_tuple(len: usize),
        deserialize_tuple_struct(name: &'static str, len: usize),
        deserialize_map(),
        deserialize_enum(name: &'static str, variants: &'static [&'static str]),
        deserialize_identifier(),
        deserialize_ignored_any(),
    );

    /// The one change: a struct is read as a map, never as a sequence.
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_map(Visit(visitor))
    }

    fn is_human_readable(&self) -> bool {
        self.0.is_human_readable()
    }
}

macro_rules! forward_visit {
    ($($method:ident($ty:ty)),* $(,)?) => {
        $(
            fn $method<E: de::Error>(self, v: $ty) -> Result<V::Value, E> {
                self.0.$method(v)
            }
        )*
    };
}

impl<'de, V: Visitor<'de>> Visitor<'de> for Visit<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        self.0.expecting(f)
    }

    forward_visit!(
        visit_bool(bool),
        visit_i8(i8),
        visit_i16(i16),
        visit_i32(i32),
        visit_i64(i64),
        visit_i128(i128),
        visit_u8(u8),
        visit_u16(u16),
        visit_u32(u32),
        visit_u64(u64),
        visit_u128(u128),
        visit_f32(f32),
        visit_f64(f64),
        visit_char(char),
        visit_str(&str),
        visit_borrowed_str(&'de str),
        visit_string(String),
        visit_bytes(&[u8]),
        visit_borrowed_bytes(&'de [u8]),
        visit_byte_buf(Vec<u8>),
    );

    fn visit_none<E: de::Error>(self) -> Result<V::Value, E> {
        self.0.visit_none()
    }

    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        self.0.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<V::Value, D::Error> {
        self.0.visit_some(Objects(d))
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<V::Value, D::Error> {
        self.0.visit_newtype_struct(Objects(d))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        self.0.visit_seq(Access(seq))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.0.visit_map(Access(map))
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<V::Value, A::Error> {
        self.0.visit_enum(Access(data))
    }
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for Seed<S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<S::Value, D::Error> {
        self.0.deserialize(Objects(d))
    }
}

impl<'de, V: Visitor<'de>> DeserializeSeed<'de> for StructFields<V> {
    type Value = V::Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<V::Value, D::Error> {
        d.deserialize_map(Visit(self.0))
    }
}

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for Access<A> {
    type Error = A::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, A::Error> {
        self.0.next_element_seed(Seed(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Access<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        self.0.next_key_seed(Seed(seed))
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, A::Error> {
        self.0.next_value_seed(Seed(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

impl<'de, A: EnumAccess<'de>> EnumAccess<'de> for Access<A> {
    type Error = A::Error;
    type Variant = Access<A::Variant>;

    fn variant_seed<T: DeserializeSeed<'de>>(
        self,
        seed: T,
    ) -> Result<(T::Value, Self::Variant), A::Error> {
        self.0
            .variant_seed(Seed(seed))
            .map(|(value, variant)| (value, Access(variant)))
    }
}

impl<'de, A: de::VariantAccess<'de>> de::VariantAccess<'de> for Access<A> {
    type Error = A::Error;

    fn unit_variant(self) -> Result<(), A::Error> {
        self.0.unit_variant()
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, A::Error> {
        self.0.newtype_variant_seed(Seed(seed))
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, A::Error> {
        self.0.tuple_variant(len, Visit(visitor))
    }

    /// A struct variant's fields are a map too: read as the variant's one value.
    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, A::Error> {
        self.0.newtype_variant_seed(StructFields(visitor))
    }
}

#[cfg(test)]
mod tests {
    use super::from_str;
    use serde::Deserialize;
    use std::collections::BTreeMap;

    #[derive(Debug, PartialEq, Deserialize)]
    #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
    struct Inner {
        name: String,
        #[serde(default)]
        tags: Vec<String>,
    }

    #[derive(Debug, PartialEq, Deserialize)]
    #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
    #[serde(rename_all = "snake_case")]
    enum Shape {
        Dot,
        Circle(u32),
        Pair(u8, u8),
        Box { w: u32, h: u32 },
    }

    #[derive(Debug, Deserialize)]
    #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
    struct Outer<'a> {
        inner: Option<Inner>,
        list: Vec<Inner>,
        map: BTreeMap<String, u64>,
        shapes: Vec<Shape>,
        borrowed: &'a str,
        raw: Box<serde_json::value::RawValue>,
        wrapped: Wrapped,
    }

    #[derive(Debug, PartialEq, Deserialize)]
    #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
    struct Wrapped(i64);

    #[test]
    fn reads_what_serde_json_reads_written_as_objects() {
        let text = r#"{"inner": {"name": "a", "tags": ["x"]}, "list": [{"name": "b"}],
            "map": {"k": 7}, "shapes": ["dot", {"circle": 3}, {"pair": [1, 2]},
            {"box": {"w": 4, "h": 5}}], "borrowed": "lent", "raw": {"any": [1, {"x": null}]},
            "wrapped": -9, "unknown": {"skipped": [1, 2]}}"#;
        let ours: Outer = from_str(text).unwrap();
        let theirs: Outer = serde_json::from_str(text).unwrap();
        assert_eq!(format!("{ours:?}"), format!("{theirs:?}"));
        assert_eq!(ours.raw.get(), r#"{"any": [1, {"x": null}]}"#);
        assert_eq!(ours.shapes[3], Shape::Box { w: 4, h: 5 });
        assert_eq!(
            (ours.borrowed, ours.wrapped.0, ours.map["k"]),
            ("lent", -9, 7)
        );
        assert_eq!(ours.inner.unwrap().tags, ["x"]);
        assert_eq!(ours.list[0].name, "b");
        assert_eq!(from_str::<Option<Inner>>("null").unwrap(), None);
    }

    #[test]
    fn a_struct_written_as_an_array_is_refused_with_what_was_expected() {
        assert!(serde_json::from_str::<Inner>(r#"["a", []]"#).is_ok());
        let error = from_str::<Inner>(r#"["a", []]"#).unwrap_err().to_string();
        assert!(
            error.contains("invalid type: sequence, expected struct Inner"),
            "{error}"
        );
        let error = from_str::<Shape>(r#"{"box": [4, 5]}"#)
            .unwrap_err()
            .to_string();
        assert!(error.contains("invalid type: sequence"), "{error}");
    }

    #[test]
    fn trailing_text_and_bad_json_are_errors() {
        assert!(from_str::<Inner>(r#"{"name": "a"} x"#).is_err());
        assert!(from_str::<Inner>(r#"{"name": "a""#).is_err());
        assert!(
            from_str::<Inner>(r#"{"tags": []}"#)
                .unwrap_err()
                .to_string()
                .contains("missing field `name`")
        );
    }
}
