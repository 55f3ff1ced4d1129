//! The storefront checkout (seeds 000 and 003): the cart priced by the one pricing rule,
//! the store credit the customer chooses to apply, and the order placed through the orders
//! domain — all in one write transaction, so a refused step leaves nothing behind.
//!
//! Invariants: a checkout either places one order (with its credit spend, if any) or changes
//! nothing; two checkouts of the same customer at once can never spend more credit than the
//! balance (the credit domain locks the account); guests never spend credit; in "required"
//! mode only a signed-in customer buys, and in "optional" mode an e-mail that has an account
//! must sign in to buy.

use chrono::Utc;

use crate::db::customers::AddressRow;
use crate::db::{DbConn, accounts as account_rows, write_tx};
use crate::domain::credit::{self, CreditError};
use crate::domain::customers::{self, AddressInput, Contact, CustomerError, FormErrors};
use crate::domain::orders::{self, OrderError};
use crate::domain::storefront::LoginMode;
use crate::domain::types::{Cents, Email, PersonName};
use crate::i18n::Lang;

/// The payment methods a shopper chooses from (no card processor: store credit covers the
/// rest or all of an order).
pub const PAYMENT_METHODS: [&str; 2] = ["bank_transfer", "cash_on_delivery"];

/// Who is buying.
#[derive(Debug, Clone)]
pub enum Buyer {
    /// A signed-in customer.
    Customer(i64),
    /// A guest, as typed on the checkout form.
    Guest { full_name: String, email: String },
}

/// A checkout as submitted.
#[derive(Debug, Clone)]
pub struct Request {
    pub mode: LoginMode,
    pub buyer: Buyer,
    pub lang: Lang,
    /// (product id, quantity) from the cart.
    pub cart: Vec<(i64, i64)>,
    pub address: AddressInput,
    pub payment_method: String,
    /// Store credit to apply, as typed (empty: none).
    pub credit: String,
    /// Loyalty points to pay with, as typed (empty: none).
    pub points: String,
    /// The form's one-time key: the order remembers it (a form sent twice places one
    /// order) and the credit spend uses it as its idempotency key.
    pub key: String,
}

#[derive(Debug, thiserror::Error)]
pub enum CheckoutError {
    #[error("invalid input")]
    Invalid(FormErrors),
    #[error("the cart is empty")]
    EmptyCart,
    /// This shopper must sign in first (required mode, or an e-mail with an account).
    #[error("sign-in required")]
    SignInRequired,
    #[error(transparent)]
    Credit(CreditError),
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
    /// A step of another domain failed in a way a shopper cannot fix.
    #[error("{0}")]
    Other(String),
}

impl From<CustomerError> for CheckoutError {
    fn from(e: CustomerError) -> Self {
        match e {
            CustomerError::Invalid(errors) => CheckoutError::Invalid(errors),
            CustomerError::Db(e) => CheckoutError::Db(e),
            other => CheckoutError::Other(other.to_string()),
        }
    }
}

impl From<OrderError> for CheckoutError {
    fn from(e: OrderError) -> Self {
        match e {
            OrderError::Invalid(errors) => CheckoutError::Invalid(errors),
            OrderError::Credit(c) => CheckoutError::Credit(c),
            OrderError::Db(e) => CheckoutError::Db(e),
            other => CheckoutError::Other(other.to_string()),
        }
    }
}

/// What a successful checkout placed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placed {
    pub order_id: i64,
    pub customer_id: i64,
    pub credit_cents: i64,
    pub total_cents: i64,
}

/// A guest's name and e-mail, checked.
fn guest_contact(
    full_name: &str,
    email: &str,
    errors: &mut FormErrors,
) -> Option<(String, String)> {
    let name = PersonName::parse(full_name)
        .map_err(|e| errors.push(("full_name", e)))
        .ok();
    let email = Email::parse(email)
        .map_err(|e| errors.push(("email", e)))
        .ok();
    Some((name?.as_str().to_owned(), email?.as_str().to_owned()))
}

