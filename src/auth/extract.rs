//! Authorization as extractor arguments: a handler that takes [`CurrentStaff`] only runs for a
//! signed-in, active staff member; one that takes `Authorized<P>` only for a role that holds
//! permission `P`. Everything else is refused before the handler runs.

use std::marker::PhantomData;
use std::ops::Deref;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use chrono::Utc;

use super::session::AppSession;
use crate::domain::settings;
use crate::domain::staff::{self, Permission, Staff};
use crate::error::AppError;
use crate::i18n::{self, Lang};
use crate::state::AppState;

/// The signed-in staff member, with the language of this request.
#[derive(Clone)]
pub struct CurrentStaff {
    pub staff: Staff,
    pub lang: Lang,
    pub session: AppSession,
}

impl CurrentStaff {
    pub fn can(&self, p: Permission) -> bool {
        self.staff.role.can(p)
    }
}

fn state(req: &HttpRequest) -> Result<web::Data<AppState>, AppError> {
    req.app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("application state missing")))
}

fn accept_language(req: &HttpRequest) -> Option<String> {
    req.headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

fn sign_in_required(req: &HttpRequest) -> AppError {
    let next = (req.method() == actix_web::http::Method::GET).then(|| match req.query_string() {
        "" => req.path().to_owned(),
        q => format!("{}?{}", req.path(), q),
    });
    AppError::SignInRequired { next }
}

async fn current_staff(req: HttpRequest) -> Result<CurrentStaff, AppError> {
    let session = AppSession::of(&req);
    let Some((staff_id, auth_at)) = session.staff() else {
        return Err(sign_in_required(&req));
    };
    let state = state(&req)?;
    let absolute = i64::try_from(state.config.session_absolute.as_secs()).unwrap_or(i64::MAX);
    if Utc::now().timestamp().saturating_sub(auth_at) > absolute {
        session.sign_out();
        return Err(sign_in_required(&req));
    }
    // Read together with the session by the session store; read here only when it is not.
    let (found, default_lang) = match session.loaded_staff(staff_id) {
        Some(loaded) => (loaded.staff(), loaded.default_lang()),
        None => {
            let pool = state.pool.clone();
            web::block(move || -> Result<_, AppError> {
                let mut conn = pool.get()?;
                Ok((
                    staff::find(&mut conn, staff_id)?,
                    settings::default_lang(&mut conn)?,
                ))
            })
            .await??
        }
    };
    state.remember_default_lang(default_lang);
    let Some(staff) = found.filter(|s| s.active) else {
        session.sign_out();
        return Err(sign_in_required(&req));
    };
    let lang = i18n::negotiate(
        staff.language,
        super::session::browser_choice(&req),
        accept_language(&req).as_deref(),
        default_lang,
    );
    req.extensions_mut().insert(lang);
    Ok(CurrentStaff {
        staff,
        lang,
        session,
    })
}

impl FromRequest for CurrentStaff {
    type Error = AppError;
    type Future = Pin<Box<dyn std::future::Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        Box::pin(current_staff(req.clone()))
    }
}

/// A permission a handler requires, named by a marker type.
pub trait Requirement {
    const PERMISSION: Permission;
}

macro_rules! requirement {
    ($name:ident, $perm:ident) => {
        #[derive(Debug)]
        pub struct $name;
        impl Requirement for $name {
            const PERMISSION: Permission = Permission::$perm;
        }
    };
}

requirement!(ViewCustomers, ViewCustomers);
requirement!(EditCustomerContact, EditCustomerContact);
requirement!(ManageCustomers, ManageCustomers);
requirement!(ManageMoney, ManageMoney);
requirement!(ManageStaff, ManageStaff);
requirement!(ManageSettings, ManageSettings);

/// A signed-in staff member whose role holds `P::PERMISSION`; anyone else gets 403.
pub struct Authorized<P: Requirement> {
    pub current: CurrentStaff,
    _p: PhantomData<P>,
}

impl<P: Requirement> Deref for Authorized<P> {
    type Target = CurrentStaff;
    fn deref(&self) -> &CurrentStaff {
        &self.current
    }
}

impl<P: Requirement + 'static> FromRequest for Authorized<P> {
    type Error = AppError;
    type Future = Pin<Box<dyn std::future::Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let current = current_staff(req).await?;
            if current.can(P::PERMISSION) {
                Ok(Authorized {
                    current,
                    _p: PhantomData,
                })
            } else {
                Err(AppError::Forbidden)
            }
        })
    }
}

/// The language of a page nobody is signed in to: the session's choice, the browser's, the
/// store's default.
pub struct PublicLang(pub Lang);

impl FromRequest for PublicLang {
    type Error = AppError;
    type Future = Pin<Box<dyn std::future::Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let state = state(&req)?;
            let pool = state.pool.clone();
            let default_lang = web::block(move || -> Result<_, AppError> {
                let mut conn = pool.get()?;
                Ok(settings::default_lang(&mut conn)?)
            })
            .await??;
            state.remember_default_lang(default_lang);
            let lang = i18n::negotiate(
                None,
                super::session::browser_choice(&req),
                accept_language(&req).as_deref(),
                default_lang,
            );
            req.extensions_mut().insert(lang);
            Ok(PublicLang(lang))
        })
    }
}
