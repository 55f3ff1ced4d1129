//! Customers: contact data, addresses, notes and tags, and deletion.
//!
//! Invariants:
//! - a registered customer has an e-mail no other registered customer has;
//! - an edit saves only over the version it was made from (two staff editing at once: the
//!   second save is refused, never a silent overwrite);
//! - deleting a customer with orders erases the personal data and keeps the orders;
//! - every change writes an audit entry in the same transaction.

use chrono::{NaiveDateTime, Utc};
use diesel::QueryResult;
use serde::{Deserialize, Serialize};

use crate::db::customers::{AddressRow, ContactChanges, CustomerRow, NoteRow, TagRow};
use crate::db::store::{self, NewAddress, NewCustomer};
use crate::db::{DbConn, write_tx};
use crate::domain::audit;
use crate::domain::pricing::PersonalDiscount;
use crate::domain::segments::Seen;
use crate::domain::types::{Cents, Email, FieldError, Percent, PersonName};
use crate::i18n::Lang;

/// Field errors of a form: (field name, Fluent key).
pub type FormErrors = Vec<(&'static str, FieldError)>;

#[derive(Debug, thiserror::Error)]
pub enum CustomerError {
    #[error("invalid input")]
    Invalid(FormErrors),
    /// Someone saved the customer after this edit started.
    #[error("stale edit")]
    Stale,
    #[error("not found")]
    NotFound,
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

/// The customer form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CustomerInput {
    #[serde(default)]
    pub full_name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub language: String,
    /// Checkbox: present when ticked.
    #[serde(default)]
    pub registered: Option<String>,
    #[serde(default)]
    pub newsletter: Option<String>,
    /// The version the edit started from.
    #[serde(default)]
    pub version: i64,
    /// The customer group's id; empty for none.
    #[serde(default)]
    pub group: String,
    /// The personal discount's type: empty (none), `amount` ("Monetario") or `percent`
    /// ("Porcentaje").
    #[serde(default)]
    pub discount_kind: String,
    #[serde(default)]
    pub discount_value: String,
}

impl CustomerInput {
    /// The stored contact data as the form would hold it, over the current version (the
    /// pricing fields empty).
    pub fn of_contact(c: &CustomerRow) -> CustomerInput {
        CustomerInput {
            full_name: c.full_name.clone(),
            email: c.email.clone().unwrap_or_default(),
            phone: c.phone.clone().unwrap_or_default(),
            language: c.language.clone(),
            registered: c.registered.then(|| "on".to_owned()),
            newsletter: c.newsletter.then(|| "on".to_owned()),
            version: c.version,
            ..CustomerInput::default()
        }
    }
}

/// Who saves a customer form: the staff member, and whether their role may change pricing
/// (group and personal discount). When it may not, those fields are left as they are.
#[derive(Debug, Clone, Copy)]
pub struct Editor {
    pub id: i64,
    pub may_price: bool,
}

/// Group and personal discount as typed and read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Pricing {
    group: Option<i64>,
    discount: PersonalDiscount,
}

fn validate_discount(input: &CustomerInput) -> Result<PersonalDiscount, FieldError> {
    let value = input.discount_value.trim();
    match input.discount_kind.trim() {
        "" => Ok(PersonalDiscount::None),
        "amount" if value.starts_with('-') => Err("error-amount-negative"),
        "amount" => Cents::parse(value).map(|c| PersonalDiscount::from_row(Some("amount"), c.0)),
        "percent" => {
            Percent::parse(value).map(|p| PersonalDiscount::from_row(Some("percent"), p.0))
        }
        _ => Err("error-discount-kind"),
    }
}

/// Reads the pricing fields (the group must exist). Call inside the write transaction.
fn read_pricing(conn: &mut DbConn, input: &CustomerInput) -> Result<Pricing, CustomerError> {
    let mut errors = FormErrors::new();
    let discount = validate_discount(input)
        .map_err(|e| errors.push(("discount_value", e)))
        .unwrap_or_default();
    let group = crate::domain::groups::parse_group(conn, &input.group)
        .map_err(|e| errors.push(("group", e)))
        .unwrap_or_default();
    if errors.is_empty() {
        Ok(Pricing { group, discount })
    } else {
        Err(CustomerError::Invalid(errors))
    }
}

fn save_pricing(conn: &mut DbConn, id: i64, p: Pricing) -> QueryResult<usize> {
    let (kind, value) = p.discount.to_row();
    crate::db::groups::set_customer_pricing(conn, id, p.group, kind, value)
}

