//! Above 200,000 rows mlw's HGB bins on scikit-learn's own subsample, so
//! its thresholds equal scikit-learn's exactly.
//!
//! The fixture comes from `scripts/fixtures/hgb_binning_fixtures.py`
//! (scikit-learn version recorded in
//! `tests/fixtures/hgb_binning/thresholds.json`): a 1-iteration
//! `HistGradientBoostingClassifier(max_bins=255, early_stopping=False,
//! random_state=seed)` fitted on a 280,000-row table, and its
//! `_bin_mapper.bin_thresholds_`. The table is not stored; every value is a
//! function of the row index (splitmix64 hashes, integers, dyadic
//! fractions) that this test recomputes bit for bit.

use mlw_models::hgb::binning::{BINNING_SUBSAMPLE, BinMapper, sklearn_subsample};
use ndarray::Array2;
use std::path::PathBuf;

fn fixture() -> serde_json::Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/hgb_binning/thresholds.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The fixture script's `table(n)`.
fn table(n: usize) -> Array2<f64> {
    let mut x = Array2::zeros((n, 5));
    for (i, mut row) in x.rows_mut().into_iter().enumerate() {
        let h: Vec<u64> = (0..6).map(|j| splitmix64(i as u64 * 8 + j)).collect();
        let two20 = 1u64 << 20;
        row[0] = ((h[0] % two20) as f64 + (h[5] % two20) as f64) / 1024.0;
        row[1] = (h[1] % 13) as f64 * 0.5;
        let big = (h[2] >> 40) as f64;
        row[2] = if h[2].is_multiple_of(10) {
            f64::NAN
        } else {
            big * big / 256.0
        };
        row[3] = (h[3] % 300) as f64;
        row[4] = if h[4].is_multiple_of(5000) {
            (1000 + (h[4] >> 20) % 50) as f64
        } else {
            ((h[4] >> 20) % 250) as f64
        };
    }
    x
}

fn floats(v: &serde_json::Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_f64().unwrap())
        .collect()
}

#[test]
fn thresholds_equal_sklearn_above_the_subsample_size() {
    let fx = fixture();
    let n = fx["n_rows"].as_u64().unwrap() as usize;
    assert!(n > BINNING_SUBSAMPLE);
    let max_bins = fx["max_bins"].as_u64().unwrap() as usize;
    let x = table(n);

    // The data generator first: a mismatch here is not a binning bug.
    let checks = &fx["checks"];
    for (f, want) in floats(&checks["column_sums_without_nan"])
        .into_iter()
        .enumerate()
    {
        let got: f64 = x.column(f).iter().filter(|v| !v.is_nan()).sum();
        assert!(
            (got - want).abs() <= 1e-12 * want.abs(),
            "column {f} sums to {got}, the script's to {want}"
        );
    }
    for (f, want) in checks["nan_counts"].as_array().unwrap().iter().enumerate() {
        let got = x.column(f).iter().filter(|v| v.is_nan()).count();
        assert_eq!(
            got as u64,
            want.as_u64().unwrap(),
            "NaN count of column {f}"
        );
    }
    for (f, want) in checks["first_row"].as_array().unwrap().iter().enumerate() {
        match want.as_f64() {
            Some(w) => assert_eq!(x[[0, f]], w, "row 0, column {f}"),
            None => assert!(x[[0, f]].is_nan(), "row 0, column {f}"),
        }
    }

    let seeds = fx["seeds"].as_array().unwrap();
    assert!(seeds.len() >= 3);
    for case in seeds {
        let seed = case["seed"].as_u64().unwrap();
        let mapper = BinMapper::fit(x.view(), max_bins, seed);
        let want = case["thresholds"].as_array().unwrap();
        assert_eq!(mapper.n_features(), want.len());
        for (f, want) in want.iter().enumerate() {
            let want = floats(want);
            let got = &mapper.thresholds[f];
            assert_eq!(
                got.len(),
                want.len(),
                "seed {seed}, feature {f}: {} thresholds, sklearn has {}",
                got.len(),
                want.len()
            );
            // Bit for bit: the same rows, then numpy's percentile steps.
            let diff = got
                .iter()
                .zip(&want)
                .position(|(g, w)| g.to_bits() != w.to_bits());
            assert_eq!(
                diff, None,
                "seed {seed}, feature {f}: first differing threshold"
            );
        }
        assert_eq!(mapper.has_missing, [false, false, true, false, false]);
    }
}

#[test]
fn the_subsample_follows_sklearns_seed_chain() {
    // HistGradientBoostingClassifier(random_state=7)._random_seed is
    // 327741615 (recorded in the fixture), and
    // s = np.sort(np.random.RandomState(327741615).choice(280000, 200000))
    // starts [0, 0, 0, 2, 2], ends [279997, 279997, 279998] and has 142659
    // distinct rows (NumPy 2.4.6).
    let fx = fixture();
    let case = fx["seeds"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["seed"] == 7)
        .unwrap();
    assert_eq!(case["random_seed"], 327_741_615);
    let rows = sklearn_subsample(280_000, 7);
    assert_eq!(rows.len(), BINNING_SUBSAMPLE);
    assert_eq!(rows[..5], [0, 0, 0, 2, 2]);
    assert_eq!(rows[rows.len() - 3..], [279_997, 279_997, 279_998]);
    let mut distinct = rows.clone();
    distinct.dedup();
    assert_eq!(distinct.len(), 142_659);
}
