//! Matching: which mentor-mentee pairs a program allows and prefers.

mod rules;

pub use rules::*;
