//! Renderers: a finished report (never rows) as something people read —
//! labelled text ([`text`]), the annual report's Chinese paragraphs
//! ([`prose`]), the CSV figure table ([`table`]) and the Excel workbook
//! ([`xlsx`]). Every number they write is the report's own, read from its
//! JSON ([`tree`]), so the text, the table, the workbook and the JSON never
//! disagree.

pub mod prose;
pub mod table;
pub mod text;
pub mod tree;
pub mod xlsx;
