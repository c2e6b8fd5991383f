//! Figures as PNG and SVG, and the CSV behind them.
//!
//! A [`Figure`] is a row of [`Panel`]s; each panel holds [`Series`] drawn as lines, markers
//! or shaded bands. [`Figure::write`] renders it twice, to `<stem>.png` and `<stem>.svg`, and
//! [`write_csv`] writes the numbers the figure shows.
//!
//! Text is drawn with DejaVu Sans, compiled into the binary (the `dejavu` crate), through
//! plotters' `ab_glyph` renderer: no system font, fontconfig or freetype is needed.
//!
//! # Limitations
//! Log axes are drawn by plotting log₁₀ of the values and labelling ticks `1e{k}`, so
//! values ≤ 0 on a log axis are left out of that panel (and only of the drawing, not of the
//! CSV).

use plotters::coord::Shift;
use plotters::prelude::*;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Once;
use thiserror::Error;

/// Errors from writing a figure or its data.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum PlotError {
    /// A file or folder could not be created or written.
    #[error("cannot write {path}: {source}")]
    Io {
        /// The path being written.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },

    /// The drawing backend failed (plotters reports these as text).
    #[error("cannot draw {path}: {message}")]
    Drawing {
        /// The file being drawn.
        path: PathBuf,
        /// The backend's description of the failure.
        message: String,
    },

    /// A panel has no finite point to set its axes from.
    #[error("panel {panel:?} has no finite data to draw")]
    NoData {
        /// The panel's title.
        panel: String,
    },
}

/// How a series is drawn.
#[derive(Debug, Clone, PartialEq)]
pub enum Mark {
    /// A polyline through the points, in order.
    Line,
    /// A dashed-looking polyline: markers joined by a thin line.
    Dashed,
    /// A filled circle at each point.
    Markers,
    /// A hollow ring at each point, larger than a marker, so both can share a point.
    Rings,
    /// A shaded band between `lower` and the series' points as upper edge; `lower` has one
    /// y value per point.
    Band {
        /// Lower edge, one value per point of the series.
        lower: Vec<f64>,
    },
}

/// One curve of a panel.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Legend text; an empty label adds no legend entry.
    pub label: String,
    /// The (x, y) points.
    pub points: Vec<(f64, f64)>,
    /// How to draw them.
    pub mark: Mark,
    /// Index into the figure palette.
    pub color: usize,
}

/// One chart: axes, labels and series.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Panel {
    /// Title drawn above the chart.
    pub title: String,
    /// Label of the horizontal axis.
    pub x_label: String,
    /// Label of the vertical axis.
    pub y_label: String,
    /// The curves, drawn in order (bands first is a good habit).
    pub series: Vec<Series>,
    /// Draw the vertical axis on a log₁₀ scale.
    pub y_log: bool,
    /// Fixed vertical range; `None` fits the data with a margin.
    pub y_range: Option<(f64, f64)>,
    /// Where the legend goes.
    pub legend: LegendPosition,
}

/// Where a panel's legend is drawn, inside the plotting area.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LegendPosition {
    /// Top centre.
    UpperMiddle,
    /// Top right.
    UpperRight,
    /// Middle of the right edge.
    MiddleRight,
    /// Bottom right.
    #[default]
    LowerRight,
    /// Bottom left.
    LowerLeft,
}

impl LegendPosition {
    fn to_plotters(self) -> SeriesLabelPosition {
        match self {
            LegendPosition::UpperMiddle => SeriesLabelPosition::UpperMiddle,
            LegendPosition::UpperRight => SeriesLabelPosition::UpperRight,
            LegendPosition::MiddleRight => SeriesLabelPosition::MiddleRight,
            LegendPosition::LowerRight => SeriesLabelPosition::LowerRight,
            LegendPosition::LowerLeft => SeriesLabelPosition::LowerLeft,
        }
    }
}

