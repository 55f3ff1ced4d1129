//! The customers overview page: the best customers, who bought again, and two monthly bar
//! charts drawn as inline SVG on the server (no script; colours come from CSS classes because
//! the CSP forbids inline styles). The bar geometry is computed here so the template only loops.

use std::fmt::Write as _;

use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::Utc;
use icu_calendar::{Date, Gregorian};
use icu_datetime::FixedCalendarDateTimeFormatter;
use icu_datetime::fieldsets::M;
use icu_locale::locale;

use crate::auth::Authorized;
use crate::auth::extract::ViewCustomers;
use crate::domain::overview::{self, Overview, YearMonth};
use crate::error::AppError;
use crate::i18n::{Lang, format};
use crate::state::AppState;
use crate::web::page::{Area, Ui, ok};

#[derive(Template)]
#[template(path = "admin/customers/overview.html")]
struct OverviewPage {
    ui: Ui,
    o: Overview,
    /// The returning share already formatted for the language; `None` while nobody ordered.
    share: Option<String>,
    created: Chart,
    buyers: Chart,
}

pub async fn show(
    auth: Authorized<ViewCustomers>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let pool = state.pool.clone();
    let o = web::block(move || -> Result<Overview, AppError> {
        let mut conn = pool.get()?;
        Ok(overview::overview(&mut conn, Utc::now().naive_utc())?)
    })
    .await??;
    let ui = Ui::staff(&auth, Area::Customers, "/customers/overview");
    let months = MonthLabels::new(ui.lang);
    let created = Chart::build(
        &months,
        o.created_by_month
            .iter()
            .map(|m| (m.month, vec![("bar", m.created)])),
    );
    let buyers = Chart::build(
        &months,
        o.buyers_by_month.iter().map(|m| {
            (
                m.month,
                vec![("bar bar-new", m.new), ("bar bar-returning", m.returning)],
            )
        }),
    );
    let share = o
        .returning_share_tenths()
        .map(|t| format_percent_tenths(t, ui.lang));
    ok(&OverviewPage {
        ui,
        o,
        share,
        created,
        buyers,
    })
}

/// A percentage given in tenths (375 → 37.5) written as CLDR's percent pattern for the
/// language, with at most one fraction digit (a trailing zero is dropped, as a percent
/// formatter with `maximumFractionDigits = 1` does): es `#,##0 %` → `37,5 %` (U+00A0 before
/// the sign), pl `#,##0%` → `37,5%`, en `#,##0%` → `37.5%`. Built from integers, no floats.
pub fn format_percent_tenths(tenths: i64, lang: Lang) -> String {
    let sign = if tenths < 0 { "-" } else { "" };
    let abs = tenths.unsigned_abs();
    let whole = i64::try_from(abs / 10).unwrap_or(i64::MAX);
    let mut out = format!("{sign}{}", format::format_integer(whole, lang));
    if !abs.is_multiple_of(10) {
        let decimal = match lang {
            Lang::Es | Lang::Pl => ',',
            Lang::En => '.',
        };
        let _ = write!(out, "{decimal}{}", abs % 10);
    }
    out.push_str(match lang {
        Lang::Es => "\u{a0}%",
        Lang::Pl | Lang::En => "%",
    });
    out
}

/// Month names for the charts: the long form (`noviembre de 2026`) for titles and tables, and
/// CLDR's abbreviated stand-alone month (`nov`, `lis`, `Nov`) under the bars.
pub(crate) struct MonthLabels {
    lang: Lang,
    short: Option<FixedCalendarDateTimeFormatter<Gregorian, M>>,
}

impl MonthLabels {
    pub(crate) fn new(lang: Lang) -> MonthLabels {
        let loc = match lang {
            Lang::Es => locale!("es"),
            Lang::Pl => locale!("pl"),
            Lang::En => locale!("en"),
        };
        MonthLabels {
            lang,
            short: FixedCalendarDateTimeFormatter::try_new((&loc).into(), M::medium()).ok(),
        }
    }

    fn long(&self, m: YearMonth) -> String {
        format::format_month(m.year, m.month, self.lang)
    }

    /// Falls back to the month number if ICU cannot format it.
    fn short(&self, m: YearMonth) -> String {
        let date = u8::try_from(m.month)
            .ok()
            .and_then(|month| Date::try_new_gregorian(m.year, month, 1).ok());
        match (&self.short, date) {
            (Some(f), Some(d)) => f.format(&d).to_string(),
            _ => format!("{:02}", m.month),
        }
    }
}

