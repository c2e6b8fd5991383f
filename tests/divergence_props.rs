//! Properties of the exact discrete divergences (paper B, Theorem 2 and section 2; paper A,
//! section 2), checked on random probability vectors with zeros, and reference values from
//! SciPy.

use gan_divergences::divergence::{
    jensen_shannon, jensen_shannon_measures, kullback_leibler, kullback_leibler_measures,
    total_variation, total_variation_measures,
};
use gan_divergences::{DiscreteMeasure, Error};
use proptest::prelude::*;
use std::f64::consts::LN_2;

/// Slack for identities that hold exactly in real arithmetic (sums of about 20 terms).
const ROUNDING: f64 = 1e-12;

/// Tolerance against SciPy, whose JS goes through a square root and back.
const SCIPY_TOLERANCE: f64 = 1e-13;

/// Two mass vectors of the same length (1 to 20 bins), each with some zeros but not all.
fn pair_of_masses() -> impl Strategy<Value = (Vec<f64>, Vec<f64>)> {
    (1usize..=20).prop_flat_map(|n| {
        let masses = || {
            prop::collection::vec(prop_oneof![Just(0.0), 1e-6..1.0f64, 0.0..1e-3f64], n)
                .prop_filter("some mass", |v| v.iter().sum::<f64>() > 0.0)
        };
        (masses(), masses())
    })
}

fn normalized(v: &[f64]) -> Vec<f64> {
    let total: f64 = v.iter().sum();
    v.iter().map(|x| x / total).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn ranges_and_identity((p, q) in pair_of_masses()) {
        let tv = total_variation(&p, &q).unwrap();
        let kl = kullback_leibler(&p, &q).unwrap();
        let js = jensen_shannon(&p, &q).unwrap();
        prop_assert!((0.0..=1.0).contains(&tv));
        prop_assert!(kl >= 0.0 && !kl.is_nan());
        prop_assert!((0.0..=LN_2).contains(&js));
        prop_assert_eq!(total_variation(&p, &p).unwrap(), 0.0);
        prop_assert!(kullback_leibler(&p, &p).unwrap() <= ROUNDING);
        prop_assert!(jensen_shannon(&p, &p).unwrap() <= ROUNDING);
    }

    #[test]
    fn symmetry((p, q) in pair_of_masses()) {
        prop_assert_eq!(total_variation(&p, &q).unwrap(), total_variation(&q, &p).unwrap());
        let js = jensen_shannon(&p, &q).unwrap();
        prop_assert!((js - jensen_shannon(&q, &p).unwrap()).abs() <= ROUNDING);
    }

    /// Paper B, Theorem 2 and its proof: δ²/2 ≤ JS ≤ δ ln 2, and Pinsker δ ≤ √(KL/2).
    #[test]
    fn strength_inequalities((p, q) in pair_of_masses()) {
        let tv = total_variation(&p, &q).unwrap();
        let kl = kullback_leibler(&p, &q).unwrap();
        let js = jensen_shannon(&p, &q).unwrap();
        prop_assert!(tv <= (kl / 2.0).sqrt() + ROUNDING, "Pinsker: tv {tv}, kl {kl}");
        prop_assert!(js <= LN_2 * tv + ROUNDING, "js {js} > ln2 tv {tv}");
        prop_assert!(tv * tv / 2.0 <= js + ROUNDING, "tv²/2 {tv} > js {js}");
    }

    /// KL = +∞ exactly when some qᵢ = 0 < pᵢ; JS = ln 2 and TV = 1 exactly when disjoint.
    #[test]
    fn support_conditions((p, q) in pair_of_masses()) {
        let not_absolutely_continuous = p.iter().zip(&q).any(|(a, b)| *a > 0.0 && *b == 0.0);
        let kl = kullback_leibler(&p, &q).unwrap();
        prop_assert_eq!(kl.is_infinite(), not_absolutely_continuous);
        let disjoint = p.iter().zip(&q).all(|(a, b)| *a == 0.0 || *b == 0.0);
        let js = jensen_shannon(&p, &q).unwrap();
        prop_assert_eq!(js == LN_2, disjoint);
        prop_assert_eq!(total_variation(&p, &q).unwrap() == 1.0, disjoint);
    }

    /// JS is the definition ½ KL(p ‖ m) + ½ KL(q ‖ m), computed another way.
    #[test]
    fn js_matches_its_definition((p, q) in pair_of_masses()) {
        let (p, q) = (normalized(&p), normalized(&q));
        let m: Vec<f64> = p.iter().zip(&q).map(|(a, b)| 0.5 * (a + b)).collect();
        let direct: f64 = p
            .iter()
            .zip(&q)
            .zip(&m)
            .map(|((a, b), c)| {
                let term = |x: f64| if x > 0.0 { 0.5 * x * (x / c).ln() } else { 0.0 };
                term(*a) + term(*b)
            })
            .sum();
        prop_assert!((jensen_shannon(&p, &q).unwrap() - direct).abs() <= ROUNDING);
    }

    /// A measure written with repeated atoms gives the same divergences as merged bins.
    #[test]
    fn measures_agree_with_vectors((p, q) in pair_of_masses()) {
        let atoms: Vec<Vec<f64>> = (0..p.len()).map(|i| vec![i as f64, -(i as f64)]).collect();
        let mu = DiscreteMeasure::new(&atoms, &p).unwrap();
        let nu = DiscreteMeasure::new(&atoms, &q).unwrap();
        let close = |a: f64, b: f64| (a == b) || (a - b).abs() <= ROUNDING;
        let tv = total_variation(&p, &q).unwrap();
        let js = jensen_shannon(&p, &q).unwrap();
        let kl = kullback_leibler(&p, &q).unwrap();
        prop_assert!(close(total_variation_measures(&mu, &nu).unwrap(), tv));
        prop_assert!(close(jensen_shannon_measures(&mu, &nu).unwrap(), js));
        prop_assert!(close(kullback_leibler_measures(&mu, &nu).unwrap(), kl));
    }
}

