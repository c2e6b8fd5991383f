//! Figures as PNG and SVG (being written).
