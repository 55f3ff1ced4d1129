//! Store credit driven through the browser (seed "Asignar créditos de tienda a cliente"): from
//! the customer's card, "more actions" → "store credit" opens the panel; a credit is granted
//! through the "add credit" form, shows in the balance, the lots and the history, is deleted
//! again through its confirmation page, and the card's menu entry shows the balance. The same
//! flow runs in Spanish, in Polish and in English.

use anyhow::{Context, Result, ensure};
use chrono::Utc;
use clientela::db::write_tx;
use clientela::domain::customers::{self, Contact};
use clientela::i18n::Lang;
use regex::Regex;

use crate::common::{OWNER_EMAIL, PASSWORD, TestApp};
use crate::harness::{Browser, Options, Page};
use crate::{EN, ES, PL, Shell, open_sign_in, submit_sign_in};

/// The owner's name as `TestApp::create_owner` gives it (the panel shows who granted).
const OWNER_NAME: &str = "Olga Owner";

/// What the credit pages (and the card's menu leading there) read in one language.
struct Labels {
    /// The app shell in this language (its money pattern included).
    shell: &'static Shell,
    /// customers.ftl `more-actions`.
    more_actions: &'static str,
    /// `credit-menu-entry`.
    menu_entry: &'static str,
    /// `credit-title`.
    title: &'static str,
    /// `credit-balance`.
    balance: &'static str,
    /// `credit-add`.
    add: &'static str,
    /// `credit-amount`, `credit-reason`, `credit-note`.
    amount: &'static str,
    reason: &'static str,
    note: &'static str,
    /// `credit-reason-return`, `-exchange`, `-compensation`, `-other`, in this order.
    reasons: [&'static str; 4],
    /// `credit-reason-compensation`: the one picked.
    compensation: &'static str,
    /// `credit-save`.
    save: &'static str,
    /// `credit-lots`, `credit-history`.
    lots: &'static str,
    history: &'static str,
    /// `credit-lots-empty`, `credit-history-empty`.
    lots_empty: &'static str,
    history_empty: &'static str,
    /// `credit-no-expiry`, `credit-voided`.
    no_expiry: &'static str,
    voided: &'static str,
    /// `credit-delete`, `credit-delete-title`, `credit-delete-button`.
    delete: &'static str,
    delete_title: &'static str,
    delete_button: &'static str,
    /// `credit-delete-confirm` with the amount of the credit granted below.
    delete_confirm: &'static str,
    /// `credit-kind-grant`, `credit-kind-void`.
    kind_grant: &'static str,
    kind_void: &'static str,
    /// `flash-credit-added`, `flash-credit-deleted`.
    added: &'static str,
    deleted: &'static str,
    /// `credit-on-card` (the card's summary line).
    on_card: &'static str,
    /// The amount as typed into the form, and 25.50 € and nothing as this language writes
    /// them (any no-break space read as a plain one).
    typed_amount: &'static str,
    granted: &'static str,
    minus_granted: &'static str,
    zero: &'static str,
}

const ES_LABELS: Labels = Labels {
    shell: &ES,
    more_actions: "Más acciones",
    menu_entry: "Créditos de tienda",
    title: "Créditos de tienda",
    balance: "Saldo disponible",
    add: "Agregar crédito",
    amount: "Importe",
    reason: "Motivo",
    note: "Nota (opcional)",
    reasons: ["Devolución", "Cambio", "Compensación", "Otro"],
    compensation: "Compensación",
    save: "Agregar crédito",
    lots: "Créditos asignados",
    history: "Historial",
    lots_empty: "Este cliente aún no tiene créditos de tienda.",
    history_empty: "Sin movimientos.",
    no_expiry: "Sin caducidad",
    voided: "Eliminado",
    delete: "Eliminar",
    delete_title: "Eliminar crédito de tienda",
    delete_button: "Eliminar el crédito restante",
    delete_confirm: "Se eliminará lo que queda de este crédito: 25,50 €. Lo ya gastado no \
                     cambia y el historial conserva ambos movimientos.",
    kind_grant: "Crédito asignado",
    kind_void: "Crédito eliminado",
    added: "Crédito agregado.",
    deleted: "Crédito eliminado.",
    on_card: "Crédito de tienda",
    typed_amount: "25,50",
    granted: "25,50 €",
    minus_granted: "-25,50 €",
    zero: "0,00 €",
};

const PL_LABELS: Labels = Labels {
    shell: &PL,
    more_actions: "Więcej akcji",
    menu_entry: "Kredyt sklepowy",
    title: "Kredyt sklepowy",
    balance: "Dostępne saldo",
    add: "Dodaj kredyt",
    amount: "Kwota",
    reason: "Powód",
    note: "Notatka (opcjonalnie)",
    reasons: ["Zwrot towaru", "Wymiana", "Rekompensata", "Inny"],
    compensation: "Rekompensata",
    save: "Dodaj kredyt",
    lots: "Przyznane kredyty",
    history: "Historia operacji",
    lots_empty: "Ten klient nie ma jeszcze kredytu sklepowego.",
    history_empty: "Brak operacji.",
    no_expiry: "Bezterminowy",
    voided: "Usunięty",
    delete: "Usuń",
    delete_title: "Usuń kredyt sklepowy",
    delete_button: "Usuń pozostały kredyt",
    delete_confirm: "Zostanie usunięta niewykorzystana część tego kredytu: 25,50 €. To, co już \
                     wydano, się nie zmienia, a historia zachowa obie operacje.",
    kind_grant: "Przyznanie kredytu",
    kind_void: "Usunięcie kredytu",
    added: "Kredyt dodany.",
    deleted: "Kredyt usunięty.",
    on_card: "Kredyt sklepowy",
    typed_amount: "25,50",
    granted: "25,50 €",
    minus_granted: "-25,50 €",
    zero: "0,00 €",
};

const EN_LABELS: Labels = Labels {
    shell: &EN,
    more_actions: "More actions",
    menu_entry: "Store credit",
    title: "Store credit",
    balance: "Available balance",
    add: "Add credit",
    amount: "Amount",
    reason: "Reason",
    note: "Note (optional)",
    reasons: ["Return", "Exchange", "Compensation", "Other"],
    compensation: "Compensation",
    save: "Add credit",
    lots: "Credit granted",
    history: "History",
    lots_empty: "This customer has no store credit yet.",
    history_empty: "No movements yet.",
    no_expiry: "No expiry",
    voided: "Deleted",
    delete: "Delete",
    delete_title: "Delete store credit",
    delete_button: "Delete the remaining credit",
    delete_confirm: "What is left of this credit will be deleted: €25.50. What was already \
                     spent stays, and the history keeps both movements.",
    kind_grant: "Credit granted",
    kind_void: "Credit deleted",
    added: "Credit added.",
    deleted: "Credit deleted.",
    on_card: "Store credit",
    typed_amount: "25.50",
    granted: "€25.50",
    minus_granted: "-€25.50",
    zero: "€0.00",
};

/// The customer a flow grants credit to, and the note staff type.
struct Story {
    name: &'static str,
    email: &'static str,
    language: Lang,
    note: &'static str,
}

const ES_STORY: Story = Story {
    name: "Lucía Fernández",
    email: "lucia@example.es",
    language: Lang::Es,
    note: "Compensación por retraso",
};

const PL_STORY: Story = Story {
    name: "Zofia Wójcik",
    email: "zofia@example.pl",
    language: Lang::Pl,
    note: "Rekompensata za opóźnienie",
};

const EN_STORY: Story = Story {
    name: "Emma Clarke",
    email: "emma@example.co.uk",
    language: Lang::En,
    note: "Compensation for the delay",
};

/// The amount granted, in cents (what `data-*` attributes carry).
const GRANTED_CENTS: &str = "2550";

/// `text` with the no-break spaces money is written with read as plain spaces.
fn plain(text: &str) -> String {
    text.replace(['\u{a0}', '\u{202f}'], " ")
}

/// A customer put in through the domain; returns its id.
fn customer(app: &TestApp, story: &Story) -> Result<i64> {
    app.with_conn(|conn| {
        write_tx(conn, |conn| {
            customers::insert(
                conn,
                &Contact {
                    full_name: story.name.into(),
                    email: Some(story.email.into()),
                    phone: None,
                    language: story.language,
                    registered: true,
                    newsletter: false,
                },
                Utc::now().naive_utc(),
            )
        })
    })
    .with_context(|| format!("insert the customer {}", story.name))
}

/// `text` with every run of white space (line breaks between laid-out parts and no-break
/// spaces included) read as one plain space.
fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Signs the owner in (Spanish, the store's default) and switches to `labels`' language.
async fn sign_in(page: &Page, app: &TestApp, labels: &Labels) -> Result<()> {
    open_sign_in(page, app, &ES).await?;
    submit_sign_in(page, OWNER_EMAIL, PASSWORD).await?;
    page.expect_path("/").await.context("after signing in")?;
    page.expect_html_lang(ES.code).await?;
    let code = labels.shell.code;
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

/// Waits for the green flash message reading `text`.
async fn expect_flash(page: &Page, text: &str) -> Result<()> {
    page.expect_text(".flash.flash-success", text).await
}

/// Waits until the first element matching `css` reads `expected`, no-break spaces read as
/// plain ones.
async fn expect_plain_text(page: &Page, css: &str, expected: &str) -> Result<()> {
    page.eventually(format!("`{css}` to read {expected:?}"), async || {
        let texts = page
            .texts(css)
            .await
            .map_err(|e| format!("an error: {e}"))?;
        match texts.first().map(|t| plain(t)) {
            Some(text) if text == expected => Ok(()),
            Some(text) => Err(format!("{text:?}")),
            None => Err("no such element".to_owned()),
        }
    })
    .await
}

/// Waits until the first element matching `css` reads `expected` with every run of white
/// space (line breaks between laid-out parts included) read as one plain space.
async fn expect_words(page: &Page, css: &str, expected: &str) -> Result<()> {
    page.eventually(format!("`{css}` to read {expected:?}"), async || {
        let texts = page
            .texts(css)
            .await
            .map_err(|e| format!("an error: {e}"))?;
        match texts.first() {
            Some(text) if words(text) == expected => Ok(()),
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

/// The attribute `name` of the visible element matching `css`.
async fn attr_of(page: &Page, css: &str, name: &str) -> Result<String> {
    page.element(css)
        .await?
        .attr(name)
        .await?
        .with_context(|| format!("`{css}` has no {name} attribute"))
}

/// Checks that `text` is a money figure the way `labels`' language writes one.
fn ensure_money(labels: &Labels, what: &str, text: &str) -> Result<()> {
    let money = Regex::new(labels.shell.money)?;
    ensure!(
        money.is_match(text),
        "{what} reads {text:?}, not a money figure like /{}/",
        labels.shell.money
    );
    Ok(())
}

/// On the card: opens "more actions", checks the store credit entry shows `balance` (and
/// `cents` in its data attribute), and that the summary's credit line agrees.
async fn expect_card_balance(
    page: &Page,
    labels: &Labels,
    id: i64,
    balance: &str,
    cents: &str,
) -> Result<String> {
    page.expect_path(&format!("/customers/{id}")).await?;
    expect_plain_text(
        page,
        "#summary p.credit-summary",
        &format!("{}: {balance}", labels.on_card),
    )
    .await
    .context("the credit line of the card's summary")?;
    click_labelled(page, "details.more-actions > summary", labels.more_actions).await?;
    let entry = format!(r#"details.more-actions .menu-panel a[href="/customers/{id}/credit"]"#);
    expect_words(page, &entry, &format!("{} {balance}", labels.menu_entry))
        .await
        .context("the store credit entry of the card's menu")?;
    let badge = format!("{entry} [data-credit-menu-balance]");
    expect_plain_text(page, &badge, balance).await?;
    ensure_money(labels, "the menu entry's balance", balance)?;
    let attr = attr_of(page, &badge, "data-credit-menu-balance").await?;
    ensure!(
        attr == cents,
        "the menu entry's balance carries data-credit-menu-balance={attr:?}, not {cents:?}"
    );
    Ok(entry)
}

/// On the panel: the heading, the balance `balance` (`cents` in its data attribute).
async fn expect_panel(
    page: &Page,
    labels: &Labels,
    id: i64,
    balance: &str,
    cents: &str,
) -> Result<()> {
    page.expect_path(&format!("/customers/{id}/credit")).await?;
    page.expect_text("main .page-header h1", labels.title)
        .await?;
    page.expect_text("main .stat .stat-label", labels.balance)
        .await?;
    expect_plain_text(page, "main [data-credit-balance]", balance)
        .await
        .context("the panel's balance")?;
    let shown = plain(&page.texts("main [data-credit-balance]").await?.join(""));
    ensure_money(labels, "the panel's balance", &shown)?;
    let attr = attr_of(page, "main [data-credit-balance]", "data-credit-balance").await?;
    ensure!(
        attr == cents,
        "the panel's balance carries data-credit-balance={attr:?}, not {cents:?}"
    );
    Ok(())
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

/// The whole store credit flow in one language.
async fn credit_flow(test: &'static str, labels: &'static Labels, story: &'static Story) {
    let Some(browser) = Browser::launch(test, Options::default()).await else {
        return;
    };
    let app = TestApp::spawn().await;
    app.create_owner();
    browser
        .run(|page| async move {
            let id = customer(&app, story)?;
            let card = format!("/customers/{id}");
            let panel = format!("{card}/credit");
            let to_card = format!(r#"main .page-header .breadcrumb a[href="{card}"]"#);

            // Sign in and open the customer's card: no credit yet.
            sign_in(&page, &app, labels).await?;
            page.goto(&app.url(&card)).await?;
            page.expect_texts(
                "main .page-header h1",
                format!("starting with {:?}", story.name),
                |h| h.first().is_some_and(|h| h.starts_with(story.name)),
            )
            .await?;
            let entry = expect_card_balance(&page, labels, id, labels.zero, "0")
                .await
                .context("on the card before any credit")?;

            // "More actions" → "store credit": the panel, empty.
            page.click_in_view(&entry).await?;
            expect_panel(&page, labels, id, labels.zero, "0")
                .await
                .context("the panel before any credit")?;
            page.expect_text("#lots h2", labels.lots).await?;
            page.expect_text("#lots p.muted", labels.lots_empty).await?;
            page.expect_text("#history h2", labels.history).await?;
            page.expect_text("#history p.muted", labels.history_empty)
                .await?;

            // The "add credit" form: amount, reason, note.
            page.expect_text("#add h2", labels.add).await?;
            for (field, label) in [
                ("amount", labels.amount),
                ("reason", labels.reason),
                ("note", labels.note),
            ] {
                page.expect_text(&format!(r#"#add label[for="{field}"]"#), label)
                    .await?;
            }
            page.fill("#add input#amount", labels.typed_amount).await?;
            page.expect_texts(
                "#add select#reason option",
                format!("{:?}", labels.reasons),
                |options| options == labels.reasons.as_slice(),
            )
            .await
            .context("the reasons offered")?;
            let nth = labels
                .reasons
                .iter()
                .position(|r| *r == labels.compensation)
                .context("the compensation reason is not among the reasons")?;
            page.click(&format!(
                "#add select#reason option:nth-of-type({})",
                nth + 1
            ))
            .await?;
            page.expect_text("#add select#reason option:checked", labels.compensation)
                .await
                .context("the reason picked")?;
            page.fill("#add input#note", story.note).await?;
            click_labelled(&page, "#add form button[type=submit]", labels.save).await?;

            // Granted: the flash, the balance, one lot and one grant in the history.
            expect_flash(&page, labels.added)
                .await
                .context("after adding credit")?;
            expect_panel(&page, labels, id, labels.granted, GRANTED_CENTS)
                .await
                .context("the panel after adding credit")?;
            page.expect_texts("#lots tr[data-lot]", "one lot", |rows| rows.len() == 1)
                .await?;
            let lot = attr_of(&page, "#lots tr[data-lot]", "data-lot").await?;
            let lot_row = format!(r#"#lots tr[data-lot="{lot}"]"#);
            let remaining = attr_of(&page, &lot_row, "data-remaining").await?;
            ensure!(
                remaining == GRANTED_CENTS,
                "the new lot has data-remaining={remaining:?}, not {GRANTED_CENTS}"
            );
            let cells = page.texts(&format!("{lot_row} > td")).await?;
            let reason_cell = format!("{}\n{}", labels.compensation, story.note);
            let date = cells.first().cloned().unwrap_or_default();
            expect_cells(
                &page,
                &lot_row,
                &[
                    date.as_str(),
                    labels.granted,
                    labels.granted,
                    &reason_cell,
                    labels.no_expiry,
                    OWNER_NAME,
                    labels.delete,
                ],
            )
            .await
            .context("the new lot's row")?;
            ensure!(!date.is_empty(), "the new lot shows no date");
            expect_history_kinds(&page, &["grant"])
                .await
                .context("the history after adding credit")?;
            let grant_row = r#"#history tr[data-entry-kind="grant"]"#;
            let amount = attr_of(&page, grant_row, "data-amount").await?;
            ensure!(
                amount == GRANTED_CENTS,
                "the grant has data-amount={amount:?}, not {GRANTED_CENTS}"
            );
            let grant_date = page
                .texts(&format!("{grant_row} > td"))
                .await?
                .first()
                .cloned()
                .unwrap_or_default();
            expect_cells(
                &page,
                grant_row,
                &[
                    grant_date.as_str(),
                    labels.kind_grant,
                    labels.granted,
                    OWNER_NAME,
                    "",
                    labels.granted,
                ],
            )
            .await
            .context("the grant's row in the history")?;

            // The card's menu entry shows the new balance; back to the panel through it.
            click_labelled(&page, &to_card, story.name).await?;
            let entry = expect_card_balance(&page, labels, id, labels.granted, GRANTED_CENTS)
                .await
                .context("on the card after adding credit")?;
            page.click_in_view(&entry).await?;
            expect_panel(&page, labels, id, labels.granted, GRANTED_CENTS).await?;

            // Delete the lot: the confirmation page, then the button.
            let void = format!(r#"{lot_row} a[href="{panel}/lots/{lot}/void"]"#);
            click_labelled(&page, &void, labels.delete).await?;
            page.expect_path(&format!("{panel}/lots/{lot}/void"))
                .await?;
            page.expect_text("main .page-header h1", labels.delete_title)
                .await?;
            expect_plain_text(&page, "main section.card > p", labels.delete_confirm)
                .await
                .context("the confirmation's text")?;
            click_labelled(
                &page,
                r#"main form[action$="/void"] button[type=submit]"#,
                labels.delete_button,
            )
            .await?;

            // Deleted: the flash, no balance, the lot emptied, a void after the grant.
            expect_flash(&page, labels.deleted)
                .await
                .context("after deleting the credit")?;
            expect_panel(&page, labels, id, labels.zero, "0")
                .await
                .context("the panel after deleting the credit")?;
            let remaining = attr_of(&page, &lot_row, "data-remaining").await?;
            ensure!(
                remaining == "0",
                "the deleted lot has data-remaining={remaining:?}, not 0"
            );
            let no_expiry_voided = format!("{} {}", labels.no_expiry, labels.voided);
            expect_cells(
                &page,
                &lot_row,
                &[
                    date.as_str(),
                    labels.granted,
                    labels.zero,
                    &reason_cell,
                    &no_expiry_voided,
                    OWNER_NAME,
                    "",
                ],
            )
            .await
            .context("the deleted lot's row")?;
            let links = page.texts(&format!("{lot_row} a")).await?;
            ensure!(
                links.is_empty(),
                "the emptied lot still offers links: {links:?}"
            );
            expect_history_kinds(&page, &["void", "grant"])
                .await
                .context("the history after deleting the credit")?;
            let void_row = r#"#history tr[data-entry-kind="void"]"#;
            let amount = attr_of(&page, void_row, "data-amount").await?;
            ensure!(
                amount == format!("-{GRANTED_CENTS}"),
                "the void has data-amount={amount:?}, not -{GRANTED_CENTS}"
            );
            let void_date = page
                .texts(&format!("{void_row} > td"))
                .await?
                .first()
                .cloned()
                .unwrap_or_default();
            expect_cells(
                &page,
                void_row,
                &[
                    void_date.as_str(),
                    labels.kind_void,
                    labels.minus_granted,
                    OWNER_NAME,
                    "",
                    labels.zero,
                ],
            )
            .await
            .context("the void's row in the history")?;

            // Back on the card, the menu entry shows the balance: nothing.
            click_labelled(&page, &to_card, story.name).await?;
            expect_card_balance(&page, labels, id, labels.zero, "0")
                .await
                .context("on the card after deleting the credit")?;
            Ok(())
        })
        .await;
}

#[actix_web::test]
async fn store_credit_is_granted_and_deleted_from_the_customer_card_in_spanish() {
    credit_flow(
        "store_credit_is_granted_and_deleted_from_the_customer_card_in_spanish",
        &ES_LABELS,
        &ES_STORY,
    )
    .await;
}

#[actix_web::test]
async fn store_credit_is_granted_and_deleted_from_the_customer_card_in_polish() {
    credit_flow(
        "store_credit_is_granted_and_deleted_from_the_customer_card_in_polish",
        &PL_LABELS,
        &PL_STORY,
    )
    .await;
}

#[actix_web::test]
async fn store_credit_is_granted_and_deleted_from_the_customer_card_in_english() {
    credit_flow(
        "store_credit_is_granted_and_deleted_from_the_customer_card_in_english",
        &EN_LABELS,
        &EN_STORY,
    )
    .await;
}
