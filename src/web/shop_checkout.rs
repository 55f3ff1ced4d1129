//! The storefront cart and checkout. The cart lives in the session; every price shown comes
//! from `domain::checkout` (the one pricing rule), and placing the order is one call of
//! `checkout::place`: the handler only reads the form and picks the page.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::auth::{FlashKind, Shopper, random_token};
use crate::db::customers::AddressRow;
use crate::domain::checkout::{self, Buyer, CheckoutError, PAYMENT_METHODS, Request};
use crate::domain::customers::{AddressInput, address_input};
use crate::domain::pricing::Quote;
use crate::domain::storefront::LoginMode;
use crate::error::AppError;
use crate::i18n::format::format_input_amount;
use crate::state::AppState;
use crate::web::page::{FieldErrors, Ui, db, ok, render, see_other};
use crate::web::shop::ShopNav;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/shop/cart", web::get().to(cart))
        .route("/shop/cart", web::post().to(add))
        .route("/shop/cart/update", web::post().to(update))
        .route("/shop/checkout", web::get().to(form))
        .route("/shop/checkout", web::post().to(submit))
        .route("/shop/thanks", web::get().to(thanks));
}

fn nav(s: &Shopper) -> ShopNav {
    ShopNav::of(s.mode, s.customer.as_ref())
}

fn checkout_failure(e: CheckoutError) -> AppError {
    match e {
        CheckoutError::Db(e) => e.into(),
        other => AppError::Internal(anyhow::anyhow!("{other}")),
    }
}

// ---------------------------------------------------------------------------------------
// Cart
// ---------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "shop/cart.html")]
struct CartPage {
    ui: Ui,
    nav: ShopNav,
    quotes: Vec<Quote>,
    total: i64,
    currency: String,
}

async fn priced(
    s: &Shopper,
    state: &AppState,
    cart: Vec<(i64, i64)>,
) -> Result<(Vec<Quote>, i64), AppError> {
    let customer = s.customer.as_ref().map(|c| c.id);
    db(state, move |conn| {
        checkout::price_cart(conn, customer, &cart).map_err(checkout_failure)
    })
    .await
}

pub async fn cart(s: Shopper, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let (quotes, total) = priced(&s, &state, s.session.cart()).await?;
    let currency = quotes
        .first()
        .map_or_else(String::new, |q| q.product.currency.clone());
    ok(&CartPage {
        ui: Ui::public(s.lang, &s.session, "/shop/cart"),
        nav: nav(&s),
        quotes,
        total,
        currency,
    })
}

#[derive(Deserialize)]
pub struct LineForm {
    #[serde(default)]
    product: String,
    #[serde(default)]
    quantity: String,
}

impl LineForm {
    /// The product and a quantity between 0 and the per-line maximum; `None` when unreadable.
    fn read(&self) -> Option<(i64, i64)> {
        let product = self.product.trim().parse().ok()?;
        let quantity: i64 = match self.quantity.trim() {
            "" => 1,
            q => q.parse().ok()?,
        };
        (0..=crate::domain::orders::MAX_QUANTITY)
            .contains(&quantity)
            .then_some((product, quantity))
    }
}

/// "Añadir al carrito" on the catalogue.
pub async fn add(s: Shopper, form: web::Form<LineForm>) -> Result<HttpResponse, AppError> {
    match form.read() {
        Some((product, quantity)) if quantity > 0 => {
            s.session
                .set_cart(&checkout::add_to_cart(&s.session.cart(), product, quantity))?;
            s.session.flash(FlashKind::Success, "flash-cart-added");
        }
        _ => s.session.flash(FlashKind::Error, "error-quantity"),
    }
    Ok(see_other("/shop/cart"))
}

/// A new quantity for a cart line (0 removes it).
pub async fn update(s: Shopper, form: web::Form<LineForm>) -> Result<HttpResponse, AppError> {
    match form.read() {
        Some((product, quantity)) => {
            s.session.set_cart(&checkout::set_quantity(
                &s.session.cart(),
                product,
                quantity,
            ))?;
            s.session.flash(FlashKind::Success, "flash-cart-updated");
        }
        None => s.session.flash(FlashKind::Error, "error-quantity"),
    }
    Ok(see_other("/shop/cart"))
}

// ---------------------------------------------------------------------------------------
// Checkout
// ---------------------------------------------------------------------------------------

/// The checkout form as typed (the address fields are read separately, as `AddressInput`).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CheckoutForm {
    #[serde(default)]
    pub full_name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub payment_method: String,
    #[serde(default)]
    pub credit: String,
    #[serde(default)]
    pub points: String,
    #[serde(default)]
    pub key: String,
}

