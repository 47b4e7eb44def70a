//! Reading the wire names of unit enums (`"investigating"`, `"phone"`): one small routine for
//! every enum instead of serde's derived visitor per enum and per deserializer (JSON text,
//! JSON values, buffered tagged content, map keys), which made the enums' readers a tenth of
//! the browser app's code. Writing stays derived (`rename_all = "snake_case"`); the names here
//! are the same, checked by each enum's round-trip test.

/// Implements `Deserialize` for a unit enum from its wire names, and `WIRE`, every variant
/// with its name.
macro_rules! wire_names {
    ($ty:ident { $($variant:ident => $name:literal),+ $(,)? }) => {
        impl $ty {
            /// Every variant with its wire name (as serialized).
            pub const WIRE: &'static [($ty, &'static str)] = &[$(($ty::$variant, $name)),+];
        }

        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                $crate::wire::read(d, Self::WIRE)
            }
        }
    };
}

pub(crate) use wire_names;

/// The variant named `name` among an internally tagged enum's variants without fields (the
/// enums with a few fields are read from a flat struct of their tag and those fields, then
/// matched here: serde's derived reader of internally tagged enums buffers every value and
/// was instantiated per enum and per reader).
pub(crate) fn unit_variant<T: Clone>(name: &str, all: &[(&'static str, T)]) -> Result<T, String> {
    all.iter()
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v.clone())
        .ok_or_else(|| format!("unknown variant `{name}`"))
}

/// Reads a wire name and finds its variant in `all`, without copying the name where the
/// reader can lend it.
pub(crate) fn read<'de, D: serde::Deserializer<'de>, T: Copy + 'static>(
    d: D,
    all: &'static [(T, &'static str)],
) -> Result<T, D::Error> {
    let names = Names(all.iter().map(|(_, n)| *n));
    let at = d.deserialize_str(NameVisitor(&names))?;
    Ok(all[at].0)
}

/// The names of an enum's variants, in order.
trait NameList {
    /// The position of `name`.
    fn position(&self, name: &str) -> Option<usize>;
    /// All of them, for the error.
    fn joined(&self) -> String;
}

struct Names<I>(I);

impl<I: Iterator<Item = &'static str> + Clone> NameList for Names<I> {
    fn position(&self, name: &str) -> Option<usize> {
        self.0.clone().position(|n| n == name)
    }
    fn joined(&self) -> String {
        self.0.clone().collect::<Vec<_>>().join(", ")
    }
}

/// One visitor for every enum (the names behind a `dyn`): serde's reader is instantiated once
/// per deserializer, not per enum.
struct NameVisitor<'a>(&'a dyn NameList);

impl<'de> serde::de::Visitor<'de> for NameVisitor<'_> {
    type Value = usize;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a variant name")
    }

    fn visit_str<E: serde::de::Error>(self, name: &str) -> Result<usize, E> {
        self.0.position(name).ok_or_else(|| {
            E::custom(format_args!(
                "unknown variant `{name}`, expected one of {}",
                self.0.joined()
            ))
        })
    }
}
