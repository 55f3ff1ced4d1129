//! Loyalty tables: the points account of each customer, the append-only ledger, product
//! reviews, the rewards catalogue, exchange orders and the products that earn points.
//! Only `domain::loyalty` writes here.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::{
    customers, loyalty_accounts, loyalty_entries, loyalty_exchanges, loyalty_products,
    loyalty_rewards, orders, product_reviews, products, staff,
};

/// `SUM(column)` as BIGINT on both backends (PostgreSQL's SUM of BIGINT is NUMERIC); NULL
/// when there are no rows. `column` is always one of our own column names.
fn sum_bigint(
    column: &'static str,
) -> diesel::expression::SqlLiteral<diesel::sql_types::Nullable<diesel::sql_types::BigInt>> {
    diesel::dsl::sql(&format!("CAST(SUM({column}) AS BIGINT)"))
}

// ---------------------------------------------------------------------------------------
// Accounts
// ---------------------------------------------------------------------------------------

/// A customer's points (0 when no account exists yet).
pub fn balance(conn: &mut DbConn, customer_id: i64) -> QueryResult<i64> {
    Ok(loyalty_accounts::table
        .find(customer_id)
        .select(loyalty_accounts::balance)
        .first(conn)
        .optional()?
        .unwrap_or(0))
}

/// Makes sure the account row exists and takes its lock (PostgreSQL: the row lock orders
/// every movement of one customer; SQLite's write transaction already holds the only lock).
pub fn lock_account(conn: &mut DbConn, customer_id: i64, now: NaiveDateTime) -> QueryResult<()> {
    let touch = |conn: &mut DbConn| {
        diesel::update(loyalty_accounts::table.find(customer_id))
            .set(loyalty_accounts::updated_at.eq(now))
            .execute(conn)
    };
    if touch(conn)? == 1 {
        return Ok(());
    }
    // A concurrent first use elsewhere makes the insert fail; the savepoint lets the update
    // (which then waits for that transaction) run instead.
    let inserted = conn.transaction(|conn| {
        diesel::insert_into(loyalty_accounts::table)
            .values((
                loyalty_accounts::customer_id.eq(customer_id),
                loyalty_accounts::balance.eq(0_i64),
                loyalty_accounts::earned_total.eq(0_i64),
                loyalty_accounts::updated_at.eq(now),
            ))
            .execute(conn)
    });
    match inserted {
        Ok(_) => Ok(()),
        Err(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        )) => touch(conn).map(|_| ()),
        Err(e) => Err(e),
    }
}

/// Adds `delta` to the balance if the result is not negative; false when it would be.
/// Awards (`earned` true) also raise the lifetime total and restart the expiry clock.
pub fn add(
    conn: &mut DbConn,
    customer_id: i64,
    delta: i64,
    earned: bool,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let target = loyalty_accounts::table
        .find(customer_id)
        .filter((loyalty_accounts::balance + delta).ge(0));
    let n = if earned {
        diesel::update(target)
            .set((
                loyalty_accounts::balance.eq(loyalty_accounts::balance + delta),
                loyalty_accounts::earned_total.eq(loyalty_accounts::earned_total + delta),
                loyalty_accounts::last_earned_at.eq(Some(now)),
                loyalty_accounts::updated_at.eq(now),
            ))
            .execute(conn)?
    } else {
        diesel::update(target)
            .set((
                loyalty_accounts::balance.eq(loyalty_accounts::balance + delta),
                loyalty_accounts::updated_at.eq(now),
            ))
            .execute(conn)?
    };
    Ok(n == 1)
}

/// The balance copied onto the customer row (list filter "has points").
pub fn set_customer_points(conn: &mut DbConn, customer_id: i64, points: i64) -> QueryResult<usize> {
    diesel::update(customers::table.find(customer_id))
        .set(customers::points.eq(points))
        .execute(conn)
}

