//! The context every page embeds (`ui`), and the helpers that turn page structs into responses.
//!
//! Templates reach translations and formatting only through `ui`, so a page reads in the
//! request's language everywhere, numbers and dates included.

use std::borrow::Borrow;

use actix_web::HttpResponse;
use actix_web::http::{StatusCode, header};
use chrono::NaiveDateTime;

use crate::auth::session::Flash;
use crate::auth::{AppSession, CurrentStaff};
use crate::domain::staff::{Permission, Role};
use crate::error::AppError;
use crate::i18n::{Arg, Lang, format};

/// An entry of the main navigation. Only areas that exist and that the user may open are shown.
#[derive(Debug, Clone)]
pub struct NavItem {
    pub key: &'static str,
    pub href: &'static str,
    pub icon: &'static str,
    pub active: bool,
}

/// The signed-in user as the layout shows them.
#[derive(Debug, Clone)]
pub struct UserBadge {
    pub name: String,
    pub role: Role,
}

#[derive(Debug, Clone)]
pub struct Ui {
    pub lang: Lang,
    pub csrf: String,
    pub flash: Option<Flash>,
    pub user: Option<UserBadge>,
    pub nav: Vec<NavItem>,
    /// Where the language switcher sends the browser back to.
    pub here: String,
}

/// Which navigation entry a page belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    Dashboard,
    Customers,
    Orders,
    Credit,
    Loyalty,
    Staff,
    Settings,
    Account,
    None,
}

const NAV: &[(Area, &str, &str, &str, Permission)] = &[
    (
        Area::Dashboard,
        "nav-dashboard",
        "/",
        "layout-dashboard",
        Permission::ViewCustomers,
    ),
    (
        Area::Customers,
        "nav-customers",
        "/customers",
        "users",
        Permission::ViewCustomers,
    ),
    (
        Area::Orders,
        "nav-orders",
        "/orders",
        "shopping-bag",
        Permission::ViewCustomers,
    ),
    (
        Area::Credit,
        "nav-credit",
        "/store-credit",
        "wallet",
        Permission::ManageMoney,
    ),
    (
        Area::Loyalty,
        "nav-loyalty",
        "/loyalty",
        "gift",
        Permission::ManageMoney,
    ),
    (
        Area::Staff,
        "nav-staff",
        "/staff",
        "user-check",
        Permission::ManageStaff,
    ),
    (
        Area::Settings,
        "nav-settings",
        "/settings",
        "settings",
        Permission::ManageSettings,
    ),
];

impl Ui {
    /// The context of a signed-in page; takes the pending flash message.
    pub fn staff(current: &CurrentStaff, area: Area, here: &str) -> Ui {
        let nav = NAV
            .iter()
            .filter(|(_, _, _, _, p)| current.can(*p))
            .map(|(a, key, href, icon, _)| NavItem {
                key,
                href,
                icon,
                active: *a == area,
            })
            .collect();
        Ui {
            lang: current.lang,
            csrf: current.session.csrf_token(),
            flash: current.session.take_flash(),
            user: Some(UserBadge {
                name: current.staff.name.clone(),
                role: current.staff.role,
            }),
            nav,
            here: here.to_owned(),
        }
    }

    /// The context of a page for someone not signed in (sign-in, setup, errors).
    pub fn public(lang: Lang, session: &AppSession, here: &str) -> Ui {
        Ui {
            lang,
            csrf: session.csrf_token(),
            flash: session.take_flash(),
            user: None,
            nav: Vec::new(),
            here: here.to_owned(),
        }
    }

    /// A page that leaves the session alone: no CSRF token is created and no flash taken.
    /// For server-error pages, whose cause may be the database that would store the session.
    pub fn detached(lang: Lang, here: &str) -> Ui {
        Ui {
            lang,
            csrf: String::new(),
            flash: None,
            user: None,
            nav: Vec::new(),
            here: here.to_owned(),
        }
    }

    pub fn t(&self, key: &str) -> String {
        self.lang.t(key)
    }

    /// A message with one text argument.
    pub fn ts(&self, key: &str, name: &'static str, value: &str) -> String {
        self.lang.t_args(key, &[(name, Arg::from(value))])
    }

    /// A message with two text arguments.
    pub fn t_args2(
        &self,
        key: &str,
        name: &'static str,
        value: &str,
        name2: &'static str,
        value2: &str,
    ) -> String {
        self.lang
            .t_args(key, &[(name, Arg::from(value)), (name2, Arg::from(value2))])
    }

    /// A message with a count: `$count` selects the plural form, `$n` shows the number
    /// formatted for the language.
    pub fn tn(&self, key: &str, count: impl Borrow<i64>) -> String {
        let count = *count.borrow();
        self.lang.t_args(
            key,
            &[
                ("count", Arg::Num(count)),
                ("n", Arg::Str(format::format_integer(count, self.lang))),
            ],
        )
    }

