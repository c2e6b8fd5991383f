//! Properties of the CSV and NPY readers and of the estimators behind the `divergence`
//! command: on any input, a result or a typed error, never a panic; and what is written
//! is read back exactly.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::npy::npy_bytes;
use gan_divergences::divergence::{
    jensen_shannon, jensen_shannon_measures, kullback_leibler, kullback_leibler_measures,
    total_variation, total_variation_measures,
};
use gan_divergences::io::{
    parse_csv, parse_csv_with_header, parse_npy, Header, Position, ReadErrorKind, Table,
};
use gan_divergences::transport::{wasserstein, wasserstein_1d_samples};
use gan_divergences::DiscreteMeasure;
use proptest::prelude::*;
use std::f64::consts::LN_2;

/// Every table a reader returns has at least one finite value per cell and no hole.
fn assert_well_formed(table: &Table) {
    assert!(table.n_rows() > 0 && table.n_cols() > 0);
    assert_eq!(table.values().len(), table.n_rows() * table.n_cols());
    assert!(table.values().iter().all(|v| v.is_finite()));
}

/// 1 to 30 points of the same dimension (1 to 4), finite coordinates of any magnitude.
fn points() -> impl Strategy<Value = Vec<Vec<f64>>> {
    (1usize..=4).prop_flat_map(|dim| {
        let coordinate = prop_oneof![
            -1e6..1e6f64,
            any::<f64>().prop_filter("finite", |v| v.is_finite())
        ];
        prop::collection::vec(prop::collection::vec(coordinate, dim), 1..30)
    })
}

/// Any f64 at all, with the awkward ones (NaN, ±inf, ±0, huge, tiny) made common.
fn any_float() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<f64>(),
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(f64::NEG_INFINITY),
        Just(0.0),
        Just(-0.0),
        Just(f64::MAX),
        Just(f64::MIN_POSITIVE),
        -10.0..10.0f64,
    ]
}

fn csv_text(rows: &[Vec<f64>], header: bool) -> String {
    csv_text_named(rows, header.then_some("x"))
}

/// The rows as CSV, after a header of `prefix` followed by the column number if any
/// (an empty prefix gives pandas' header of numbers `0,1,...`).
fn csv_text_named(rows: &[Vec<f64>], prefix: Option<&str>) -> String {
    let mut text = String::new();
    if let Some(prefix) = prefix {
        let names: Vec<String> = (0..rows[0].len()).map(|k| format!("{prefix}{k}")).collect();
        text.push_str(&names.join(","));
        text.push('\n');
    }
    for row in rows {
        let fields: Vec<String> = row.iter().map(|v| format!("{v:?}")).collect();
        text.push_str(&fields.join(","));
        text.push('\n');
    }
    text
}

