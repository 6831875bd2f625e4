//! `make_classification`, after scikit-learn's
//! `sklearn/datasets/_samples_generator.py` (1.9): clusters of normal points
//! around the vertices of a hypercube in the informative subspace, with
//! random covariance per cluster, then redundant (linear combinations),
//! repeated and pure-noise features, label noise, shift, scale, shuffle.

use super::{Sampler, permute};
use crate::error::DataError;
use ndarray::{Array1, Array2, s};
use serde::{Deserialize, Serialize};

/// A per-feature value (shift or scale): one constant, one per feature, or
/// drawn at random as scikit-learn does for `None`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeatureValues {
    /// The same value for every feature.
    Constant(f64),
    /// One value per feature (length `n_features`).
    PerFeature(Vec<f64>),
    /// Random: shift in `[-class_sep, class_sep)`, scale in `[1, 101)`.
    Random,
}

/// Parameters of [`make_classification`] (scikit-learn's names and defaults).
///
/// | name | default | meaning | range |
/// |---|---|---|---|
/// | `n_samples` | 100 | rows | ≥ 1 |
/// | `n_features` | 20 | columns | ≥ informative + redundant + repeated |
/// | `n_informative` | 2 | features that carry the class | ≥ 1, 2^n ≥ classes × clusters |
/// | `n_redundant` | 2 | random linear combinations of informative ones | ≥ 0 |
/// | `n_repeated` | 0 | copies of informative/redundant ones | ≥ 0 |
/// | `n_classes` | 2 | classes | ≥ 1 |
/// | `n_clusters_per_class` | 2 | clusters per class | ≥ 1 |
/// | `weights` | `None` (balanced) | class proportions, `n_classes` or `n_classes - 1` entries | each in [0, 1], sum ≤ 1 |
/// | `flip_y` | 0.01 | fraction of labels replaced at random | [0, 1] |
/// | `class_sep` | 1.0 | half the hypercube side | > 0 |
/// | `hypercube` | true | vertices of a hypercube (else a random polytope) | |
/// | `shift` | `Constant(0.0)` | added to every feature | finite |
/// | `scale` | `Constant(1.0)` | multiplies every feature, after the shift | > 0 |
/// | `shuffle` | true | shuffle rows and feature order | |
/// | `seed` | 0 | ChaCha8 seed | |
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ClassificationParams {
    /// Rows.
    pub n_samples: usize,
    /// Columns.
    pub n_features: usize,
    /// Informative features.
    pub n_informative: usize,
    /// Redundant features.
    pub n_redundant: usize,
    /// Repeated features.
    pub n_repeated: usize,
    /// Classes.
    pub n_classes: usize,
    /// Clusters per class.
    pub n_clusters_per_class: usize,
    /// Class proportions (`None`: balanced).
    pub weights: Option<Vec<f64>>,
    /// Fraction of labels assigned at random.
    pub flip_y: f64,
    /// Class separation.
    pub class_sep: f64,
    /// Hypercube vertices (true) or a random polytope.
    pub hypercube: bool,
    /// Shift added to the features.
    pub shift: FeatureValues,
    /// Scale applied after the shift.
    pub scale: FeatureValues,
    /// Shuffle rows and features.
    pub shuffle: bool,
    /// RNG seed.
    pub seed: u64,
}

impl Default for ClassificationParams {
    fn default() -> Self {
        ClassificationParams {
            n_samples: 100,
            n_features: 20,
            n_informative: 2,
            n_redundant: 2,
            n_repeated: 0,
            n_classes: 2,
            n_clusters_per_class: 2,
            weights: None,
            flip_y: 0.01,
            class_sep: 1.0,
            hypercube: true,
            shift: FeatureValues::Constant(0.0),
            scale: FeatureValues::Constant(1.0),
            shuffle: true,
            seed: 0,
        }
    }
}

fn at_least_one(name: &'static str, v: usize) -> Result<(), DataError> {
    if v == 0 {
        return Err(DataError::invalid(name, v, "must be >= 1"));
    }
    Ok(())
}

fn check_feature_values(
    name: &'static str,
    v: &FeatureValues,
    n_features: usize,
    positive: bool,
) -> Result<(), DataError> {
    let ok = |x: f64| x.is_finite() && (!positive || x > 0.0);
    let rule = if positive {
        "must be finite and > 0"
    } else {
        "must be finite"
    };
    match v {
        FeatureValues::Constant(x) if !ok(*x) => Err(DataError::invalid(name, x, rule)),
        FeatureValues::PerFeature(xs) if xs.len() != n_features => Err(DataError::invalid(
            name,
            format!("{} values", xs.len()),
            "needs one value per feature",
        )),
        FeatureValues::PerFeature(xs) => match xs.iter().find(|x| !ok(**x)) {
            Some(x) => Err(DataError::invalid(name, x, rule)),
            None => Ok(()),
        },
        _ => Ok(()),
    }
}

