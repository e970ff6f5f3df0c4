//! PNG charts of a run, drawn with plotters and an embedded DejaVu Sans font (no system
//! fontconfig needed): throughput (offered vs committed tx/s) and latency (scatter with
//! per-second p50/p99 lines, plus the distribution as a CDF) and proof latency (each
//! proof's commit-to-proof latency, beside the committed and proved heights), fault
//! windows shaded and labelled.

use crate::metrics::Metrics;
use crate::scenario::FaultWindow;
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::Path;
use std::sync::Once;

const FONT: &[u8] = include_bytes!("../assets/DejaVuSans.ttf");
const FAMILY: &str = "sans-serif";
const WINDOW_COLORS: [RGBColor; 5] = [
    RGBColor(220, 50, 47),
    RGBColor(203, 75, 22),
    RGBColor(108, 113, 196),
    RGBColor(211, 54, 130),
    RGBColor(42, 161, 152),
];

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;
type Chart<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

fn register_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        assert!(
            plotters::style::register_font(FAMILY, FontStyle::Normal, FONT).is_ok(),
            "embedded DejaVu Sans parses"
        );
    });
}

fn to_io(e: Box<dyn std::error::Error>) -> std::io::Error {
    std::io::Error::other(e.to_string())
}

/// Shades each fault window over `[0, y_max]` and writes its label near the top,
/// staggering labels so that overlapping windows stay readable.
fn shade<DB: DrawingBackend>(
    chart: &mut Chart<'_, DB>,
    windows: &[FaultWindow],
    end_s: f64,
    y_max: f64,
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    for (i, w) in windows.iter().enumerate() {
        let color = WINDOW_COLORS[i % WINDOW_COLORS.len()];
        let x0 = w.start.as_secs_f64();
        let x1 = w
            .end
            .map_or(end_s, |e| e.as_secs_f64())
            .max(x0 + end_s / 500.0);
        chart.draw_series(std::iter::once(Rectangle::new(
            [(x0, 0.0), (x1, y_max)],
            color.mix(0.12).filled(),
        )))?;
        let row = (i % 4) as f64;
        let y = y_max * (0.97 - 0.055 * row);
        chart.draw_series(std::iter::once(Text::new(
            w.label.clone(),
            (x0, y),
            (FAMILY, 13).into_font().color(&color),
        )))?;
    }
    Ok(())
}

/// A white PNG canvas of `width` x 520 pixels with `title` on top.
fn canvas<'a>(path: &'a Path, width: u32, title: &str) -> Result<DrawingArea<BitMapBackend<'a>, Shift>> {
    register_font();
    let root = BitMapBackend::new(path, (width, 520)).into_drawing_area();
    root.fill(&WHITE)?;
    Ok(root.titled(title, (FAMILY, 22))?)
}

/// A chart over simulated time (`0..end_s` across, `0..y_max` up) with its axes
/// described and labelled (`y_decimals` places) and the fault windows shaded.
fn time_chart<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    (x_desc, y_desc): (&str, &str),
    y_decimals: usize,
    windows: &[FaultWindow],
    end_s: f64,
    y_max: f64,
) -> Result<Chart<'a, DB>>
where
    DB::ErrorType: 'static,
{
    let mut chart = ChartBuilder::on(area)
        .margin(14)
        .x_label_area_size(42)
        .y_label_area_size(64)
        .build_cartesian_2d(0f64..end_s, 0f64..y_max)?;
    chart
        .configure_mesh()
        .x_desc(x_desc)
        .y_desc(y_desc)
        .x_label_formatter(&|v| format!("{v:.0}"))
        .y_label_formatter(&|v| format!("{v:.y_decimals$}"))
        .label_style((FAMILY, 13))
        .axis_desc_style((FAMILY, 15))
        .light_line_style(WHITE.mix(0.0))
        .draw()?;
    shade(&mut chart, windows, end_s, y_max)?;
    Ok(chart)
}