/// The drawing area, in SVG user units (the SVG scales to the card's width).
const WIDTH: i64 = 720;
const HEIGHT: i64 = 240;
/// Room for the value axis labels on the left.
const LEFT: i64 = 44;
const RIGHT: i64 = 4;
const TOP: i64 = 12;
/// Room for two lines of month labels (month, then the year under January and the first bar).
const BOTTOM: i64 = 44;
const BASELINE: i64 = HEIGHT - BOTTOM;
const PLOT_HEIGHT: i64 = BASELINE - TOP;
/// Share of a month's slot the bar takes, in percent.
const BAR_SHARE: i64 = 60;

/// A bar chart with one column per month; a column stacks one or more segments.
#[derive(Debug, Clone)]
pub struct Chart {
    pub width: i64,
    pub height: i64,
    /// x of the plot's left and right edges.
    pub left: i64,
    pub right: i64,
    /// y of the zero line.
    pub baseline: i64,
    /// y of the first and second line of month labels.
    pub label_y: i64,
    pub year_y: i64,
    /// x of the value labels (right-aligned against the plot).
    pub tick_x: i64,
    pub ticks: Vec<Tick>,
    pub columns: Vec<Column>,
    /// Sum of every value; zero means there is nothing to draw.
    pub total: i64,
}

/// A gridline of the value axis.
#[derive(Debug, Clone)]
pub struct Tick {
    pub y: i64,
    pub value: i64,
}

/// One month.
#[derive(Debug, Clone)]
pub struct Column {
    /// `YYYY-MM`
    pub key: String,
    /// The long month name with its year, e.g. `noviembre de 2026`.
    pub label: String,
    /// The abbreviated month name under the bar, e.g. `nov`.
    pub short: String,
    /// The year under the first bar and under each January.
    pub year: Option<i32>,
    /// The bar's left edge and width, and the centre of the slot (for the labels).
    pub x: i64,
    pub width: i64,
    pub center: i64,
    /// Bottom to top.
    pub segments: Vec<Segment>,
    pub total: i64,
}

/// A rectangle of a bar; zero-height for a zero value.
#[derive(Debug, Clone)]
pub struct Segment {
    pub class: &'static str,
    pub y: i64,
    pub height: i64,
    pub value: i64,
}

impl Column {
    /// The value of the segment drawn with `class` (zero if there is none).
    pub fn value(&self, class: &str) -> i64 {
        self.segments
            .iter()
            .find(|s| s.class == class)
            .map_or(0, |s| s.value)
    }
}