/// Contact data that passed validation.
#[derive(Debug, Clone, Serialize)]
pub struct Contact {
    pub full_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub language: Lang,
    pub registered: bool,
    pub newsletter: bool,
}

const MAX_PHONE: usize = 40;

/// Checks the form; the pricing fields only when the editor may set them (they are ignored
/// otherwise, so they cannot refuse a save either).
fn validate(input: &CustomerInput, with_pricing: bool) -> Result<Contact, FormErrors> {
    let mut errors = FormErrors::new();
    let name = PersonName::parse(&input.full_name)
        .map_err(|e| errors.push(("full_name", e)))
        .ok();
    let registered = input.registered.is_some();
    let email = if input.email.trim().is_empty() {
        if registered {
            errors.push(("email", "error-email-required-registered"));
        }
        None
    } else {
        Email::parse(&input.email)
            .map_err(|e| errors.push(("email", e)))
            .ok()
    };
    let phone = input.phone.trim();
    if phone.chars().count() > MAX_PHONE {
        errors.push(("phone", "error-too-long"));
    } else if !phone
        .chars()
        .all(|c| c.is_ascii_digit() || " +-().".contains(c))
    {
        errors.push(("phone", "error-phone-invalid"));
    }
    let language = Lang::from_code(&input.language);
    if language.is_none() {
        errors.push(("language", "error-required"));
    }
    // Shown with the contact errors; the group is checked against the database on save.
    if with_pricing && let Err(e) = validate_discount(input) {
        errors.push(("discount_value", e));
    }
    match (name, language) {
        (Some(name), Some(language)) if errors.is_empty() => Ok(Contact {
            full_name: name.as_str().to_owned(),
            email: email.map(|e| e.as_str().to_owned()),
            phone: (!phone.is_empty()).then(|| phone.to_owned()),
            language,
            registered,
            newsletter: input.newsletter.is_some(),
        }),
        _ => Err(errors),
    }
}

/// What search looks in: name, e-mail, phone and city, lower-cased.
pub fn search_text(
    name: &str,
    email: Option<&str>,
    phone: Option<&str>,
    city: Option<&str>,
) -> String {
    let digits: String = phone
        .unwrap_or("")
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    [
        name,
        email.unwrap_or(""),
        phone.unwrap_or(""),
        &digits,
        city.unwrap_or(""),
    ]
    .iter()
    .filter(|s| !s.is_empty())
    .map(|s| s.to_lowercase())
    .collect::<Vec<_>>()
    .join(" ")
}

fn snapshot(c: &CustomerRow) -> Option<String> {
    serde_json::to_string(&serde_json::json!({
        "full_name": c.full_name, "email": c.email, "phone": c.phone, "language": c.language,
        "registered": c.registered, "newsletter": c.newsletter, "group_id": c.group_id,
        "discount_kind": c.discount_kind, "discount_value": c.discount_value,
    }))
    .ok()
}

/// Inserts a customer that passed validation (the form, the demo data, the generator).
pub fn insert(conn: &mut DbConn, c: &Contact, created_at: NaiveDateTime) -> QueryResult<i64> {
    let seen = Seen::new_customer(conn)?;
    let text = search_text(&c.full_name, c.email.as_deref(), c.phone.as_deref(), None);
    let id = store::insert_customer(
        conn,
        &NewCustomer {
            full_name: &c.full_name,
            email: c.email.as_deref(),
            phone: c.phone.as_deref(),
            language: c.language.code(),
            registered: c.registered,
            newsletter: c.newsletter,
            created_at,
            updated_at: created_at,
            search_text: &text,
        },
    )?;
    seen.of(id).settle(conn)?;
    Ok(id)
}

fn check_email_free(
    conn: &mut DbConn,
    c: &Contact,
    except: Option<i64>,
) -> Result<(), CustomerError> {
    if let (true, Some(email)) = (c.registered, &c.email)
        && CustomerRow::registered_email_taken(conn, email, except)?
    {
        return Err(CustomerError::Invalid(vec![(
            "email",
            "error-customer-email-taken",
        )]));
    }
    Ok(())
}

/// The loyalty award for signing up to the newsletter (once per customer, ever).
fn newsletter_award(conn: &mut DbConn, actor: Option<i64>, id: i64) -> Result<(), CustomerError> {
    crate::domain::loyalty::award_newsletter(conn, actor, id)
        .map_err(|e| CustomerError::Db(e.into_db()))
}