/// A row of panels written as PNG and SVG.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// The panels, left to right.
    pub panels: Vec<Panel>,
    /// Width of one panel in pixels.
    pub panel_width: u32,
    /// Height in pixels.
    pub height: u32,
}

/// The colours series refer to by index (a colour-blind-safe qualitative set).
const PALETTE: [RGBColor; 6] = [
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(86, 180, 233),
    RGBColor(90, 90, 90),
];

const FONT: &str = "sans-serif";

static REGISTER_FONT: Once = Once::new();

/// Makes the bundled DejaVu Sans the font plotters draws "sans-serif" text with.
fn register_bundled_font() {
    REGISTER_FONT.call_once(|| {
        // the bytes are a valid TrueType font shipped by the `dejavu` crate; should the
        // registration ever fail, plotters reports a font error at draw time instead
        let _ = plotters::style::register_font(FONT, FontStyle::Normal, dejavu::sans::regular());
        let _ = plotters::style::register_font(FONT, FontStyle::Bold, dejavu::sans::bold());
    });
}

impl Figure {
    /// A figure of the given panels, 560 × 420 pixels each.
    #[must_use]
    pub fn new(panels: Vec<Panel>) -> Self {
        Self {
            panels,
            panel_width: 560,
            height: 420,
        }
    }

    /// Writes `<dir>/<stem>.png` and `<dir>/<stem>.svg`, creating `dir` if needed, and
    /// returns the two paths.
    ///
    /// # Errors
    /// [`PlotError::Io`] if the folder cannot be created, [`PlotError::Drawing`] if a backend
    /// fails, [`PlotError::NoData`] if a panel has nothing finite to draw.
    pub fn write(&self, dir: &Path, stem: &str) -> Result<[PathBuf; 2], PlotError> {
        register_bundled_font();
        std::fs::create_dir_all(dir).map_err(|source| PlotError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        let size = (
            self.panel_width * self.panels.len().max(1) as u32,
            self.height,
        );

        let png = dir.join(format!("{stem}.png"));
        {
            let root = BitMapBackend::new(&png, size).into_drawing_area();
            self.draw(&root, &png)?;
            root.present().map_err(|e| drawing_error(&png, e))?;
        }

        let svg = dir.join(format!("{stem}.svg"));
        {
            let root = SVGBackend::new(&svg, size).into_drawing_area();
            self.draw(&root, &svg)?;
            root.present().map_err(|e| drawing_error(&svg, e))?;
        }
        Ok([png, svg])
    }

    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        path: &Path,
    ) -> Result<(), PlotError> {
        root.fill(&WHITE).map_err(|e| drawing_error(path, e))?;
        let areas = root.split_evenly((1, self.panels.len().max(1)));
        for (panel, area) in self.panels.iter().zip(areas.iter()) {
            draw_panel(panel, area, path)?;
        }
        Ok(())
    }
}

fn drawing_error<E: std::fmt::Display>(path: &Path, error: E) -> PlotError {
    PlotError::Drawing {
        path: path.to_path_buf(),
        message: error.to_string(),
    }
}

/// The value drawn for y: itself, or log₁₀ of it on a log axis (None if not drawable).
fn drawn_y(y: f64, log: bool) -> Option<f64> {
    let v = if log { y.log10() } else { y };
    v.is_finite().then_some(v)
}

/// The x and y ranges that hold every drawable point, with a 5 % margin on y.
fn panel_ranges(panel: &Panel) -> Option<((f64, f64), (f64, f64))> {
    let mut xs = (f64::INFINITY, f64::NEG_INFINITY);
    let mut ys = (f64::INFINITY, f64::NEG_INFINITY);
    for series in &panel.series {
        let lower = match &series.mark {
            Mark::Band { lower } => lower.as_slice(),
            _ => &[],
        };
        let ys_of_series = series
            .points
            .iter()
            .map(|p| p.1)
            .chain(lower.iter().copied());
        for y in ys_of_series.filter_map(|y| drawn_y(y, panel.y_log)) {
            ys = (ys.0.min(y), ys.1.max(y));
        }
        for x in series.points.iter().map(|p| p.0).filter(|x| x.is_finite()) {
            xs = (xs.0.min(x), xs.1.max(x));
        }
    }
    if !(xs.0.is_finite() && ys.0.is_finite()) {
        return None;
    }

    if let Some((low, high)) = panel.y_range {
        ys = (low, high);
    } else {
        let margin = 0.05 * (ys.1 - ys.0).max(1e-12);
        ys = (ys.0 - margin, ys.1 + margin);
    }
    if xs.1 <= xs.0 {
        xs = (xs.0 - 0.5, xs.1 + 0.5);
    }
    Some((xs, ys))
}

