//! A serde deserializer over a `toml::Value` tree that knows where it is.
//!
//! Two things the stock one cannot do: it skips keys a struct does not
//! declare and records each of them with its path (so that *every* unknown
//! key is reported, not just the first), and it attaches the field path to
//! every type error (`split.cv_folds: invalid type: string "five", ...`).

use crate::error::SpecErrors;
use crate::spec::WorkflowSpec;
use serde::Deserialize;
use serde::de::value::BorrowedStrDeserializer;
use serde::de::{
    self, DeserializeSeed, EnumAccess, IntoDeserializer, MapAccess, SeqAccess, VariantAccess,
    Visitor,
};
use std::cell::RefCell;
use std::fmt;
use toml::Value;

/// One step of a field path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Seg {
    /// A table key.
    Key(String),
    /// An array index.
    Index(usize),
}

/// `a.b[2].c`, the path syntax of every violation.
pub(crate) fn render(path: &[Seg]) -> String {
    let mut s = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
            }
            Seg::Index(i) => s.push_str(&format!("[{i}]")),
        }
    }
    s
}

/// A deserialization error and the path of the value that caused it.
#[derive(Debug)]
pub(crate) struct DeError {
    path: Option<Vec<Seg>>,
    msg: String,
}

impl DeError {
    /// Sets the path unless a deeper value already did.
    fn at(mut self, path: &[Seg]) -> Self {
        if self.path.is_none() {
            self.path = Some(path.to_vec());
        }
        self
    }
}

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.msg)
    }
}

impl std::error::Error for DeError {}

impl de::Error for DeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        DeError {
            path: None,
            msg: msg.to_string(),
        }
    }
}

type Unknown = RefCell<Vec<Vec<Seg>>>;

struct ValueDe<'a, 'c> {
    value: &'a Value,
    path: Vec<Seg>,
    unknown: &'c Unknown,
}

impl<'a, 'c> ValueDe<'a, 'c> {
    fn child(&self, seg: Seg, value: &'a Value) -> Self {
        let mut path = self.path.clone();
        path.push(seg);
        ValueDe {
            value,
            path,
            unknown: self.unknown,
        }
    }
}

fn unexpected(v: &Value) -> de::Unexpected<'_> {
    match v {
        Value::String(s) => de::Unexpected::Str(s),
        Value::Integer(i) => de::Unexpected::Signed(*i),
        Value::Float(f) => de::Unexpected::Float(*f),
        Value::Boolean(b) => de::Unexpected::Bool(*b),
        Value::Datetime(_) => de::Unexpected::Other("datetime"),
        Value::Array(_) => de::Unexpected::Seq,
        Value::Table(_) => de::Unexpected::Map,
    }
}

impl<'de> ValueDe<'de, '_> {
    fn visit<V: Visitor<'de>>(
        self,
        v: V,
        fields: Option<&'static [&'static str]>,
    ) -> Result<V::Value, DeError> {
        let path = self.path.clone();
        let result = match self.value {
            Value::String(s) => v.visit_borrowed_str(s),
            Value::Integer(i) => v.visit_i64(*i),
            Value::Float(f) => v.visit_f64(*f),
            Value::Boolean(b) => v.visit_bool(*b),
            Value::Datetime(d) => v.visit_string(d.to_string()),
            Value::Array(items) => v.visit_seq(SeqDe {
                items: items.iter().enumerate(),
                parent: self,
            }),
            Value::Table(t) => v.visit_map(MapDe {
                entries: Box::new(t.iter()),
                fields,
                pending: None,
                parent: self,
            }),
        };
        result.map_err(|e| e.at(&path))
    }
}

impl<'de> de::Deserializer<'de> for ValueDe<'de, '_> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        self.visit(v, None)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, DeError> {
        self.visit(v, Some(fields))
    }

    fn deserialize_option<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        // TOML has no null: a present value is always `Some`.
        let path = self.path.clone();
        v.visit_some(self).map_err(|e| e.at(&path))
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        v: V,
    ) -> Result<V::Value, DeError> {
        let path = self.path.clone();
        v.visit_newtype_struct(self).map_err(|e| e.at(&path))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, DeError> {
        let path = self.path.clone();
        let result = match self.value {
            Value::String(s) => {
                v.visit_enum(IntoDeserializer::<DeError>::into_deserializer(s.as_str()))
            }
            Value::Table(t) if t.len() == 1 => match t.iter().next() {
                Some((key, value)) => v.visit_enum(EnumDe {
                    key,
                    value: self.child(Seg::Key(key.clone()), value),
                }),
                None => Err(de::Error::invalid_type(unexpected(self.value), &v)),
            },
            other => Err(de::Error::invalid_type(unexpected(other), &v)),
        };
        result.map_err(|e| e.at(&path))
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        v.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple tuple_struct map identifier
    }
}

struct SeqDe<'a, 'c> {
    items: std::iter::Enumerate<std::slice::Iter<'a, Value>>,
    parent: ValueDe<'a, 'c>,
}

