//! The loyalty program driven through the browser (seed 004 "Program lojalnościowy"): the
//! sidebar's customers → the gear of the customer's row → "edit" → the left-hand section
//! "loyalty program" shows the current points, the exchange orders and the operation history;
//! "manage points" adds points (the flash, the balance and one history line at once), a
//! subtraction larger than the balance is refused and changes nothing, and a pending exchange
//! order (placed through the domain) is accepted from the section's list. The same flow runs
//! in Polish, in Spanish and in English. A support member sees the section but can change
//! nothing, and has no loyalty entry in the sidebar.

use anyhow::{Context, Result, ensure};
use chrono::Utc;
use clientela::db::store::{NewProduct, insert_product};
use clientela::db::write_tx;
use clientela::domain::customers::{self, Contact};
use clientela::domain::loyalty::{self, RewardInput, SettingsInput};
use clientela::domain::staff::Role;
use clientela::i18n::Lang;

use crate::common::{OWNER_EMAIL, PASSWORD, TestApp};
use crate::harness::{Browser, Options, Page};
use crate::{EN, ES, PL, Shell, open_sign_in, submit_sign_in};

/// The owner's name as `TestApp::create_owner` gives it (the history shows who did what).
const OWNER_NAME: &str = "Olga Owner";

/// The points typed into "manage points", the (larger) points a subtraction asks for, and
/// the points the reward costs: 124 - 120 leaves 4 (Polish "few" forms: "124 punkty").
const ADDED: &str = "124";
const TOO_MANY: &str = "500";
const REWARD_POINTS: &str = "120";
const LEFT: &str = "4";

