//! Placeholder benchmark: being written.

fn main() {}
