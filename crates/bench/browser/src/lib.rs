//! Only the browser benchmark in tests/; see there.