/// Accounts with points whose last award is older than `before`: what expiry empties.
pub fn expiring(conn: &mut DbConn, before: NaiveDateTime, limit: i64) -> QueryResult<Vec<i64>> {
    loyalty_accounts::table
        .filter(loyalty_accounts::balance.gt(0))
        .filter(loyalty_accounts::last_earned_at.lt(before))
        .order(loyalty_accounts::customer_id.asc())
        .limit(limit)
        .select(loyalty_accounts::customer_id)
        .load(conn)
}

/// Points held by all customers together.
pub fn outstanding(conn: &mut DbConn) -> QueryResult<i64> {
    let total: Option<i64> = loyalty_accounts::table
        .select(sum_bigint("balance"))
        .first(conn)?;
    Ok(total.unwrap_or(0))
}

/// A customer among the top earners: id, name, anonymized, points earned, balance.
pub type Earner = (i64, String, bool, i64, i64);

/// The customers who earned the most points over their account's life.
pub fn top_earners(conn: &mut DbConn, limit: i64) -> QueryResult<Vec<Earner>> {
    let rows: Vec<(i64, String, Option<NaiveDateTime>, i64, i64)> = loyalty_accounts::table
        .inner_join(customers::table.on(customers::id.eq(loyalty_accounts::customer_id)))
        .filter(loyalty_accounts::earned_total.gt(0))
        .order((
            loyalty_accounts::earned_total.desc(),
            loyalty_accounts::customer_id.asc(),
        ))
        .limit(limit)
        .select((
            customers::id,
            customers::full_name,
            customers::anonymized_at,
            loyalty_accounts::earned_total,
            loyalty_accounts::balance,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, name, anon, earned, balance)| (id, name, anon.is_some(), earned, balance))
        .collect())
}

// ---------------------------------------------------------------------------------------
// Ledger
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = loyalty_entries)]
pub struct EntryRow {
    pub id: i64,
    pub customer_id: i64,
    pub kind: String,
    pub points: i64,
    pub balance_after: i64,
    pub order_id: Option<i64>,
    pub review_id: Option<i64>,
    pub exchange_id: Option<i64>,
    pub reason: Option<String>,
    pub award_key: Option<String>,
    pub actor_staff_id: Option<i64>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = loyalty_entries)]
pub struct NewEntry<'a> {
    pub customer_id: i64,
    pub kind: &'a str,
    pub points: i64,
    pub balance_after: i64,
    pub order_id: Option<i64>,
    pub review_id: Option<i64>,
    pub exchange_id: Option<i64>,
    pub reason: Option<&'a str>,
    pub award_key: Option<&'a str>,
    pub actor_staff_id: Option<i64>,
    pub created_at: NaiveDateTime,
}

/// A history line with the name of the staff member and the number of the order it concerns.
pub type HistoryEntry = (EntryRow, Option<String>, Option<String>);

impl EntryRow {
    pub fn insert(conn: &mut DbConn, e: &NewEntry<'_>) -> QueryResult<i64> {
        diesel::insert_into(loyalty_entries::table)
            .values(e)
            .returning(loyalty_entries::id)
            .get_result(conn)
    }

    pub fn by_key(conn: &mut DbConn, customer_id: i64, key: &str) -> QueryResult<Option<EntryRow>> {
        loyalty_entries::table
            .filter(loyalty_entries::customer_id.eq(customer_id))
            .filter(loyalty_entries::award_key.eq(key))
            .select(EntryRow::as_select())
            .first(conn)
            .optional()
    }

    /// The newest entries of a customer, newest first.
    pub fn for_customer(
        conn: &mut DbConn,
        customer_id: i64,
        limit: i64,
    ) -> QueryResult<Vec<HistoryEntry>> {
        loyalty_entries::table
            .left_join(staff::table.on(staff::id.nullable().eq(loyalty_entries::actor_staff_id)))
            .left_join(orders::table.on(orders::id.nullable().eq(loyalty_entries::order_id)))
            .filter(loyalty_entries::customer_id.eq(customer_id))
            .order(loyalty_entries::id.desc())
            .limit(limit)
            .select((
                EntryRow::as_select(),
                staff::name.nullable(),
                orders::number.nullable(),
            ))
            .load(conn)
    }