#[derive(Template)]
#[template(path = "shop/checkout.html")]
struct CheckoutPage {
    ui: Ui,
    nav: ShopNav,
    quotes: Vec<Quote>,
    total: i64,
    currency: String,
    /// Store credit the signed-in customer can apply; `None` for guests or when credit is off.
    credit_available: Option<i64>,
    /// The signed-in customer's points and what one pays, when points pay at checkout.
    points_available: Option<(i64, i64)>,
    input: CheckoutForm,
    address: AddressInput,
    errors: FieldErrors,
    /// A refusal not tied to one field (the credit spend's reason).
    refusal: Option<&'static str>,
    methods: [&'static str; 2],
}

impl CheckoutPage {
    fn is_guest(&self) -> bool {
        self.nav.customer.is_none()
    }
}

async fn checkout_page(
    s: &Shopper,
    state: &AppState,
    input: Option<(CheckoutForm, AddressInput)>,
    errors: FieldErrors,
    refusal: Option<&'static str>,
) -> Result<CheckoutPage, AppError> {
    let (quotes, total) = priced(s, state, s.session.cart()).await?;
    let currency = quotes
        .first()
        .map_or_else(String::new, |q| q.product.currency.clone());
    let customer = s.customer.as_ref().map(|c| c.id);
    let (credit_available, points_available, saved_address) =
        db(state, move |conn| match customer {
            Some(id) => {
                let address = AddressRow::for_customer(conn, id)?
                    .into_iter()
                    .find(|a| a.kind == "shipping" && a.is_default);
                Ok((
                    checkout::available_credit(conn, id)?,
                    checkout::available_points(conn, id)?,
                    address,
                ))
            }
            None => Ok((None, None, None)),
        })
        .await?;
    let (input, address) = input.unwrap_or_else(|| {
        let name = s
            .customer
            .as_ref()
            .map_or_else(String::new, |c| c.full_name.clone());
        // Seed 000: the available credit is offered at once, up to what the order costs.
        let credit = credit_available
            .map(|c| c.min(total))
            .filter(|c| *c > 0)
            .map_or_else(String::new, |c| format_input_amount(c, s.lang));
        let address = saved_address.as_ref().map_or_else(
            || AddressInput {
                kind: "shipping".into(),
                full_name: name.clone(),
                ..AddressInput::default()
            },
            address_input,
        );
        (
            CheckoutForm {
                payment_method: PAYMENT_METHODS[0].into(),
                credit,
                key: random_token(),
                ..CheckoutForm::default()
            },
            address,
        )
    });
    Ok(CheckoutPage {
        ui: Ui::public(s.lang, &s.session, "/shop/checkout"),
        nav: nav(s),
        quotes,
        total,
        currency,
        credit_available,
        points_available,
        input,
        address,
        errors,
        refusal,
        methods: PAYMENT_METHODS,
    })
}

/// Who may see the checkout: everyone but a guest of a store where accounts are required.
fn gate(s: &Shopper) -> Option<HttpResponse> {
    if s.session.cart().is_empty() {
        return Some(see_other("/shop/cart"));
    }
    (s.mode == LoginMode::Required && s.customer.is_none())
        .then(|| see_other("/shop/login?next=%2Fshop%2Fcheckout"))
}

pub async fn form(s: Shopper, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    if let Some(redirect) = gate(&s) {
        return Ok(redirect);
    }
    ok(&checkout_page(&s, &state, None, FieldErrors::default(), None).await?)
}

pub async fn submit(
    s: Shopper,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let input: CheckoutForm = serde_html_form::from_bytes(&body)
        .map_err(|e| AppError::BadRequest(format!("checkout form: {e}")))?;
    let address: AddressInput = serde_html_form::from_bytes(&body)
        .map_err(|e| AppError::BadRequest(format!("checkout address: {e}")))?;
    if let Some(redirect) = gate(&s) {
        return Ok(redirect);
    }
    let buyer = match &s.customer {
        Some(c) => Buyer::Customer(c.id),
        None => Buyer::Guest {
            full_name: input.full_name.clone(),
            email: input.email.clone(),
        },
    };
    let req = Request {
        mode: s.mode,
        buyer,
        lang: s.lang,
        cart: s.session.cart(),
        address: address.clone(),
        payment_method: input.payment_method.clone(),
        credit: input.credit.clone(),
        points: input.points.clone(),
        key: input.key.clone(),
    };
    let outcome = db(&state, move |conn| Ok(checkout::place(conn, &req))).await?;
    match outcome {
        Ok(placed) => {
            s.session.set_cart(&[])?;
            s.session.set_last_order(placed.order_id)?;
            s.session.flash(FlashKind::Success, "flash-order-placed");
            Ok(see_other(if s.customer.is_some() {
                "/shop/account"
            } else {
                "/shop/thanks"
            }))
        }
        Err(CheckoutError::Invalid(errors)) => render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &checkout_page(
                &s,
                &state,
                Some((input, address)),
                FieldErrors(errors),
                None,
            )
            .await?,
        ),
        Err(CheckoutError::Credit(e)) => render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &checkout_page(
                &s,
                &state,
                Some((input, address)),
                FieldErrors(vec![("credit", e.message())]),
                Some(e.message()),
            )
            .await?,
        ),
        Err(CheckoutError::SignInRequired) => {
            s.session.flash(FlashKind::Error, "checkout-sign-in-to-pay");
            Ok(see_other("/shop/login?next=%2Fshop%2Fcheckout"))
        }
        Err(CheckoutError::EmptyCart) => Ok(see_other("/shop/cart")),
        Err(e) => Err(checkout_failure(e)),
    }
}

#[derive(Template)]
#[template(path = "shop/thanks.html")]
struct ThanksPage {
    ui: Ui,
    nav: ShopNav,
    number: String,
    email: String,
}

/// A guest's confirmation: the order number and, where accounts are optional, the offer (not
/// an obligation) to create one.
pub async fn thanks(s: Shopper, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let order_id = s.session.last_order().ok_or(AppError::NotFound)?;
    let (order, email) = db(&state, move |conn| {
        let order = crate::db::orders::find(conn, order_id)?.ok_or(AppError::NotFound)?;
        let email = crate::db::customers::CustomerRow::find(conn, order.customer_id)?
            .and_then(|c| c.email)
            .unwrap_or_default();
        Ok((order, email))
    })
    .await?;
    ok(&ThanksPage {
        ui: Ui::public(s.lang, &s.session, "/shop/thanks"),
        nav: nav(&s),
        number: order.number,
        email,
    })
}