/// Same street, postal code, city and country: the customer already has this address.
fn same_place(a: &AddressRow, b: &AddressInput) -> bool {
    a.line1.trim().eq_ignore_ascii_case(b.line1.trim())
        && a.postal_code
            .trim()
            .eq_ignore_ascii_case(b.postal_code.trim())
        && a.city.trim().eq_ignore_ascii_case(b.city.trim())
        && a.country.trim().eq_ignore_ascii_case(b.country.trim())
}

/// Places the order of a checkout. See the module documentation for the rules.
pub fn place(conn: &mut DbConn, req: &Request) -> Result<Placed, CheckoutError> {
    let key = req.key.trim();
    if key.is_empty() || key.len() > 64 {
        return Err(CheckoutError::Invalid(vec![(
            "cart",
            "checkout-error-form-expired",
        )]));
    }
    // A form sent again after its order was placed (the cart is empty by then) gets it back.
    if let Some(done) = replay(conn, req, key)? {
        return Ok(done);
    }
    if req.cart.is_empty() {
        return Err(CheckoutError::EmptyCart);
    }
    let mut errors = FormErrors::new();
    let guest = match (&req.buyer, req.mode) {
        (Buyer::Guest { .. }, LoginMode::Required) => return Err(CheckoutError::SignInRequired),
        (Buyer::Guest { full_name, email }, _) => guest_contact(full_name, email, &mut errors),
        (Buyer::Customer(_), LoginMode::Disabled) => return Err(CheckoutError::SignInRequired),
        (Buyer::Customer(_), _) => None,
    };
    let address = AddressInput {
        kind: "shipping".into(),
        ..req.address.clone()
    };
    errors.extend(customers::address_errors(&address));
    let method = PAYMENT_METHODS
        .into_iter()
        .find(|m| *m == req.payment_method.trim());
    if method.is_none() {
        errors.push(("payment_method", "error-payment-method"));
    }
    let credit_cents = match req.credit.trim() {
        "" => 0,
        typed => match credit::parse_amount(typed) {
            Ok(Cents(c)) => c,
            Err(e) => {
                errors.push(("credit", e));
                0
            }
        },
    };
    if credit_cents > 0 && matches!(req.buyer, Buyer::Guest { .. }) {
        errors.push(("credit", "checkout-error-credit-guest"));
    }
    let points = match req.points.trim() {
        "" | "0" => 0,
        typed => match crate::domain::loyalty::parse_points(typed) {
            Ok(p) if matches!(req.buyer, Buyer::Guest { .. }) => {
                errors.push(("points", "checkout-error-points-guest"));
                p
            }
            Ok(p) => p,
            Err(e) => {
                errors.push(("points", e));
                0
            }
        },
    };
    let point_value = if points > 0 {
        let v = crate::domain::loyalty::settings(conn)?.pays_at_checkout();
        if v.is_none() {
            errors.push(("points", "checkout-error-points-off"));
        }
        v.unwrap_or(0)
    } else {
        0
    };
    let Some(method) = method.filter(|_| errors.is_empty()) else {
        return Err(CheckoutError::Invalid(errors));
    };
    let now = Utc::now().naive_utc();
    let placed = write_tx(conn, |conn| {
        // A form sent again (a double click, a retry after a lost answer) gets its order back.
        if let Some(done) = replay(conn, req, key)? {
            return Ok(done);
        }
        let customer_id = match (&req.buyer, guest) {
            (Buyer::Customer(id), _) => *id,
            (_, Some((full_name, email))) => {
                if account_rows::find_by_email(conn, &email)?.is_some() {
                    // Optional mode: this e-mail has an account, so its owner signs in to pay.
                    return Err(CheckoutError::SignInRequired);
                }
                match account_rows::guest_by_email(conn, &email)? {
                    Some(id) => id,
                    None => customers::insert(
                        conn,
                        &Contact {
                            full_name,
                            email: Some(email),
                            phone: None,
                            language: req.lang,
                            registered: false,
                            newsletter: false,
                        },
                        now,
                    )?,
                }
            }
            (Buyer::Guest { .. }, None) => return Err(CheckoutError::Invalid(FormErrors::new())),
        };
        // Everything below reads and writes this customer's rows (addresses, figures, credit):
        // one checkout of a customer at a time, so the second sees what the first did.
        account_rows::lock_customer(conn, customer_id)?;
        // Under the lock: a concurrent submission of the same form is seen by now.
        if let Some(done) = replay(conn, req, key)? {
            return Ok(done);
        }
        let known = AddressRow::for_customer(conn, customer_id)?
            .iter()
            .any(|a| same_place(a, &address));
        if !known {
            customers::add_address(conn, None, customer_id, &address)?;
        }
        let quotes = orders::price_lines(conn, customer_id, &req.cart)?;
        let currency = quotes
            .first()
            .map(|q| q.product.currency.clone())
            .ok_or(CheckoutError::EmptyCart)?;
        let lines = orders::line_inputs(&quotes);
        let gross = orders::total_of(&quotes, 0)
            .ok_or(CheckoutError::Invalid(vec![("cart", "error-quantity")]))?;
        // Points first, then credit, then the payment method for what is left.
        let points_cents = points.checked_mul(point_value).unwrap_or(i64::MAX);
        if points_cents > gross {
            return Err(CheckoutError::Invalid(vec![(
                "points",
                "checkout-error-points-too-many",
            )]));
        }
        let total = gross - points_cents;
        let method = if total == 0 {
            "loyalty_points"
        } else if credit_cents > 0 && credit_cents == total {
            "store_credit"
        } else {
            method
        };
        let number = format!("W{:06}", crate::db::groups::next_order_number(conn)?);
        let order_id = orders::place_paying_points(
            conn,
            &number,
            customer_id,
            "pending",
            method,
            &currency,
            0,
            orders::PointsPaid {
                points,
                cents: points_cents,
            },
            &lines,
            now,
        )?;
        crate::db::store::set_checkout_key(conn, order_id, key)?;
        if points > 0 {
            crate::domain::loyalty::spend_on_order(conn, customer_id, order_id, points, now)
                .map_err(|e| match e {
                    crate::domain::loyalty::LoyaltyError::Insufficient => {
                        CheckoutError::Invalid(vec![("points", "checkout-error-points-balance")])
                    }
                    other => CheckoutError::Db(other.into_db()),
                })?;
        }
        let paid_in_full = total == 0 || (credit_cents > 0 && credit_cents == total);
        if credit_cents > 0 {
            credit::spend(conn, None, order_id, Cents(credit_cents), key)
                .map_err(CheckoutError::Credit)?;
        }
        if paid_in_full {
            // Seed 000: an order paid entirely with store credit (and points) is paid at once.
            orders::transition(conn, None, order_id, "paid")?;
        }
        Ok(Placed {
            order_id,
            customer_id,
            credit_cents,
            total_cents: total,
        })
    });
    match placed {
        // Two submissions raced past the check (two new guest records on PostgreSQL): the
        // unique key let one order through; the other answers with it.
        Err(CheckoutError::Db(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        ))) => replay(conn, req, key)?.ok_or(CheckoutError::Other("checkout key race".into())),
        other => other,
    }
}