fn draw_panel<DB: DrawingBackend>(
    panel: &Panel,
    area: &DrawingArea<DB, Shift>,
    path: &Path,
) -> Result<(), PlotError> {
    let fail = |e: &dyn std::fmt::Display| drawing_error(path, e);
    let ((x0, x1), (y0, y1)) = panel_ranges(panel).ok_or_else(|| PlotError::NoData {
        panel: panel.title.clone(),
    })?;

    // axes, grid and labels
    let mut chart = ChartBuilder::on(area)
        .caption(&panel.title, (FONT, 18))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(66)
        .build_cartesian_2d(x0..x1, y0..y1)
        .map_err(|e| fail(&e))?;
    let log_label = |v: &f64| format!("1e{v:.0}");
    let y_plain = |v: &f64| tick_label(*v, y1 - y0);
    let x_label = |v: &f64| tick_label(*v, x1 - x0);
    let y_formatter: &dyn Fn(&f64) -> String = if panel.y_log { &log_label } else { &y_plain };
    chart
        .configure_mesh()
        .x_desc(panel.x_label.as_str())
        .y_desc(panel.y_label.as_str())
        .y_label_formatter(y_formatter)
        .x_label_formatter(&x_label)
        .label_style((FONT, 13))
        .axis_desc_style((FONT, 14))
        .light_line_style(RGBColor(235, 235, 235))
        .draw()
        .map_err(|e| fail(&e))?;

    // the series, each with its legend entry
    for series in &panel.series {
        let color = PALETTE[series.color % PALETTE.len()];
        let points: Vec<(f64, f64)> = series
            .points
            .iter()
            .filter_map(|&(x, y)| Some((x, drawn_y(y, panel.y_log)?)))
            .collect();
        if matches!(series.mark, Mark::Dashed) {
            chart
                .draw_series(points.iter().map(|&p| Circle::new(p, 2, color.filled())))
                .map_err(|e| fail(&e))?;
        }
        let legend = match &series.mark {
            Mark::Line | Mark::Dashed => chart
                .draw_series(LineSeries::new(points.clone(), color.stroke_width(2)))
                .map_err(|e| fail(&e))?,
            Mark::Markers => chart
                .draw_series(points.iter().map(|&p| Circle::new(p, 4, color.filled())))
                .map_err(|e| fail(&e))?,
            Mark::Rings => chart
                .draw_series(
                    points
                        .iter()
                        .map(|&p| Circle::new(p, 7, color.stroke_width(2))),
                )
                .map_err(|e| fail(&e))?,
            Mark::Band { lower } => {
                let lower_points = series
                    .points
                    .iter()
                    .zip(lower)
                    .rev()
                    .filter_map(|(&(x, _), &y)| Some((x, drawn_y(y, panel.y_log)?)));
                let outline: Vec<(f64, f64)> = points.iter().copied().chain(lower_points).collect();
                chart
                    .draw_series(std::iter::once(Polygon::new(
                        outline,
                        color.mix(0.25).filled(),
                    )))
                    .map_err(|e| fail(&e))?
            }
        };
        if !series.label.is_empty() {
            let mark = series.mark.clone();
            legend
                .label(series.label.as_str())
                .legend(move |(x, y)| legend_glyph(&mark, color, x, y));
        }
    }

    chart
        .configure_series_labels()
        .label_font((FONT, 13))
        .background_style(WHITE.mix(0.85))
        .border_style(RGBColor(180, 180, 180))
        .position(panel.legend.to_plotters())
        .draw()
        .map_err(|e| fail(&e))?;
    Ok(())
}

