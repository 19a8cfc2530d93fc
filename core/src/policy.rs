//! The classification policy. (In progress.)