    /// A message with a count (`$count`, `$n`, as [`Ui::tn`]) and one text argument.
    pub fn tn_with(
        &self,
        key: &str,
        count: impl Borrow<i64>,
        name: &'static str,
        value: &str,
    ) -> String {
        let count = *count.borrow();
        self.lang.t_args(
            key,
            &[
                ("count", Arg::Num(count)),
                ("n", Arg::Str(format::format_integer(count, self.lang))),
                (name, Arg::from(value)),
            ],
        )
    }

    /// A percentage kept in basis points: "12,5 %" (es, pl), "12.5%" (en).
    pub fn percent(&self, bp: impl Borrow<i64>) -> String {
        let bp = *bp.borrow();
        let mut s = format::format_input_amount(bp, self.lang);
        // 12,50 → 12,5; 10,00 → 10.
        while s.ends_with('0') {
            s.pop();
        }
        if s.ends_with(',') || s.ends_with('.') {
            s.pop();
        }
        match self.lang {
            Lang::En => format!("{s}%"),
            _ => format!("{s}\u{a0}%"),
        }
    }

    /// "N customers" for an exact count (the total, a segment's kept count).
    pub fn customers_found(&self, n: impl Borrow<i64>) -> String {
        self.tn("customers-found", n)
    }

    /// "N customers" for a count that stops at [`crate::db::customer_list::COUNT_CAP`]:
    /// "More than 10 000 customers" past it.
    pub fn customers_found_capped(&self, n: impl Borrow<i64>) -> String {
        let n = *n.borrow();
        let cap = crate::db::customer_list::COUNT_CAP;
        if n > cap {
            self.ts(
                "customers-found-many",
                "n",
                &format::format_integer(cap, self.lang),
            )
        } else {
            self.tn("customers-found", n)
        }
    }

    pub fn number(&self, n: impl Borrow<i64>) -> String {
        format::format_integer(*n.borrow(), self.lang)
    }

    pub fn money(&self, cents: impl Borrow<i64>, currency: &str) -> String {
        format::format_money(*cents.borrow(), currency, self.lang)
    }

    pub fn date(&self, ts: &NaiveDateTime) -> String {
        format::format_date(ts.date(), self.lang)
    }

    pub fn datetime(&self, ts: &NaiveDateTime) -> String {
        format::format_datetime(*ts, self.lang)
    }

    /// A stored language code shown as that language's own name.
    pub fn language_name(&self, code: &str) -> String {
        Lang::from_code(code).map_or_else(|| code.to_owned(), |l| l.native_name().to_owned())
    }

    pub fn status_name(&self, status: &str) -> String {
        self.t(&format!("order-status-{status}"))
    }

    pub fn payment_name(&self, method: &str) -> String {
        self.t(&format!("payment-{method}"))
    }

    pub fn role_name(&self, role: &Role) -> String {
        self.t(&format!("role-{}", role.code()))
    }

    pub fn languages(&self) -> [Lang; 3] {
        Lang::ALL
    }

    /// An inline SVG icon (our own static file, safe to insert unescaped).
    pub fn icon(&self, name: &str) -> String {
        crate::web::assets::icon(name)
    }

    pub fn is_signed_in(&self) -> bool {
        self.user.is_some()
    }
}

/// Field errors of a form being shown again: (field, Fluent key).
#[derive(Debug, Clone, Default)]
pub struct FieldErrors(pub Vec<(&'static str, &'static str)>);

impl FieldErrors {
    pub fn get(&self, field: &str) -> Option<&'static str> {
        self.0.iter().find(|(f, _)| *f == field).map(|(_, k)| *k)
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Renders a page with a status (200, or 422 for a form shown again with its errors).
pub fn render<T: askama::Template>(status: StatusCode, page: &T) -> Result<HttpResponse, AppError> {
    let html = page.render()?;
    Ok(HttpResponse::build(status)
        .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
        .body(html))
}

pub fn ok<T: askama::Template>(page: &T) -> Result<HttpResponse, AppError> {
    render(StatusCode::OK, page)
}

/// POST → redirect → GET.
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish()
}

/// A local path to go back to after sign-in or a language switch; anything that could leave
/// the site (`//evil`, `https://…`, `/\evil`) becomes `/`.
pub fn safe_local_path(p: &str) -> &str {
    if p.starts_with('/')
        && !p.starts_with("//")
        && !p.starts_with("/\\")
        && !p.contains(['\r', '\n'])
    {
        p
    } else {
        "/"
    }
}

/// Runs `f` with a pooled connection on the blocking pool: how handlers reach the database.
pub async fn db<T: Send + 'static>(
    state: &crate::state::AppState,
    f: impl FnOnce(&mut crate::db::DbConn) -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    let pool = state.pool.clone();
    actix_web::web::block(move || {
        let mut conn = pool.get()?;
        f(&mut conn)
    })
    .await?
}

#[cfg(test)]
mod tests {
    use super::safe_local_path;

    #[test]
    fn only_local_paths_survive_as_redirect_targets() {
        assert_eq!(safe_local_path("/staff?x=1"), "/staff?x=1");
        for bad in [
            "//evil.com",
            "https://evil.com",
            "/\\evil.com",
            "evil",
            "/a\r\nSet-Cookie: x",
        ] {
            assert_eq!(safe_local_path(bad), "/", "{bad}");
        }
    }
}
