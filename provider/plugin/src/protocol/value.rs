//! A Terraform value of a known Rust type: known, null, or not known until apply.
//!
//! On the wire (msgpack, cty's encoding) an unknown value is extension type 0; in JSON (state
//! upgrades) values are never unknown. Serde carries both, so a resource's state is a plain
//! `#[derive(Serialize, Deserialize)]` struct of `Value`s.

use std::fmt;
use std::marker::PhantomData;

use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{self, IntoDeserializer, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The name rmp-serde gives msgpack extension values.
const MSGPACK_EXT: &str = "_ExtStruct";
/// cty's extension code for an unknown value.
const UNKNOWN_EXT_CODE: i8 = 0;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Value<T> {
    Value(T),
    #[default]
    Null,
    Unknown,
}

/// An object with no attributes (provider meta, which this provider does not use).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Empty {}

pub type ValueEmpty = Value<Empty>;

impl<T> Value<T> {
    pub fn is_value(&self) -> bool {
        matches!(self, Value::Value(_))
    }
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }
    pub fn is_unknown(&self) -> bool {
        matches!(self, Value::Unknown)
    }
    pub fn as_ref(&self) -> Value<&T> {
        match self {
            Value::Value(v) => Value::Value(v),
            Value::Null => Value::Null,
            Value::Unknown => Value::Unknown,
        }
    }
    pub fn as_ref_option(&self) -> Option<&T> {
        match self {
            Value::Value(v) => Some(v),
            _ => None,
        }
    }
    pub fn as_option(self) -> Option<T> {
        match self {
            Value::Value(v) => Some(v),
            _ => None,
        }
    }
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Value<U> {
        match self {
            Value::Value(v) => Value::Value(f(v)),
            Value::Null => Value::Null,
            Value::Unknown => Value::Unknown,
        }
    }
    pub fn map_or<U>(self, default: U, f: impl FnOnce(T) -> U) -> U {
        match self {
            Value::Value(v) => f(v),
            _ => default,
        }
    }
    pub fn unwrap_or_default(self) -> T
    where
        T: Default,
    {
        self.as_option().unwrap_or_default()
    }
    /// The known value, if any (iterates zero or one item, as `Option` does).
    pub fn iter(&self) -> std::option::IntoIter<&T> {
        self.as_ref_option().into_iter()
    }
    pub fn iter_mut(&mut self) -> std::option::IntoIter<&mut T> {
        match self {
            Value::Value(v) => Some(v).into_iter(),
            _ => None.into_iter(),
        }
    }
}

impl<T> From<Option<T>> for Value<T> {
    fn from(o: Option<T>) -> Self {
        o.map_or(Value::Null, Value::Value)
    }
}

/// The bytes of an extension value, written as msgpack `bin`.
struct ExtData<'a>(&'a [u8]);

impl Serialize for ExtData<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(self.0)
    }
}

impl<T: Serialize> Serialize for Value<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Value(v) => v.serialize(s),
            Value::Null => s.serialize_none(),
            // cty writes unknowns as a one-byte extension; JSON has no unknowns, and serde_json
            // writes a newtype struct as its content, so this never reaches a JSON document
            // Terraform reads.
            Value::Unknown => {
                s.serialize_newtype_struct(MSGPACK_EXT, &(UNKNOWN_EXT_CODE, ExtData(&[0])))
            }
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Value<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ValueVisitor(PhantomData))
    }
}

struct ValueVisitor<T>(PhantomData<T>);

macro_rules! forward {
    ($($method:ident: $ty:ty),*) => {$(
        fn $method<E: de::Error>(self, v: $ty) -> Result<Self::Value, E> {
            T::deserialize(v.into_deserializer()).map(Value::Value)
        }
    )*};
}

impl<'de, T: Deserialize<'de>> Visitor<'de> for ValueVisitor<T> {
    type Value = Value<T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a Terraform value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        Value::deserialize(d)
    }
    /// rmp-serde hands extension values over as a newtype struct of (code, bytes). Every
    /// extension cty writes (plain or refined) is an unknown value.
    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        de::IgnoredAny::deserialize(d)?;
        Ok(Value::Unknown)
    }

    forward!(
        visit_bool: bool,
        visit_i64: i64,
        visit_u64: u64,
        visit_f64: f64,
        visit_string: String
    );

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        T::deserialize(v.to_string().into_deserializer()).map(Value::Value)
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        T::deserialize(v.into_deserializer()).map(Value::Value)
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        T::deserialize(SeqAccessDeserializer::new(seq)).map(Value::Value)
    }
    fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        T::deserialize(MapAccessDeserializer::new(map)).map(Value::Value)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    #[derive(Debug, Default, PartialEq, Serialize, Deserialize)]
    struct Block {
        #[serde(default)]
        name: Value<String>,
        #[serde(default)]
        count: Value<i64>,
        #[serde(default)]
        tags: Value<BTreeMap<String, Value<String>>>,
        #[serde(default)]
        zones: Value<Vec<Value<String>>>,
        #[serde(default)]
        on: Value<bool>,
    }

    fn roundtrip(b: &Block) -> Block {
        rmp_serde::from_slice(&rmp_serde::to_vec_named(b).unwrap()).unwrap()
    }

    #[test]
    fn known_null_and_unknown_values_survive_a_msgpack_roundtrip() {
        let b = Block {
            name: Value::Value("dev".into()),
            count: Value::Unknown,
            tags: Value::Value(BTreeMap::from([
                ("a".to_string(), Value::Value("x".to_string())),
                ("b".to_string(), Value::Unknown),
            ])),
            zones: Value::Value(vec![Value::Null, Value::Value("z".into())]),
            on: Value::Null,
        };
        assert_eq!(roundtrip(&b), b);
    }

    #[test]
    fn an_unknown_value_is_written_as_ctys_extension_zero() {
        let v: Value<String> = Value::Unknown;
        // fixext1 (0xd4), type 0, one data byte.
        assert_eq!(rmp_serde::to_vec(&v).unwrap(), vec![0xd4, 0x00, 0x00]);
    }

    #[test]
    fn a_refined_unknown_from_terraform_reads_as_unknown() {
        // Terraform 1.6+ writes unknowns with refinements as extension 12 with a payload.
        let bytes = [0xc7, 0x03, 0x0c, 0x81, 0x01, 0xc3];
        let v: Value<String> = rmp_serde::from_slice(&bytes).unwrap();
        assert_eq!(v, Value::Unknown);
    }

    #[test]
    fn a_json_state_reads_with_missing_attributes_as_null() {
        let b: Block = serde_json::from_str(r#"{"name":"dev","count":3,"zones":["a"]}"#).unwrap();
        assert_eq!(b.name, Value::Value("dev".into()));
        assert_eq!(b.count, Value::Value(3));
        assert_eq!(b.tags, Value::Null);
        assert_eq!(b.zones, Value::Value(vec![Value::Value("a".into())]));
    }

    #[test]
    fn null_is_msgpack_nil_and_json_null() {
        let v: Value<i64> = Value::Null;
        assert_eq!(rmp_serde::to_vec(&v).unwrap(), vec![0xc0]);
        assert_eq!(serde_json::to_string(&v).unwrap(), "null");
    }
}