/// Creates a customer from the form ("Nuevo cliente"); returns its id.
pub fn create(
    conn: &mut DbConn,
    editor: Editor,
    input: &CustomerInput,
) -> Result<i64, CustomerError> {
    let actor = editor.id;
    let contact = validate(input, editor.may_price).map_err(CustomerError::Invalid)?;
    let now = Utc::now().naive_utc();
    write_tx(conn, |conn| {
        let pricing = editor
            .may_price
            .then(|| read_pricing(conn, input))
            .transpose()?;
        check_email_free(conn, &contact, None)?;
        let id = insert(conn, &contact, now)?;
        if let Some(p) = pricing {
            // A new customer is in no segment yet, but one put straight into a group is.
            let seen = Seen::before(conn, id)?;
            save_pricing(conn, id, p)?;
            seen.settle(conn)?;
        }
        if contact.newsletter {
            newsletter_award(conn, Some(actor), id)?;
        }
        let after = CustomerRow::find(conn, id)?.ok_or(CustomerError::NotFound)?;
        audit::record(
            conn,
            Some(actor),
            "customer.create",
            "customer",
            Some(id),
            None,
            snapshot(&after),
            now,
        )?;
        Ok(id)
    })
}

/// Saves contact data over `input.version`; refused as stale when someone saved meanwhile.
pub fn update(
    conn: &mut DbConn,
    editor: Editor,
    id: i64,
    input: &CustomerInput,
) -> Result<(), CustomerError> {
    save_contact(
        conn,
        Some(editor.id),
        editor.may_price,
        id,
        input,
        SaveKind::Form,
    )
}

/// The customer's own profile in the storefront ("my account"): the same rules as a staff
/// edit, with no staff actor and no pricing. The e-mail and the registered flag are taken
/// from the record, never from the form: changing an e-mail needs its own confirmation.
pub fn update_own_profile(
    conn: &mut DbConn,
    id: i64,
    input: &CustomerInput,
) -> Result<(), CustomerError> {
    let current = CustomerRow::find(conn, id)?.ok_or(CustomerError::NotFound)?;
    let input = CustomerInput {
        email: current.email.unwrap_or_default(),
        registered: current.registered.then(|| "on".to_owned()),
        ..input.clone()
    };
    save_contact(conn, None, false, id, &input, SaveKind::Form)
}

/// Where a contact change comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SaveKind {
    /// A form (staff or the customer): a newsletter sign-up earns its loyalty award.
    Form,
    /// A CSV import: the consent was given elsewhere, before; it earns no award.
    Import,
}

fn save_contact(
    conn: &mut DbConn,
    actor: Option<i64>,
    may_price: bool,
    id: i64,
    input: &CustomerInput,
    kind: SaveKind,
) -> Result<(), CustomerError> {
    let contact = validate(input, may_price).map_err(CustomerError::Invalid)?;
    let now = Utc::now().naive_utc();
    write_tx(conn, |conn| {
        let pricing = may_price.then(|| read_pricing(conn, input)).transpose()?;
        let before = CustomerRow::find(conn, id)?.ok_or(CustomerError::NotFound)?;
        if before.anonymized_at.is_some() {
            return Err(CustomerError::NotFound);
        }
        if before.version != input.version {
            return Err(CustomerError::Stale);
        }
        check_email_free(conn, &contact, Some(id))?;
        let seen = Seen::before(conn, id)?;
        let text = search_text(
            &contact.full_name,
            contact.email.as_deref(),
            contact.phone.as_deref(),
            before.city.as_deref(),
        );
        let changes = ContactChanges {
            full_name: &contact.full_name,
            email: contact.email.as_deref(),
            phone: contact.phone.as_deref(),
            language: contact.language.code(),
            registered: contact.registered,
            newsletter: contact.newsletter,
            search_text: &text,
            updated_at: now,
        };
        if !CustomerRow::update_contact(conn, id, input.version, &changes)? {
            return Err(CustomerError::Stale);
        }
        if let Some(p) = pricing {
            save_pricing(conn, id, p)?;
        }
        seen.settle(conn)?;
        if contact.newsletter && !before.newsletter && kind == SaveKind::Form {
            newsletter_award(conn, actor, id)?;
        }
        let after = CustomerRow::find(conn, id)?.ok_or(CustomerError::NotFound)?;
        audit::record(
            conn,
            actor,
            match kind {
                SaveKind::Form => "customer.update",
                SaveKind::Import => "customer.import.update",
            },
            "customer",
            Some(id),
            snapshot(&before),
            snapshot(&after),
            now,
        )?;
        Ok(())
    })
}