/// The order this checkout form already placed, when it placed one. A key seen on another
/// customer's order is refused (it never is, with random keys; a forged one must not leak).
fn replay(conn: &mut DbConn, req: &Request, key: &str) -> Result<Option<Placed>, CheckoutError> {
    let Some((order_id, customer_id, credit_cents, total_cents)) =
        crate::db::store::order_by_checkout_key(conn, key)?
    else {
        return Ok(None);
    };
    if let Buyer::Customer(me) = req.buyer
        && me != customer_id
    {
        return Err(CheckoutError::Invalid(vec![(
            "cart",
            "checkout-error-form-expired",
        )]));
    }
    Ok(Some(Placed {
        order_id,
        customer_id,
        credit_cents,
        total_cents,
    }))
}

/// The cart priced for this shopper (a guest pays list prices): the lines and their total.
/// Products no longer on sale are left out.
pub fn price_cart(
    conn: &mut DbConn,
    customer: Option<i64>,
    cart: &[(i64, i64)],
) -> Result<(Vec<crate::domain::pricing::Quote>, i64), CheckoutError> {
    use crate::domain::pricing::{self, CustomerTerms, QuoteError};
    let terms = match customer {
        Some(id) => pricing::terms_of(conn, id),
        None => Ok(CustomerTerms::default()),
    }
    .map_err(|e| match e {
        QuoteError::Db(e) => CheckoutError::Db(e),
        other => CheckoutError::Other(other.to_string()),
    })?;
    let mut quotes = Vec::with_capacity(cart.len());
    for (product, quantity) in cart {
        match pricing::quote_with(conn, &terms, *product, *quantity) {
            Ok(q) if q.product.active => quotes.push(q),
            Ok(_) | Err(QuoteError::NoProduct) => {}
            Err(QuoteError::Db(e)) => return Err(CheckoutError::Db(e)),
            Err(other) => return Err(CheckoutError::Other(other.to_string())),
        }
    }
    let total = orders::total_of(&quotes, 0)
        .ok_or_else(|| CheckoutError::Invalid(vec![("cart", "error-quantity")]))?;
    Ok((quotes, total))
}

