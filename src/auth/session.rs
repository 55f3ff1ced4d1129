//! A typed view of the session: who is signed in, since when, the language chosen, the CSRF
//! token and the one-shot flash message. All session keys are here and nowhere else.

use actix_session::{Session, SessionExt};
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use rand::distr::{Alphanumeric, SampleString};
use serde::{Deserialize, Serialize};
use std::future::{Ready, ready};

use crate::i18n::Lang;

pub const STAFF_ID: &str = "staff_id";
pub const AUTH_AT: &str = "auth_at";
/// The signed-in storefront customer: never set together with [`STAFF_ID`].
pub const CUSTOMER_ID: &str = "customer_id";
const LANG: &str = "lang";
const CSRF: &str = "csrf";
const FLASH: &str = "flash";
const CART: &str = "cart";
const LAST_ORDER: &str = "last_order";

/// A message shown once on the next page: a Fluent key and its kind.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Flash {
    pub kind: FlashKind,
    pub key: String,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum FlashKind {
    Success,
    Error,
}

impl FlashKind {
    pub fn css(self) -> &'static str {
        match self {
            FlashKind::Success => "success",
            FlashKind::Error => "error",
        }
    }
}

#[derive(Clone)]
pub struct AppSession(Session);

impl AppSession {
    pub fn of(req: &HttpRequest) -> AppSession {
        AppSession(req.get_session())
    }

    /// The signed-in staff member and the moment (unix seconds) they signed in.
    pub fn staff(&self) -> Option<(i64, i64)> {
        let id = self.0.get::<i64>(STAFF_ID).ok().flatten()?;
        let at = self.0.get::<i64>(AUTH_AT).ok().flatten()?;
        Some((id, at))
    }

    /// The staff row the session store read with this session, when it is about `staff_id`.
    pub fn loaded_staff(&self, staff_id: i64) -> Option<super::session_store::LoadedStaff> {
        self.0
            .get::<super::session_store::LoadedStaff>(super::session_store::LOADED_STAFF)
            .ok()
            .flatten()
            .filter(|l| l.staff_id == staff_id)
    }

    /// Signs a staff member in: a new session id (no fixation), a new CSRF token.
    pub fn sign_in(
        &self,
        staff_id: i64,
        now_unix: i64,
    ) -> Result<(), actix_session::SessionInsertError> {
        self.0.renew();
        // One identity per session: a staff session is never a customer's.
        self.0.remove(CUSTOMER_ID);
        self.0.insert(STAFF_ID, staff_id)?;
        self.0.insert(AUTH_AT, now_unix)?;
        self.0.insert(CSRF, new_token())?;
        Ok(())
    }

    /// The signed-in storefront customer and the moment (unix seconds) they signed in.
    pub fn customer(&self) -> Option<(i64, i64)> {
        let id = self.0.get::<i64>(CUSTOMER_ID).ok().flatten()?;
        let at = self.0.get::<i64>(AUTH_AT).ok().flatten()?;
        Some((id, at))
    }

    /// Signs a customer in to the storefront: a new session id, a new CSRF token, and no
    /// staff identity left in it (a customer session can never reach the admin).
    pub fn sign_in_customer(
        &self,
        customer_id: i64,
        now_unix: i64,
    ) -> Result<(), actix_session::SessionInsertError> {
        self.0.renew();
        self.0.remove(STAFF_ID);
        self.0.insert(CUSTOMER_ID, customer_id)?;
        self.0.insert(AUTH_AT, now_unix)?;
        self.0.insert(CSRF, new_token())?;
        Ok(())
    }

    /// The storefront cart: (product id, quantity), in the order things were added.
    pub fn cart(&self) -> Vec<(i64, i64)> {
        self.0
            .get::<Vec<(i64, i64)>>(CART)
            .ok()
            .flatten()
            .unwrap_or_default()
    }

    pub fn set_cart(&self, cart: &[(i64, i64)]) -> Result<(), actix_session::SessionInsertError> {
        if cart.is_empty() {
            self.0.remove(CART);
            return Ok(());
        }
        self.0.insert(CART, cart)
    }

    /// The order this browser just placed (a guest's confirmation page reads it).
    pub fn last_order(&self) -> Option<i64> {
        self.0.get::<i64>(LAST_ORDER).ok().flatten()
    }

    pub fn set_last_order(&self, id: i64) -> Result<(), actix_session::SessionInsertError> {
        self.0.insert(LAST_ORDER, id)
    }

    /// Ends the session on the server and in the browser.
    pub fn sign_out(&self) {
        self.0.purge();
    }

    /// Signs the storefront customer out of this browser but keeps the session (its cart,
    /// its language, a flash message), under a new id. Used after a change that ended every
    /// session of the customer on the server.
    pub fn sign_out_customer(&self) {
        self.0.remove(CUSTOMER_ID);
        self.0.remove(AUTH_AT);
        self.0.renew();
    }

    /// Keeps this browser signed in under a new session id (after a password change ended
    /// every other session).
    pub fn renew(&self) {
        self.0.renew();
    }

    pub fn lang(&self) -> Option<Lang> {
        self.0
            .get::<String>(LANG)
            .ok()
            .flatten()
            .and_then(|c| Lang::from_code(&c))
    }

    pub fn set_lang(&self, lang: Lang) -> Result<(), actix_session::SessionInsertError> {
        self.0.insert(LANG, lang.code())
    }

    /// The session's CSRF token, created on first use.
    pub fn csrf_token(&self) -> String {
        if let Ok(Some(t)) = self.0.get::<String>(CSRF) {
            return t;
        }
        let t = new_token();
        // A session that cannot store the token gets forms that will be refused: safe.
        let _ = self.0.insert(CSRF, &t);
        t
    }

    /// The token to compare a submitted one with; `None` when this session never had a form.
    pub fn expected_csrf(&self) -> Option<String> {
        self.0.get::<String>(CSRF).ok().flatten()
    }

    pub fn flash(&self, kind: FlashKind, key: &str) {
        let _ = self.0.insert(
            FLASH,
            Flash {
                kind,
                key: key.to_owned(),
            },
        );
    }

    pub fn take_flash(&self) -> Option<Flash> {
        let f = self.0.get::<Flash>(FLASH).ok().flatten();
        if f.is_some() {
            self.0.remove(FLASH);
        }
        f
    }
}

/// The cookie that remembers a browser's language choice across sign-outs (the session, and
/// the choice in it, ends at sign-out). It holds only "es", "pl" or "en".
pub const LANG_COOKIE: &str = "clientela_lang";

/// The language this browser chose: in its session, else in the language cookie.
pub fn browser_choice(req: &HttpRequest) -> Option<Lang> {
    AppSession::of(req).lang().or_else(|| {
        req.cookie(LANG_COOKIE)
            .and_then(|c| Lang::from_code(c.value()))
    })
}

/// The cookie that keeps `lang` for a year.
pub fn lang_cookie(lang: Lang, secure: bool) -> actix_web::cookie::Cookie<'static> {
    actix_web::cookie::Cookie::build(LANG_COOKIE, lang.code())
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(actix_web::cookie::SameSite::Lax)
        .max_age(actix_web::cookie::time::Duration::days(365))
        .finish()
}

fn new_token() -> String {
    Alphanumeric.sample_string(&mut rand::rng(), 43)
}

impl FromRequest for AppSession {
    type Error = actix_web::Error;
    type Future = Ready<Result<AppSession, actix_web::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(AppSession::of(req)))
    }
}