/// What deleting did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deleted {
    /// The customer had orders: personal data erased, orders kept.
    Anonymized,
    /// No orders: the customer is gone.
    Removed,
}

pub fn delete(conn: &mut DbConn, actor: i64, id: i64) -> Result<Deleted, CustomerError> {
    let now = Utc::now().naive_utc();
    write_tx(conn, |conn| {
        let before = CustomerRow::find(conn, id)?.ok_or(CustomerError::NotFound)?;
        if before.anonymized_at.is_some() {
            return Err(CustomerError::NotFound);
        }
        // Orders and store credit history are kept for the books: such a customer is
        // anonymized, never removed.
        let has_orders = !crate::db::orders::for_customer(conn, id, 1)?.is_empty()
            || !crate::db::credit::EntryRow::for_customer(conn, id, 1)?.is_empty()
            || crate::db::loyalty::EntryRow::count_for_customer(conn, id)? > 0
            || !crate::db::loyalty::ReviewRow::list(conn, None, Some(id), 1)?.is_empty();
        let seen = Seen::before(conn, id)?;
        let outcome = if has_orders {
            AddressRow::delete_for_customer(conn, id)?;
            NoteRow::delete_for_customer(conn, id)?;
            TagRow::detach_all(conn, id)?;
            // The password goes with the personal data: nobody signs in as an erased person.
            crate::db::accounts::delete(conn, id)?;
            CustomerRow::anonymize(conn, id, "", now)?;
            Deleted::Anonymized
        } else {
            CustomerRow::delete(conn, id)?;
            Deleted::Removed
        };
        seen.settle(conn)?;
        let action = match outcome {
            Deleted::Anonymized => "customer.anonymize",
            Deleted::Removed => "customer.delete",
        };
        audit::record(
            conn,
            Some(actor),
            action,
            "customer",
            Some(id),
            snapshot(&before),
            None,
            now,
        )?;
        Ok(outcome)
    })
}

/// The address form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AddressInput {
    #[serde(default)]
    pub kind: String,
    /// Named `address_name` in the form: the card has the customer's own name field too.
    #[serde(default, rename = "address_name")]
    pub full_name: String,
    #[serde(default)]
    pub line1: String,
    #[serde(default)]
    pub line2: String,
    #[serde(default)]
    pub postal_code: String,
    #[serde(default)]
    pub city: String,
    #[serde(default)]
    pub region: String,
    #[serde(default)]
    pub country: String,
    #[serde(default, rename = "address_phone")]
    pub phone: String,
    #[serde(default)]
    pub is_default: Option<String>,
}

fn text_field(
    errors: &mut FormErrors,
    field: &'static str,
    value: &str,
    required: bool,
    max: usize,
) -> Option<String> {
    let v = value.trim();
    if v.is_empty() {
        if required {
            errors.push((field, "error-required"));
        }
        return None;
    }
    if v.chars().count() > max {
        errors.push((field, "error-too-long"));
        return None;
    }
    if v.chars().any(char::is_control) {
        errors.push((field, "error-invalid-characters"));
        return None;
    }
    Some(v.to_owned())
}

/// An address that passed validation.
#[derive(Debug, Clone)]
struct AddressFields {
    kind: String,
    full_name: String,
    line1: String,
    line2: Option<String>,
    postal_code: String,
    city: String,
    region: Option<String>,
    country: String,
    phone: Option<String>,
}

impl AddressFields {
    fn summary(&self) -> String {
        format!(
            "{}, {} {}, {}",
            self.line1, self.postal_code, self.city, self.country
        )
    }
}

/// What is wrong with an address form, without saving anything (a checkout shows these
/// together with its own errors).
pub fn address_errors(input: &AddressInput) -> FormErrors {
    match validate_address(input) {
        Err(CustomerError::Invalid(errors)) => errors,
        _ => FormErrors::new(),
    }
}

