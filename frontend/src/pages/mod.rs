//! The screens, one module each.
// Leptos turns component arguments into prop-struct fields; each component's doc comment
// describes its props.
#![allow(missing_docs)]

#[cfg(feature = "office")]
pub mod admin;
#[cfg(feature = "office")]
pub mod archive;
#[cfg(feature = "office")]
pub mod audit;
pub mod case;
#[cfg(feature = "office")]
pub mod case_table;
pub mod cases;
pub mod intake;
pub mod login;
pub mod print;
pub mod revisit;
pub mod sheets;
#[cfg(feature = "office")]
pub mod stats;
pub mod sync;
#[cfg(feature = "office")]
pub mod teaching;