/// NPY bytes of the points as a C-order `<f8` array.
fn npy_of(rows: &[Vec<f64>]) -> Vec<u8> {
    let (n, dim) = (rows.len(), rows[0].len());
    let data: Vec<u8> = rows
        .iter()
        .flatten()
        .flat_map(|v| v.to_le_bytes())
        .collect();
    let dict = format!("{{'descr': '<f8', 'fortran_order': False, 'shape': ({n}, {dim}), }}");
    npy_bytes(&dict, &data)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn csv_reader_takes_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        if let Ok(table) = parse_csv(bytes.as_slice()) {
            assert_well_formed(&table);
        }
    }

    #[test]
    fn csv_reader_takes_any_csv_like_text(text in "[0-9a-cxNn ,.\"\r\n+eE-]{0,300}") {
        if let Ok(table) = parse_csv(text.as_bytes()) {
            assert_well_formed(&table);
        }
    }

    #[test]
    fn csv_round_trips_exactly(rows in points(), header in any::<bool>()) {
        let table = parse_csv(csv_text(&rows, header).as_bytes()).unwrap();
        prop_assert_eq!((table.n_rows(), table.n_cols()), (rows.len(), rows[0].len()));
        let flat: Vec<f64> = rows.concat();
        prop_assert_eq!(table.values(), flat.as_slice());
    }

    #[test]
    fn csv_names_the_first_non_finite_value(
        rows in points(),
        header in any::<bool>(),
        pick in any::<prop::sample::Index>(),
        bad in prop_oneof![Just(f64::NAN), Just(f64::INFINITY), Just(f64::NEG_INFINITY)],
    ) {
        let mut rows = rows;
        let dim = rows[0].len();
        let flat = pick.index(rows.len() * dim);
        rows[flat / dim][flat % dim] = bad;
        let found = parse_csv(csv_text(&rows, header).as_bytes());
        let line = (flat / dim + 1 + usize::from(header)) as u64;
        let position = Position::Csv { line, column: flat % dim + 1 };
        prop_assert!(
            matches!(&found, Err(ReadErrorKind::NonFinite { position: p, .. }) if *p == position),
            "{:?}", found
        );
    }

    #[test]
    fn csv_never_drops_a_column_that_holds_numbers(
        rows in points().prop_filter("two rows", |r| r.len() >= 2),
        header in any::<bool>(),
        pick in any::<prop::sample::Index>(),
        token in "[A-Za-z#?!/.][A-Za-z#?!/. ]{0,7}",
    ) {
        // a non-numeric field in the first data row of a column of numbers
        let mut text = String::new();
        let dim = rows[0].len();
        let column = pick.index(dim) + 1;
        if header {
            text.push_str(&vec!["h"; dim].join(","));
            text.push('\n');
        }
        for (i, row) in rows.iter().enumerate() {
            let mut fields: Vec<String> = row.iter().map(|v| format!("{v:?}")).collect();
            if i == 0 {
                fields[column - 1] = token.clone();
            }
            text.push_str(&fields.join(","));
            text.push('\n');
        }

        let first = 1 + u64::from(header);
        match parse_csv(text.as_bytes()) {
            // only a whole first line of text, taken as a header, is ever read past
            Ok(table) => prop_assert_eq!((table.n_cols(), header), (dim, false)),
            Err(ReadErrorKind::NumberInTextColumn { line, column: c, text_line, .. }) => {
                prop_assert_eq!((line, c, text_line), (first + 1, column, first));
            }
            Err(ReadErrorKind::NotANumber { line, column: c, .. }) => {
                prop_assert_eq!((line, c), (first, column));
            }
            Err(ReadErrorKind::NonFinite { position, .. }) => {
                prop_assert_eq!(position, Position::Csv { line: first, column });
            }
            // one column of text after a header: no coordinate at all
            Err(ReadErrorKind::NoNumericColumn { line }) => {
                prop_assert_eq!((line, dim, header), (first, 1, true));
            }
            Err(other) => prop_assert!(false, "{:?} for {:?}", other, text),
        }
    }

    #[test]
    fn csv_header_option_is_obeyed(rows in points(), numeric_names in any::<bool>()) {
        let flat = rows.concat();
        let prefix = if numeric_names { "" } else { "x" };
        let with = csv_text_named(&rows, Some(prefix));
        let table = parse_csv_with_header(with.as_bytes(), Header::Present).unwrap();
        prop_assert_eq!(table.values(), flat.as_slice());
        let without = csv_text_named(&rows, None);
        let table = parse_csv_with_header(without.as_bytes(), Header::Absent).unwrap();
        prop_assert_eq!(table.values(), flat.as_slice());
        // under auto, a header of numbers is one more data row, as documented
        let auto = parse_csv(with.as_bytes()).unwrap();
        prop_assert_eq!(auto.n_rows(), rows.len() + usize::from(numeric_names));
    }

    #[test]
    fn csv_messages_are_one_short_printable_line(
        bytes in prop::collection::vec(any::<u8>(), 0..400),
    ) {
        if let Err(error) = parse_csv(bytes.as_slice()) {
            let message = error.to_string();
            prop_assert!(!message.chars().any(char::is_control), "{:?}", message);
            prop_assert!(message.chars().count() <= 300, "{:?}", message);
        }
    }

    #[test]
    fn npy_data_must_have_the_announced_length(
        rows in points(),
        extra in prop::collection::vec(any::<u8>(), 1..24),
        cut in 1usize..24,
    ) {
        let file = npy_of(&rows);
        let expected = (rows.len() * rows[0].len() * 8) as u128;
        let mut long = file.clone();
        long.extend_from_slice(&extra);
        prop_assert_eq!(
            parse_npy(long.as_slice()),
            Err(ReadErrorKind::TrailingData { expected })
        );
        let cut = cut.min(expected as usize);
        let short = &file[..file.len() - cut];
        prop_assert_eq!(
            parse_npy(short),
            Err(ReadErrorKind::WrongDataLength { expected, found: expected as usize - cut })
        );
    }

    #[test]
    fn npy_reader_takes_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        if let Ok(table) = parse_npy(bytes.as_slice()) {
            assert_well_formed(&table);
        }
    }

    #[test]
    fn npy_reader_takes_any_header(
        dict in "[{}()\\[\\]'a-z0-9<>|:, ]{0,120}",
        data in prop::collection::vec(any::<u8>(), 0..64),
    ) {
        if let Ok(table) = parse_npy(npy_bytes(&dict, &data).as_slice()) {
            assert_well_formed(&table);
        }
    }

    #[test]
    fn npy_reader_takes_any_shape_and_type(
        shape in prop::collection::vec(0u64..5, 0..4),
        descr in prop::sample::select(vec![
            "<f8", ">f8", "<f4", "<i2", "|u1", "<c8", "|b1", "<M8[s]", "|S3",
        ]),
        fortran in any::<bool>(),
        data in prop::collection::vec(any::<u8>(), 0..200),
    ) {
        let dims: Vec<String> = shape.iter().map(u64::to_string).collect();
        let dict = format!(
            "{{'descr': '{descr}', 'fortran_order': {}, 'shape': ({},), }}",
            if fortran { "True" } else { "False" },
            dims.join(", ")
        );
        if let Ok(table) = parse_npy(npy_bytes(&dict, &data).as_slice()) {
            assert_well_formed(&table);
        }
    }

    #[test]
    fn npy_round_trips_exactly(rows in points(), fortran in any::<bool>()) {
        let (n, dim) = (rows.len(), rows[0].len());
        let data: Vec<u8> = if fortran {
            (0..dim)
                .flat_map(|j| rows.iter().map(move |r| r[j]))
                .flat_map(f64::to_le_bytes)
                .collect()
        } else {
            rows.iter().flatten().flat_map(|v| v.to_le_bytes()).collect()
        };
        let order = if fortran { "True" } else { "False" };
        let dict = format!("{{'descr': '<f8', 'fortran_order': {order}, 'shape': ({n}, {dim}), }}");
        let table = parse_npy(npy_bytes(&dict, &data).as_slice()).unwrap();
        let flat = rows.concat();
        prop_assert_eq!(table.values(), flat.as_slice());
    }

    #[test]
    fn vector_divergences_take_any_floats(
        p in prop::collection::vec(any_float(), 0..8),
        q in prop::collection::vec(any_float(), 0..8),
    ) {
        if let Ok(tv) = total_variation(&p, &q) {
            prop_assert!((0.0..=1.0).contains(&tv));
        }
        if let Ok(js) = jensen_shannon(&p, &q) {
            prop_assert!((0.0..=LN_2).contains(&js));
        }
        if let Ok(kl) = kullback_leibler(&p, &q) {
            prop_assert!(kl >= 0.0, "kl = {}", kl);
        }
    }

    #[test]
    fn measure_estimators_take_any_floats(
        x in prop::collection::vec(any_float(), 0..8),
        wx in prop::collection::vec(any_float(), 0..8),
        y in prop::collection::vec(any_float(), 0..8),
        wy in prop::collection::vec(any_float(), 0..8),
    ) {
        let mu = DiscreteMeasure::on_line(x, Some(&wx));
        let nu = DiscreteMeasure::on_line(y, Some(&wy));
        let (Ok(mu), Ok(nu)) = (mu, nu) else {
            return Ok(());
        };
        prop_assert!((0.0..=1.0).contains(&total_variation_measures(&mu, &nu).unwrap()));
        prop_assert!((0.0..=LN_2).contains(&jensen_shannon_measures(&mu, &nu).unwrap()));
        prop_assert!(kullback_leibler_measures(&mu, &nu).unwrap() >= 0.0);
        for p in [1.0, 2.0, 3.5] {
            // Ok or a typed error; a value is never negative
            if let Ok((w, _)) = wasserstein(&mu, &nu, p) {
                prop_assert!(w >= 0.0 || w.is_nan(), "W{} = {}", p, w);
            }
        }
    }

    #[test]
    fn sample_transport_takes_any_floats(
        x in prop::collection::vec(any_float(), 0..8),
        y in prop::collection::vec(any_float(), 0..8),
        p in any_float(),
    ) {
        if let Ok(w) = wasserstein_1d_samples(&x, &y, p) {
            prop_assert!(w >= 0.0 || w.is_nan(), "W = {}", w);
        }
    }
}