/// The one validation of the address form (adding and editing).
fn validate_address(input: &AddressInput) -> Result<AddressFields, CustomerError> {
    let mut errors = FormErrors::new();
    let kind = match input.kind.as_str() {
        "shipping" | "billing" => input.kind.clone(),
        _ => {
            errors.push(("kind", "error-required"));
            String::new()
        }
    };
    let full_name = text_field(&mut errors, "address_name", &input.full_name, true, 200);
    let line1 = text_field(&mut errors, "line1", &input.line1, true, 200);
    let line2 = text_field(&mut errors, "line2", &input.line2, false, 200);
    let postal = text_field(&mut errors, "postal_code", &input.postal_code, true, 20);
    let city = text_field(&mut errors, "city", &input.city, true, 100);
    let region = text_field(&mut errors, "region", &input.region, false, 100);
    let country = input.country.trim().to_ascii_uppercase();
    if country.len() != 2 || !country.chars().all(|c| c.is_ascii_uppercase()) {
        errors.push(("country", "error-country-invalid"));
    }
    let phone = text_field(&mut errors, "address_phone", &input.phone, false, MAX_PHONE);
    match (full_name, line1, postal, city) {
        (Some(full_name), Some(line1), Some(postal_code), Some(city)) if errors.is_empty() => {
            Ok(AddressFields {
                kind,
                full_name,
                line1,
                line2,
                postal_code,
                city,
                region,
                country,
                phone,
            })
        }
        _ => Err(CustomerError::Invalid(errors)),
    }
}

/// The form of an existing address, to edit it.
pub fn address_input(a: &AddressRow) -> AddressInput {
    AddressInput {
        kind: a.kind.clone(),
        full_name: a.full_name.clone(),
        line1: a.line1.clone(),
        line2: a.line2.clone().unwrap_or_default(),
        postal_code: a.postal_code.clone(),
        city: a.city.clone(),
        region: a.region.clone().unwrap_or_default(),
        country: a.country.clone(),
        phone: a.phone.clone().unwrap_or_default(),
        is_default: a.is_default.then(|| "on".to_owned()),
    }
}

/// Adds an address; the first address, or one marked default, becomes the default of its kind
/// and sets the customer's location.
/// `actor`: the staff member, or `None` for the customer in their own storefront area
/// (the same for the other address changes).
pub fn add_address(
    conn: &mut DbConn,
    actor: Option<i64>,
    customer_id: i64,
    input: &AddressInput,
) -> Result<i64, CustomerError> {
    let AddressFields {
        kind,
        full_name,
        line1,
        line2,
        postal_code: postal,
        city,
        region,
        country,
        phone,
    } = validate_address(input)?;
    let now = Utc::now().naive_utc();
    write_tx(conn, |conn| {
        let customer = CustomerRow::find(conn, customer_id)?.ok_or(CustomerError::NotFound)?;
        if customer.anonymized_at.is_some() {
            return Err(CustomerError::NotFound);
        }
        let existing = AddressRow::for_customer(conn, customer_id)?;
        let first_of_kind = !existing.iter().any(|a| a.kind == kind);
        let is_default = first_of_kind || input.is_default.is_some();
        if is_default {
            crate::db::store::clear_default_address(conn, customer_id, &kind)?;
        }
        let id = store::insert_address(
            conn,
            &NewAddress {
                customer_id,
                kind: &kind,
                full_name: &full_name,
                line1: &line1,
                line2: line2.as_deref(),
                postal_code: &postal,
                city: &city,
                region: region.as_deref(),
                country: &country,
                phone: phone.as_deref(),
                is_default,
                created_at: now,
            },
        )?;
        refresh_location(conn, customer_id)?;
        audit::record(
            conn,
            actor,
            "address.create",
            "customer",
            Some(customer_id),
            None,
            Some(format!("{line1}, {postal} {city}, {country}")),
            now,
        )?;
        Ok(id)
    })
}