/// Draws the legend of the labelled series in a framed box at `position`.
fn legend<'a, DB: DrawingBackend + 'a>(chart: &mut Chart<'a, DB>, position: SeriesLabelPosition) -> Result<()>
where
    DB::ErrorType: 'static,
{
    chart
        .configure_series_labels()
        .position(position)
        .label_font((FAMILY, 14))
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .draw()?;
    Ok(())
}

/// Draws offered and committed tx/s per second of simulated time.
pub fn throughput_png(
    path: &Path,
    title: &str,
    metrics: &Metrics,
    windows: &[FaultWindow],
    end_s: f64,
) -> std::io::Result<()> {
    throughput(path, title, metrics, windows, end_s).map_err(to_io)
}

fn throughput(
    path: &Path,
    title: &str,
    metrics: &Metrics,
    windows: &[FaultWindow],
    end_s: f64,
) -> Result<()> {
    let root = canvas(path, 1100, title)?;
    let peak = metrics
        .seconds
        .iter()
        .map(|s| s.offered.max(s.committed))
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let y_max = peak * 1.3;
    let axes = ("simulated time (s)", "transactions per second");
    let mut chart = time_chart(&root, axes, 0, windows, end_s, y_max)?;
    let step = |f: fn(&crate::metrics::SecondRow) -> u64| {
        metrics.seconds.iter().flat_map(move |s| {
            let y = f(s) as f64;
            [(s.second as f64, y), ((s.second + 1) as f64, y)]
        })
    };
    let grey = RGBColor(130, 130, 130);
    chart
        .draw_series(LineSeries::new(step(|s| s.offered), grey.stroke_width(2)))?
        .label("offered")
        .legend(move |(x, y)| PathElement::new([(x, y), (x + 20, y)], grey.stroke_width(2)));
    chart
        .draw_series(LineSeries::new(step(|s| s.committed), BLUE.stroke_width(2)))?
        .label("committed")
        .legend(|(x, y)| PathElement::new([(x, y), (x + 20, y)], BLUE.stroke_width(2)));
    legend(&mut chart, SeriesLabelPosition::LowerRight)?;
    root.present()?;
    Ok(())
}

/// Nearest-rank percentile of sorted values (non-empty).
fn pct(sorted: &[f64], p: f64) -> f64 {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil().max(1.0) as usize;
    sorted[rank.min(sorted.len()) - 1]
}

/// Draws commit latency over time (one point per transaction, at its commit time, with
/// per-second p50 and p99 lines) and the latency CDF.
pub fn latency_png(
    path: &Path,
    title: &str,
    metrics: &Metrics,
    windows: &[FaultWindow],
    end_s: f64,
) -> std::io::Result<()> {
    latency(path, title, metrics, windows, end_s).map_err(to_io)
}

fn latency(
    path: &Path,
    title: &str,
    metrics: &Metrics,
    windows: &[FaultWindow],
    end_s: f64,
) -> Result<()> {
    let root = canvas(path, 1300, title)?;
    let (left, right) = root.split_horizontally(860);

    let points: Vec<(f64, f64)> = metrics
        .txs
        .iter()
        .filter_map(|t| Some((t.committed_us? as f64 / 1e6, t.latency_ms()?)))
        .collect();
    let mut sorted: Vec<f64> = points.iter().map(|p| p.1).collect();
    sorted.sort_by(f64::total_cmp);
    let y_max = sorted.last().copied().unwrap_or(1.0).max(1.0) * 1.25;

    let axes = ("commit time (s)", "submit-to-commit latency (ms)");
    let mut chart = time_chart(&left, axes, 0, windows, end_s, y_max)?;
    let dot = RGBColor(31, 119, 180).mix(0.35);
    chart.draw_series(points.iter().map(|&p| Circle::new(p, 2, dot.filled())))?;

    let mut per_second: std::collections::BTreeMap<u64, Vec<f64>> =
        std::collections::BTreeMap::new();
    for &(t, l) in &points {
        per_second.entry(t as u64).or_default().push(l);
    }
    for v in per_second.values_mut() {
        v.sort_by(f64::total_cmp);
    }
    for (p, color, name) in [
        (50.0, RGBColor(0, 0, 0), "p50 per second"),
        (99.0, RGBColor(214, 39, 40), "p99 per second"),
    ] {
        // One line per run of consecutive seconds with commits: no line across gaps.
        let mut runs: Vec<Vec<(f64, f64)>> = Vec::new();
        let mut previous: Option<u64> = None;
        for (second, latencies) in &per_second {
            if previous.is_none_or(|p| p + 1 != *second) {
                runs.push(Vec::new());
            }
            previous = Some(*second);
            runs.last_mut()
                .expect("a run")
                .push((*second as f64 + 0.5, pct(latencies, p)));
        }
        for (i, run) in runs.into_iter().enumerate() {
            let series = chart.draw_series(LineSeries::new(run, color.stroke_width(2)))?;
            if i == 0 {
                series.label(name).legend(move |(x, y)| {
                    PathElement::new([(x, y), (x + 20, y)], color.stroke_width(2))
                });
            }
        }
    }
    legend(&mut chart, SeriesLabelPosition::UpperRight)?;

    let x_max = sorted.last().copied().unwrap_or(1.0).max(1.0) * 1.05;
    let mut cdf = ChartBuilder::on(&right)
        .margin(14)
        .x_label_area_size(42)
        .y_label_area_size(56)
        .caption("latency CDF", (FAMILY, 16))
        .build_cartesian_2d(0f64..x_max, 0f64..1.0)?;
    cdf.configure_mesh()
        .x_labels(5)
        .x_desc("latency (ms)")
        .y_desc("fraction of committed txs")
        .x_label_formatter(&|v| format!("{v:.0}"))
        .y_label_formatter(&|v| format!("{v:.1}"))
        .label_style((FAMILY, 13))
        .axis_desc_style((FAMILY, 15))
        .light_line_style(WHITE.mix(0.0))
        .draw()?;
    let n = sorted.len() as f64;
    cdf.draw_series(LineSeries::new(
        std::iter::once((0.0, 0.0)).chain(
            sorted
                .iter()
                .enumerate()
                .map(|(i, &l)| (l, (i + 1) as f64 / n)),
        ),
        BLUE.stroke_width(2),
    ))?;
    if sorted.is_empty() {
        cdf.draw_series(std::iter::once(Text::new(
            "no committed transactions",
            (x_max * 0.1, 0.5),
            (FAMILY, 15),
        )))?;
    }
    root.present()?;
    Ok(())
}

/// Draws each proof's commit-to-proof latency at the time it was stored, and beside it
/// the committed and the proved height over time (the gap between them is the backlog).
pub fn proof_latency_png(
    path: &Path,
    title: &str,
    metrics: &Metrics,
    windows: &[FaultWindow],
    end_s: f64,
) -> std::io::Result<()> {
    proof_latency(path, title, metrics, windows, end_s).map_err(to_io)
}

fn proof_latency(
    path: &Path,
    title: &str,
    metrics: &Metrics,
    windows: &[FaultWindow],
    end_s: f64,
) -> Result<()> {
    let root = canvas(path, 1300, title)?;
    let (left, right) = root.split_horizontally(650);

    let points: Vec<(f64, f64)> = metrics
        .proofs
        .iter()
        .filter_map(|p| Some((p.proved_us as f64 / 1e6, p.latency_ms()? / 1e3)))
        .collect();
    let y_max = points.iter().map(|p| p.1).fold(1.0, f64::max) * 1.25;
    let axes = ("proof stored at (s)", "commit-to-proof latency (s)");
    let mut chart = time_chart(&left, axes, 1, windows, end_s, y_max)?;
    chart.draw_series(LineSeries::new(points.iter().copied(), BLUE.mix(0.4).stroke_width(1)))?;
    chart.draw_series(points.iter().map(|&p| Circle::new(p, 3, BLUE.filled())))?;
    if points.is_empty() {
        chart.draw_series(std::iter::once(Text::new("no proof stored", (end_s * 0.1, y_max * 0.5), (FAMILY, 15))))?;
    }

    // Heights over time: committed from the blocks, proved from the proofs in store order.
    let committed: Vec<(f64, f64)> = metrics.blocks.iter().map(|b| (b.first_commit_us as f64 / 1e6, b.height as f64)).collect();
    let mut proved = Vec::new();
    let mut stored = std::collections::BTreeMap::new();
    for p in &metrics.proofs {
        stored.insert(p.first, p.last);
        let (mut next, mut top) = (stored.keys().next().copied().unwrap_or(0), 0);
        while let Some(&last) = stored.get(&next) {
            top = last;
            next = last + 1;
        }
        proved.push((p.proved_us as f64 / 1e6, top as f64));
    }
    let h_max = committed.iter().map(|c| c.1).fold(1.0, f64::max) * 1.1;
    let axes = ("simulated time (s)", "block height");
    let mut heights = time_chart(&right, axes, 0, windows, end_s, h_max)?;
    let grey = RGBColor(130, 130, 130);
    heights
        .draw_series(LineSeries::new(committed, grey.stroke_width(2)))?
        .label("committed height")
        .legend(move |(x, y)| PathElement::new([(x, y), (x + 20, y)], grey.stroke_width(2)));
    // A step line: the proved height holds until the next proof lands.
    let steps: Vec<(f64, f64)> = proved
        .iter()
        .enumerate()
        .flat_map(|(i, &(t, h))| {
            let until = proved.get(i + 1).map_or(end_s, |n| n.0);
            [(t, h), (until, h)]
        })
        .collect();
    heights
        .draw_series(LineSeries::new(steps, BLUE.stroke_width(2)))?
        .label("proved height")
        .legend(|(x, y)| PathElement::new([(x, y), (x + 20, y)], BLUE.stroke_width(2)));
    legend(&mut heights, SeriesLabelPosition::UpperLeft)?;
    root.present()?;
    Ok(())
}
