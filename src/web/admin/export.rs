//! CSV export of the customer list's current view, streamed in pages so a million rows never
//! sit in memory. Cells that a spreadsheet would run as a formula are neutralised.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use futures_util::stream;
use serde::Deserialize;

use crate::auth::Authorized;
use crate::auth::extract::ViewCustomers;
use crate::db::customer_list::{self, ListRow, Position};
use crate::domain::customer_query::{ListQuery, list_state};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::state::AppState;

const BATCH: i64 = 1000;

#[derive(Debug, Deserialize)]
pub struct ExportQuery {
    #[serde(flatten)]
    list: ListQuery,
    /// `semicolon` for Spanish and Polish Excel (which also read a decimal comma).
    sep: Option<String>,
}

/// A cell a spreadsheet would evaluate (`=`, `+`, `-`, `@`, tab, carriage return first) gets a
/// leading apostrophe, so it is shown as text.
pub fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

fn amount(cents: i64, decimal_comma: bool) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    let sep = if decimal_comma { ',' } else { '.' };
    format!("{sign}{}{sep}{:02}", abs / 100, abs % 100)
}

fn header_row(lang: Lang) -> Vec<String> {
    [
        "csv-id",
        "col-name",
        "field-email",
        "field-phone",
        "field-type",
        "field-city",
        "filter-country",
        "col-orders",
        "col-spent",
        "csv-currency",
        "col-last-order",
        "col-status",
        "col-payment",
        "col-created",
    ]
    .iter()
    .map(|k| lang.t(k))
    .collect()
}

fn row(r: &ListRow, lang: Lang, currency: &str, decimal_comma: bool) -> Vec<String> {
    let anonymized = r.anonymized_at.is_some();
    vec![
        r.id.to_string(),
        if anonymized {
            lang.t("customer-anonymized")
        } else {
            r.full_name.clone()
        },
        r.email.clone().unwrap_or_default(),
        r.phone.clone().unwrap_or_default(),
        lang.t(if r.registered {
            "customer-registered"
        } else {
            "customer-guest"
        }),
        r.city.clone().unwrap_or_default(),
        r.country.clone().unwrap_or_default(),
        r.order_count.to_string(),
        amount(r.spent_cents, decimal_comma),
        currency.to_owned(),
        r.last_order_at
            .map(|t| t.format("%Y-%m-%d").to_string())
            .unwrap_or_default(),
        r.last_order_status
            .as_deref()
            .map(|s| lang.t(&format!("order-status-{s}")))
            .unwrap_or_default(),
        r.last_payment_method
            .as_deref()
            .map(|p| lang.t(&format!("payment-{p}")))
            .unwrap_or_default(),
        r.created_at.format("%Y-%m-%d").to_string(),
    ]
}

pub(crate) fn encode(rows: &[Vec<String>], delimiter: u8) -> Result<web::Bytes, AppError> {
    let mut w = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .from_writer(Vec::new());
    for r in rows {
        w.write_record(r.iter().map(|c| neutralise(c).into_owned()))
            .map_err(|e| AppError::Internal(e.into()))?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("csv: {e}")))?;
    Ok(web::Bytes::from(bytes))
}

struct Cursor {
    position: Option<Position>,
    first: bool,
}

pub async fn export(
    auth: Authorized<ViewCustomers>,
    state: web::Data<AppState>,
    query: web::Query<ExportQuery>,
) -> Result<HttpResponse, AppError> {
    let q = query.into_inner();
    let semicolon = q.sep.as_deref() == Some("semicolon");
    let (delimiter, decimal_comma) = if semicolon {
        (b';', true)
    } else {
        (b',', false)
    };
    let st = list_state(&q.list);
    let lang = auth.lang;
    let pool = state.pool.clone();
    let currency = {
        let pool = pool.clone();
        web::block(move || -> Result<String, AppError> {
            let mut conn = pool.get()?;
            Ok(crate::domain::settings::store_currency(&mut conn)?)
        })
        .await??
    };
    let start = Cursor {
        position: Some(Position::First),
        first: true,
    };
    let body = stream::unfold(start, move |cur| {
        let (pool, filter, currency) = (pool.clone(), st.filter.clone(), currency.clone());
        let (sort, descending) = (st.sort, st.descending);
        async move {
            let position = cur.position?;
            let fetched = web::block(move || -> Result<_, AppError> {
                let mut conn = pool.get()?;
                Ok(customer_list::page(
                    &mut conn, &filter, sort, descending, &position, BATCH,
                )?)
            })
            .await;
            let (rows, more) = match fetched {
                Ok(Ok(v)) => v,
                Ok(Err(e)) => {
                    return Some((
                        Err(actix_web::Error::from(e)),
                        Cursor {
                            position: None,
                            first: false,
                        },
                    ));
                }
                Err(e) => {
                    return Some((
                        Err(actix_web::Error::from(AppError::from(e))),
                        Cursor {
                            position: None,
                            first: false,
                        },
                    ));
                }
            };
            let mut records = Vec::with_capacity(rows.len() + 1);
            if cur.first {
                records.push(header_row(lang));
            }
            records.extend(rows.iter().map(|r| row(r, lang, &currency, decimal_comma)));
            let next = match (more, rows.last()) {
                (true, Some(last)) => Some(Position::After(last.sort_value(sort), last.id)),
                _ => None,
            };
            let chunk = encode(&records, delimiter).map_err(actix_web::Error::from);
            Some((
                chunk,
                Cursor {
                    position: next,
                    first: false,
                },
            ))
        }
    });
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/csv; charset=utf-8"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"customers.csv\"",
        ))
        .streaming(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_looking_cells_are_neutralised_and_others_kept() {
        for (input, out) in [
            ("=1+1", "'=1+1"),
            ("+34 600", "'+34 600"),
            ("-2", "'-2"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("Ana", "Ana"),
            ("", ""),
        ] {
            assert_eq!(neutralise(input), out);
        }
    }

    #[test]
    fn amounts_use_the_separator_spreadsheets_expect() {
        assert_eq!(amount(123_456, false), "1234.56");
        assert_eq!(amount(123_456, true), "1234,56");
        assert_eq!(amount(5, true), "0,05");
    }
}
