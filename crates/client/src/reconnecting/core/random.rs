//! The backoff's jitter, without a source of randomness from outside: SplitMix64 (Steele,
//! Lea and Flood, 2014), seeded by the driver. Small, fast, and good enough to spread clients.

pub(crate) struct Random(u64);

impl Random {
    pub(crate) fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// A number in `[0, 1)`.
    pub(crate) fn next_f64(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        // The top 53 bits, as many as an f64's mantissa holds.
        (z >> 11) as f64 / (1u64 << 53) as f64
    }
}
