//! The customers overview ("find the best customer and who bought again"): the top spenders,
//! the share of customers who ordered more than once, and for each of the last twelve months
//! the customers created and the new and returning buyers.
//!
//! Definitions, shared with the customer list: an order of any status counts as placed (the
//! order count and first order on the customer row do the same); the amount spent is in the
//! store currency with cancelled orders left out. A buyer is *new* in the month of their first
//! order and *returning* in a later month in which they order again.

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use diesel::QueryResult;

use crate::db::DbConn;
use crate::db::overview::{self as q, TopCustomer};

/// How many months the monthly figures cover, the current one included.
pub const MONTHS: u32 = 12;

/// How many customers the top spenders list shows.
pub const TOP: i64 = 10;

/// A calendar month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct YearMonth {
    pub year: i32,
    /// 1..=12
    pub month: u32,
}

impl YearMonth {
    pub fn of(ts: NaiveDateTime) -> YearMonth {
        YearMonth {
            year: ts.year(),
            month: ts.month(),
        }
    }

    /// `YYYY-MM`, as the queries group by.
    pub fn key(self) -> String {
        format!("{:04}-{:02}", self.year, self.month)
    }

    /// The month before.
    pub fn prev(self) -> YearMonth {
        if self.month == 1 {
            YearMonth {
                year: self.year - 1,
                month: 12,
            }
        } else {
            YearMonth {
                year: self.year,
                month: self.month - 1,
            }
        }
    }

    /// The month after.
    pub fn next(self) -> YearMonth {
        if self.month == 12 {
            YearMonth {
                year: self.year + 1,
                month: 1,
            }
        } else {
            YearMonth {
                year: self.year,
                month: self.month + 1,
            }
        }
    }

    /// Midnight of the month's first day (chrono's own range bounds the years we meet).
    pub fn start(self) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(self.year, self.month, 1)
            .unwrap_or_default()
            .and_hms_opt(0, 0, 0)
            .unwrap_or_default()
    }
}

/// The last `MONTHS` months up to and including the month of `now`, oldest first.
pub fn last_months(now: NaiveDateTime) -> Vec<YearMonth> {
    let mut months = Vec::with_capacity(MONTHS as usize);
    let mut m = YearMonth::of(now);
    for _ in 0..MONTHS {
        months.push(m);
        m = m.prev();
    }
    months.reverse();
    months
}

/// Buyers of one month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonthBuyers {
    pub month: YearMonth,
    pub new: i64,
    pub returning: i64,
}

/// Customers created in one month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonthCreated {
    pub month: YearMonth,
    pub created: i64,
}

#[derive(Debug, Clone)]
pub struct Overview {
    /// The store currency the amounts spent are in.
    pub currency: String,
    /// Every customer, anonymized ones included.
    pub customers: i64,
    /// Customers with at least one order.
    pub buyers: i64,
    /// Customers with at least two orders.
    pub returning: i64,
    /// The top spenders, most first; anonymized customers left out.
    pub top: Vec<TopCustomer>,
    /// One entry per month of the last `MONTHS`, oldest first, zero for months without any.
    pub buyers_by_month: Vec<MonthBuyers>,
    /// One entry per month of the last `MONTHS`, oldest first, zero for months without any.
    pub created_by_month: Vec<MonthCreated>,
}

impl Overview {
    /// Returning customers as a share of the customers with an order, in tenths of a percent
    /// (375 is 37.5 %), rounded half up; `None` while nobody has ordered.
    pub fn returning_share_tenths(&self) -> Option<i64> {
        share_tenths(self.returning, self.buyers)
    }

    /// Customers created over the whole period.
    pub fn created_total(&self) -> i64 {
        self.created_by_month.iter().map(|m| m.created).sum()
    }
}

/// `part / whole` in tenths of a percent, rounded half up, in integers; `None` for an empty
/// whole.
pub fn share_tenths(part: i64, whole: i64) -> Option<i64> {
    if whole <= 0 {
        return None;
    }
    let (part, whole) = (i128::from(part.max(0)), i128::from(whole));
    i64::try_from((part * 1000 + whole / 2) / whole).ok()
}

/// Reads the overview; `now` decides which months are the last twelve.
pub fn overview(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<Overview> {
    let months = last_months(now);
    let (from, to) = match (months.first(), months.last()) {
        (Some(first), Some(last)) => (first.start(), last.next().start()),
        _ => (now, now),
    };
    let created = q::customers_created_by_month(conn, from, to)?;
    let buyers = q::buyers_by_month(conn, from, to)?;
    let count_in = |key: &str| {
        created
            .iter()
            .find(|c| c.month == key)
            .map_or(0, |c| c.count)
    };
    let created_by_month = months
        .iter()
        .map(|&month| MonthCreated {
            month,
            created: count_in(&month.key()),
        })
        .collect();
    let buyers_by_month = months
        .iter()
        .map(|&month| {
            let key = month.key();
            let row = buyers.iter().find(|b| b.month == key);
            MonthBuyers {
                month,
                new: row.map_or(0, |b| b.new_buyers),
                returning: row.map_or(0, |b| b.returning_buyers),
            }
        })
        .collect();
    Ok(Overview {
        currency: crate::domain::settings::store_currency(conn)?,
        customers: crate::db::store::customer_count(conn)?,
        buyers: q::customers_with_orders(conn, 1)?,
        returning: q::customers_with_orders(conn, 2)?,
        top: q::top_spenders(conn, TOP)?,
        buyers_by_month,
        created_by_month,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(y: i32, m: u32, d: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .and_then(|d| d.and_hms_opt(12, 0, 0))
            .unwrap_or_default()
    }

    #[test]
    fn the_last_twelve_months_end_with_the_current_one_and_cross_the_year() {
        let months: Vec<String> = last_months(at(2026, 3, 15))
            .into_iter()
            .map(YearMonth::key)
            .collect();
        assert_eq!(months.len(), 12);
        assert_eq!(months.first().map(String::as_str), Some("2025-04"));
        assert_eq!(months.last().map(String::as_str), Some("2026-03"));
        assert!(months.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn a_month_starts_at_midnight_of_its_first_day() {
        let dec = YearMonth {
            year: 2026,
            month: 12,
        };
        assert_eq!(
            dec.next().start(),
            at(2027, 1, 1) - chrono::Duration::hours(12)
        );
        assert_eq!(
            dec.next().prev().key(),
            "2026-12",
            "prev undoes next across the year"
        );
    }

    #[test]
    fn shares_round_half_up_in_tenths_and_never_divide_by_zero() {
        assert_eq!(share_tenths(3, 8), Some(375));
        assert_eq!(share_tenths(1, 3), Some(333));
        assert_eq!(share_tenths(2, 3), Some(667));
        assert_eq!(share_tenths(1, 2000), Some(1)); // 0.05 % rounds up
        assert_eq!(share_tenths(5, 5), Some(1000));
        assert_eq!(share_tenths(0, 7), Some(0));
        assert_eq!(share_tenths(0, 0), None);
        assert_eq!(share_tenths(i64::MAX, i64::MAX), Some(1000));
    }
}
