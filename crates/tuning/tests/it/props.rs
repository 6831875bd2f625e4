//! Invariants of the search space, for any space.

use mlw_specs::ParamValue;
use mlw_tuning::{Dimension, GridSource, RandomSource, SearchSpace, TrialSource};
use proptest::prelude::*;
use std::collections::HashSet;

fn space_of(sizes: &[usize]) -> SearchSpace {
    SearchSpace::new(sizes.iter().enumerate().map(|(k, &n)| {
        let values = (0..n as i64).map(ParamValue::Int).collect();
        (format!("p{k}"), Dimension::Choice(values))
    }))
    .unwrap()
}

proptest! {
    #[test]
    fn the_grid_lists_every_combination_once(sizes in prop::collection::vec(1usize..5, 1..4)) {
        let mut grid = GridSource::new(space_of(&sizes)).unwrap();
        let mut seen = HashSet::new();
        while let Some(t) = grid.next_trial(&[]) {
            prop_assert_eq!(t.params.len(), sizes.len());
            let key = format!("{:?}", t.params);
            prop_assert!(seen.insert(key), "a grid point repeats");
        }
        prop_assert_eq!(seen.len(), sizes.iter().product::<usize>());
    }

    #[test]
    fn random_draws_stay_in_the_space(
        low in -100.0f64..100.0,
        width in 0.001f64..50.0,
        ilow in -50i64..50,
        iwidth in 0i64..20,
        seed in any::<u64>(),
    ) {
        let space = SearchSpace::new([
            ("u".to_string(), Dimension::Uniform { low, high: low + width, step: None }),
            ("l".to_string(), Dimension::LogUniform { low: width, high: width * 10.0 }),
            ("i".to_string(), Dimension::IntUniform { low: ilow, high: ilow + iwidth, step: 1 }),
        ]).unwrap();
        let mut src = RandomSource::new(space, seed);
        for _ in 0..20 {
            let p = src.next_trial(&[]).unwrap().params;
            let u = p["u"].as_f64().unwrap();
            prop_assert!(u >= low && u <= low + width);
            let l = p["l"].as_f64().unwrap();
            prop_assert!(l >= width && l <= width * 10.0);
            let i = p["i"].as_i64().unwrap();
            prop_assert!(i >= ilow && i <= ilow + iwidth);
        }
    }
}
