//! Customer groups, group prices, personal discounts and B2B credit options: rows and queries.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::{counters, credit_options, customer_groups, customers, group_prices, orders};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = customer_groups)]
pub struct GroupRow {
    pub id: i64,
    pub name: String,
    pub name_key: String,
    /// The group's default discount in basis points (0..=10000).
    pub discount_bp: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl GroupRow {
    pub fn all(conn: &mut DbConn) -> QueryResult<Vec<GroupRow>> {
        customer_groups::table
            .order(customer_groups::name_key.asc())
            .select(GroupRow::as_select())
            .load(conn)
    }

    pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<GroupRow>> {
        customer_groups::table
            .find(id)
            .select(GroupRow::as_select())
            .first(conn)
            .optional()
    }

    /// Whether another group has this name (compared lower-cased).
    pub fn name_taken(conn: &mut DbConn, key: &str, except: Option<i64>) -> QueryResult<bool> {
        let mut q = customer_groups::table
            .filter(customer_groups::name_key.eq(key))
            .into_boxed();
        if let Some(id) = except {
            q = q.filter(customer_groups::id.ne(id));
        }
        Ok(q.select(customer_groups::id)
            .first::<i64>(conn)
            .optional()?
            .is_some())
    }

    pub fn insert(
        conn: &mut DbConn,
        name: &str,
        key: &str,
        discount_bp: i64,
        now: NaiveDateTime,
    ) -> QueryResult<i64> {
        diesel::insert_into(customer_groups::table)
            .values((
                customer_groups::name.eq(name),
                customer_groups::name_key.eq(key),
                customer_groups::discount_bp.eq(discount_bp),
                customer_groups::created_at.eq(now),
                customer_groups::updated_at.eq(now),
            ))
            .returning(customer_groups::id)
            .get_result(conn)
    }

    pub fn update(
        conn: &mut DbConn,
        id: i64,
        name: &str,
        key: &str,
        discount_bp: i64,
        now: NaiveDateTime,
    ) -> QueryResult<bool> {
        let n = diesel::update(customer_groups::table.find(id))
            .set((
                customer_groups::name.eq(name),
                customer_groups::name_key.eq(key),
                customer_groups::discount_bp.eq(discount_bp),
                customer_groups::updated_at.eq(now),
            ))
            .execute(conn)?;
        Ok(n == 1)
    }

    pub fn delete(conn: &mut DbConn, id: i64) -> QueryResult<bool> {
        let n = diesel::delete(customer_groups::table.find(id)).execute(conn)?;
        Ok(n == 1)
    }

    /// How many customers are in the group (an index range count).
    pub fn member_count(conn: &mut DbConn, id: i64) -> QueryResult<i64> {
        customers::table
            .filter(customers::group_id.eq(id))
            .count()
            .get_result(conn)
    }
}

/// Moves every customer of a group out of it, with a new version and update time (an edit
/// form opened before is then refused as stale instead of putting the group back).
pub fn ungroup_all(conn: &mut DbConn, group_id: i64, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(customers::table.filter(customers::group_id.eq(group_id)))
        .set((
            customers::group_id.eq(None::<i64>),
            customers::version.eq(customers::version + 1),
            customers::updated_at.eq(now),
        ))
        .execute(conn)
}

/// Puts the given live customers into a group (`None`: out of any group); returns how many
/// changed. Customers already in it are left alone.
pub fn assign(
    conn: &mut DbConn,
    ids: &[i64],
    group_id: Option<i64>,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let target = customers::table
        .filter(customers::id.eq_any(ids))
        .filter(customers::anonymized_at.is_null());
    let changes = (
        customers::group_id.eq(group_id),
        customers::version.eq(customers::version + 1),
        customers::updated_at.eq(now),
    );
    match group_id {
        Some(g) => diesel::update(
            target.filter(customers::group_id.is_null().or(customers::group_id.ne(g))),
        )
        .set(changes)
        .execute(conn),
        None => diesel::update(target.filter(customers::group_id.is_not_null()))
            .set(changes)
            .execute(conn),
    }
}

/// A customer's pricing terms: group and personal discount.
pub fn set_customer_pricing(
    conn: &mut DbConn,
    id: i64,
    group_id: Option<i64>,
    discount_kind: Option<&str>,
    discount_value: i64,
) -> QueryResult<usize> {
    diesel::update(customers::table.find(id))
        .set((
            customers::group_id.eq(group_id),
            customers::discount_kind.eq(discount_kind),
            customers::discount_value.eq(discount_value),
        ))
        .execute(conn)
}

/// The group's prices: (product id, price in minor units).
pub fn prices(conn: &mut DbConn, group_id: i64) -> QueryResult<Vec<(i64, i64)>> {
    group_prices::table
        .filter(group_prices::group_id.eq(group_id))
        .select((group_prices::product_id, group_prices::price_cents))
        .load(conn)
}

pub fn price(conn: &mut DbConn, group_id: i64, product_id: i64) -> QueryResult<Option<i64>> {
    group_prices::table
        .find((group_id, product_id))
        .select(group_prices::price_cents)
        .first(conn)
        .optional()
}

/// Sets (`Some`) or removes (`None`) a group's price for a product.
pub fn set_price(
    conn: &mut DbConn,
    group_id: i64,
    product_id: i64,
    price_cents: Option<i64>,
) -> QueryResult<()> {
    diesel::delete(group_prices::table.find((group_id, product_id))).execute(conn)?;
    if let Some(p) = price_cents {
        diesel::insert_into(group_prices::table)
            .values((
                group_prices::group_id.eq(group_id),
                group_prices::product_id.eq(product_id),
                group_prices::price_cents.eq(p),
            ))
            .execute(conn)?;
    }
    Ok(())
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = credit_options)]
pub struct CreditOptionRow {
    pub id: i64,
    pub customer_id: i64,
    pub currency: String,
    pub limit_cents: i64,
    pub terms_days: i32,
    pub block_overdue: bool,
    pub active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// The editable fields of a credit option.
#[derive(Debug, Clone, AsChangeset, Insertable)]
#[diesel(table_name = credit_options)]
pub struct OptionFields<'a> {
    pub currency: &'a str,
    pub limit_cents: i64,
    pub terms_days: i32,
    pub block_overdue: bool,
    pub active: bool,
}

