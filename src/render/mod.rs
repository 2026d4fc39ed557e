//! Renderers: a finished report (never rows) as text for people.
//! The numbers they write are the report's numbers, so the text and the
//! JSON never disagree.

pub mod prose;
pub mod table;
pub mod text;
pub mod tree;
pub mod xlsx;