    /// Every entry about an order (its award and the reversals of it).
    pub fn for_order(conn: &mut DbConn, order_id: i64) -> QueryResult<Vec<EntryRow>> {
        loyalty_entries::table
            .filter(loyalty_entries::order_id.eq(order_id))
            .order(loyalty_entries::id.asc())
            .select(EntryRow::as_select())
            .load(conn)
    }

    pub fn ledger_sum(conn: &mut DbConn, customer_id: i64) -> QueryResult<i64> {
        let total: Option<i64> = loyalty_entries::table
            .filter(loyalty_entries::customer_id.eq(customer_id))
            .select(sum_bigint("points"))
            .first(conn)?;
        Ok(total.unwrap_or(0))
    }

    pub fn count_for_customer(conn: &mut DbConn, customer_id: i64) -> QueryResult<i64> {
        loyalty_entries::table
            .filter(loyalty_entries::customer_id.eq(customer_id))
            .count()
            .get_result(conn)
    }

    /// (created_at, kind, points) of the movements in `[from, to)`, for the monthly chart.
    pub fn movements_between(
        conn: &mut DbConn,
        from: NaiveDateTime,
        to: NaiveDateTime,
    ) -> QueryResult<Vec<(NaiveDateTime, String, i64)>> {
        loyalty_entries::table
            .filter(loyalty_entries::created_at.ge(from))
            .filter(loyalty_entries::created_at.lt(to))
            .filter(loyalty_entries::kind.eq_any([
                "earn_order",
                "earn_newsletter",
                "earn_review",
                "manual_add",
            ]))
            .select((
                loyalty_entries::created_at,
                loyalty_entries::kind,
                loyalty_entries::points,
            ))
            .load(conn)
    }
}

// ---------------------------------------------------------------------------------------
// Reviews
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = product_reviews)]
pub struct ReviewRow {
    pub id: i64,
    pub customer_id: i64,
    pub product_id: i64,
    pub rating: i32,
    pub body: String,
    pub status: String,
    pub created_by: Option<i64>,
    pub decided_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub decided_at: Option<NaiveDateTime>,
}

impl ReviewRow {
    /// The rating as plural selection wants it ("4 stars").
    pub fn rating_points(&self) -> i64 {
        i64::from(self.rating)
    }
}

/// A review with its product's name and its customer's name (and whether anonymized).
pub type ReviewLine = (ReviewRow, String, String, Option<NaiveDateTime>);

impl ReviewRow {
    pub fn insert(
        conn: &mut DbConn,
        customer_id: i64,
        product_id: i64,
        rating: i32,
        body: &str,
        created_by: Option<i64>,
        now: NaiveDateTime,
    ) -> QueryResult<i64> {
        diesel::insert_into(product_reviews::table)
            .values((
                product_reviews::customer_id.eq(customer_id),
                product_reviews::product_id.eq(product_id),
                product_reviews::rating.eq(rating),
                product_reviews::body.eq(body),
                product_reviews::status.eq("pending"),
                product_reviews::created_by.eq(created_by),
                product_reviews::created_at.eq(now),
            ))
            .returning(product_reviews::id)
            .get_result(conn)
    }

    pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<ReviewRow>> {
        product_reviews::table
            .find(id)
            .select(ReviewRow::as_select())
            .first(conn)
            .optional()
    }

