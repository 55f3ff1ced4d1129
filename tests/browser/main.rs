//! Browser tier: the real application driven through headless Chromium (chromedriver started
//! by the harness). Each test gets a fresh database (SQLite, or PostgreSQL under
//! `CLIENTELA_TEST_BACKEND=postgres`) and a fresh browser profile whose `Accept-Language` is
//! `de-DE`, a language the app does not speak, so the store's default (Spanish) applies.
//!
//! Without chromium/chromedriver the tests are skipped (note on stderr), unless `CI` is set.
//! A failing test leaves a screenshot, the page source and the chromedriver log in
//! `target/browser-screenshots/<test name>.*`.

mod checkout;
// The shared harness fails a test with `expect` when the app cannot be set up, on purpose.
#[allow(clippy::expect_used, clippy::unwrap_used)]
#[path = "../common/mod.rs"]
mod common;
mod credit;
mod customers;
mod groups;
mod harness;
mod loyalty;
mod shop;

use anyhow::{Context, Result, ensure};
use common::{OWNER_EMAIL, PASSWORD, TestApp};
use harness::{Browser, Options, Page};
use regex::Regex;

/// What the shell of the app reads in one language.
struct Shell {
    code: &'static str,
    sign_in_title: &'static str,
    dashboard_title: &'static str,
    /// The owner's sidebar, in order.
    nav: [&'static str; 7],
    sign_out: &'static str,
    sales_label: &'static str,
    /// A money figure as this language writes it (`0,00 €`, `€0.00`).
    money: &'static str,
}

const ES: Shell = Shell {
    code: "es",
    sign_in_title: "Inicia sesión en Clientela",
    dashboard_title: "Tu tienda hoy",
    nav: [
        "Panel",
        "Clientes",
        "Pedidos",
        "Créditos",
        "Fidelidad",
        "Equipo",
        "Configuración",
    ],
    sign_out: "Cerrar sesión",
    sales_label: "Ventas",
    money: r"^-?\d+(\.\d{3})*,\d{2}\s€$",
};

const PL: Shell = Shell {
    code: "pl",
    sign_in_title: "Zaloguj się do Clienteli",
    dashboard_title: "Twój sklep dzisiaj",
    nav: [
        "Pulpit",
        "Klienci",
        "Zamówienia",
        "Kredyt",
        "Lojalność",
        "Zespół",
        "Ustawienia",
    ],
    sign_out: "Wyloguj się",
    sales_label: "Sprzedaż",
    money: r"^-?\d+(\s\d{3})*,\d{2}\s€$",
};

const EN: Shell = Shell {
    code: "en",
    sign_in_title: "Sign in to Clientela",
    dashboard_title: "Your store today",
    nav: [
        "Dashboard",
        "Customers",
        "Orders",
        "Credit",
        "Loyalty",
        "Staff",
        "Settings",
    ],
    sign_out: "Sign out",
    sales_label: "Sales",
    money: r"^-?€\d+(,\d{3})*\.\d{2}$",
};

const SIGN_IN_BUTTON: &str = r#"form[action="/login"] button[type=submit]"#;
const SIGN_OUT_BUTTON: &str = r#"details.user-menu form[action="/logout"] button"#;

/// Opens /login and waits for the sign-in form in `shell`'s language.
async fn open_sign_in(page: &Page, app: &TestApp, shell: &Shell) -> Result<()> {
    page.goto(&app.url("/login")).await?;
    expect_sign_in_page(page, shell).await
}

async fn expect_sign_in_page(page: &Page, shell: &Shell) -> Result<()> {
    page.expect_path("/login").await?;
    page.expect_text("main h1", shell.sign_in_title).await?;
    page.expect_html_lang(shell.code).await?;
    page.element("input#email").await?;
    page.element("input#password").await?;
    Ok(())
}

/// Fills the sign-in form and sends it (the caller waits for what follows).
async fn submit_sign_in(page: &Page, email: &str, password: &str) -> Result<()> {
    page.fill("input#email", email).await?;
    page.fill("input#password", password).await?;
    page.click(SIGN_IN_BUTTON).await
}

/// Waits for the owner's dashboard in `shell`'s language: the heading, `<html lang>`, the
/// sidebar, the sign-out label and the sales card with a money figure written the local way.
async fn expect_dashboard(page: &Page, shell: &Shell) -> Result<()> {
    page.expect_text("main h1", shell.dashboard_title).await?;
    page.expect_path("/").await?;
    page.expect_html_lang(shell.code).await?;
    page.expect_texts("nav.sidebar a", format!("{:?}", shell.nav), |texts| {
        texts == shell.nav.as_slice()
    })
    .await?;
    let current = page
        .texts("form.lang-switcher button[aria-current=true]")
        .await?;
    ensure!(
        current == [shell.code.to_uppercase()],
        "the language switcher marks {current:?} as current, not {}",
        shell.code
    );
    // The user menu is closed, so its button has no visible text; read the DOM instead.
    let sign_out_text = page.text_content(SIGN_OUT_BUTTON).await?;
    ensure!(
        sign_out_text == shell.sign_out,
        "the sign-out button reads {sign_out_text:?}, not {:?}",
        shell.sign_out
    );

    let labels = page.texts(".card.stat .stat-label").await?;
    ensure!(
        labels.len() >= 4,
        "expected the four stat cards, found labels {labels:?}"
    );
    let sales = labels
        .iter()
        .position(|l| l == shell.sales_label)
        .with_context(|| format!("no {:?} stat card among {labels:?}", shell.sales_label))?;
    let values = page.texts(".card.stat").await?;
    let money = Regex::new(shell.money)?;
    let card = values.get(sales).context("the sales card vanished")?;
    ensure!(
        card.lines().any(|line| money.is_match(line.trim())),
        "the {:?} card shows no money figure like /{}/: {card:?}",
        shell.sales_label,
        shell.money
    );
    Ok(())
}

/// Clicks the language switcher's `code` button and waits for the dashboard in `shell`.
async fn switch_language(page: &Page, shell: &Shell) -> Result<()> {
    page.click(&format!(
        "form.lang-switcher button[name=lang][value={}]",
        shell.code
    ))
    .await?;
    expect_dashboard(page, shell)
        .await
        .with_context(|| format!("after switching to {}", shell.code))
}

/// Opens the user menu and signs out; returns the title of the sign-in page that follows.
async fn sign_out(page: &Page, shell: &Shell) -> Result<String> {
    page.click("details.user-menu > summary").await?;
    page.expect_text(SIGN_OUT_BUTTON, shell.sign_out).await?;
    page.click(SIGN_OUT_BUTTON).await?;
    page.expect_path("/login").await?;
    page.element("input#email").await?;
    // Signing out ends the session, language included; the sign-in page may speak the
    // language just used or fall back to the browser's / the store's.
    page.expect_text_among(
        "main h1",
        &[ES.sign_in_title, PL.sign_in_title, EN.sign_in_title],
    )
    .await
}

#[actix_web::test]
async fn a_staff_member_signs_in_switches_language_through_spanish_polish_and_english_and_signs_out()
 {
    const TEST: &str = "a_staff_member_signs_in_switches_language_through_spanish_polish_and_english_and_signs_out";
    let Some(browser) = Browser::launch(TEST, Options::default()).await else {
        return;
    };
    let app = TestApp::spawn().await;
    app.create_owner();
    browser
        .run(|page| async move {
            open_sign_in(&page, &app, &ES).await?;
            submit_sign_in(&page, OWNER_EMAIL, PASSWORD).await?;
            expect_dashboard(&page, &ES)
                .await
                .context("after signing in")?;

            switch_language(&page, &PL).await?;
            switch_language(&page, &EN).await?;

            sign_out(&page, &EN).await?;
            page.goto(&app.url("/")).await?;
            page.expect_path("/login")
                .await
                .context("the dashboard after signing out")?;
            page.element(SIGN_IN_BUTTON).await?;
            Ok(())
        })
        .await;
}

#[actix_web::test]
async fn the_language_chosen_is_remembered_after_signing_in_again() {
    const TEST: &str = "the_language_chosen_is_remembered_after_signing_in_again";
    let Some(browser) = Browser::launch(TEST, Options::default()).await else {
        return;
    };
    let app = TestApp::spawn().await;
    app.create_owner();
    browser
        .run(|page| async move {
            open_sign_in(&page, &app, &ES).await?;
            submit_sign_in(&page, OWNER_EMAIL, PASSWORD).await?;
            expect_dashboard(&page, &ES)
                .await
                .context("after signing in")?;
            switch_language(&page, &PL).await?;
            sign_out(&page, &PL).await?;

            submit_sign_in(&page, OWNER_EMAIL, PASSWORD).await?;
            expect_dashboard(&page, &PL)
                .await
                .context("after signing in again")?;
            Ok(())
        })
        .await;
}

#[actix_web::test]
async fn signing_in_with_a_wrong_password_shows_a_translated_error_and_keeps_the_email() {
    const TEST: &str =
        "signing_in_with_a_wrong_password_shows_a_translated_error_and_keeps_the_email";
    let Some(browser) = Browser::launch(TEST, Options::default()).await else {
        return;
    };
    let app = TestApp::spawn().await;
    app.create_owner();
    browser
        .run(|page| async move {
            open_sign_in(&page, &app, &ES).await?;
            submit_sign_in(&page, OWNER_EMAIL, "not the password").await?;

            let error = page.element(".form-error[role=alert]").await?;
            let text = error.text().await?;
            ensure!(
                text.contains("no son correctos"),
                "the error reads {text:?}, not the Spanish refusal"
            );
            expect_sign_in_page(&page, &ES).await?;
            let email = page.value("input#email").await?;
            ensure!(
                email == OWNER_EMAIL,
                "the e-mail field holds {email:?} after the refusal, not {OWNER_EMAIL:?}"
            );
            let password = page.value("input#password").await?;
            ensure!(password.is_empty(), "the password field was refilled");
            Ok(())
        })
        .await;
}

#[actix_web::test]
async fn a_browser_asking_for_polish_gets_the_sign_in_page_in_polish() {
    const TEST: &str = "a_browser_asking_for_polish_gets_the_sign_in_page_in_polish";
    let options = Options {
        accept_language: "pl-PL,pl",
    };
    let Some(browser) = Browser::launch(TEST, options).await else {
        return;
    };
    let app = TestApp::spawn().await;
    browser
        .run(|page| async move { open_sign_in(&page, &app, &PL).await })
        .await;
}
