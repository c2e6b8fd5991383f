//! Input checks shared by every constructor, in the crate's fixed order:
//! empty, lengths, finite, non-negative, positive total.

use crate::error::{Error, Result};

/// Rejects an empty slice.
pub(crate) fn non_empty<T>(what: &'static str, values: &[T]) -> Result<()> {
    if values.is_empty() {
        return Err(Error::Empty { what });
    }
    Ok(())
}

/// Rejects a slice whose length differs from `expected`.
pub(crate) fn length(what: &'static str, expected: usize, found: usize) -> Result<()> {
    if expected != found {
        return Err(Error::LengthMismatch {
            what,
            expected,
            found,
        });
    }
    Ok(())
}

/// Rejects NaN and infinite values, naming the first one.
pub(crate) fn finite(what: &'static str, values: &[f64]) -> Result<()> {
    match values.iter().position(|v| !v.is_finite()) {
        Some(index) => Err(Error::NonFinite { what, index }),
        None => Ok(()),
    }
}

/// Checks a vector of masses (finite, non-negative, positive finite total) and returns its
/// total. The sum is accumulated in f64; a total that overflows is [`Error::MassOverflow`].
pub(crate) fn masses(what: &'static str, values: &[f64]) -> Result<f64> {
    non_empty(what, values)?;
    finite(what, values)?;
    if let Some(index) = values.iter().position(|&v| v < 0.0) {
        return Err(Error::NegativeWeight {
            what,
            index,
            value: values[index],
        });
    }

    let total: f64 = values.iter().sum();
    if total == 0.0 {
        return Err(Error::ZeroMass { what });
    }
    if !total.is_finite() {
        return Err(Error::MassOverflow { what });
    }
    Ok(total)
}

/// Checks masses and returns them divided by their total, so they sum to 1 up to rounding.
pub(crate) fn normalized(what: &'static str, values: &[f64]) -> Result<Vec<f64>> {
    let total = masses(what, values)?;
    Ok(values.iter().map(|v| v / total).collect())
}

/// Rejects a parameter that is not finite or not in `[low, +∞)`.
pub(crate) fn at_least(
    name: &'static str,
    value: f64,
    low: f64,
    reason: &'static str,
) -> Result<()> {
    if !value.is_finite() || value < low {
        return Err(Error::InvalidParameter { name, reason });
    }
    Ok(())
}