    /// Moves a pending review to `status`; false when it was no longer pending.
    pub fn decide(
        conn: &mut DbConn,
        id: i64,
        status: &str,
        by: i64,
        now: NaiveDateTime,
    ) -> QueryResult<bool> {
        let n = diesel::update(
            product_reviews::table
                .find(id)
                .filter(product_reviews::status.eq("pending")),
        )
        .set((
            product_reviews::status.eq(status),
            product_reviews::decided_by.eq(Some(by)),
            product_reviews::decided_at.eq(Some(now)),
        ))
        .execute(conn)?;
        Ok(n == 1)
    }

    /// Reviews with one status, newest first (or of one customer, any status).
    pub fn list(
        conn: &mut DbConn,
        status: Option<&str>,
        customer_id: Option<i64>,
        limit: i64,
    ) -> QueryResult<Vec<ReviewLine>> {
        let mut q = product_reviews::table
            .inner_join(products::table)
            .inner_join(customers::table.on(customers::id.eq(product_reviews::customer_id)))
            .into_boxed();
        if let Some(s) = status {
            q = q.filter(product_reviews::status.eq(s.to_owned()));
        }
        if let Some(c) = customer_id {
            q = q.filter(product_reviews::customer_id.eq(c));
        }
        q.order(product_reviews::id.desc())
            .limit(limit)
            .select((
                ReviewRow::as_select(),
                products::name,
                customers::full_name,
                customers::anonymized_at,
            ))
            .load(conn)
    }
}

// ---------------------------------------------------------------------------------------
// Rewards and exchange orders
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = loyalty_rewards)]
pub struct RewardRow {
    pub id: i64,
    pub product_id: i64,
    pub points: i64,
    pub stock: i64,
    pub active: bool,
    pub created_at: NaiveDateTime,
}

/// A reward with its product: (reward, product name, SKU, list price, currency).
pub type RewardLine = (RewardRow, String, String, i64, String);

impl RewardRow {
    pub fn all(conn: &mut DbConn) -> QueryResult<Vec<RewardLine>> {
        loyalty_rewards::table
            .inner_join(products::table)
            .order(loyalty_rewards::points.asc())
            .then_order_by(loyalty_rewards::id.asc())
            .select((
                RewardRow::as_select(),
                products::name,
                products::sku,
                products::price_cents,
                products::currency,
            ))
            .load(conn)
    }

    pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<RewardLine>> {
        loyalty_rewards::table
            .inner_join(products::table)
            .filter(loyalty_rewards::id.eq(id))
            .select((
                RewardRow::as_select(),
                products::name,
                products::sku,
                products::price_cents,
                products::currency,
            ))
            .first(conn)
            .optional()
    }

    pub fn for_product(conn: &mut DbConn, product_id: i64) -> QueryResult<Option<RewardRow>> {
        loyalty_rewards::table
            .filter(loyalty_rewards::product_id.eq(product_id))
            .select(RewardRow::as_select())
            .first(conn)
            .optional()
    }

    pub fn insert(
        conn: &mut DbConn,
        product_id: i64,
        points: i64,
        stock: i64,
        now: NaiveDateTime,
    ) -> QueryResult<i64> {
        diesel::insert_into(loyalty_rewards::table)
            .values((
                loyalty_rewards::product_id.eq(product_id),
                loyalty_rewards::points.eq(points),
                loyalty_rewards::stock.eq(stock),
                loyalty_rewards::active.eq(true),
                loyalty_rewards::created_at.eq(now),
            ))
            .returning(loyalty_rewards::id)
            .get_result(conn)
    }

    pub fn update(
        conn: &mut DbConn,
        id: i64,
        points: i64,
        stock: i64,
        active: bool,
    ) -> QueryResult<usize> {
        diesel::update(loyalty_rewards::table.find(id))
            .set((
                loyalty_rewards::points.eq(points),
                loyalty_rewards::stock.eq(stock),
                loyalty_rewards::active.eq(active),
            ))
            .execute(conn)
    }

