#![no_main]

#[path = "../../core/tests/common/fuzz_targets.rs"]
mod targets;

libfuzzer_sys::fuzz_target!(|data: &[u8]| targets::flow_restore_target(data));
