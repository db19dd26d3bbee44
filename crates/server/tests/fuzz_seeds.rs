//! The fuzz targets' oracles (`crates/server/fuzz/src/lib.rs`) over their seed corpus, in the
//! ordinary test run: the oracles keep compiling, the seeds (and any finding kept beside them)
//! keep passing, and no fuzzer is needed. `scripts/fuzz.sh` runs the targets themselves.

#[path = "../fuzz/src/lib.rs"]
mod oracles;

use std::path::Path;

/// Runs `check` on every file of `seeds/<target>`; returns how many there were.
fn replay(target: &str, check: fn(&[u8])) -> usize {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/seeds")
        .join(target);
    let mut seeds: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|error| panic!("{}: {error}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .collect();
    seeds.sort();
    for seed in &seeds {
        println!("{}", seed.display());
        check(&std::fs::read(seed).unwrap());
    }
    seeds.len()
}

#[test]
fn the_receivers_seeds_pass_its_oracle() {
    assert!(replay("receiver", oracles::receiver) >= 10);
}

#[test]
fn the_inflaters_seeds_pass_its_oracle() {
    assert!(replay("inflater", oracles::inflater) >= 5);
}