/// A signed-in customer's points and what one pays, while the program lets points pay at
/// checkout: (balance, cents per point).
pub fn available_points(
    conn: &mut DbConn,
    customer_id: i64,
) -> diesel::QueryResult<Option<(i64, i64)>> {
    let Some(value) = crate::domain::loyalty::settings(conn)?.pays_at_checkout() else {
        return Ok(None);
    };
    Ok(Some((
        crate::domain::loyalty::balance(conn, customer_id)?,
        value,
    )))
}

/// The store credit a signed-in customer can apply now: `None` while credit is not a payment
/// method of the store.
pub fn available_credit(conn: &mut DbConn, customer_id: i64) -> diesel::QueryResult<Option<i64>> {
    if !credit::settings(conn)?.enabled {
        return Ok(None);
    }
    Ok(Some(credit::balance(conn, customer_id)?))
}

/// Adds `quantity` of a product to a cart (merging a line already there), within the
/// per-line maximum; returns the new cart.
pub fn add_to_cart(cart: &[(i64, i64)], product: i64, quantity: i64) -> Vec<(i64, i64)> {
    let mut out = cart.to_vec();
    match out.iter_mut().find(|(p, _)| *p == product) {
        Some(line) => line.1 = (line.1 + quantity).min(orders::MAX_QUANTITY),
        None => out.push((product, quantity.min(orders::MAX_QUANTITY))),
    }
    out
}

/// Sets a line's quantity (0 removes it).
pub fn set_quantity(cart: &[(i64, i64)], product: i64, quantity: i64) -> Vec<(i64, i64)> {
    cart.iter()
        .map(|(p, q)| {
            if *p == product {
                (*p, quantity)
            } else {
                (*p, *q)
            }
        })
        .filter(|(_, q)| *q > 0)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adding_merges_a_line_and_setting_zero_removes_it() {
        let cart = add_to_cart(&[], 7, 2);
        let cart = add_to_cart(&cart, 7, 3);
        let cart = add_to_cart(&cart, 9, 1);
        assert_eq!(cart, vec![(7, 5), (9, 1)]);
        assert_eq!(set_quantity(&cart, 7, 0), vec![(9, 1)]);
        assert_eq!(
            add_to_cart(&[(7, 9_999)], 7, 5),
            vec![(7, orders::MAX_QUANTITY)]
        );
    }
}