impl<'de> SeqAccess<'de> for SeqDe<'de, '_> {
    type Error = DeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DeError> {
        match self.items.next() {
            Some((i, value)) => seed
                .deserialize(self.parent.child(Seg::Index(i), value))
                .map(Some),
            None => Ok(None),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

type Entries<'a> = Box<dyn Iterator<Item = (&'a String, &'a Value)> + 'a>;

struct MapDe<'a, 'c> {
    entries: Entries<'a>,
    /// The declared fields of the struct being read (`None` for maps).
    fields: Option<&'static [&'static str]>,
    pending: Option<(&'a String, &'a Value)>,
    parent: ValueDe<'a, 'c>,
}

impl<'de> MapAccess<'de> for MapDe<'de, '_> {
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        for (key, value) in self.entries.by_ref() {
            if self.fields.is_some_and(|f| !f.contains(&key.as_str())) {
                let mut path = self.parent.path.clone();
                path.push(Seg::Key(key.clone()));
                self.parent.unknown.borrow_mut().push(path);
                continue;
            }
            self.pending = Some((key, value));
            return seed
                .deserialize(BorrowedStrDeserializer::new(key.as_str()))
                .map(Some);
        }
        Ok(None)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        match self.pending.take() {
            Some((key, value)) => seed.deserialize(self.parent.child(Seg::Key(key.clone()), value)),
            None => Err(de::Error::custom("a value was asked for before its key")),
        }
    }
}

struct EnumDe<'a, 'c> {
    key: &'a str,
    value: ValueDe<'a, 'c>,
}

impl<'de, 'c> EnumAccess<'de> for EnumDe<'de, 'c> {
    type Error = DeError;
    type Variant = ValueDe<'de, 'c>;

    fn variant_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, Self::Variant), DeError> {
        let variant = seed.deserialize(BorrowedStrDeserializer::<DeError>::new(self.key))?;
        Ok((variant, self.value))
    }
}

impl<'de> VariantAccess<'de> for ValueDe<'de, '_> {
    type Error = DeError;

    fn unit_variant(self) -> Result<(), DeError> {
        Err(de::Error::custom(
            "this variant takes no value: write it as a plain string",
        ))
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, DeError> {
        seed.deserialize(self)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, v: V) -> Result<V::Value, DeError> {
        de::Deserializer::deserialize_seq(self, v)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, DeError> {
        de::Deserializer::deserialize_struct(self, "", fields, v)
    }
}

/// At most this many bad values are cut out of one config before giving up.
const MAX_ATTEMPTS: usize = 64;

/// The outcome of decoding a TOML tree into a [`WorkflowSpec`].
pub(crate) struct Decoded {
    /// The spec, when decoding got through (after cutting bad values out).
    pub spec: Option<WorkflowSpec>,
    /// Type errors and unknown keys, with their paths.
    pub errors: SpecErrors,
    /// Paths of the values cut out; rules about them are not reported again.
    pub removed: Vec<String>,
}

/// Decodes the tree, reporting every unknown key and every badly typed
/// value: a value that fails to decode is recorded, cut out of the tree
/// (so its field takes its default) and decoding starts again.
pub(crate) fn decode(mut tree: Value) -> Decoded {
    let mut errors = SpecErrors::default();
    let mut removed = Vec::new();
    for _ in 0..MAX_ATTEMPTS {
        let unknown = Unknown::default();
        let root = ValueDe {
            value: &tree,
            path: Vec::new(),
            unknown: &unknown,
        };
        let result = WorkflowSpec::deserialize(root);
        for path in unknown.into_inner() {
            if result.is_ok() {
                errors.push(render(&path), "unknown key");
            }
        }
        let err = match result {
            Ok(spec) => {
                return Decoded {
                    spec: Some(spec),
                    errors,
                    removed,
                };
            }
            Err(e) => e,
        };
        let mut path = err.path.unwrap_or_default();
        let shown = if path.is_empty() {
            "(config)".to_owned()
        } else {
            render(&path)
        };
        errors.push(shown, err.msg);
        // A bad list element takes its whole list with it (indices stay stable).
        while matches!(path.last(), Some(Seg::Index(_))) {
            path.pop();
        }
        if path.is_empty() || !remove(&mut tree, &path) {
            break;
        }
        removed.push(render(&path));
    }
    Decoded {
        spec: None,
        errors,
        removed,
    }
}

/// Removes the value at `path` (which ends with a key); false when absent.
fn remove(tree: &mut Value, path: &[Seg]) -> bool {
    let Some((Seg::Key(last), parents)) = path.split_last() else {
        return false;
    };
    let mut node = tree;
    for seg in parents {
        let next = match (seg, node) {
            (Seg::Key(k), Value::Table(t)) => t.get_mut(k),
            (Seg::Index(i), Value::Array(a)) => a.get_mut(*i),
            _ => None,
        };
        match next {
            Some(n) => node = n,
            None => return false,
        }
    }
    match node {
        Value::Table(t) => t.remove(last).is_some(),
        _ => false,
    }
}
