//! Customers, their notes, tags and addresses: rows and queries.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::{addresses, customer_notes, customer_tags, customers, staff, tags};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = customers)]
pub struct CustomerRow {
    pub id: i64,
    pub full_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub language: String,
    pub registered: bool,
    pub newsletter: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
    pub anonymized_at: Option<NaiveDateTime>,
    pub city: Option<String>,
    pub country: Option<String>,
    pub order_count: i64,
    pub spent_cents: i64,
    pub first_order_at: Option<NaiveDateTime>,
    pub last_order_at: Option<NaiveDateTime>,
    pub last_order_status: Option<String>,
    pub last_payment_method: Option<String>,
    /// Store credit left, in the store currency (kept by `domain::credit`).
    pub credit_cents: i64,
    /// Loyalty points (kept by `domain::loyalty`).
    pub points: i64,
    /// The customer's group (at most one).
    pub group_id: Option<i64>,
    /// The personal discount: `amount` (minor units off each unit) or `percent` (basis points).
    pub discount_kind: Option<String>,
    pub discount_value: i64,
}

/// The contact fields staff edit.
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = customers, treat_none_as_null = true)]
pub struct ContactChanges<'a> {
    pub full_name: &'a str,
    pub email: Option<&'a str>,
    pub phone: Option<&'a str>,
    pub language: &'a str,
    pub registered: bool,
    pub newsletter: bool,
    pub search_text: &'a str,
    pub updated_at: NaiveDateTime,
}

impl CustomerRow {
    pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<CustomerRow>> {
        customers::table
            .find(id)
            .select(CustomerRow::as_select())
            .first(conn)
            .optional()
    }

    /// How many of these ids are live (not anonymized) customers.
    pub fn count_live(conn: &mut DbConn, ids: &[i64]) -> QueryResult<i64> {
        customers::table
            .filter(customers::id.eq_any(ids))
            .filter(customers::anonymized_at.is_null())
            .count()
            .get_result(conn)
    }

    /// Another registered customer with this e-mail, if any.
    pub fn registered_email_taken(
        conn: &mut DbConn,
        email: &str,
        except: Option<i64>,
    ) -> QueryResult<bool> {
        let mut q = customers::table
            .filter(customers::email.eq(email))
            .filter(customers::registered.eq(true))
            .into_boxed();
        if let Some(id) = except {
            q = q.filter(customers::id.ne(id));
        }
        Ok(q.count().get_result::<i64>(conn)? > 0)
    }

    /// Applies contact changes only if the row is still at `version`; returns false when
    /// someone else saved first (optimistic locking).
    pub fn update_contact(
        conn: &mut DbConn,
        id: i64,
        version: i64,
        changes: &ContactChanges<'_>,
    ) -> QueryResult<bool> {
        let n = diesel::update(
            customers::table
                .find(id)
                .filter(customers::version.eq(version)),
        )
        .set((changes, customers::version.eq(version + 1)))
        .execute(conn)?;
        Ok(n == 1)
    }

    pub fn set_search_text(conn: &mut DbConn, id: i64, text: &str) -> QueryResult<usize> {
        diesel::update(customers::table.find(id))
            .set(customers::search_text.eq(text))
            .execute(conn)
    }

    pub fn set_location(
        conn: &mut DbConn,
        id: i64,
        city: Option<&str>,
        country: Option<&str>,
    ) -> QueryResult<usize> {
        diesel::update(customers::table.find(id))
            .set((customers::city.eq(city), customers::country.eq(country)))
            .execute(conn)
    }

    /// Erases personal data and keeps the row (and so its orders).
    pub fn anonymize(
        conn: &mut DbConn,
        id: i64,
        placeholder_name: &str,
        now: NaiveDateTime,
    ) -> QueryResult<usize> {
        diesel::update(customers::table.find(id))
            .set((
                customers::full_name.eq(placeholder_name),
                customers::email.eq(None::<String>),
                customers::phone.eq(None::<String>),
                customers::registered.eq(false),
                customers::newsletter.eq(false),
                customers::city.eq(None::<String>),
                customers::search_text.eq(""),
                customers::anonymized_at.eq(Some(now)),
                customers::updated_at.eq(now),
                customers::version.eq(customers::version + 1),
            ))
            .execute(conn)
    }

    pub fn delete(conn: &mut DbConn, id: i64) -> QueryResult<usize> {
        diesel::delete(customers::table.find(id)).execute(conn)
    }

    /// Writes the order figures kept on the customer row for the list.
    #[allow(clippy::too_many_arguments)]
    pub fn set_figures(
        conn: &mut DbConn,
        id: i64,
        order_count: i64,
        spent_cents: i64,
        first: Option<NaiveDateTime>,
        last: Option<NaiveDateTime>,
        last_status: Option<&str>,
        last_payment: Option<&str>,
    ) -> QueryResult<usize> {
        diesel::update(customers::table.find(id))
            .set((
                customers::order_count.eq(order_count),
                customers::spent_cents.eq(spent_cents),
                customers::first_order_at.eq(first),
                customers::last_order_at.eq(last),
                customers::last_order_status.eq(last_status),
                customers::last_payment_method.eq(last_payment),
            ))
            .execute(conn)
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = addresses)]
pub struct AddressRow {
    pub id: i64,
    pub customer_id: i64,
    pub kind: String,
    pub full_name: String,
    pub line1: String,
    pub line2: Option<String>,
    pub postal_code: String,
    pub city: String,
    pub region: Option<String>,
    pub country: String,
    pub phone: Option<String>,
    pub is_default: bool,
    pub created_at: NaiveDateTime,
}

