//! Charts rendered as Helm renders them.
pub mod output;
