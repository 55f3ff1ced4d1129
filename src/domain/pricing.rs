//! The one pricing rule of the product: what a customer pays for a product and a quantity.
//! The customer card, orders placed in the panel and the storefront all call [`quote`].
//!
//! The rule, in its order of application (the customer card states it in these words):
//! 1. the product's list price;
//! 2. the customer's group price for the product, when the group has one, replaces it;
//! 3. otherwise the group's default discount (a percentage) comes off the list price — a
//!    group price is already the group's deal, so the two never add up;
//! 4. the customer's personal discount comes off what steps 1–3 left: a percentage of it, or
//!    an amount off each unit;
//! 5. the unit price never goes below zero; the line is the unit price times the quantity.
//!
//! Rounding: each percentage is worked out on the unit price in minor units and rounded to
//! the minor unit, halves up (12.5 % of 1.00 is 0.13); amounts need no rounding. Lines are
//! unit × quantity, so a line never carries a fraction of a cent.

use diesel::QueryResult;

use crate::db::DbConn;
use crate::db::groups::{self as q, GroupRow};
use crate::domain::types::Percent;

/// A personal discount as stored on the customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PersonalDiscount {
    #[default]
    None,
    /// Minor units off each unit.
    Amount(i64),
    Percent(Percent),
}

impl PersonalDiscount {
    /// From the customer row's `discount_kind` and `discount_value`.
    pub fn from_row(kind: Option<&str>, value: i64) -> PersonalDiscount {
        match kind {
            Some("amount") if value > 0 => PersonalDiscount::Amount(value),
            Some("percent") if value > 0 => PersonalDiscount::Percent(Percent(value)),
            _ => PersonalDiscount::None,
        }
    }

    /// The row's (`discount_kind`, `discount_value`).
    pub fn to_row(self) -> (Option<&'static str>, i64) {
        match self {
            PersonalDiscount::None => (None, 0),
            PersonalDiscount::Amount(v) => (Some("amount"), v),
            PersonalDiscount::Percent(p) => (Some("percent"), p.0),
        }
    }
}

/// The group terms that apply to one product.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct GroupTerms {
    /// The group's own price for the product, if it has one.
    pub price_cents: Option<i64>,
    /// The group's default discount.
    pub discount: Percent,
}

/// How a price was reached, per unit, in the product's currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Breakdown {
    pub list_cents: i64,
    /// The group price that replaced the list price (step 2).
    pub group_price_cents: Option<i64>,
    /// Taken off by the group's default discount (step 3).
    pub group_discount_cents: i64,
    /// Taken off by the personal discount (step 4).
    pub personal_discount_cents: i64,
    pub unit_cents: i64,
    pub quantity: i64,
    pub line_cents: i64,
}

/// The pure rule (see the module documentation). `None` only when the line would not fit in
/// 64 bits, which validated quantities and prices never reach.
pub fn price(
    list_cents: i64,
    group: Option<GroupTerms>,
    personal: PersonalDiscount,
    quantity: i64,
) -> Option<Breakdown> {
    let list = list_cents.max(0);
    let group = group.unwrap_or_default();
    let (base, group_discount) = match group.price_cents {
        Some(p) => (p.max(0), 0),
        None => (list, group.discount.of(list)),
    };
    let after_group = base - group_discount;
    let personal_off = match personal {
        PersonalDiscount::None => 0,
        PersonalDiscount::Amount(a) => a.clamp(0, after_group),
        PersonalDiscount::Percent(p) => p.of(after_group),
    };
    let unit = after_group - personal_off;
    Some(Breakdown {
        list_cents: list,
        group_price_cents: group.price_cents,
        group_discount_cents: group_discount,
        personal_discount_cents: personal_off,
        unit_cents: unit,
        quantity,
        line_cents: unit.checked_mul(quantity)?,
    })
}

/// A priced line for one customer.
#[derive(Debug, Clone)]
pub struct Quote {
    pub product: q::ProductRow,
    pub group: Option<GroupRow>,
    pub personal: PersonalDiscount,
    pub breakdown: Breakdown,
}

