//! History matching: keys, index, linking, evidence. (In progress.)
