//! The grid and random samplers, as [`TrialSource`]s.

use crate::error::TuningError;
use crate::space::SearchSpace;
use crate::trial::{Trial, TrialResult, TrialSource};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// Every grid point once, in `ParameterGrid` order (keys sorted, the last
/// key varying fastest).
#[derive(Debug, Clone)]
pub struct GridSource {
    space: SearchSpace,
    len: usize,
    next: usize,
}

impl GridSource {
    /// The grid of a space of lists.
    ///
    /// # Errors
    /// [`TuningError::InvalidSpace`] when a dimension is a distribution.
    pub fn new(space: SearchSpace) -> Result<Self, TuningError> {
        let len = space.grid_len()?;
        Ok(GridSource {
            space,
            len,
            next: 0,
        })
    }

    /// The number of grid points.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the grid is empty (never: spaces have a dimension).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl TrialSource for GridSource {
    fn next_trial(&mut self, _history: &[TrialResult]) -> Option<Trial> {
        let params = self.space.grid_point(self.next)?;
        let t = Trial {
            number: self.next,
            params,
        };
        self.next += 1;
        Some(t)
    }
}

/// Independent seeded draws from the space (lists are uniform choices).
/// Unbounded: the search's budget stops it.
#[derive(Debug, Clone)]
pub struct RandomSource {
    space: SearchSpace,
    rng: ChaCha8Rng,
    next: usize,
}

impl RandomSource {
    /// A sampler seeded with `seed`.
    pub fn new(space: SearchSpace, seed: u64) -> Self {
        RandomSource {
            space,
            rng: ChaCha8Rng::seed_from_u64(seed),
            next: 0,
        }
    }
}

impl TrialSource for RandomSource {
    fn next_trial(&mut self, _history: &[TrialResult]) -> Option<Trial> {
        let t = Trial {
            number: self.next,
            params: self.space.sample(&mut self.rng),
        };
        self.next += 1;
        Some(t)
    }
}
