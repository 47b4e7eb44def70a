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

/// Reads a wire name and finds its variant in `all`.
pub(crate) fn read<'de, D: serde::Deserializer<'de>, T: Copy + 'static>(
    d: D,
    all: &'static [(T, &'static str)],
) -> Result<T, D::Error> {
    let name: std::borrow::Cow<'de, str> = serde::Deserialize::deserialize(d)?;
    find(&name, all).ok_or_else(|| unknown::<D::Error>(&name, all))
}

fn find<T: Copy>(name: &str, all: &[(T, &'static str)]) -> Option<T> {
    all.iter().find(|(_, n)| *n == name).map(|(v, _)| *v)
}

fn unknown<E: serde::de::Error>(name: &str, all: &[(impl Copy, &'static str)]) -> E {
    let names: Vec<&str> = all.iter().map(|(_, n)| *n).collect();
    E::custom(format_args!(
        "unknown variant `{name}`, expected one of {}",
        names.join(", ")
    ))
}