impl CreditOptionRow {
    pub fn for_customer(conn: &mut DbConn, customer_id: i64) -> QueryResult<Vec<CreditOptionRow>> {
        credit_options::table
            .filter(credit_options::customer_id.eq(customer_id))
            .order(credit_options::currency.asc())
            .select(CreditOptionRow::as_select())
            .load(conn)
    }

    pub fn find(
        conn: &mut DbConn,
        customer_id: i64,
        id: i64,
    ) -> QueryResult<Option<CreditOptionRow>> {
        credit_options::table
            .find(id)
            .filter(credit_options::customer_id.eq(customer_id))
            .select(CreditOptionRow::as_select())
            .first(conn)
            .optional()
    }

    /// The option for a currency, read under its row lock (a no-op update): two orders on
    /// account for one customer are decided one after the other, on both backends.
    pub fn lock_for(
        conn: &mut DbConn,
        customer_id: i64,
        currency: &str,
    ) -> QueryResult<Option<CreditOptionRow>> {
        diesel::update(
            credit_options::table
                .filter(credit_options::customer_id.eq(customer_id))
                .filter(credit_options::currency.eq(currency)),
        )
        .set(credit_options::updated_at.eq(credit_options::updated_at))
        .execute(conn)?;
        credit_options::table
            .filter(credit_options::customer_id.eq(customer_id))
            .filter(credit_options::currency.eq(currency))
            .select(CreditOptionRow::as_select())
            .first(conn)
            .optional()
    }