/// Checks the parameters and returns the class proportions.
fn validate(p: &ClassificationParams) -> Result<Vec<f64>, DataError> {
    at_least_one("n_samples", p.n_samples)?;
    at_least_one("n_features", p.n_features)?;
    at_least_one("n_informative", p.n_informative)?;
    at_least_one("n_classes", p.n_classes)?;
    at_least_one("n_clusters_per_class", p.n_clusters_per_class)?;
    super::check_size(p.n_samples, p.n_features)?;
    if !(0.0..=1.0).contains(&p.flip_y) {
        return Err(DataError::invalid("flip_y", p.flip_y, "must be in [0, 1]"));
    }
    if !(p.class_sep.is_finite() && p.class_sep > 0.0) {
        return Err(DataError::invalid(
            "class_sep",
            p.class_sep,
            "must be finite and > 0",
        ));
    }
    let kinds = p
        .n_informative
        .checked_add(p.n_redundant)
        .and_then(|v| v.checked_add(p.n_repeated));
    if kinds.is_none_or(|k| k > p.n_features) {
        return Err(DataError::TooManyFeatureKinds {
            n_informative: p.n_informative,
            n_redundant: p.n_redundant,
            n_repeated: p.n_repeated,
            n_features: p.n_features,
        });
    }
    let n_clusters = p.n_classes.saturating_mul(p.n_clusters_per_class);
    // Each cluster draws an n_informative² covariance matrix: more clusters
    // than rows (beyond a small floor) is a typo that would only burn time.
    if n_clusters > p.n_samples.max(1 << 16) {
        return Err(DataError::invalid(
            "n_clusters_per_class",
            format!("{n_clusters} clusters in total"),
            "n_classes * n_clusters_per_class must be at most max(n_samples, 65536)",
        ));
    }
    let fits = match p.n_classes.checked_mul(p.n_clusters_per_class) {
        Some(n) => p.n_informative >= 63 || n <= 1usize << p.n_informative,
        None => false,
    };
    if !fits {
        return Err(DataError::TooFewInformative {
            n_classes: p.n_classes,
            n_clusters_per_class: p.n_clusters_per_class,
            n_informative: p.n_informative,
        });
    }
    check_feature_values("shift", &p.shift, p.n_features, false)?;
    check_feature_values("scale", &p.scale, p.n_features, true)?;
    let weights = match &p.weights {
        None => vec![1.0 / p.n_classes as f64; p.n_classes],
        Some(w) if w.len() == p.n_classes => w.clone(),
        Some(w) if w.len() + 1 == p.n_classes => {
            let mut w = w.clone();
            w.push(1.0 - w.iter().sum::<f64>());
            w
        }
        Some(w) => {
            return Err(DataError::WeightsLength {
                len: w.len(),
                n_classes: p.n_classes,
            });
        }
    };
    let sum: f64 = weights.iter().sum();
    if weights.iter().any(|w| !(0.0..=1.0).contains(w)) || sum > 1.0 + 1e-9 {
        return Err(DataError::invalid(
            "weights",
            format!("{weights:?}"),
            "each must be in [0, 1] and their sum at most 1",
        ));
    }
    Ok(weights)
}

/// `n` distinct vertices of the `d`-dimensional unit hypercube, one per row,
/// in random order (scikit-learn's `_generate_hypercube`).
fn hypercube_vertices(n: usize, d: usize, rng: &mut Sampler) -> Array2<f64> {
    let mut out = Array2::zeros((n, d));
    // Dimensions beyond 30 are random bits; the last (up to) 30 make the
    // vertices distinct.
    let low = d.min(30);
    let high = d - low;
    for i in 0..n {
        for j in 0..high {
            out[(i, j)] = rng.below(2) as f64;
        }
    }
    // Floyd's algorithm: n distinct values in 0..2^low, then shuffled.
    let space = 1usize << low;
    let mut chosen: Vec<usize> = Vec::with_capacity(n);
    let mut set = std::collections::HashSet::with_capacity(n);
    for j in space.saturating_sub(n)..space {
        let t = rng.below(j + 1);
        let v = if set.contains(&t) { j } else { t };
        set.insert(v);
        chosen.push(v);
    }
    let order = rng.permutation(chosen.len());
    for (i, &o) in order.iter().enumerate() {
        let v = chosen.get(o).copied().unwrap_or(0);
        for k in 0..low {
            // Most significant bit first, as numpy's unpackbits.
            out[(i, high + k)] = ((v >> (low - 1 - k)) & 1) as f64;
        }
    }
    out
}