/// Saves an edited address. Marking it default takes the default from the other address of
/// its kind; moving the default address to the other kind hands its old kind's default to the
/// next address of that kind; an address alone of its kind is its default.
pub fn update_address(
    conn: &mut DbConn,
    actor: Option<i64>,
    customer_id: i64,
    address_id: i64,
    input: &AddressInput,
) -> Result<(), CustomerError> {
    let fields = validate_address(input)?;
    let now = Utc::now().naive_utc();
    write_tx(conn, |conn| {
        let customer = CustomerRow::find(conn, customer_id)?.ok_or(CustomerError::NotFound)?;
        if customer.anonymized_at.is_some() {
            return Err(CustomerError::NotFound);
        }
        let existing = AddressRow::for_customer(conn, customer_id)?;
        let Some(before) = existing.iter().find(|a| a.id == address_id) else {
            return Err(CustomerError::NotFound);
        };
        let alone_of_kind = !existing
            .iter()
            .any(|a| a.id != address_id && a.kind == fields.kind);
        let is_default = alone_of_kind
            || input.is_default.is_some()
            || (before.is_default && before.kind == fields.kind);
        if is_default {
            crate::db::store::clear_default_address(conn, customer_id, &fields.kind)?;
        }
        crate::db::store::update_address(
            conn,
            customer_id,
            address_id,
            &crate::db::store::AddressChanges {
                kind: &fields.kind,
                full_name: &fields.full_name,
                line1: &fields.line1,
                line2: fields.line2.as_deref(),
                postal_code: &fields.postal_code,
                city: &fields.city,
                region: fields.region.as_deref(),
                country: &fields.country,
                phone: fields.phone.as_deref(),
                is_default,
            },
        )?;
        if before.is_default
            && before.kind != fields.kind
            && let Some(next) = existing
                .iter()
                .find(|a| a.id != address_id && a.kind == before.kind)
        {
            crate::db::store::set_default_address(conn, customer_id, next.id)?;
        }
        refresh_location(conn, customer_id)?;
        audit::record(
            conn,
            actor,
            "address.update",
            "customer",
            Some(customer_id),
            Some(format!(
                "{}, {} {}, {}",
                before.line1, before.postal_code, before.city, before.country
            )),
            Some(fields.summary()),
            now,
        )?;
        Ok(())
    })
}

pub fn delete_address(
    conn: &mut DbConn,
    actor: Option<i64>,
    customer_id: i64,
    address_id: i64,
) -> Result<(), CustomerError> {
    let now = Utc::now().naive_utc();
    write_tx(conn, |conn| {
        let existing = AddressRow::for_customer(conn, customer_id)?;
        let Some(gone) = existing.iter().find(|a| a.id == address_id) else {
            return Err(CustomerError::NotFound);
        };
        crate::db::store::delete_address(conn, customer_id, address_id)?;
        // The next address of that kind becomes the default.
        if gone.is_default
            && let Some(next) = existing
                .iter()
                .find(|a| a.id != address_id && a.kind == gone.kind)
        {
            crate::db::store::set_default_address(conn, customer_id, next.id)?;
        }
        refresh_location(conn, customer_id)?;
        audit::record(
            conn,
            actor,
            "address.delete",
            "customer",
            Some(customer_id),
            Some(format!(
                "{}, {} {}, {}",
                gone.line1, gone.postal_code, gone.city, gone.country
            )),
            None,
            now,
        )?;
        Ok(())
    })
}

pub fn set_default_address(
    conn: &mut DbConn,
    actor: Option<i64>,
    customer_id: i64,
    address_id: i64,
) -> Result<(), CustomerError> {
    let now = Utc::now().naive_utc();
    write_tx(conn, |conn| {
        let existing = AddressRow::for_customer(conn, customer_id)?;
        let Some(target) = existing.iter().find(|a| a.id == address_id) else {
            return Err(CustomerError::NotFound);
        };
        crate::db::store::clear_default_address(conn, customer_id, &target.kind)?;
        crate::db::store::set_default_address(conn, customer_id, address_id)?;
        refresh_location(conn, customer_id)?;
        audit::record(
            conn,
            actor,
            "address.default",
            "customer",
            Some(customer_id),
            None,
            Some(address_id.to_string()),
            now,
        )?;
        Ok(())
    })
}

/// The customer's location (list column, filter, search) is the default shipping address,
/// else any default address, else none.
pub fn refresh_location(conn: &mut DbConn, customer_id: i64) -> QueryResult<()> {
    let seen = Seen::before(conn, customer_id)?;
    let addresses = AddressRow::for_customer(conn, customer_id)?;
    let best = addresses
        .iter()
        .find(|a| a.is_default && a.kind == "shipping")
        .or_else(|| addresses.iter().find(|a| a.is_default))
        .or_else(|| addresses.first());
    let (city, country) = best.map_or((None, None), |a| {
        (Some(a.city.as_str()), Some(a.country.as_str()))
    });
    CustomerRow::set_location(conn, customer_id, city, country)?;
    if let Some(c) = CustomerRow::find(conn, customer_id)?
        && c.anonymized_at.is_none()
    {
        CustomerRow::set_search_text(
            conn,
            customer_id,
            &search_text(&c.full_name, c.email.as_deref(), c.phone.as_deref(), city),
        )?;
    }
    seen.settle(conn)
}

const MAX_NOTE: usize = 5000;