impl Chart {
    /// Lays out one column per month; each month brings its segments as (CSS class, value),
    /// bottom first. Negative values are drawn as zero.
    pub(crate) fn build(
        labels: &MonthLabels,
        months: impl Iterator<Item = (YearMonth, Vec<(&'static str, i64)>)>,
    ) -> Chart {
        let months: Vec<(YearMonth, Vec<(&'static str, i64)>)> = months.collect();
        let column_total =
            |segments: &[(&str, i64)]| -> i64 { segments.iter().map(|(_, v)| (*v).max(0)).sum() };
        let max = months
            .iter()
            .map(|(_, s)| column_total(s))
            .max()
            .unwrap_or(0);
        let (axis_max, step) = nice_axis(max);
        let count = i64::try_from(months.len()).unwrap_or(1).max(1);
        let slot = (WIDTH - LEFT - RIGHT) / count;
        let bar = slot * BAR_SHARE / 100;
        let columns = months
            .iter()
            .enumerate()
            .map(|(i, (month, segments))| {
                let i = i64::try_from(i).unwrap_or(0);
                let total = column_total(segments);
                let mut below = 0;
                let mut top = BASELINE;
                let segments = segments
                    .iter()
                    .map(|&(class, value)| {
                        let value = value.max(0);
                        below += value;
                        let mut y = BASELINE - scale(below, axis_max);
                        if value > 0 {
                            // A non-zero value stays visible however small against the axis.
                            y = y.min(top - 1);
                        }
                        let segment = Segment {
                            class,
                            y,
                            height: top - y,
                            value,
                        };
                        top = y;
                        segment
                    })
                    .collect();
                let slot_left = LEFT + i * slot;
                Column {
                    key: month.key(),
                    label: labels.long(*month),
                    short: labels.short(*month),
                    year: (i == 0 || month.month == 1).then_some(month.year),
                    x: slot_left + (slot - bar) / 2,
                    width: bar,
                    center: slot_left + slot / 2,
                    segments,
                    total,
                }
            })
            .collect::<Vec<_>>();
        let ticks = (0..=axis_max / step)
            .map(|k| Tick {
                y: BASELINE - scale(k * step, axis_max),
                value: k * step,
            })
            .collect();
        Chart {
            width: WIDTH,
            height: HEIGHT,
            left: LEFT,
            right: WIDTH - RIGHT,
            baseline: BASELINE,
            label_y: BASELINE + 16,
            year_y: BASELINE + 32,
            tick_x: LEFT - 6,
            ticks,
            total: columns.iter().map(|c| c.total).sum(),
            columns,
        }
    }
}

/// The height of `value` on an axis topped at `axis_max` (> 0), rounded to the nearest unit.
fn scale(value: i64, axis_max: i64) -> i64 {
    let (v, max) = (i128::from(value), i128::from(axis_max.max(1)));
    let h = (v * i128::from(PLOT_HEIGHT) + max / 2) / max;
    i64::try_from(h.min(i128::from(PLOT_HEIGHT))).unwrap_or(PLOT_HEIGHT)
}

/// A value axis for data up to `max`: a round step (1, 2 or 5 times a power of ten) giving at
/// most four gridlines above zero, and the top of the axis, a multiple of the step.
fn nice_axis(max: i64) -> (i64, i64) {
    if max <= 0 {
        return (1, 1);
    }
    let raw = (max + 3) / 4;
    let mut magnitude: i64 = 1;
    while magnitude <= raw / 10 {
        magnitude *= 10;
    }
    let step = [1, 2, 5, 10]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(10 * magnitude);
    let top = (max + step - 1) / step * step;
    (top, step)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_follow_cldr_for_each_language() {
        assert_eq!(format_percent_tenths(375, Lang::Es), "37,5\u{a0}%");
        assert_eq!(format_percent_tenths(375, Lang::Pl), "37,5%");
        assert_eq!(format_percent_tenths(375, Lang::En), "37.5%");
        assert_eq!(format_percent_tenths(1000, Lang::Es), "100\u{a0}%");
        assert_eq!(format_percent_tenths(1000, Lang::En), "100%");
        assert_eq!(format_percent_tenths(0, Lang::Pl), "0%");
        assert_eq!(format_percent_tenths(5, Lang::En), "0.5%");
        assert_eq!(format_percent_tenths(-25, Lang::En), "-2.5%");
    }

    #[test]
    fn axes_use_round_steps_with_at_most_four_gridlines() {
        assert_eq!(nice_axis(0), (1, 1));
        assert_eq!(nice_axis(1), (1, 1));
        assert_eq!(nice_axis(3), (3, 1));
        assert_eq!(nice_axis(7), (8, 2));
        assert_eq!(nice_axis(37), (40, 10));
        assert_eq!(nice_axis(1234), (1500, 500));
        for max in 1..2000 {
            let (top, step) = nice_axis(max);
            assert!(top >= max && top / step <= 4 && top % step == 0, "{max}");
        }
    }

    #[test]
    fn bars_stack_from_the_baseline_and_empty_months_are_flat() {
        let labels = MonthLabels::new(Lang::En);
        let nov = YearMonth {
            year: 2026,
            month: 11,
        };
        let chart = Chart::build(
            &labels,
            [
                (nov, vec![("bar bar-new", 2), ("bar bar-returning", 1)]),
                (
                    nov.next(),
                    vec![("bar bar-new", 0), ("bar bar-returning", 0)],
                ),
            ]
            .into_iter(),
        );
        assert_eq!(chart.total, 3);
        let full = &chart.columns[0];
        assert_eq!(full.key, "2026-11");
        assert_eq!(full.label, "November 2026");
        assert_eq!(full.short, "Nov");
        assert_eq!(full.year, Some(2026));
        let (new, returning) = (&full.segments[0], &full.segments[1]);
        assert_eq!(new.y + new.height, BASELINE);
        assert_eq!(returning.y + returning.height, new.y);
        assert_eq!(
            returning.y, TOP,
            "the tallest bar reaches the top of the axis"
        );
        assert_eq!(full.value("bar bar-returning"), 1);
        let empty = &chart.columns[1];
        assert_eq!(empty.year, None, "December shows no year");
        assert!(empty.segments.iter().all(|s| s.height == 0));
        assert!(chart.columns[1].x > full.x + full.width);
    }

    #[test]
    fn a_tiny_value_next_to_a_huge_one_still_shows() {
        let labels = MonthLabels::new(Lang::Es);
        let m = YearMonth {
            year: 2026,
            month: 1,
        };
        let chart = Chart::build(
            &labels,
            [(m, vec![("bar", 1)]), (m.next(), vec![("bar", 1_000_000)])].into_iter(),
        );
        assert_eq!(chart.columns[0].segments[0].height, 1);
        assert_eq!(chart.columns[0].short, "ene");
        assert_eq!(chart.columns[0].label, "enero de 2026");
    }
}