/// Generates a random classification problem: `(x, y)` with `x` of shape
/// `n_samples × n_features` and labels `y` in `0..n_classes`.
///
/// # Errors
/// [`DataError::TooManyFeatureKinds`], [`DataError::TooFewInformative`],
/// [`DataError::WeightsLength`], [`DataError::InvalidParameter`] (the
/// ranges in [`ClassificationParams`]).
///
/// ```
/// use mlw_data::{ClassificationParams, make_classification};
/// let p = ClassificationParams { n_samples: 50, n_features: 5, n_redundant: 1, ..Default::default() };
/// let (x, y) = make_classification(&p).unwrap();
/// assert_eq!(x.dim(), (50, 5));
/// assert!(y.iter().all(|&c| c == 0 || c == 1));
/// ```
pub fn make_classification(p: &ClassificationParams) -> Result<(Array2<f64>, Vec<i64>), DataError> {
    let weights = validate(p)?;
    let mut rng = Sampler::new(p.seed);
    let (n, n_inf, n_red, n_rep) = (p.n_samples, p.n_informative, p.n_redundant, p.n_repeated);
    let n_clusters = p.n_classes * p.n_clusters_per_class;

    // Samples per cluster by weight, the remainder spread round-robin.
    let mut per_cluster: Vec<usize> = (0..n_clusters)
        .map(|k| {
            let w = weights.get(k % p.n_classes).copied().unwrap_or(0.0);
            (n as f64 * w / p.n_clusters_per_class as f64) as usize
        })
        .collect();
    let assigned: usize = per_cluster.iter().sum();
    for i in 0..n.saturating_sub(assigned) {
        if let Some(c) = per_cluster.get_mut(i % n_clusters) {
            *c += 1;
        }
    }

    let mut centroids = hypercube_vertices(n_clusters, n_inf, &mut rng);
    centroids.mapv_inplace(|v| v * 2.0 * p.class_sep - p.class_sep);
    if !p.hypercube {
        let rows = rng.matrix(n_clusters, 1, Sampler::uniform);
        let cols = rng.matrix(1, n_inf, Sampler::uniform);
        centroids = centroids * &rows * &cols;
    }

    let mut x = Array2::<f64>::zeros((n, p.n_features));
    let mut y = vec![0i64; n];
    let informative = rng.matrix(n, n_inf, Sampler::normal);
    x.slice_mut(s![.., ..n_inf]).assign(&informative);

    let mut stop = 0usize;
    for (k, centroid) in centroids.rows().into_iter().enumerate() {
        let start = stop.min(n);
        stop = (stop + per_cluster.get(k).copied().unwrap_or(0)).min(n);
        for label in y.iter_mut().take(stop).skip(start) {
            *label = (k % p.n_classes) as i64;
        }
        let a = rng.matrix(n_inf, n_inf, |r| 2.0 * r.uniform() - 1.0);
        let block = x.slice(s![start..stop, ..n_inf]).dot(&a) + centroid;
        x.slice_mut(s![start..stop, ..n_inf]).assign(&block);
    }

    if n_red > 0 {
        let b = rng.matrix(n_inf, n_red, |r| 2.0 * r.uniform() - 1.0);
        let red = x.slice(s![.., ..n_inf]).dot(&b);
        x.slice_mut(s![.., n_inf..n_inf + n_red]).assign(&red);
    }
    let m = n_inf + n_red;
    for j in 0..n_rep {
        let src = ((m as f64 - 1.0) * rng.uniform() + 0.5) as usize;
        let col = x.column(src.min(m - 1)).to_owned();
        x.column_mut(m + j).assign(&col);
    }
    let n_random = p.n_features - m - n_rep;
    if n_random > 0 {
        let noise = rng.matrix(n, n_random, Sampler::normal);
        x.slice_mut(s![.., p.n_features - n_random..])
            .assign(&noise);
    }

    let flips: Vec<bool> = (0..n).map(|_| rng.uniform() < p.flip_y).collect();
    for (label, flip) in y.iter_mut().zip(flips) {
        if flip {
            *label = rng.below(p.n_classes) as i64;
        }
    }

    let per_feature = |v: &FeatureValues, rng: &mut Sampler, random: &dyn Fn(f64) -> f64| match v {
        FeatureValues::Constant(c) => Array1::from_elem(p.n_features, *c),
        FeatureValues::PerFeature(xs) => Array1::from_vec(xs.clone()),
        FeatureValues::Random => (0..p.n_features).map(|_| random(rng.uniform())).collect(),
    };
    let shift = per_feature(&p.shift, &mut rng, &|u| (2.0 * u - 1.0) * p.class_sep);
    x += &shift;
    let scale = per_feature(&p.scale, &mut rng, &|u| 1.0 + 100.0 * u);
    x *= &scale;

    if p.shuffle {
        let rows = rng.permutation(n);
        let cols = rng.permutation(p.n_features);
        return Ok(permute(&x, &y, &rows, &cols));
    }
    Ok((x, y))
}

#[cfg(test)]
mod tests;
