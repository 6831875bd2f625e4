//! Shared test data: deterministic (SplitMix64), no random-number dependency.
#![allow(dead_code)]

use ndarray::{Array1, Array2};

/// A SplitMix64 stream of uniforms in [0, 1).
pub struct Uniform(u64);

impl Uniform {
    pub fn new(seed: u64) -> Self {
        Uniform(seed)
    }

    pub fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Standard normal (Box-Muller).
    pub fn normal(&mut self) -> f64 {
        let u = self.next().max(1e-300);
        let v = self.next();
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }
}

/// `n` rows, 3 features, classes from argmax of `n_classes` noisy linear scores.
pub fn classification(n: usize, n_classes: usize, seed: u64) -> (Array2<f64>, Array1<usize>) {
    let mut u = Uniform::new(seed);
    let x = Array2::from_shape_fn((n, 3), |_| u.normal());
    let y = x
        .rows()
        .into_iter()
        .map(|r| {
            if n_classes == 2 {
                let z = 1.5 * r[0] - r[1] + 0.5 * r[2];
                usize::from(u.next() < 1.0 / (1.0 + (-z).exp()))
            } else {
                let mut best = (0, f64::NEG_INFINITY);
                for k in 0..n_classes {
                    let s = r[k % 3] * (1.0 + k as f64 * 0.3) + 1.2 * u.normal();
                    if s > best.1 {
                        best = (k, s);
                    }
                }
                best.0
            }
        })
        .collect();
    (x, y)
}