pub fn add_note(
    conn: &mut DbConn,
    actor: i64,
    customer_id: i64,
    body: &str,
) -> Result<i64, CustomerError> {
    let body = body.trim();
    if body.is_empty() {
        return Err(CustomerError::Invalid(vec![("note", "error-required")]));
    }
    if body.chars().count() > MAX_NOTE {
        return Err(CustomerError::Invalid(vec![("note", "error-too-long")]));
    }
    // Line breaks and tabs are a note's own; other control characters (NUL, which
    // PostgreSQL cannot store, among them) are refused.
    if body
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(CustomerError::Invalid(vec![(
            "note",
            "error-invalid-characters",
        )]));
    }
    let now = Utc::now().naive_utc();
    write_tx(conn, |conn| {
        let c = CustomerRow::find(conn, customer_id)?.ok_or(CustomerError::NotFound)?;
        if c.anonymized_at.is_some() {
            return Err(CustomerError::NotFound);
        }
        let id = NoteRow::insert(conn, customer_id, actor, body, now)?;
        audit::record(
            conn,
            Some(actor),
            "note.create",
            "customer",
            Some(customer_id),
            None,
            Some(body.to_owned()),
            now,
        )?;
        Ok(id)
    })
}

pub fn pin_note(
    conn: &mut DbConn,
    actor: i64,
    customer_id: i64,
    note_id: i64,
    pinned: bool,
) -> Result<(), CustomerError> {
    let now = Utc::now().naive_utc();
    write_tx(conn, |conn| {
        let Some((body, was)) = NoteRow::body_of(conn, customer_id, note_id)? else {
            return Err(CustomerError::NotFound);
        };
        if was != pinned {
            NoteRow::set_pinned(conn, customer_id, note_id, pinned)?;
            let action = if pinned { "note.pin" } else { "note.unpin" };
            audit::record(
                conn,
                Some(actor),
                action,
                "customer",
                Some(customer_id),
                None,
                Some(body),
                now,
            )?;
        }
        Ok(())
    })
}

pub fn delete_note(
    conn: &mut DbConn,
    actor: i64,
    customer_id: i64,
    note_id: i64,
) -> Result<(), CustomerError> {
    let now = Utc::now().naive_utc();
    write_tx(conn, |conn| {
        let Some((body, _)) = NoteRow::body_of(conn, customer_id, note_id)? else {
            return Err(CustomerError::NotFound);
        };
        NoteRow::delete(conn, customer_id, note_id)?;
        audit::record(
            conn,
            Some(actor),
            "note.delete",
            "customer",
            Some(customer_id),
            Some(body),
            None,
            now,
        )?;
        Ok(())
    })
}

const MAX_TAG: usize = 50;

/// Tags are a managed list with free entry: an unknown name creates the tag. Names compare
/// case-insensitively ("Frecuente" and "frecuente" are one tag).
pub fn add_tag(
    conn: &mut DbConn,
    actor: i64,
    customer_id: i64,
    name: &str,
) -> Result<(), CustomerError> {
    let name = name.trim();
    if let Err(e) = check_tag(name) {
        return Err(CustomerError::Invalid(vec![("tag", e)]));
    }
    let now = Utc::now().naive_utc();
    write_tx(conn, |conn| {
        let c = CustomerRow::find(conn, customer_id)?.ok_or(CustomerError::NotFound)?;
        if c.anonymized_at.is_some() {
            return Err(CustomerError::NotFound);
        }
        let seen = Seen::before(conn, customer_id)?;
        attach_tag(conn, actor, customer_id, name, now)?;
        seen.settle(conn)?;
        Ok(())
    })
}

/// Whether `name` (trimmed) can be a tag: present, at most 50 characters, no control
/// characters.
pub fn check_tag(name: &str) -> Result<(), FieldError> {
    if name.is_empty() {
        Err("error-required")
    } else if name.chars().count() > MAX_TAG {
        Err("error-too-long")
    } else if name.chars().any(char::is_control) {
        Err("error-invalid-characters")
    } else {
        Ok(())
    }
}

/// Attaches a checked tag (created when unknown) and audits it when it was not there yet.
/// The caller holds the write transaction and settles segment counts.
fn attach_tag(
    conn: &mut DbConn,
    actor: i64,
    customer_id: i64,
    name: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let key = name.to_lowercase();
    let tag_id = match TagRow::find_by_key(conn, &key)? {
        Some(t) => t.id,
        None => TagRow::insert(conn, name, &key, now)?,
    };
    if TagRow::attach(conn, customer_id, tag_id, now)? {
        audit::record(
            conn,
            Some(actor),
            "tag.add",
            "customer",
            Some(customer_id),
            None,
            Some(name.to_owned()),
            now,
        )?;
    }
    Ok(())
}

