//! Everything between bytes and typed cells, shared by all datasets.

pub mod decode;
pub mod fields;
pub mod header;
pub mod mask;
pub mod records;
pub mod workbook;