    /// Takes one from the stock if there is one; false when it is out of stock.
    pub fn take_one(conn: &mut DbConn, id: i64) -> QueryResult<bool> {
        let n = diesel::update(
            loyalty_rewards::table
                .find(id)
                .filter(loyalty_rewards::stock.gt(0)),
        )
        .set(loyalty_rewards::stock.eq(loyalty_rewards::stock - 1))
        .execute(conn)?;
        Ok(n == 1)
    }

    pub fn give_back_one(conn: &mut DbConn, id: i64) -> QueryResult<usize> {
        diesel::update(loyalty_rewards::table.find(id))
            .set(loyalty_rewards::stock.eq(loyalty_rewards::stock + 1))
            .execute(conn)
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = loyalty_exchanges)]
pub struct ExchangeRow {
    pub id: i64,
    pub customer_id: i64,
    pub reward_id: i64,
    pub points: i64,
    pub status: String,
    pub order_id: Option<i64>,
    pub idempotency_key: Option<String>,
    pub created_by: Option<i64>,
    pub decided_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub decided_at: Option<NaiveDateTime>,
}

/// An exchange order as lists show it: the row, the product's name, the customer's name,
/// whether the customer is anonymized, and the number of the order acceptance created.
pub type ExchangeLine = (
    ExchangeRow,
    String,
    String,
    Option<NaiveDateTime>,
    Option<String>,
);

impl ExchangeRow {
    #[allow(clippy::too_many_arguments)]
    pub fn insert(
        conn: &mut DbConn,
        customer_id: i64,
        reward_id: i64,
        points: i64,
        key: Option<&str>,
        created_by: Option<i64>,
        now: NaiveDateTime,
    ) -> QueryResult<i64> {
        diesel::insert_into(loyalty_exchanges::table)
            .values((
                loyalty_exchanges::customer_id.eq(customer_id),
                loyalty_exchanges::reward_id.eq(reward_id),
                loyalty_exchanges::points.eq(points),
                loyalty_exchanges::status.eq("pending"),
                loyalty_exchanges::idempotency_key.eq(key),
                loyalty_exchanges::created_by.eq(created_by),
                loyalty_exchanges::created_at.eq(now),
            ))
            .returning(loyalty_exchanges::id)
            .get_result(conn)
    }

    pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<ExchangeRow>> {
        loyalty_exchanges::table
            .find(id)
            .select(ExchangeRow::as_select())
            .first(conn)
            .optional()
    }

    pub fn by_key(
        conn: &mut DbConn,
        customer_id: i64,
        key: &str,
    ) -> QueryResult<Option<ExchangeRow>> {
        loyalty_exchanges::table
            .filter(loyalty_exchanges::customer_id.eq(customer_id))
            .filter(loyalty_exchanges::idempotency_key.eq(key))
            .select(ExchangeRow::as_select())
            .first(conn)
            .optional()
    }

    /// Moves a pending exchange order to `status`; false when it was no longer pending (staff
    /// decided it elsewhere first).
    pub fn decide(
        conn: &mut DbConn,
        id: i64,
        status: &str,
        by: i64,
        order_id: Option<i64>,
        now: NaiveDateTime,
    ) -> QueryResult<bool> {
        let n = diesel::update(
            loyalty_exchanges::table
                .find(id)
                .filter(loyalty_exchanges::status.eq("pending")),
        )
        .set((
            loyalty_exchanges::status.eq(status),
            loyalty_exchanges::decided_by.eq(Some(by)),
            loyalty_exchanges::order_id.eq(order_id),
            loyalty_exchanges::decided_at.eq(Some(now)),
        ))
        .execute(conn)?;
        Ok(n == 1)
    }

    /// Links an accepted exchange order to the order created for it.
    pub fn set_order(conn: &mut DbConn, id: i64, order_id: i64) -> QueryResult<usize> {
        diesel::update(loyalty_exchanges::table.find(id))
            .set(loyalty_exchanges::order_id.eq(Some(order_id)))
            .execute(conn)
    }