/// What the loyalty section (and the pages leading there) read in one language.
struct Labels {
    /// The app shell in this language (the sidebar included).
    shell: &'static Shell,
    /// customers.ftl `actions` (the title of a row's gear) and `edit`.
    row_actions: &'static str,
    edit: &'static str,
    /// The customer's left-hand sections, in order; `section-loyalty` is the eighth.
    sections: [&'static str; 11],
    /// customers.ftl `more-actions` (the card's menu).
    more_actions: &'static str,
    /// `loyalty-balance`, `loyalty-held`.
    balance: &'static str,
    held: &'static str,
    /// `loyalty-manage`, `loyalty-points`, `loyalty-direction`, `loyalty-direction-add`,
    /// `loyalty-direction-subtract`, `loyalty-reason`, `loyalty-manage-save`.
    manage: &'static str,
    points: &'static str,
    direction: &'static str,
    add: &'static str,
    subtract: &'static str,
    reason: &'static str,
    save: &'static str,
    /// `loyalty-exchanges`, `loyalty-exchanges-empty`.
    exchanges: &'static str,
    exchanges_empty: &'static str,
    /// `loyalty-history`, `loyalty-history-empty`.
    history: &'static str,
    history_empty: &'static str,
    /// `flash-points-saved`, `loyalty-error-insufficient`, `flash-exchange-accepted`.
    saved: &'static str,
    insufficient: &'static str,
    accepted_flash: &'static str,
    /// `loyalty-kind-manual_add`, `loyalty-kind-hold`, `loyalty-kind-redeem`.
    kind_manual_add: &'static str,
    kind_hold: &'static str,
    kind_redeem: &'static str,
    /// `exchange-accept`, `exchange-reject`, `exchange-status-pending`, `-accepted`.
    accept: &'static str,
    reject: &'static str,
    pending: &'static str,
    accepted: &'static str,
    /// `loyalty-cause-order` and `loyalty-cause-exchange` up to their number.
    cause_order: &'static str,
    cause_exchange: &'static str,
    /// `points-count` for 0, 4, 120 and 124 points.
    zero_points: &'static str,
    left_points: &'static str,
    reward_points: &'static str,
    added_points: &'static str,
}

const PL_LABELS: Labels = Labels {
    shell: &PL,
    row_actions: "Akcje",
    edit: "Edytuj",
    sections: [
        "Podsumowanie",
        "Dane kontaktowe",
        "Adresy",
        "Notatki",
        "Tagi",
        "Segmenty",
        "Historia zamówień",
        "Ceny",
        "Opcje kredytu",
        "Program lojalnościowy",
        "Oś czasu",
    ],
    more_actions: "Więcej akcji",
    balance: "Aktualna liczba punktów",
    held: "Punkty zablokowane w zamówieniach na wymianę",
    manage: "Zarządzaj punktami",
    points: "Liczba punktów",
    direction: "Operacja",
    add: "Dodaj punkty",
    subtract: "Odejmij punkty",
    reason: "Powód",
    save: "Zapisz zmiany",
    exchanges: "Zamówienia na wymianę punktów",
    exchanges_empty: "Brak zamówień na wymianę punktów.",
    history: "Historia operacji",
    history_empty: "Brak operacji na punktach.",
    saved: "Zapisano. Stan punktów został zaktualizowany.",
    insufficient: "Klient nie ma tylu punktów. Nic nie zostało zmienione.",
    accepted_flash: "Zamówienie na wymianę zaakceptowane; utworzono zamówienie na produkt.",
    kind_manual_add: "Dodanie punktów przez administratora",
    kind_hold: "Blokada punktów (zamówienie na wymianę)",
    kind_redeem: "Akceptacja zamówienia na wymianę",
    accept: "Akceptuj",
    reject: "Odrzuć",
    pending: "Oczekuje",
    accepted: "Zaakceptowane",
    cause_order: "Zamówienie ",
    cause_exchange: "Wymiana nr ",
    zero_points: "0 punktów",
    left_points: "4 punkty",
    reward_points: "120 punktów",
    added_points: "124 punkty",
};

/// Where "Loyalty program" sits among the card's left-hand sections.
const LOYALTY_SECTION: usize = 9;

const ES_LABELS: Labels = Labels {
    shell: &ES,
    row_actions: "Acciones",
    edit: "Editar",
    sections: [
        "Resumen",
        "Datos de contacto",
        "Direcciones",
        "Notas",
        "Etiquetas",
        "Segmentos",
        "Historial de pedidos",
        "Precios",
        "Opciones de crédito",
        "Programa de fidelidad",
        "Cronología",
    ],
    more_actions: "Más acciones",
    balance: "Puntos actuales",
    held: "Puntos retenidos en canjes",
    manage: "Gestionar puntos",
    points: "Cantidad de puntos",
    direction: "Operación",
    add: "Sumar puntos",
    subtract: "Restar puntos",
    reason: "Motivo",
    save: "Guardar cambios",
    exchanges: "Pedidos de canje de puntos",
    exchanges_empty: "No hay pedidos de canje.",
    history: "Historial de operaciones",
    history_empty: "Todavía no hay operaciones con puntos.",
    saved: "Guardado. Los puntos se actualizaron.",
    insufficient: "El cliente no tiene tantos puntos. No se cambió nada.",
    accepted_flash: "Canje aceptado; se creó el pedido del producto.",
    kind_manual_add: "Puntos sumados por el administrador",
    kind_hold: "Puntos retenidos (pedido de canje)",
    kind_redeem: "Canje aceptado",
    accept: "Aceptar",
    reject: "Rechazar",
    pending: "Pendiente",
    accepted: "Aceptado",
    cause_order: "Pedido ",
    cause_exchange: "Canje n.º ",
    zero_points: "0 puntos",
    left_points: "4 puntos",
    reward_points: "120 puntos",
    added_points: "124 puntos",
};

const EN_LABELS: Labels = Labels {
    shell: &EN,
    row_actions: "Actions",
    edit: "Edit",
    sections: [
        "Summary",
        "Contact data",
        "Addresses",
        "Notes",
        "Tags",
        "Segments",
        "Order history",
        "Prices",
        "Credit options",
        "Loyalty program",
        "Timeline",
    ],
    more_actions: "More actions",
    balance: "Current points",
    held: "Points held by exchange orders",
    manage: "Manage points",
    points: "Number of points",
    direction: "Operation",
    add: "Add points",
    subtract: "Subtract points",
    reason: "Reason",
    save: "Save changes",
    exchanges: "Points exchange orders",
    exchanges_empty: "No exchange orders.",
    history: "Operation history",
    history_empty: "No point operations yet.",
    saved: "Saved. The points are updated.",
    insufficient: "The customer does not have that many points. Nothing was changed.",
    accepted_flash: "Exchange order accepted; an order for the product was created.",
    kind_manual_add: "Points added by staff",
    kind_hold: "Points held (exchange order)",
    kind_redeem: "Exchange order accepted",
    accept: "Accept",
    reject: "Reject",
    pending: "Pending",
    accepted: "Accepted",
    cause_order: "Order ",
    cause_exchange: "Exchange #",
    zero_points: "0 points",
    left_points: "4 points",
    reward_points: "120 points",
    added_points: "124 points",
};

/// The customer a flow works on, what staff type, and the product offered for points.
struct Story {
    name: &'static str,
    email: &'static str,
    language: Lang,
    add_reason: &'static str,
    subtract_reason: &'static str,
    sku: &'static str,
    product: &'static str,
}

const PL_STORY: Story = Story {
    name: "Zofia Wójcik",
    email: "zofia@example.pl",
    language: Lang::Pl,
    add_reason: "Rekompensata za opóźnioną przesyłkę",
    subtract_reason: "Korekta błędnie dodanych punktów",
    sku: "KUB-01",
    product: "Kubek ceramiczny",
};

const ES_STORY: Story = Story {
    name: "Lucía Fernández",
    email: "lucia@example.es",
    language: Lang::Es,
    add_reason: "Compensación por el envío retrasado",
    subtract_reason: "Corrección de puntos sumados por error",
    sku: "TAZ-01",
    product: "Taza de cerámica",
};

const EN_STORY: Story = Story {
    name: "Emma Clarke",
    email: "emma@example.co.uk",
    language: Lang::En,
    add_reason: "Compensation for the late parcel",
    subtract_reason: "Correcting points added by mistake",
    sku: "MUG-01",
    product: "Ceramic mug",
};

/// A customer put in through the domain; returns its id.
fn customer(app: &TestApp, name: &str, email: &str, language: Lang) -> Result<i64> {
    app.with_conn(|conn| {
        write_tx(conn, |conn| {
            customers::insert(
                conn,
                &Contact {
                    full_name: name.into(),
                    email: Some(email.into()),
                    phone: None,
                    language,
                    registered: true,
                    newsletter: false,
                },
                Utc::now().naive_utc(),
            )
        })
    })
    .with_context(|| format!("insert the customer {name}"))
}

/// Switches the program on (through the domain, as the settings page does) and offers
/// `story`'s product for [`REWARD_POINTS`] points; returns the reward.
fn program_with_reward(app: &TestApp, owner: i64, story: &Story) -> Result<i64> {
    app.with_conn(|conn| -> Result<i64> {
        let product = insert_product(
            conn,
            &NewProduct {
                sku: story.sku,
                name: story.product,
                price_cents: 1500,
                currency: "EUR",
                active: true,
            },
        )
        .context("insert the reward's product")?;
        loyalty::save_settings(
            conn,
            owner,
            &SettingsInput {
                enabled: Some("on".into()),
                rate: "1".into(),
                scope: "all".into(),
                earn_status: "delivered".into(),
                ..SettingsInput::default()
            },
        )
        .map_err(|e| anyhow::anyhow!("switch the program on: {e:?}"))?;
        loyalty::add_reward(
            conn,
            owner,
            &RewardInput {
                product: product.to_string(),
                points: REWARD_POINTS.into(),
                stock: "3".into(),
                active: Some("on".into()),
            },
        )
        .map_err(|e| anyhow::anyhow!("add the reward: {e:?}"))
    })
}

/// An exchange order for `reward` placed through the domain on `customer`'s behalf (as the
/// customer's area will); returns it.
fn exchange(app: &TestApp, owner: i64, customer: i64, reward: i64, key: &str) -> Result<i64> {
    app.with_conn(|conn| {
        loyalty::place_exchange(conn, Some(owner), customer, &reward.to_string(), key)
            .map_err(|e| anyhow::anyhow!("place the exchange order: {e:?}"))
    })
}

/// `text` with every run of white space (line breaks between laid-out parts and no-break
/// spaces included) read as one plain space.
fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Signs `email` in (Spanish, the store's default) and switches to `shell`'s language.
async fn sign_in(page: &Page, app: &TestApp, email: &str, shell: &Shell) -> Result<()> {
    open_sign_in(page, app, &ES).await?;
    submit_sign_in(page, email, PASSWORD).await?;
    page.expect_path("/").await.context("after signing in")?;
    page.expect_html_lang(ES.code).await?;
    let code = shell.code;
    if code != ES.code {
        page.click_in_view(&format!(
            "form.lang-switcher button[name=lang][value={code}]"
        ))
        .await?;
        page.expect_html_lang(code)
            .await
            .with_context(|| format!("after switching to {code}"))?;
    }
    Ok(())
}

/// Waits until the element matching `css` reads `label`, then clicks it (scrolled into view
/// first: the app scrolls smoothly, so chromedriver's own scroll may still be moving).
async fn click_labelled(page: &Page, css: &str, label: &str) -> Result<()> {
    page.expect_text(css, label).await?;
    page.click_in_view(css).await
}

/// Waits until the first element matching `css` reads `expected`, white space compared as
/// [`words`] reads it.
async fn expect_words(page: &Page, css: &str, expected: &str) -> Result<()> {
    page.eventually(format!("`{css}` to read {expected:?}"), async || {
        let texts = page
            .texts(css)
            .await
            .map_err(|e| format!("an error: {e}"))?;
        match texts.first() {
            Some(text) if words(text) == words(expected) => Ok(()),
            Some(text) => Err(format!("{text:?}")),
            None => Err("no such element".to_owned()),
        }
    })
    .await
}

/// Waits until the texts of the cells of the first row matching `row` are `expected`, white
/// space compared as [`words`] reads it (a badge may wrap onto a line of its own).
async fn expect_cells(page: &Page, row: &str, expected: &[&str]) -> Result<()> {
    page.expect_texts(&format!("{row} > td"), format!("{expected:?}"), |cells| {
        cells.len() == expected.len()
            && cells
                .iter()
                .zip(expected)
                .all(|(c, e)| words(c) == words(e))
    })
    .await
    .map(drop)
}

/// The first cell (the date) of the first row matching `row`; it must not be empty.
async fn date_of(page: &Page, row: &str) -> Result<String> {
    let date = page
        .texts(&format!("{row} > td"))
        .await?
        .first()
        .cloned()
        .unwrap_or_default();
    ensure!(!date.is_empty(), "`{row}` shows no date");
    Ok(date)
}

/// The attribute `name` of the visible element matching `css`.
async fn attr_of(page: &Page, css: &str, name: &str) -> Result<String> {
    page.element(css)
        .await?
        .attr(name)
        .await?
        .with_context(|| format!("`{css}` has no {name} attribute"))
}

/// The `data-entry-kind`s of the history's rows, newest first.
async fn history_kinds(page: &Page) -> Result<Vec<String>> {
    let rows = page.texts("#history tbody tr").await?.len();
    let mut kinds = Vec::new();
    for n in 1..=rows {
        let row = format!("#history tbody tr:nth-of-type({n})");
        kinds.push(attr_of(page, &row, "data-entry-kind").await?);
    }
    Ok(kinds)
}

/// Waits until the history's rows are of the kinds `expected` (newest first).
async fn expect_history_kinds(page: &Page, expected: &[&str]) -> Result<()> {
    page.eventually(
        format!("history rows of kinds {expected:?}"),
        async || match history_kinds(page).await {
            Ok(kinds) if kinds == expected => Ok(()),
            Ok(kinds) => Err(format!("{kinds:?}")),
            Err(e) => Err(format!("an error: {e:#}")),
        },
    )
    .await
}

/// Waits until the section shows `balance` current points and `held` held ones (`*_n` the
/// numbers their data attributes carry).
async fn expect_points(
    page: &Page,
    labels: &Labels,
    (balance, balance_n): (&str, &str),
    (held, held_n): (&str, &str),
) -> Result<()> {
    page.expect_texts(
        "#points .stat .stat-label",
        format!("[{:?}, {:?}]", labels.balance, labels.held),
        |l| l == [labels.balance, labels.held],
    )
    .await?;
    expect_words(page, "#points [data-points-balance]", balance)
        .await
        .context("the current points")?;
    let attr = attr_of(page, "#points [data-points-balance]", "data-points-balance").await?;
    ensure!(
        attr == balance_n,
        "the current points carry data-points-balance={attr:?}, not {balance_n:?}"
    );
    expect_words(page, "#points [data-points-held]", held)
        .await
        .context("the held points")?;
    let attr = attr_of(page, "#points [data-points-held]", "data-points-held").await?;
    ensure!(
        attr == held_n,
        "the held points carry data-points-held={attr:?}, not {held_n:?}"
    );
    Ok(())
}

/// Waits for the customer's loyalty section at `path` (the form's address when a refused
/// form is shown again): the heading, the left-hand sections (this one marked current) and
/// the sidebar with the customers marked current.
async fn expect_section_at(page: &Page, labels: &Labels, path: &str) -> Result<()> {
    page.expect_path(path).await?;
    page.expect_text("main .page-header h1", labels.sections[LOYALTY_SECTION])
        .await?;
    page.expect_texts(
        "nav.section-nav a",
        format!("{:?}", labels.sections),
        |texts| texts == labels.sections.as_slice(),
    )
    .await
    .context("the section links on the loyalty section")?;
    page.expect_text(
        r#"nav.section-nav a[aria-current="page"]"#,
        labels.sections[LOYALTY_SECTION],
    )
    .await?;
    let nav = &labels.shell.nav;
    page.expect_texts("nav.sidebar a", format!("{nav:?}"), |texts| {
        texts == nav.as_slice()
    })
    .await
    .context("the sidebar on the loyalty section")?;
    page.expect_text(r#"nav.sidebar a[aria-current="page"]"#, nav[1])
        .await
}

/// Waits for the customer's loyalty section at its own address (see [`expect_section_at`]).
async fn expect_section(page: &Page, labels: &Labels, id: i64) -> Result<()> {
    expect_section_at(page, labels, &format!("/customers/{id}/loyalty")).await
}

/// Opens "manage points", fills it in and sends it.
async fn manage_points(
    page: &Page,
    labels: &Labels,
    points: &str,
    subtract: bool,
    reason: &str,
) -> Result<()> {
    click_labelled(page, "details#manage > summary", labels.manage).await?;
    page.expect_text(r#"#manage label[for="points"]"#, labels.points)
        .await?;
    page.expect_text("#manage fieldset legend", labels.direction)
        .await?;
    page.expect_texts(
        "#manage fieldset label.choice",
        format!("[{:?}, {:?}]", labels.add, labels.subtract),
        |choices| choices == [labels.add, labels.subtract],
    )
    .await
    .context("the operations offered")?;
    page.expect_text(r#"#manage label[for="reason"]"#, labels.reason)
        .await?;
    page.fill("#manage input#points", points).await?;
    let (value, label) = if subtract {
        ("subtract", labels.subtract)
    } else {
        ("add", labels.add)
    };
    let radio = format!(r#"#manage input[type=radio][name=direction][value={value}]"#);
    page.click_in_view(&radio).await?;
    ensure!(
        page.element(&radio).await?.is_selected().await?,
        "{label:?} is not chosen after clicking it"
    );
    page.fill("#manage input#reason", reason).await?;
    click_labelled(page, "#manage form button[type=submit]", labels.save).await
}

/// The whole loyalty flow in one language.
async fn loyalty_flow(test: &'static str, labels: &'static Labels, story: &'static Story) {
    let Some(browser) = Browser::launch(test, Options::default()).await else {
        return;
    };
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    browser
        .run(|page| async move {
            let id = customer(&app, story.name, story.email, story.language)?;
            customer(&app, "Other Person", "other@example.com", Lang::Es)?;
            let reward = program_with_reward(&app, owner, story)?;
            let section_link = format!(r#"nav.section-nav a[href="/customers/{id}/loyalty"]"#);

            // Sidebar "customers" → the gear of the customer's row → "edit".
            sign_in(&page, &app, OWNER_EMAIL, labels.shell).await?;
            click_labelled(
                &page,
                r#"nav.sidebar a[href="/customers"]"#,
                labels.shell.nav[1],
            )
            .await?;
            page.expect_path("/customers").await?;
            let gear = format!(r#"tr[data-customer="{id}"] details.row-menu"#);
            let summary = format!("{gear} > summary");
            let title = attr_of(&page, &summary, "title").await?;
            ensure!(
                title == labels.row_actions,
                "the row's gear is titled {title:?}, not {:?}",
                labels.row_actions
            );
            page.click_in_view(&summary).await?;
            click_labelled(
                &page,
                &format!(r#"{gear} .menu-panel a[href="/customers/{id}/edit"]"#),
                labels.edit,
            )
            .await?;

            // The edit page: the left-hand sections, "loyalty program" among them.
            page.expect_path(&format!("/customers/{id}/edit")).await?;
            page.expect_texts(
                "nav.section-nav a",
                format!("{:?}", labels.sections),
                |texts| texts == labels.sections.as_slice(),
            )
            .await
            .context("the section links on the edit page")?;
            click_labelled(&page, &section_link, labels.sections[LOYALTY_SECTION]).await?;

            // The section: no points yet, no exchange orders, no history.
            expect_section(&page, labels, id).await?;
            let notices = page.texts("main .flash").await?;
            ensure!(
                notices.is_empty(),
                "the section shows notices with the program on: {notices:?}"
            );
            expect_points(
                &page,
                labels,
                (labels.zero_points, "0"),
                (labels.zero_points, "0"),
            )
            .await
            .context("before any points")?;
            page.expect_text("#exchanges h2", labels.exchanges).await?;
            page.expect_text("#exchanges p[data-exchanges-empty]", labels.exchanges_empty)
                .await?;
            page.expect_text("#history h2", labels.history).await?;
            page.expect_text("#history p.muted", labels.history_empty)
                .await?;
            let form = page.texts("#manage form").await?;
            ensure!(
                form.iter().all(String::is_empty),
                "the manage form shows before it is opened: {form:?}"
            );

            // "Manage points": add, with a reason.
            manage_points(&page, labels, ADDED, false, story.add_reason).await?;
            page.expect_text(".flash.flash-success", labels.saved)
                .await
                .context("after adding points")?;
            expect_section(&page, labels, id).await?;
            expect_points(
                &page,
                labels,
                (labels.added_points, ADDED),
                (labels.zero_points, "0"),
            )
            .await
            .context("after adding points")?;
            expect_history_kinds(&page, &["manual_add"])
                .await
                .context("the history after adding points")?;
            let add_row = r#"#history tr[data-entry-kind="manual_add"]"#;
            let points = attr_of(&page, add_row, "data-points").await?;
            ensure!(
                points == ADDED,
                "the addition carries data-points={points:?}, not {ADDED}"
            );
            let date = date_of(&page, add_row).await?;
            let plus_added = format!("+{ADDED}");
            expect_cells(
                &page,
                add_row,
                &[
                    &date,
                    labels.kind_manual_add,
                    &plus_added,
                    OWNER_NAME,
                    story.add_reason,
                    ADDED,
                ],
            )
            .await
            .context("the addition's row in the history")?;

            // Subtracting more than the customer has: refused, nothing changes.
            manage_points(&page, labels, TOO_MANY, true, story.subtract_reason).await?;
            page.expect_text(".flash.flash-error[data-refusal]", labels.insufficient)
                .await
                .context("after subtracting too many points")?;
            expect_section_at(&page, labels, &format!("/customers/{id}/loyalty/points")).await?;
            expect_points(
                &page,
                labels,
                (labels.added_points, ADDED),
                (labels.zero_points, "0"),
            )
            .await
            .context("after the refused subtraction")?;
            expect_history_kinds(&page, &["manual_add"])
                .await
                .context("the history after the refused subtraction")?;
            let typed = page.value("#manage input#points").await?;
            ensure!(
                typed == TOO_MANY,
                "the refused form holds {typed:?} points, not {TOO_MANY:?}"
            );
            let subtract = page
                .element(r#"#manage input[name=direction][value=subtract]"#)
                .await?;
            ensure!(
                subtract.is_selected().await?,
                "the refused form no longer has {:?} chosen",
                labels.subtract
            );
            let reason = page.value("#manage input#reason").await?;
            ensure!(
                reason == story.subtract_reason,
                "the refused form holds the reason {reason:?}, not {:?}",
                story.subtract_reason
            );
            page.expect_text("#manage #points-error", labels.insufficient)
                .await
                .context("the points field's error")?;

            // A pending exchange order for the reward: the points are held.
            let key = format!("browser-{}", labels.shell.code);
            let x = exchange(&app, owner, id, reward, &key)?;
            let row = format!(r#"#exchanges tr[data-exchange="{x}"]"#);
            click_labelled(&page, &section_link, labels.sections[LOYALTY_SECTION]).await?;
            page.element(&row)
                .await
                .context("the exchange order after reloading the section")?;
            expect_section(&page, labels, id).await?;
            let refusals = page.texts(".flash.flash-error").await?;
            ensure!(
                refusals.is_empty(),
                "the refusal outlived the reload: {refusals:?}"
            );
            expect_points(
                &page,
                labels,
                (labels.left_points, LEFT),
                (labels.reward_points, REWARD_POINTS),
            )
            .await
            .context("with the exchange order pending")?;
            let status = attr_of(&page, &row, "data-status").await?;
            ensure!(
                status == "pending",
                "the new exchange order is {status:?}, not pending"
            );
            let placed = date_of(&page, &row).await?;
            let actions = format!("{} {}", labels.accept, labels.reject);
            expect_cells(
                &page,
                &row,
                &[
                    &placed,
                    story.product,
                    REWARD_POINTS,
                    labels.pending,
                    &actions,
                ],
            )
            .await
            .context("the pending exchange order's row")?;
            expect_history_kinds(&page, &["hold", "manual_add"])
                .await
                .context("the history with the exchange order pending")?;
            let hold_row = r#"#history tr[data-entry-kind="hold"]"#;
            let hold_date = date_of(&page, hold_row).await?;
            let minus_reward = format!("-{REWARD_POINTS}");
            let exchange_cause = format!("{}{x}", labels.cause_exchange);
            expect_cells(
                &page,
                hold_row,
                &[
                    &hold_date,
                    labels.kind_hold,
                    &minus_reward,
                    OWNER_NAME,
                    &exchange_cause,
                    LEFT,
                ],
            )
            .await
            .context("the hold's row in the history")?;

            // Accept it: accepted, an order for the product, the acceptance in the history.
            click_labelled(
                &page,
                &format!(r#"{row} form[action="/loyalty/exchanges/{x}/accept"] button"#),
                labels.accept,
            )
            .await?;
            page.expect_text(".flash.flash-success", labels.accepted_flash)
                .await
                .context("after accepting the exchange order")?;
            expect_section(&page, labels, id).await?;
            page.eventually("the exchange order to be accepted", async || match attr_of(
                &page,
                &row,
                "data-status",
            )
            .await
            {
                Ok(s) if s == "accepted" => Ok(()),
                Ok(s) => Err(s),
                Err(e) => Err(format!("an error: {e:#}")),
            })
            .await?;
            let order_cause = format!("{}PKT-{x}", labels.cause_order);
            page.expect_text(&format!("{row} .badge"), labels.accepted)
                .await?;
            expect_words(
                &page,
                &format!("{row} > td:nth-of-type(4)"),
                &format!("{} {order_cause}", labels.accepted),
            )
            .await
            .context("the accepted exchange order's status")?;
            let buttons = page.texts(&format!("{row} button")).await?;
            ensure!(
                buttons.is_empty(),
                "the accepted exchange order still offers {buttons:?}"
            );
            expect_points(
                &page,
                labels,
                (labels.left_points, LEFT),
                (labels.zero_points, "0"),
            )
            .await
            .context("after accepting the exchange order")?;
            expect_history_kinds(&page, &["redeem", "hold", "manual_add"])
                .await
                .context("the history after accepting the exchange order")?;
            let redeem_row = r#"#history tr[data-entry-kind="redeem"]"#;
            let redeem_date = date_of(&page, redeem_row).await?;
            let redeem_cause = format!("{order_cause} {exchange_cause}");
            expect_cells(
                &page,
                redeem_row,
                &[
                    &redeem_date,
                    labels.kind_redeem,
                    // The points moved when they were held: the acceptance moves none.
                    "—",
                    OWNER_NAME,
                    &redeem_cause,
                    LEFT,
                ],
            )
            .await
            .context("the acceptance's row in the history")?;

            // The card's "more actions" entry shows the points left.
            click_labelled(
                &page,
                &format!(r#"main .page-header .breadcrumb a[href="/customers/{id}"]"#),
                story.name,
            )
            .await?;
            page.expect_path(&format!("/customers/{id}")).await?;
            click_labelled(&page, "details.more-actions > summary", labels.more_actions).await?;
            let entry =
                format!(r#"details.more-actions .menu-panel a[href="/customers/{id}/loyalty"]"#);
            expect_words(
                &page,
                &entry,
                &format!(
                    "{} {}",
                    labels.sections[LOYALTY_SECTION], labels.left_points
                ),
            )
            .await
            .context("the loyalty entry of the card's menu")?;
            let badge = attr_of(
                &page,
                &format!("{entry} [data-points-menu]"),
                "data-points-menu",
            )
            .await?;
            ensure!(
                badge == LEFT,
                "the card's loyalty entry carries data-points-menu={badge:?}, not {LEFT}"
            );
            Ok(())
        })
        .await;
}

#[actix_web::test]
async fn loyalty_points_are_added_refused_and_an_exchange_order_accepted_from_the_customer_edit_page_in_polish()
 {
    loyalty_flow(
        "loyalty_points_are_added_refused_and_an_exchange_order_accepted_from_the_customer_edit_page_in_polish",
        &PL_LABELS,
        &PL_STORY,
    )
    .await;
}

#[actix_web::test]
async fn loyalty_points_are_added_refused_and_an_exchange_order_accepted_from_the_customer_edit_page_in_spanish()
 {
    loyalty_flow(
        "loyalty_points_are_added_refused_and_an_exchange_order_accepted_from_the_customer_edit_page_in_spanish",
        &ES_LABELS,
        &ES_STORY,
    )
    .await;
}

#[actix_web::test]
async fn loyalty_points_are_added_refused_and_an_exchange_order_accepted_from_the_customer_edit_page_in_english()
 {
    loyalty_flow(
        "loyalty_points_are_added_refused_and_an_exchange_order_accepted_from_the_customer_edit_page_in_english",
        &EN_LABELS,
        &EN_STORY,
    )
    .await;
}

#[actix_web::test]
async fn a_support_member_sees_a_customers_points_but_cannot_change_them_nor_open_the_loyalty_area()
{
    const TEST: &str =
        "a_support_member_sees_a_customers_points_but_cannot_change_them_nor_open_the_loyalty_area";
    const SUPPORT_EMAIL: &str = "support@example.com";
    let Some(browser) = Browser::launch(TEST, Options::default()).await else {
        return;
    };
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    app.create_staff(owner, SUPPORT_EMAIL, Role::Support);
    browser
        .run(|page| async move {
            let labels = &ES_LABELS;
            let story = &ES_STORY;
            let id = customer(&app, story.name, story.email, story.language)?;
            let reward = program_with_reward(&app, owner, story)?;
            app.with_conn(|conn| {
                loyalty::adjust(
                    conn,
                    owner,
                    id,
                    &loyalty::AdjustInput {
                        points: ADDED.into(),
                        direction: "add".into(),
                        reason: story.add_reason.into(),
                        idempotency_key: String::new(),
                    },
                )
                .map_err(|e| anyhow::anyhow!("add points: {e:?}"))
            })?;
            let x = exchange(&app, owner, id, reward, "browser-support")?;

            sign_in(&page, &app, SUPPORT_EMAIL, labels.shell).await?;
            let nav = [
                labels.shell.nav[0],
                labels.shell.nav[1],
                labels.shell.nav[2],
            ];
            page.expect_texts("nav.sidebar a", format!("{nav:?}"), |texts| texts == nav)
                .await
                .context("the support member's sidebar")?;

            // The card's menu leads to the section, which shows the points and the order.
            page.goto(&app.url(&format!("/customers/{id}"))).await?;
            click_labelled(&page, "details.more-actions > summary", labels.more_actions).await?;
            let entry =
                format!(r#"details.more-actions .menu-panel a[href="/customers/{id}/loyalty"]"#);
            expect_words(
                &page,
                &entry,
                &format!(
                    "{} {}",
                    labels.sections[LOYALTY_SECTION], labels.left_points
                ),
            )
            .await?;
            page.click_in_view(&entry).await?;
            page.expect_path(&format!("/customers/{id}/loyalty"))
                .await?;
            page.expect_text("main .page-header h1", labels.sections[LOYALTY_SECTION])
                .await?;
            expect_points(
                &page,
                labels,
                (labels.left_points, LEFT),
                (labels.reward_points, REWARD_POINTS),
            )
            .await?;
            let row = format!(r#"#exchanges tr[data-exchange="{x}"]"#);
            page.expect_text(&format!("{row} .badge"), labels.pending)
                .await?;
            expect_history_kinds(&page, &["hold", "manual_add"]).await?;

            // Nothing to change: no "manage points", no accept or reject, no exchange form.
            for absent in ["#manage", "#exchanges form", &format!("{row} button")] {
                let found = page.texts(absent).await?;
                ensure!(
                    found.is_empty(),
                    "a support member is offered `{absent}`: {found:?}"
                );
            }

            // The loyalty area itself is the owner's and the managers'.
            page.goto(&app.url("/loyalty")).await?;
            page.expect_text("main h1", "No tienes acceso a esta página")
                .await
                .context("a support member opening the loyalty area")?;
            Ok(())
        })
        .await;
}
