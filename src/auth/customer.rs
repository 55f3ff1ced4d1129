//! The storefront's extractors. [`Shopper`] is whoever looks at the shop (signed in or not);
//! [`CurrentCustomer`] only runs a handler for a signed-in customer, and only while the
//! store has customer accounts switched on. Neither ever looks at the staff identity: a staff
//! session is not a customer, and nothing here opens the admin.

use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use chrono::Utc;

use super::session::AppSession;
use crate::db::customers::CustomerRow;
use crate::domain::storefront::{self, LoginMode};
use crate::domain::{accounts, settings};
use crate::error::AppError;
use crate::i18n::{self, Lang};
use crate::state::AppState;

/// Whoever is looking at the storefront.
#[derive(Clone)]
pub struct Shopper {
    pub lang: Lang,
    pub mode: LoginMode,
    /// The signed-in customer; always `None` while accounts are disabled.
    pub customer: Option<CustomerRow>,
    pub session: AppSession,
}

/// A signed-in storefront customer.
#[derive(Clone)]
pub struct CurrentCustomer {
    pub customer: CustomerRow,
    pub lang: Lang,
    pub mode: LoginMode,
    pub session: AppSession,
}

async fn shopper(req: HttpRequest) -> Result<Shopper, AppError> {
    let session = AppSession::of(&req);
    let state = req
        .app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("application state missing")))?;
    let absolute = i64::try_from(state.config.session_absolute.as_secs()).unwrap_or(i64::MAX);
    let signed_in = session
        .customer()
        .filter(|(_, at)| Utc::now().timestamp().saturating_sub(*at) <= absolute)
        .map(|(id, _)| id);
    let pool = state.pool.clone();
    let (mode, default_lang, customer) = web::block(move || -> Result<_, AppError> {
        let mut conn = pool.get()?;
        let mode = storefront::login_mode(&mut conn)?;
        let customer = match signed_in {
            Some(id) if mode.accounts_on() => accounts::signed_in_customer(&mut conn, id)?,
            _ => None,
        };
        Ok((mode, settings::default_lang(&mut conn)?, customer))
    })
    .await??;
    if session.customer().is_some() && customer.is_none() {
        // Expired, erased, or accounts switched off: the customer identity ends here.
        session.sign_out();
    }
    let accept = req
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let own = customer.as_ref().and_then(|c| Lang::from_code(&c.language));
    let lang = i18n::negotiate(
        own,
        super::session::browser_choice(&req),
        accept.as_deref(),
        default_lang,
    );
    req.extensions_mut().insert(lang);
    Ok(Shopper {
        lang,
        mode,
        customer,
        session,
    })
}

impl FromRequest for Shopper {
    type Error = AppError;
    type Future = Pin<Box<dyn std::future::Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        Box::pin(shopper(req.clone()))
    }
}

impl FromRequest for CurrentCustomer {
    type Error = AppError;
    type Future = Pin<Box<dyn std::future::Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let s = shopper(req.clone()).await?;
            if !s.mode.accounts_on() {
                return Err(AppError::NotFound);
            }
            match s.customer {
                Some(customer) => Ok(CurrentCustomer {
                    customer,
                    lang: s.lang,
                    mode: s.mode,
                    session: s.session,
                }),
                None => {
                    let next = (req.method() == actix_web::http::Method::GET).then(|| {
                        match req.query_string() {
                            "" => req.path().to_owned(),
                            q => format!("{}?{}", req.path(), q),
                        }
                    });
                    Err(AppError::CustomerSignInRequired { next })
                }
            }
        })
    }
}