    /// Exchange orders with one status (or of one customer, any status), newest first.
    pub fn list(
        conn: &mut DbConn,
        status: Option<&str>,
        customer_id: Option<i64>,
        limit: i64,
    ) -> QueryResult<Vec<ExchangeLine>> {
        let mut q = loyalty_exchanges::table
            .inner_join(loyalty_rewards::table.inner_join(products::table))
            .inner_join(customers::table.on(customers::id.eq(loyalty_exchanges::customer_id)))
            .left_join(orders::table.on(orders::id.nullable().eq(loyalty_exchanges::order_id)))
            .into_boxed();
        if let Some(s) = status {
            q = q.filter(loyalty_exchanges::status.eq(s.to_owned()));
        }
        if let Some(c) = customer_id {
            q = q.filter(loyalty_exchanges::customer_id.eq(c));
        }
        q.order(loyalty_exchanges::id.desc())
            .limit(limit)
            .select((
                ExchangeRow::as_select(),
                products::name,
                customers::full_name,
                customers::anonymized_at,
                orders::number.nullable(),
            ))
            .load(conn)
    }

    /// Points held by a customer's pending exchange orders.
    pub fn held(conn: &mut DbConn, customer_id: i64) -> QueryResult<i64> {
        Self::held_by(conn, Some(customer_id))
    }

    /// Points held by the pending exchange orders of one customer, or of everyone.
    pub fn held_by(conn: &mut DbConn, customer_id: Option<i64>) -> QueryResult<i64> {
        let mut q = loyalty_exchanges::table
            .filter(loyalty_exchanges::status.eq("pending"))
            .into_boxed();
        if let Some(c) = customer_id {
            q = q.filter(loyalty_exchanges::customer_id.eq(c));
        }
        let total: Option<i64> = q.select(sum_bigint("points")).first(conn)?;
        Ok(total.unwrap_or(0))
    }

    pub fn pending_count(conn: &mut DbConn) -> QueryResult<i64> {
        loyalty_exchanges::table
            .filter(loyalty_exchanges::status.eq("pending"))
            .count()
            .get_result(conn)
    }

    /// (decided_at, points) of the exchange orders accepted in `[from, to)`.
    pub fn redeemed_between(
        conn: &mut DbConn,
        from: NaiveDateTime,
        to: NaiveDateTime,
    ) -> QueryResult<Vec<(Option<NaiveDateTime>, i64)>> {
        loyalty_exchanges::table
            .filter(loyalty_exchanges::status.eq("accepted"))
            .filter(loyalty_exchanges::decided_at.ge(from))
            .filter(loyalty_exchanges::decided_at.lt(to))
            .select((loyalty_exchanges::decided_at, loyalty_exchanges::points))
            .load(conn)
    }
}

// ---------------------------------------------------------------------------------------
// Products that earn points
// ---------------------------------------------------------------------------------------

pub fn eligible_products(conn: &mut DbConn) -> QueryResult<Vec<i64>> {
    loyalty_products::table
        .order(loyalty_products::product_id.asc())
        .select(loyalty_products::product_id)
        .load(conn)
}

/// Replaces the set of products that earn points. Call inside a write transaction.
pub fn set_eligible_products(conn: &mut DbConn, ids: &[i64]) -> QueryResult<()> {
    diesel::delete(loyalty_products::table).execute(conn)?;
    for id in ids {
        diesel::insert_into(loyalty_products::table)
            .values(loyalty_products::product_id.eq(id))
            .execute(conn)?;
    }
    Ok(())
}

/// An active product for the pickers: (id, SKU, name, price, currency).
pub type ActiveProduct = (i64, String, String, i64, String);

/// Active products, for the pickers.
pub fn active_products(conn: &mut DbConn) -> QueryResult<Vec<ActiveProduct>> {
    products::table
        .filter(products::active.eq(true))
        .order(products::name.asc())
        .select((
            products::id,
            products::sku,
            products::name,
            products::price_cents,
            products::currency,
        ))
        .load(conn)
}