/// Reference values from SciPy 1.17.1 (NumPy 2.4.6):
/// `scipy.stats.entropy(p, q)` (KL in nats), `scipy.spatial.distance.jensenshannon(p, q)**2`
/// (JS: SciPy returns the distance √JS), and `0.5 * np.abs(p - q).sum()` (TV).
#[test]
fn scipy_reference_values() {
    struct Case {
        p: &'static [f64],
        q: &'static [f64],
        kl_pq: f64,
        kl_qp: f64,
        js: f64,
        tv: f64,
    }
    let cases = [
        Case {
            p: &[0.1, 0.2, 0.3, 0.4],
            q: &[0.25, 0.25, 0.25, 0.25],
            kl_pq: 0.10644013528622315,
            kl_qp: 0.12177727428716865,
            js: 0.02786561345727673,
            tv: 0.2,
        },
        Case {
            p: &[0.5, 0.5, 0.0],
            q: &[0.2, 0.3, 0.5],
            kl_pq: 0.7135581778200729,
            kl_qp: f64::INFINITY,
            js: 0.21912752929191248,
            tv: 0.5,
        },
        Case {
            p: &[1e-12, 1.0 - 1e-12],
            q: &[0.5, 0.5],
            kl_pq: 0.6931471805313143,
            kl_qp: 13.12236337740483,
            js: 0.21576155432506952,
            tv: 0.499999999999,
        },
        Case {
            p: &[0.7, 0.2, 0.1, 0.0, 0.0],
            q: &[0.1, 0.1, 0.2, 0.3, 0.3],
            kl_pq: 1.431451822394714,
            kl_qp: f64::INFINITY,
            js: 0.35148486556892683,
            tv: 0.7,
        },
    ];
    let close = |a: f64, b: f64| a == b || (a - b).abs() <= SCIPY_TOLERANCE * b.abs().max(1.0);
    for case in cases {
        assert!(close(kullback_leibler(case.p, case.q).unwrap(), case.kl_pq));
        assert!(close(kullback_leibler(case.q, case.p).unwrap(), case.kl_qp));
        assert!(close(jensen_shannon(case.p, case.q).unwrap(), case.js));
        assert!(close(total_variation(case.p, case.q).unwrap(), case.tv));
    }
}

#[test]
fn every_bad_input_is_a_typed_error() {
    let good = [0.5, 0.5];
    for f in [total_variation, kullback_leibler, jensen_shannon] {
        assert!(matches!(f(&[], &[]), Err(Error::Empty { .. })));
        assert!(matches!(
            f(&good, &[1.0]),
            Err(Error::LengthMismatch { .. })
        ));
        assert!(matches!(
            f(&[f64::NAN, 1.0], &good),
            Err(Error::NonFinite { .. })
        ));
        assert!(matches!(
            f(&good, &[f64::INFINITY, 1.0]),
            Err(Error::NonFinite { .. })
        ));
        assert!(matches!(
            f(&[-0.1, 1.0], &good),
            Err(Error::NegativeWeight { .. })
        ));
        assert!(matches!(f(&good, &[0.0, 0.0]), Err(Error::ZeroMass { .. })));
    }
    let line = DiscreteMeasure::uniform(&[vec![0.0]]).unwrap();
    let plane = DiscreteMeasure::uniform(&[vec![0.0, 0.0]]).unwrap();
    assert!(matches!(
        jensen_shannon_measures(&line, &plane),
        Err(Error::DimensionMismatch { .. })
    ));
}

/// Nearly identical distributions: never negative, and accurate to the leading term
/// KL ≈ Σ (pᵢ − qᵢ)² / (2 qᵢ), JS ≈ Σ (pᵢ − qᵢ)² / (8 mᵢ).
#[test]
fn nearly_identical_distributions_do_not_cancel() {
    for e in [1e-4, 1e-7, 1e-10, 1e-13] {
        let p = [0.25 + e, 0.25 - e, 0.5];
        let q = [0.25, 0.25, 0.5];
        let kl = kullback_leibler(&p, &q).unwrap();
        let js = jensen_shannon(&p, &q).unwrap();
        let kl_leading = 2.0 * e * e / (2.0 * 0.25);
        let js_leading = 2.0 * e * e / (8.0 * 0.25);
        assert!(kl >= 0.0 && js >= 0.0);
        assert!(
            (kl / kl_leading - 1.0).abs() < 1e-2,
            "e {e}: kl {kl} vs {kl_leading}"
        );
        assert!(
            (js / js_leading - 1.0).abs() < 1e-2,
            "e {e}: js {js} vs {js_leading}"
        );
    }
}