impl AddressRow {
    pub fn for_customer(conn: &mut DbConn, customer_id: i64) -> QueryResult<Vec<AddressRow>> {
        addresses::table
            .filter(addresses::customer_id.eq(customer_id))
            .order((
                addresses::is_default.desc(),
                addresses::kind.desc(),
                addresses::id.asc(),
            ))
            .select(AddressRow::as_select())
            .load(conn)
    }

    pub fn delete_for_customer(conn: &mut DbConn, customer_id: i64) -> QueryResult<usize> {
        diesel::delete(addresses::table.filter(addresses::customer_id.eq(customer_id)))
            .execute(conn)
    }
}

/// A note with its author's name.
#[derive(Debug, Clone, Queryable)]
pub struct NoteRow {
    pub id: i64,
    pub customer_id: i64,
    pub body: String,
    pub pinned: bool,
    pub created_at: NaiveDateTime,
    pub author: Option<String>,
}

impl NoteRow {
    pub fn for_customer(conn: &mut DbConn, customer_id: i64) -> QueryResult<Vec<NoteRow>> {
        customer_notes::table
            .left_join(staff::table)
            .filter(customer_notes::customer_id.eq(customer_id))
            .order((
                customer_notes::pinned.desc(),
                customer_notes::created_at.desc(),
                customer_notes::id.desc(),
            ))
            .select((
                customer_notes::id,
                customer_notes::customer_id,
                customer_notes::body,
                customer_notes::pinned,
                customer_notes::created_at,
                staff::name.nullable(),
            ))
            .load(conn)
    }

    pub fn insert(
        conn: &mut DbConn,
        customer_id: i64,
        author: i64,
        body: &str,
        now: NaiveDateTime,
    ) -> QueryResult<i64> {
        diesel::insert_into(customer_notes::table)
            .values((
                customer_notes::customer_id.eq(customer_id),
                customer_notes::author_staff_id.eq(Some(author)),
                customer_notes::body.eq(body),
                customer_notes::pinned.eq(false),
                customer_notes::created_at.eq(now),
            ))
            .returning(customer_notes::id)
            .get_result(conn)
    }

    /// The note's body, if the note belongs to this customer.
    pub fn body_of(
        conn: &mut DbConn,
        customer_id: i64,
        id: i64,
    ) -> QueryResult<Option<(String, bool)>> {
        customer_notes::table
            .find(id)
            .filter(customer_notes::customer_id.eq(customer_id))
            .select((customer_notes::body, customer_notes::pinned))
            .first(conn)
            .optional()
    }

    pub fn set_pinned(
        conn: &mut DbConn,
        customer_id: i64,
        id: i64,
        pinned: bool,
    ) -> QueryResult<usize> {
        diesel::update(
            customer_notes::table
                .find(id)
                .filter(customer_notes::customer_id.eq(customer_id)),
        )
        .set(customer_notes::pinned.eq(pinned))
        .execute(conn)
    }

    pub fn delete(conn: &mut DbConn, customer_id: i64, id: i64) -> QueryResult<usize> {
        diesel::delete(
            customer_notes::table
                .find(id)
                .filter(customer_notes::customer_id.eq(customer_id)),
        )
        .execute(conn)
    }

    pub fn delete_for_customer(conn: &mut DbConn, customer_id: i64) -> QueryResult<usize> {
        diesel::delete(customer_notes::table.filter(customer_notes::customer_id.eq(customer_id)))
            .execute(conn)
    }
}

#[derive(Debug, Clone, Queryable, Selectable, PartialEq, Eq)]
#[diesel(table_name = tags)]
pub struct TagRow {
    pub id: i64,
    pub name: String,
}

impl TagRow {
    pub fn all(conn: &mut DbConn) -> QueryResult<Vec<TagRow>> {
        tags::table
            .order(tags::name_key.asc())
            .select(TagRow::as_select())
            .load(conn)
    }

    pub fn find_by_key(conn: &mut DbConn, key: &str) -> QueryResult<Option<TagRow>> {
        tags::table
            .filter(tags::name_key.eq(key))
            .select(TagRow::as_select())
            .first(conn)
            .optional()
    }

    pub fn insert(
        conn: &mut DbConn,
        name: &str,
        key: &str,
        now: NaiveDateTime,
    ) -> QueryResult<i64> {
        diesel::insert_into(tags::table)
            .values((
                tags::name.eq(name),
                tags::name_key.eq(key),
                tags::created_at.eq(now),
            ))
            .returning(tags::id)
            .get_result(conn)
    }

    pub fn for_customer(conn: &mut DbConn, customer_id: i64) -> QueryResult<Vec<TagRow>> {
        customer_tags::table
            .inner_join(tags::table)
            .filter(customer_tags::customer_id.eq(customer_id))
            .order(tags::name_key.asc())
            .select(TagRow::as_select())
            .load(conn)
    }

    pub fn attach(
        conn: &mut DbConn,
        customer_id: i64,
        tag_id: i64,
        now: NaiveDateTime,
    ) -> QueryResult<bool> {
        let exists = customer_tags::table
            .find((customer_id, tag_id))
            .count()
            .get_result::<i64>(conn)?
            > 0;
        if exists {
            return Ok(false);
        }
        diesel::insert_into(customer_tags::table)
            .values((
                customer_tags::customer_id.eq(customer_id),
                customer_tags::tag_id.eq(tag_id),
                customer_tags::created_at.eq(now),
            ))
            .execute(conn)?;
        Ok(true)
    }

    pub fn detach(conn: &mut DbConn, customer_id: i64, tag_id: i64) -> QueryResult<usize> {
        diesel::delete(customer_tags::table.find((customer_id, tag_id))).execute(conn)
    }

    pub fn detach_all(conn: &mut DbConn, customer_id: i64) -> QueryResult<usize> {
        diesel::delete(customer_tags::table.filter(customer_tags::customer_id.eq(customer_id)))
            .execute(conn)
    }
}
