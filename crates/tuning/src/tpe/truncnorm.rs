//! The truncated normal distribution as Optuna's `_truncnorm` computes it:
//! log probability masses, the log density and the quantile function, all
//! in the numerically stable left tail. `erfc` is FreeBSD's `s_erf.c`.

// The coefficients are FreeBSD's, digit for digit.
#![allow(clippy::excessive_precision)]

const ERX: f64 = 8.45062911510467529297e-01;
const PP: [f64; 5] = [
    1.28379167095512558561e-01,
    -3.25042107247001499370e-01,
    -2.84817495755985104766e-02,
    -5.77027029648944159157e-03,
    -2.37630166566501626084e-05,
];
const QQ: [f64; 6] = [
    1.0,
    3.97917223959155352819e-01,
    6.50222499887672944485e-02,
    5.08130628187576562776e-03,
    1.32494738004321644526e-04,
    -3.96022827877536812320e-06,
];
const PA: [f64; 7] = [
    -2.36211856075265944077e-03,
    4.14856118683748331666e-01,
    -3.72207876035701323847e-01,
    3.18346619901161753674e-01,
    -1.10894694282396677476e-01,
    3.54783043256182359371e-02,
    -2.16637559486879084300e-03,
];
const QA: [f64; 7] = [
    1.0,
    1.06420880400844228286e-01,
    5.40397917702171048937e-01,
    7.18286544141962662868e-02,
    1.26171219808761642112e-01,
    1.36370839120290507362e-02,
    1.19844998467991074170e-02,
];
const RA: [f64; 8] = [
    -9.86494403484714822705e-03,
    -6.93858572707181764372e-01,
    -1.05586262253232909814e01,
    -6.23753324503260060396e01,
    -1.62396669462573470355e02,
    -1.84605092906711035994e02,
    -8.12874355063065934246e01,
    -9.81432934416914548592e00,
];
const SA: [f64; 9] = [
    1.0,
    1.96512716674392571292e01,
    1.37657754143519042600e02,
    4.34565877475229228821e02,
    6.45387271733267880336e02,
    4.29008140027567833386e02,
    1.08635005541779435134e02,
    6.57024977031928170135e00,
    -6.04244152148580987438e-02,
];
const RB: [f64; 7] = [
    -9.86494292470009928597e-03,
    -7.99283237680523006574e-01,
    -1.77579549177547519889e01,
    -1.60636384855821916062e02,
    -6.37566443368389627722e02,
    -1.02509513161107724954e03,
    -4.83519191608651397019e02,
];
const SB: [f64; 8] = [
    1.0,
    3.03380607434824582924e01,
    3.25792512996573918826e02,
    1.53672958608443695994e03,
    3.19985821950859553908e03,
    2.55305040643316442583e03,
    4.74528541206955367215e02,
    -2.24409524465858183362e01,
];

const LN_SQRT_2PI: f64 = 0.918_938_533_204_672_8;

/// Horner evaluation, lowest coefficient first.
fn poly(c: &[f64], x: f64) -> f64 {
    c.iter().rev().fold(0.0, |acc, &k| acc * x + k)
}

/// The complementary error function (FreeBSD `erfc`, max error < 1 ulp).
pub(crate) fn erfc(x: f64) -> f64 {
    if x.is_nan() {
        return f64::NAN;
    }
    let ax = x.abs();
    if ax < 0.84375 {
        if ax < 1.0 / (1u64 << 56) as f64 {
            return 1.0 - x;
        }
        let z = x * x;
        let y = poly(&PP, z) / poly(&QQ, z);
        return if x < 0.25 {
            1.0 - (x + x * y)
        } else {
            0.5 - (x * y + (x - 0.5))
        };
    }
    if ax < 1.25 {
        let s = ax - 1.0;
        let pq = poly(&PA, s) / poly(&QA, s);
        return if x >= 0.0 {
            1.0 - ERX - pq
        } else {
            1.0 + ERX + pq
        };
    }
    if ax < 28.0 {
        let s = 1.0 / (ax * ax);
        let rs = if ax < 1.0 / 0.35 {
            poly(&RA, s) / poly(&SA, s)
        } else {
            if x < -6.0 {
                return 2.0;
            }
            poly(&RB, s) / poly(&SB, s)
        };
        // Split ax so that exp(-ax^2) loses no precision (SET_LOW_WORD).
        let z = f64::from_bits(ax.to_bits() & 0xffff_ffff_0000_0000);
        let r = (-z * z - 0.5625).exp() * ((z - ax) * (z + ax) + rs).exp();
        return if x > 0.0 { r / ax } else { 2.0 - r / ax };
    }
    if x > 0.0 { 0.0 } else { 2.0 }
}

/// The standard normal CDF.
pub(crate) fn ndtr(a: f64) -> f64 {
    0.5 * erfc(-a / std::f64::consts::SQRT_2)
}