/// A tick label with as many decimals as an axis spanning `span` needs (about two
/// significant digits across the axis), without a "-0".
fn tick_label(value: f64, span: f64) -> String {
    let decimals = (1.0 - span.abs().max(1e-300).log10().floor()).clamp(0.0, 8.0) as usize;
    let text = format!("{value:.decimals$}");
    if text
        .trim_start_matches('-')
        .chars()
        .all(|c| c == '0' || c == '.')
    {
        return text.trim_start_matches('-').to_string();
    }
    text
}

/// The legend's sample of a series, drawn like the series itself.
fn legend_glyph<DB: DrawingBackend>(
    mark: &Mark,
    color: RGBColor,
    x: i32,
    y: i32,
) -> DynElement<'static, DB, (i32, i32)> {
    match mark {
        Mark::Line | Mark::Dashed => {
            PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(2)).into_dyn()
        }
        Mark::Markers => Circle::new((x + 9, y), 4, color.filled()).into_dyn(),
        Mark::Rings => Circle::new((x + 9, y), 6, color.stroke_width(2)).into_dyn(),
        Mark::Band { .. } => {
            Rectangle::new([(x, y - 5), (x + 18, y + 5)], color.mix(0.25).filled()).into_dyn()
        }
    }
}

/// Writes a CSV file: one header line, then one line per row, values in shortest
/// round-trip form (`inf` for +∞).
///
/// # Errors
/// [`PlotError::Io`] if the file cannot be written.
pub fn write_csv(path: &Path, header: &[&str], rows: &[Vec<f64>]) -> Result<(), PlotError> {
    let io = |source| PlotError::Io {
        path: path.to_path_buf(),
        source,
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(io)?;
    }

    let mut text = header.join(",");
    text.push('\n');
    for row in rows {
        let cells: Vec<String> = row.iter().map(|v| format!("{v}")).collect();
        text.push_str(&cells.join(","));
        text.push('\n');
    }
    let mut file = std::fs::File::create(path).map_err(io)?;
    file.write_all(text.as_bytes()).map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_png_svg_and_csv() {
        let dir = std::env::temp_dir().join(format!("gan-divergences-plot-{}", std::process::id()));
        let panel = Panel {
            title: "test".into(),
            x_label: "x".into(),
            y_label: "y".into(),
            series: vec![
                Series {
                    label: "band".into(),
                    points: vec![(0.0, 1.0), (1.0, 2.0)],
                    mark: Mark::Band {
                        lower: vec![0.5, 1.5],
                    },
                    color: 0,
                },
                Series {
                    label: "line".into(),
                    points: vec![(0.0, 0.8), (1.0, 1.7)],
                    mark: Mark::Line,
                    color: 1,
                },
            ],
            ..Panel::default()
        };
        let [png, svg] = Figure::new(vec![panel.clone(), panel])
            .write(&dir, "t")
            .unwrap();
        assert!(std::fs::metadata(&png).unwrap().len() > 1000);
        assert!(std::fs::read_to_string(&svg).unwrap().contains("<svg"));
        write_csv(&dir.join("t.csv"), &["a", "b"], &[vec![1.0, f64::INFINITY]]).unwrap();
        assert_eq!(
            std::fs::read_to_string(dir.join("t.csv")).unwrap(),
            "a,b\n1,inf\n"
        );
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn empty_panel_is_an_error() {
        let dir = std::env::temp_dir();
        let figure = Figure::new(vec![Panel::default()]);
        assert!(matches!(
            figure.write(&dir, "gan-divergences-empty"),
            Err(PlotError::NoData { .. })
        ));
    }
}