#[derive(Debug, thiserror::Error)]
pub enum QuoteError {
    #[error("no such customer")]
    NoCustomer,
    #[error("no such product")]
    NoProduct,
    #[error("line too large")]
    TooLarge,
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

/// The customer's terms, read once for several lines (the default: a guest's, list prices).
#[derive(Debug, Clone, Default)]
pub struct CustomerTerms {
    pub group: Option<GroupRow>,
    pub personal: PersonalDiscount,
}

pub fn terms_of(conn: &mut DbConn, customer_id: i64) -> Result<CustomerTerms, QuoteError> {
    let c = crate::db::customers::CustomerRow::find(conn, customer_id)?
        .ok_or(QuoteError::NoCustomer)?;
    let group = match c.group_id {
        Some(g) => GroupRow::find(conn, g)?,
        None => None,
    };
    Ok(CustomerTerms {
        group,
        personal: PersonalDiscount::from_row(c.discount_kind.as_deref(), c.discount_value),
    })
}

/// What the customer with `terms` pays for `quantity` of a product.
pub fn quote_with(
    conn: &mut DbConn,
    terms: &CustomerTerms,
    product_id: i64,
    quantity: i64,
) -> Result<Quote, QuoteError> {
    let product = q::product(conn, product_id)?.ok_or(QuoteError::NoProduct)?;
    let group_terms = match &terms.group {
        Some(g) => Some(GroupTerms {
            price_cents: q::price(conn, g.id, product.id)?,
            discount: Percent(g.discount_bp),
        }),
        None => None,
    };
    let breakdown = price(product.price_cents, group_terms, terms.personal, quantity)
        .ok_or(QuoteError::TooLarge)?;
    Ok(Quote {
        product,
        group: terms.group.clone(),
        personal: terms.personal,
        breakdown,
    })
}

/// What a customer pays for `quantity` of a product, with how it was computed.
pub fn quote(
    conn: &mut DbConn,
    customer_id: i64,
    product_id: i64,
    quantity: i64,
) -> Result<Quote, QuoteError> {
    let terms = terms_of(conn, customer_id)?;
    quote_with(conn, &terms, product_id, quantity)
}

/// The product the customer card prices as an example: the one asked for, else the first
/// active product.
pub fn sample_product(conn: &mut DbConn, asked: Option<i64>) -> QueryResult<Option<i64>> {
    if let Some(id) = asked
        && q::product(conn, id)?.is_some()
    {
        return Ok(Some(id));
    }
    Ok(crate::db::loyalty::active_products(conn)?
        .first()
        .map(|p| p.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(list: i64, group: Option<GroupTerms>, personal: PersonalDiscount) -> i64 {
        price(list, group, personal, 1)
            .map(|b| b.unit_cents)
            .unwrap_or(-1)
    }

    #[test]
    fn a_group_price_replaces_the_list_price_and_the_group_discount_is_not_added() {
        let g = GroupTerms {
            price_cents: Some(800),
            discount: Percent(1000),
        };
        let b = price(1000, Some(g), PersonalDiscount::None, 3).unwrap();
        assert_eq!(b.group_discount_cents, 0);
        assert_eq!(b.unit_cents, 800);
        assert_eq!(b.line_cents, 2400);
    }

    #[test]
    fn the_personal_discount_comes_off_what_the_group_left() {
        let g = GroupTerms {
            price_cents: None,
            discount: Percent(1000),
        };
        // 10.00 − 10 % = 9.00, − 5 % = 8.55.
        assert_eq!(
            unit(1000, Some(g), PersonalDiscount::Percent(Percent(500))),
            855
        );
        // 9.00 − 2.50 off each unit = 6.50.
        assert_eq!(unit(1000, Some(g), PersonalDiscount::Amount(250)), 650);
    }

    #[test]
    fn an_amount_larger_than_the_price_leaves_it_at_zero() {
        let b = price(500, None, PersonalDiscount::Amount(700), 2).unwrap();
        assert_eq!(b.personal_discount_cents, 500);
        assert_eq!(b.unit_cents, 0);
        assert_eq!(b.line_cents, 0);
    }

    #[test]
    fn percentages_round_per_unit_halves_up() {
        // 12.5 % of 0.99 = 12.375 cents → 12; unit 0.87, three units 2.61.
        let b = price(99, None, PersonalDiscount::Percent(Percent(1250)), 3).unwrap();
        assert_eq!(b.personal_discount_cents, 12);
        assert_eq!(b.line_cents, 261);
        // 50 % of 0.01 = 0.5 cents → 1 (halves up): unit 0.
        assert_eq!(unit(1, None, PersonalDiscount::Percent(Percent(5000))), 0);
    }
}
