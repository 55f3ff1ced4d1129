//! HTTP: routes, pages and the middleware every response goes through.

pub mod admin;
pub mod api;
pub mod assets;
pub mod auth;
pub mod errors;
pub mod health;
pub mod page;
pub mod shop;
pub mod shop_addresses;
pub mod shop_checkout;
pub mod shop_links;
pub mod shop_profile;
pub mod shop_wallet;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;
use actix_web::web;

/// Every route of the application.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/healthz", web::get().to(health::healthz))
        .route("/readyz", web::get().to(health::readyz))
        .route("/static/{path:.*}", web::get().to(assets::serve))
        .route("/login", web::get().to(auth::login_form))
        .route("/login", web::post().to(auth::login))
        .route("/logout", web::post().to(auth::logout))
        .route("/language", web::post().to(auth::switch_language))
        .route("/setup/{token}", web::get().to(auth::setup_form))
        .route("/setup/{token}", web::post().to(auth::setup))
        .configure(shop::routes)
        .configure(shop_addresses::routes)
        .configure(shop_checkout::routes)
        .configure(shop_profile::routes)
        .configure(shop_links::routes)
        .configure(admin::notifications::routes)
        .configure(api::routes)
        .configure(admin::api_tokens::routes)
        .configure(shop_wallet::routes)
        .route("/", web::get().to(admin::dashboard::show))
        .route("/customers", web::get().to(admin::customers::list))
        .route("/customers/count", web::get().to(admin::customers::count))
        .route("/customers", web::post().to(admin::customers::create))
        .route("/customers/new", web::get().to(admin::customers::new_form))
        .route(
            "/segments",
            web::post().to(admin::customers::create_segment),
        )
        .route(
            "/segments/{id}/delete",
            web::post().to(admin::customers::delete_segment),
        )
        .route(
            "/customers/export.csv",
            web::get().to(admin::export::export),
        )
        .configure(admin::import::routes)
        .route("/customers/overview", web::get().to(admin::overview::show))
        .route(
            "/customers/accounts",
            web::get().to(admin::accounts_settings::show),
        )
        .route(
            "/customers/accounts",
            web::post().to(admin::accounts_settings::save),
        )
        .route("/customers/groups", web::get().to(admin::groups::list))
        .route("/customers/groups", web::post().to(admin::groups::create))
        .route(
            "/customers/groups/new",
            web::get().to(admin::groups::new_form),
        )
        .route(
            "/customers/groups/{id}",
            web::post().to(admin::groups::update),
        )
        .route(
            "/customers/groups/{id}/edit",
            web::get().to(admin::groups::edit_form),
        )
        .route(
            "/customers/groups/{id}/prices",
            web::post().to(admin::groups::save_prices),
        )
        .route(
            "/customers/groups/{id}/delete",
            web::get().to(admin::groups::delete_form),
        )
        .route(
            "/customers/groups/{id}/delete",
            web::post().to(admin::groups::delete),
        )
        .route("/customers/bulk/group", web::post().to(admin::groups::bulk))
        .route(
            "/customers/{id}/credit-options",
            web::get().to(admin::b2b::options),
        )
        .route(
            "/customers/{id}/credit-options",
            web::post().to(admin::b2b::add_option),
        )
        .route(
            "/customers/{id}/credit-options/{option}",
            web::post().to(admin::b2b::save_option),
        )
        .route(
            "/customers/{id}/orders/new",
            web::get().to(admin::b2b::new_order_form),
        )
        .route(
            "/customers/{id}/orders",
            web::post().to(admin::b2b::create_order),
        )
        .route("/orders/{id}/settle", web::post().to(admin::b2b::settle))
        .route("/customers/{id}", web::get().to(admin::customers::show))
        .route("/customers/{id}", web::post().to(admin::customers::update))
        .route(
            "/customers/{id}/edit",
            web::get().to(admin::customers::edit_form),
        )
        .route(
            "/customers/{id}/delete",
            web::get().to(admin::customers::delete_form),
        )
        .route(
            "/customers/{id}/delete",
            web::post().to(admin::customers::delete),
        )
        .route(
            "/customers/{id}/addresses",
            web::post().to(admin::customers::add_address),
        )
        .route(
            "/customers/{id}/addresses/{address}/edit",
            web::get().to(admin::customers::edit_address_form),
        )
        .route(
            "/customers/{id}/addresses/{address}",
            web::post().to(admin::customers::update_address),
        )
        .route(
            "/customers/{id}/addresses/{address}/delete",
            web::post().to(admin::customers::delete_address),
        )
        .route(
            "/customers/{id}/addresses/{address}/default",
            web::post().to(admin::customers::default_address),
        )
        .route(
            "/customers/{id}/notes",
            web::post().to(admin::customers::add_note),
        )
        .route(
            "/customers/{id}/notes/{note}/pin",
            web::post().to(admin::customers::pin_note),
        )
        .route(
            "/customers/{id}/notes/{note}/delete",
            web::post().to(admin::customers::delete_note),
        )
        .route(
            "/customers/{id}/tags",
            web::post().to(admin::customers::add_tag),
        )
        .route(
            "/customers/{id}/tags/{tag}/delete",
            web::post().to(admin::customers::remove_tag),
        )
        .route(
            "/customers/{id}/credit",
            web::get().to(admin::credit::panel),
        )
        .route(
            "/customers/{id}/credit",
            web::post().to(admin::credit::grant),
        )
        .route(
            "/customers/{id}/credit/lots/{lot}/void",
            web::get().to(admin::credit::void_form),
        )
        .route(
            "/customers/{id}/credit/lots/{lot}/void",
            web::post().to(admin::credit::void),
        )
        .route(
            "/settings/store-credit",
            web::get().to(admin::credit::settings_form),
        )
        .route(
            "/settings/store-credit",
            web::post().to(admin::credit::save_settings),
        )
        .route(
            "/settings/store-credit/reasons",
            web::post().to(admin::credit::add_reason),
        )
        .route(
            "/settings/store-credit/reasons/{id}/toggle",
            web::post().to(admin::credit::toggle_reason),
        )
        .route("/store-credit", web::get().to(admin::credit::liability))
        .route(
            "/customers/{id}/loyalty",
            web::get().to(admin::loyalty::panel),
        )
        .route(
            "/customers/{id}/loyalty/points",
            web::post().to(admin::loyalty::adjust),
        )
        .route(
            "/customers/{id}/loyalty/exchanges",
            web::post().to(admin::loyalty::place_exchange),
        )
        .route(
            "/customers/{id}/reviews",
            web::post().to(admin::loyalty::add_review),
        )
        .route("/loyalty", web::get().to(admin::loyalty::overview))
        .route(
            "/loyalty/exchanges",
            web::get().to(admin::loyalty::exchanges),
        )
        .route(
            "/loyalty/exchanges/{id}/accept",
            web::post().to(admin::loyalty::accept_exchange),
        )
        .route(
            "/loyalty/exchanges/{id}/reject",
            web::post().to(admin::loyalty::reject_exchange),
        )
        .route("/loyalty/rewards", web::get().to(admin::loyalty::rewards))
        .route(
            "/loyalty/rewards",
            web::post().to(admin::loyalty::add_reward),
        )
        .route(
            "/loyalty/rewards/{id}",
            web::post().to(admin::loyalty::update_reward),
        )
        .route("/loyalty/reviews", web::get().to(admin::loyalty::reviews))
        .route(
            "/loyalty/reviews/{id}/approve",
            web::post().to(admin::loyalty::approve_review),
        )
        .route(
            "/loyalty/reviews/{id}/reject",
            web::post().to(admin::loyalty::reject_review),
        )
        .route(
            "/settings/loyalty",
            web::get().to(admin::loyalty::settings_form),
        )
        .route(
            "/settings/loyalty",
            web::post().to(admin::loyalty::save_settings),
        )
        .route(
            "/orders/{id}/credit",
            web::post().to(admin::orders::apply_credit),
        )
        .route(
            "/orders/{id}/refund-credit",
            web::post().to(admin::orders::refund_credit),
        )
        .route("/orders", web::get().to(admin::orders::list))
        .route("/orders/{id}", web::get().to(admin::orders::show))
        .route(
            "/orders/{id}/status",
            web::post().to(admin::orders::change_status),
        )
        .route("/account", web::get().to(admin::account::show))
        .route(
            "/account/password",
            web::post().to(admin::account::change_password),
        )
        .route("/staff", web::get().to(admin::staff::list))
        .route("/staff/new", web::get().to(admin::staff::new_form))
        .route("/staff", web::post().to(admin::staff::create))
        .route(
            "/staff/{id}/role",
            web::post().to(admin::staff::change_role),
        )
        .route("/staff/{id}/disable", web::post().to(admin::staff::disable))
        .route("/staff/{id}/enable", web::post().to(admin::staff::enable))
        .route("/settings", web::get().to(admin::settings::show))
        .route("/settings", web::post().to(admin::settings::save));
}

/// The content security policy: no inline script or style, nothing from other origins, no
/// framing, no plugins.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
     font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
     frame-ancestors 'none'";

/// Security headers on every response; `Cache-Control: no-store` unless a handler chose a
/// cache policy (only the static files do), so no signed-in page is kept by a browser or proxy.
pub async fn security_headers(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let mut res = next.call(req).await?;
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::HeaderName::from_static("cross-origin-opener-policy"),
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        header::HeaderName::from_static("permissions-policy"),
        HeaderValue::from_static("camera=(), microphone=(), geolocation=()"),
    );
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    Ok(res)
}
