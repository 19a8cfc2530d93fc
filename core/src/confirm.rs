//! The confirmation flow. (In progress.)