    pub fn currency_taken(
        conn: &mut DbConn,
        customer_id: i64,
        currency: &str,
        except: Option<i64>,
    ) -> QueryResult<bool> {
        let mut q = credit_options::table
            .filter(credit_options::customer_id.eq(customer_id))
            .filter(credit_options::currency.eq(currency))
            .into_boxed();
        if let Some(id) = except {
            q = q.filter(credit_options::id.ne(id));
        }
        Ok(q.select(credit_options::id)
            .first::<i64>(conn)
            .optional()?
            .is_some())
    }

    pub fn insert(
        conn: &mut DbConn,
        customer_id: i64,
        f: &OptionFields<'_>,
        now: NaiveDateTime,
    ) -> QueryResult<i64> {
        diesel::insert_into(credit_options::table)
            .values((
                credit_options::customer_id.eq(customer_id),
                f.clone(),
                credit_options::created_at.eq(now),
                credit_options::updated_at.eq(now),
            ))
            .returning(credit_options::id)
            .get_result(conn)
    }

    pub fn update(
        conn: &mut DbConn,
        id: i64,
        f: &OptionFields<'_>,
        now: NaiveDateTime,
    ) -> QueryResult<bool> {
        let n = diesel::update(credit_options::table.find(id))
            .set((f.clone(), credit_options::updated_at.eq(now)))
            .execute(conn)?;
        Ok(n == 1)
    }
}

/// An unpaid order on account.
#[derive(Debug, Clone, Queryable)]
pub struct OpenInvoice {
    pub order_id: i64,
    pub number: String,
    pub placed_at: NaiveDateTime,
    pub due_at: Option<NaiveDateTime>,
    /// What is still owed: the total less what store credit paid.
    pub owed_cents: i64,
}

/// A customer's unpaid, not cancelled orders on account in one currency, oldest due first.
pub fn open_invoices(
    conn: &mut DbConn,
    customer_id: i64,
    currency: &str,
) -> QueryResult<Vec<OpenInvoice>> {
    orders::table
        .filter(orders::customer_id.eq(customer_id))
        .filter(orders::payment_method.eq(ON_ACCOUNT))
        .filter(orders::settled_at.is_null())
        .filter(orders::status.ne("cancelled"))
        .filter(orders::currency.eq(currency))
        .order((orders::due_at.asc(), orders::id.asc()))
        .select((
            orders::id,
            orders::number,
            orders::placed_at,
            orders::due_at,
            orders::total_cents - orders::credit_paid_cents,
        ))
        .load(conn)
}

/// The payment method of orders on account.
pub const ON_ACCOUNT: &str = "on_account";

/// Records that an order's invoice was paid; false when it is not an unpaid order on account.
pub fn settle(conn: &mut DbConn, order_id: i64, now: NaiveDateTime) -> QueryResult<bool> {
    let n = diesel::update(
        orders::table
            .find(order_id)
            .filter(orders::payment_method.eq(ON_ACCOUNT))
            .filter(orders::settled_at.is_null()),
    )
    .set(orders::settled_at.eq(now))
    .execute(conn)?;
    Ok(n == 1)
}

pub fn set_due(conn: &mut DbConn, order_id: i64, due_at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(orders::table.find(order_id))
        .set(orders::due_at.eq(due_at))
        .execute(conn)
}

/// The next number of an order placed in the panel (the counter row is locked by the update
/// until the transaction ends, so two orders never get one number).
pub fn next_order_number(conn: &mut DbConn) -> QueryResult<i64> {
    diesel::update(counters::table.filter(counters::name.eq("order_number")))
        .set(counters::value.eq(counters::value + 1))
        .execute(conn)?;
    counters::table
        .filter(counters::name.eq("order_number"))
        .select(counters::value)
        .first(conn)
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = super::schema::products)]
pub struct ProductRow {
    pub id: i64,
    pub sku: String,
    pub name: String,
    pub price_cents: i64,
    pub currency: String,
    pub active: bool,
}

pub fn product(conn: &mut DbConn, id: i64) -> QueryResult<Option<ProductRow>> {
    super::schema::products::table
        .find(id)
        .select(ProductRow::as_select())
        .first(conn)
        .optional()
}