/// Checks an imported row as the customer form would (contact fields only: an import never
/// sets pricing).
pub fn validate_import(input: &CustomerInput) -> Result<Contact, FormErrors> {
    validate(input, false)
}

/// Creates a customer from an imported row, inside the caller's write transaction, with its
/// tags (checked with [`check_tag`]). The same rules as "Nuevo cliente" apply, except that a
/// newsletter consent given elsewhere earns no loyalty award.
pub fn import_create(
    conn: &mut DbConn,
    actor: i64,
    input: &CustomerInput,
    tags: &[String],
    now: NaiveDateTime,
) -> Result<i64, CustomerError> {
    let contact = validate(input, false).map_err(CustomerError::Invalid)?;
    write_tx(conn, |conn| {
        check_email_free(conn, &contact, None)?;
        let id = insert(conn, &contact, now)?;
        if !tags.is_empty() {
            let seen = Seen::before(conn, id)?;
            for t in tags {
                attach_tag(conn, actor, id, t, now)?;
            }
            seen.settle(conn)?;
        }
        let after = CustomerRow::find(conn, id)?.ok_or(CustomerError::NotFound)?;
        audit::record(
            conn,
            Some(actor),
            "customer.import",
            "customer",
            Some(id),
            None,
            snapshot(&after),
            now,
        )?;
        Ok(id)
    })
}

/// Saves an imported row over an existing customer (its `version` must be the current one),
/// inside the caller's write transaction, and adds its tags (none is removed).
pub fn import_update(
    conn: &mut DbConn,
    actor: i64,
    id: i64,
    input: &CustomerInput,
    tags: &[String],
    now: NaiveDateTime,
) -> Result<(), CustomerError> {
    write_tx(conn, |conn| {
        save_contact(conn, Some(actor), false, id, input, SaveKind::Import)?;
        if !tags.is_empty() {
            let seen = Seen::before(conn, id)?;
            for t in tags {
                attach_tag(conn, actor, id, t, now)?;
            }
            seen.settle(conn)?;
        }
        Ok(())
    })
}

pub fn remove_tag(
    conn: &mut DbConn,
    actor: i64,
    customer_id: i64,
    tag_id: i64,
) -> Result<(), CustomerError> {
    let now = Utc::now().naive_utc();
    write_tx(conn, |conn| {
        let tags = TagRow::for_customer(conn, customer_id)?;
        let Some(tag) = tags.iter().find(|t| t.id == tag_id) else {
            return Err(CustomerError::NotFound);
        };
        let seen = Seen::before(conn, customer_id)?;
        TagRow::detach(conn, customer_id, tag_id)?;
        seen.settle(conn)?;
        audit::record(
            conn,
            Some(actor),
            "tag.remove",
            "customer",
            Some(customer_id),
            Some(tag.name.clone()),
            None,
            now,
        )?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(name: &str, email: &str, registered: bool) -> CustomerInput {
        CustomerInput {
            full_name: name.into(),
            email: email.into(),
            phone: String::new(),
            language: "es".into(),
            registered: registered.then(|| "on".into()),
            newsletter: None,
            version: 1,
            ..CustomerInput::default()
        }
    }

    #[test]
    fn a_registered_customer_needs_an_email_a_guest_does_not() {
        assert!(validate(&input("Ana", "", true), true).is_err());
        assert!(validate(&input("Ana", "", false), true).is_ok());
    }

    #[test]
    fn phones_take_digits_spaces_and_the_usual_signs_only() {
        let mut i = input("Ana", "ana@example.com", true);
        i.phone = "+34 (612) 345-678".into();
        assert_eq!(
            validate(&i, true).unwrap().phone.as_deref(),
            Some("+34 (612) 345-678")
        );
        i.phone = "call me".into();
        assert!(validate(&i, true).is_err());
    }

    #[test]
    fn search_text_holds_name_email_phone_digits_and_city_lower_cased() {
        let t = search_text(
            "Zofia Wójcik",
            Some("z@example.pl"),
            Some("+48 601 234"),
            Some("Kraków"),
        );
        assert_eq!(t, "zofia wójcik z@example.pl +48 601 234 48601234 kraków");
    }
}