/// `ln(ndtr(a))`, accurate in both tails.
pub(crate) fn log_ndtr(a: f64) -> f64 {
    if a > 6.0 {
        return -ndtr(-a);
    }
    if a > -20.0 {
        return ndtr(a).ln();
    }
    // Asymptotic series of the left tail.
    let log_lhs = -0.5 * a * a - (-a).ln() - LN_SQRT_2PI;
    let (mut last, mut rhs, mut numerator, mut denom) = (0.0f64, 1.0f64, 1.0f64, 1.0f64);
    let mut sign = 1.0;
    let mut i = 0.0;
    while (last - rhs).abs() > f64::EPSILON && i < 100.0 {
        i += 1.0;
        last = rhs;
        sign = -sign;
        denom /= a * a;
        numerator *= 2.0 * i - 1.0;
        rhs += sign * numerator * denom;
    }
    log_lhs + rhs.ln()
}

fn log_add_exp(p: f64, q: f64) -> f64 {
    let m = p.max(q);
    if m == f64::NEG_INFINITY {
        return m;
    }
    m + ((p - m).exp() + (q - m).exp()).ln()
}

fn log_diff(p: f64, q: f64) -> f64 {
    p + (-(q - p).exp()).ln_1p()
}

/// `ln` of the standard normal mass on `[a, b]`.
pub(crate) fn log_gauss_mass(a: f64, b: f64) -> f64 {
    if b <= 0.0 {
        log_diff(log_ndtr(b), log_ndtr(a))
    } else if a > 0.0 {
        log_diff(log_ndtr(-a), log_ndtr(-b))
    } else {
        (-ndtr(a) - ndtr(-b)).ln_1p()
    }
}

/// `x` such that `log_ndtr(x) = y` (Newton, as Optuna's `_ndtri_exp`).
fn ndtri_exp(y: f64) -> f64 {
    let flipped = y > -1e-2;
    let z = if flipped { (-y.exp_m1()).ln() } else { y };
    let mut x = if z < -5.0 {
        -(-2.0 * (z + LN_SQRT_2PI)).sqrt()
    } else {
        -(3f64.sqrt() / std::f64::consts::PI) * (-z).exp_m1().ln()
    };
    for _ in 0..100 {
        let log_ndtr_x = log_ndtr(x);
        let log_pdf_x = -0.5 * x * x - LN_SQRT_2PI;
        let dx = (log_ndtr_x - z) * (log_ndtr_x - log_pdf_x).exp();
        x -= dx;
        if !dx.is_finite() || dx.abs() < 1e-8 * x.abs() {
            break;
        }
    }
    if flipped { -x } else { x }
}

/// The quantile `q` in `[0, 1]` of the standard normal truncated to `[a, b]`.
pub(crate) fn ppf(q: f64, a: f64, b: f64) -> f64 {
    // `clamp` below needs ordered, non-NaN bounds.
    if a.is_nan() || b.is_nan() || a > b {
        return f64::NAN;
    }
    if q <= 0.0 {
        return a;
    }
    if q >= 1.0 {
        return b;
    }
    let log_mass = log_gauss_mass(a, b);
    let x = if a < 0.0 {
        ndtri_exp(log_add_exp(log_ndtr(a), q.ln() + log_mass))
    } else {
        -ndtri_exp(log_add_exp(log_ndtr(-b), (-q).ln_1p() + log_mass))
    };
    if x.is_nan() {
        0.5 * (a + b)
    } else {
        x.clamp(a, b)
    }
}

/// Log density at `x` of `N(mu, sigma)` truncated to `[low, high]`.
pub(crate) fn logpdf(x: f64, low: f64, high: f64, mu: f64, sigma: f64) -> f64 {
    if x < low || x > high {
        return f64::NEG_INFINITY;
    }
    let z = (x - mu) / sigma;
    -0.5 * z * z
        - LN_SQRT_2PI
        - log_gauss_mass((low - mu) / sigma, (high - mu) / sigma)
        - sigma.ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erfc_matches_reference_values() {
        // Reference values: scipy.special.erfc.
        for (x, want) in [
            (0.0, 1.0),
            (0.5, 0.4795001221869535),
            (1.0, 0.15729920705028513),
            (2.0, 0.004677734981047266),
            (-1.5, 1.9661051464753108),
            (5.0, 1.5374597944280351e-12),
            (10.0, 2.088487583762545e-45),
        ] {
            let got = erfc(x);
            assert!(
                (got - want).abs() <= 1e-15 * want.abs().max(1e-300) * 4.0 + 1e-300,
                "{x}: {got} vs {want}"
            );
        }
    }

    #[test]
    fn ppf_inverts_the_truncated_cdf() {
        for (a, b) in [(-1.0, 2.0), (0.5, 3.0), (-30.0, -25.0), (-3.0, -0.1)] {
            let mass = log_gauss_mass(a, b).exp();
            for q in [0.01, 0.3, 0.5, 0.9] {
                let x = ppf(q, a, b);
                assert!((a..=b).contains(&x));
                if a > -10.0 {
                    let cdf = (ndtr(x) - ndtr(a)) / mass;
                    assert!((cdf - q).abs() < 1e-7, "{a} {b} {q}: {cdf}");
                }
            }
        }
    }

    #[test]
    fn log_ndtr_is_continuous_across_branches() {
        for a in [-20.0_f64, 6.0] {
            let (l, r) = (log_ndtr(a - 1e-9), log_ndtr(a + 1e-9));
            assert!((l - r).abs() < 1e-6 * l.abs().max(1e-12), "{a}: {l} {r}");
        }
    }
}
