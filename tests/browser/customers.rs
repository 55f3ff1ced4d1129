//! The customer module driven through the browser: search and open the card, notes, tags,
//! editing the contact data, addresses (and the location they give the list), and deleting a
//! customer who has orders. The same flow runs once in Spanish and once in Polish.

use anyhow::{Context, Result, ensure};
use chrono::{Duration, Utc};
use clientela::db::write_tx;
use clientela::domain::customers::{self, Contact};
use clientela::domain::orders::{self, LineInput};
use clientela::i18n::Lang;

use crate::common::{OWNER_EMAIL, PASSWORD, TestApp};
use crate::harness::{Browser, Options, Page};
use crate::{ES, open_sign_in, submit_sign_in};

/// What the customer pages read in one language.
struct Labels {
    code: &'static str,
    nav_customers: &'static str,
    search_placeholder: &'static str,
    search: &'static str,
    /// The title of the gear menu on each row of the list.
    row_actions: &'static str,
    open_card: &'static str,
    edit: &'static str,
    /// The card's section links, in order.
    sections: [&'static str; 9],
    more_actions: &'static str,
    delete_customer: &'static str,
    note_add: &'static str,
    note_added: &'static str,
    tag_add: &'static str,
    tag_remove: &'static str,
    tag_added: &'static str,
    tag_removed: &'static str,
    tags_empty: &'static str,
    save: &'static str,
    saved: &'static str,
    address_add: &'static str,
    address_save: &'static str,
    address_added: &'static str,
    erase_personal_data: &'static str,
    anonymized_flash: &'static str,
    anonymized: &'static str,
}

const ES_LABELS: Labels = Labels {
    code: "es",
    nav_customers: "Clientes",
    search_placeholder: "Nombre, correo, teléfono o ciudad",
    search: "Buscar",
    row_actions: "Acciones",
    open_card: "Abrir la ficha",
    edit: "Editar",
    sections: [
        "Resumen",
        "Datos de contacto",
        "Direcciones",
        "Notas",
        "Etiquetas",
        "Segmentos",
        "Historial de pedidos",
        "Programa de fidelidad",
        "Cronología",
    ],
    more_actions: "Más acciones",
    delete_customer: "Eliminar cliente",
    note_add: "Añadir nota",
    note_added: "Nota añadida.",
    tag_add: "Añadir etiqueta",
    tag_remove: "Quitar etiqueta",
    tag_added: "Etiqueta añadida.",
    tag_removed: "Etiqueta quitada.",
    tags_empty: "Aún no hay etiquetas.",
    save: "Guardar",
    saved: "Cambios guardados.",
    address_add: "Añadir dirección",
    address_save: "Guardar dirección",
    address_added: "Dirección añadida.",
    erase_personal_data: "Borrar datos personales",
    anonymized_flash: "Se han borrado los datos personales del cliente; los pedidos se conservan.",
    anonymized: "Cliente anonimizado",
};

const PL_LABELS: Labels = Labels {
    code: "pl",
    nav_customers: "Klienci",
    search_placeholder: "Imię i nazwisko, e-mail, telefon lub miasto",
    search: "Szukaj",
    row_actions: "Akcje",
    open_card: "Otwórz kartę klienta",
    edit: "Edytuj",
    sections: [
        "Podsumowanie",
        "Dane kontaktowe",
        "Adresy",
        "Notatki",
        "Tagi",
        "Segmenty",
        "Historia zamówień",
        "Program lojalnościowy",
        "Oś czasu",
    ],
    more_actions: "Więcej akcji",
    delete_customer: "Usuń klienta",
    note_add: "Dodaj notatkę",
    note_added: "Notatka została dodana.",
    tag_add: "Dodaj tag",
    tag_remove: "Usuń tag",
    tag_added: "Tag został dodany.",
    tag_removed: "Tag został usunięty.",
    tags_empty: "Brak tagów.",
    save: "Zapisz",
    saved: "Zmiany zapisane.",
    address_add: "Dodaj adres",
    address_save: "Zapisz adres",
    address_added: "Adres został dodany.",
    erase_personal_data: "Wymaż dane osobowe",
    anonymized_flash: "Dane osobowe klienta zostały wymazane; zamówienia zostały zachowane.",
    anonymized: "Klient zanonimizowany",
};

/// The customer a flow works on, and what staff type about them.
struct Story {
    name: &'static str,
    email: &'static str,
    /// Part of the name typed into the search box.
    search: &'static str,
    new_name: &'static str,
    new_phone: &'static str,
    note: &'static str,
    tag: &'static str,
    address_name: &'static str,
    line1: &'static str,
    line2: &'static str,
    postal_code: &'static str,
    city: &'static str,
    region: &'static str,
    country: &'static str,
    address_phone: &'static str,
    order_number: &'static str,
}

const ES_STORY: Story = Story {
    name: "Lucía Fernández",
    email: "lucia@example.es",
    search: "fernández",
    new_name: "Lucía Fernández Ortega",
    new_phone: "+34 612 345 678",
    note: "Prefiere recoger en tienda; llamar antes.",
    tag: "Cliente frecuente",
    address_name: "Lucía Fernández Ortega",
    line1: "Calle Betis 12",
    line2: "3º B",
    postal_code: "41010",
    city: "Sevilla",
    region: "Andalucía",
    country: "ES",
    address_phone: "+34 955 000 111",
    order_number: "5001",
};

const PL_STORY: Story = Story {
    name: "Zofia Wójcik",
    email: "zofia@example.pl",
    search: "wójcik",
    new_name: "Zofia Wójcik-Nowak",
    new_phone: "+48 601 234 567",
    note: "Woli odbiór osobisty; zadzwonić wcześniej.",
    tag: "Stały klient",
    address_name: "Zofia Wójcik-Nowak",
    line1: "ul. Długa 5",
    line2: "m. 12",
    postal_code: "31-147",
    city: "Kraków",
    region: "małopolskie",
    country: "PL",
    address_phone: "+48 12 345 67 89",
    order_number: "7001",
};

/// A customer put in through the domain; returns its id.
fn customer(app: &TestApp, name: &str, email: &str) -> Result<i64> {
    app.with_conn(|conn| {
        write_tx(conn, |conn| {
            customers::insert(
                conn,
                &Contact {
                    full_name: name.into(),
                    email: Some(email.into()),
                    phone: None,
                    language: Lang::Es,
                    registered: true,
                    newsletter: false,
                },
                Utc::now().naive_utc(),
            )
        })
    })
    .with_context(|| format!("insert the customer {name}"))
}

/// A delivered one-line order of `total` cents placed `days_ago`; returns its id.
fn order(app: &TestApp, customer_id: i64, number: &str, total: i64, days_ago: i64) -> Result<i64> {
    app.with_conn(|conn| {
        write_tx(conn, |conn| {
            orders::place(
                conn,
                number,
                customer_id,
                "delivered",
                "card",
                "EUR",
                0,
                &[LineInput {
                    product_id: None,
                    sku: "SKU-1".into(),
                    name: "Camisa de lino".into(),
                    quantity: 1,
                    unit_price_cents: total,
                }],
                Utc::now().naive_utc() - Duration::days(days_ago),
            )
        })
    })
    .with_context(|| format!("place the order {number}"))
}

/// Waits until the element matching `css` reads `label`, then clicks it. (All clicks here
/// scroll the element into view first: the app scrolls smoothly, so chromedriver's own scroll
/// is still moving when it clicks below the fold, and the click lands elsewhere.)
async fn click_labelled(page: &Page, css: &str, label: &str) -> Result<()> {
    page.expect_text(css, label).await?;
    page.click_in_view(css).await
}

/// Waits for the green flash message reading `text` (the page after a form was sent).
async fn expect_flash(page: &Page, text: &str) -> Result<()> {
    page.expect_text(".flash.flash-success", text).await
}

/// The `title` of the visible element matching `css`.
async fn title_of(page: &Page, css: &str) -> Result<String> {
    Ok(page
        .element(css)
        .await?
        .attr("title")
        .await?
        .unwrap_or_default())
}

/// Signs the owner in (Spanish, the store's default) and switches to `labels`' language.
async fn sign_in(page: &Page, app: &TestApp, labels: &Labels) -> Result<()> {
    open_sign_in(page, app, &ES).await?;
    submit_sign_in(page, OWNER_EMAIL, PASSWORD).await?;
    page.expect_path("/").await.context("after signing in")?;
    page.expect_html_lang(ES.code).await?;
    if labels.code != ES.code {
        page.click_in_view(&format!(
            "form.lang-switcher button[name=lang][value={}]",
            labels.code
        ))
        .await?;
        page.expect_html_lang(labels.code)
            .await
            .with_context(|| format!("after switching to {}", labels.code))?;
    }
    Ok(())
}

/// Opens the customer list through the sidebar.
async fn open_list(page: &Page, labels: &Labels) -> Result<()> {
    click_labelled(
        page,
        r#"nav.sidebar a[href="/customers"]"#,
        labels.nav_customers,
    )
    .await?;
    page.expect_path("/customers").await?;
    page.element("input#q").await?;
    Ok(())
}

/// Types `query` into the search box, sends it and waits until the list shows exactly the
/// customers named `expected`.
async fn search(page: &Page, labels: &Labels, query: &str, expected: &[&str]) -> Result<()> {
    page.fill("input#q", query).await?;
    click_labelled(
        page,
        "form[role=search] .filter-search button[type=submit]",
        labels.search,
    )
    .await?;
    page.expect_texts(
        "tr[data-customer] td.customer-name > a",
        format!("{expected:?} after searching {query:?}"),
        |names| names == expected,
    )
    .await
    .map(drop)
}

/// Waits until a person could see and click the element matching `css` (`what` names it):
/// nothing covers it and no scroll box clips it away.
async fn expect_in_sight(page: &Page, css: &str, what: &str) -> Result<()> {
    page.eventually(
        format!("{what} to be in sight and clickable"),
        async || match page.hits_at_centre(css).await {
            Ok(true) => Ok(()),
            Ok(false) => Err("it covered or clipped away by a scroll box around it".to_owned()),
            Err(e) => Err(format!("an error: {e:#}")),
        },
    )
    .await
}

/// Opens the card's "more actions" menu and clicks its entry linking to `href_end`.
async fn more_action(page: &Page, labels: &Labels, href_end: &str, label: &str) -> Result<()> {
    click_labelled(page, "details.more-actions > summary", labels.more_actions).await?;
    let entry = format!(r#"details.more-actions .menu-panel a[href$="{href_end}"]"#);
    page.expect_text(&entry, label).await?;
    expect_in_sight(
        page,
        &entry,
        &format!("the {label:?} entry of the card's menu"),
    )
    .await?;
    page.click_in_view(&entry).await
}

/// Clicks the name in the list row of customer `id` (which must read `name`) and waits for
/// the card.
async fn open_card_from_row(page: &Page, id: i64, name: &str) -> Result<()> {
    let link = format!(r#"tr[data-customer="{id}"] td.customer-name > a[href="/customers/{id}"]"#);
    page.expect_text(&link, name).await?;
    page.click_in_view(&link).await?;
    page.expect_path(&format!("/customers/{id}")).await
}

/// Whether `wanted` all occur in `texts`, in that order (other entries may come between).
fn in_order(texts: &[String], wanted: &[&str]) -> bool {
    let mut rest = texts.iter();
    wanted.iter().all(|w| rest.any(|t| t == w))
}

/// Waits for the card's section links: the nine sections in the card's order (sections that
/// later features add may come between them).
async fn expect_card_sections(page: &Page, labels: &Labels) -> Result<()> {
    page.expect_texts(
        "nav.section-nav a",
        format!("{:?} in this order", labels.sections),
        |texts| in_order(texts, &labels.sections),
    )
    .await
    .map(drop)
}

/// Waits for the edit page's section links: the card's nine sections (in any order; sections
/// that later features add may come too), the contact data marked as the current one.
async fn expect_edit_sections(page: &Page, labels: &Labels) -> Result<()> {
    page.expect_texts(
        "nav.section-nav a",
        format!("holding all of {:?}", labels.sections),
        |texts| labels.sections.iter().all(|s| texts.iter().any(|t| t == s)),
    )
    .await?;
    page.expect_text(
        r#"nav.section-nav a[aria-current="page"]"#,
        labels.sections[1],
    )
    .await
}

/// Signs in, switches to `labels`' language, opens the list and searches `story`'s customer
/// by name; the list must show that customer alone.
async fn find_by_name(page: &Page, app: &TestApp, labels: &Labels, story: &Story) -> Result<()> {
    sign_in(page, app, labels).await?;
    open_list(page, labels).await?;
    let placeholder = page
        .element("input#q")
        .await?
        .attr("placeholder")
        .await?
        .unwrap_or_default();
    ensure!(
        placeholder == labels.search_placeholder,
        "the search box's placeholder reads {placeholder:?}, not {:?}",
        labels.search_placeholder
    );
    search(page, labels, story.search, &[story.name])
        .await
        .context("searching by name")
}

/// The whole customer flow in one language.
async fn customer_flow(test: &'static str, labels: &'static Labels, story: &'static Story) {
    let Some(browser) = Browser::launch(test, Options::default()).await else {
        return;
    };
    let app = TestApp::spawn().await;
    app.create_owner();
    browser
        .run(|page| async move {
            let id = customer(&app, story.name, story.email)?;
            let order_id = order(&app, id, story.order_number, 4990, 3)?;
            customer(&app, "Other Person", "other@example.com")?;
            let card = format!("/customers/{id}");
            let row = format!(r#"tr[data-customer="{id}"]"#);

            // Find the customer by search and open the card.
            find_by_name(&page, &app, labels, story).await?;
            open_card_from_row(&page, id, story.name).await?;
            page.expect_texts(
                "main .page-header h1",
                format!("starting with {:?}", story.name),
                |h| h.first().is_some_and(|h| h.starts_with(story.name)),
            )
            .await?;
            expect_card_sections(&page, labels).await?;
            page.expect_texts(
                "#orders tbody a",
                format!("[\"#{}\"]", story.order_number),
                |texts| texts == [format!("#{}", story.order_number)],
            )
            .await
            .context("the order before anything changes")?;

            // Add a note and see it listed.
            page.fill("textarea#note", story.note).await?;
            click_labelled(
                &page,
                r#"#notes form[action$="/notes"] button[type=submit]"#,
                labels.note_add,
            )
            .await?;
            expect_flash(&page, labels.note_added)
                .await
                .context("after adding a note")?;
            page.expect_texts(
                "#notes li.note .note-body",
                format!("[{:?}]", story.note),
                |notes| notes == [story.note],
            )
            .await?;

            // Add a tag, then remove it.
            let tag = format!(r#"#tags li[data-tag="{}"]"#, story.tag);
            page.fill("input#tag", story.tag).await?;
            click_labelled(&page, "form.tag-form button[type=submit]", labels.tag_add).await?;
            expect_flash(&page, labels.tag_added)
                .await
                .context("after adding a tag")?;
            page.expect_text(&format!("{tag} > span"), story.tag)
                .await?;
            let remove = format!("{tag} button[type=submit]");
            let title = title_of(&page, &remove).await?;
            ensure!(
                title == labels.tag_remove,
                "the tag's remove button is titled {title:?}, not {:?}",
                labels.tag_remove
            );
            page.click_in_view(&remove).await?;
            expect_flash(&page, labels.tag_removed)
                .await
                .context("after removing the tag")?;
            page.expect_texts("#tags li[data-tag]", "none", <[String]>::is_empty)
                .await?;
            page.expect_text("#tags p.muted", labels.tags_empty).await?;

            // Edit the contact data through the "more actions" menu.
            more_action(&page, labels, "/edit", labels.edit).await?;
            page.expect_path(&format!("{card}/edit")).await?;
            expect_edit_sections(&page, labels).await?;
            let name = page.value("input#full_name").await?;
            ensure!(
                name == story.name,
                "the edit form holds the name {name:?}, not {:?}",
                story.name
            );
            page.fill("input#full_name", story.new_name).await?;
            page.fill("input#phone", story.new_phone).await?;
            click_labelled(&page, "main form.form button[type=submit]", labels.save).await?;
            expect_flash(&page, labels.saved)
                .await
                .context("after saving the contact data")?;
            page.expect_path(&card).await?;
            page.expect_texts(
                "main .page-header h1",
                format!("starting with {:?}", story.new_name),
                |h| h.first().is_some_and(|h| h.starts_with(story.new_name)),
            )
            .await?;
            page.expect_texts(
                "#contact dl.details dd",
                format!(
                    "the name {:?}, e-mail {:?} and phone {:?}",
                    story.new_name, story.email, story.new_phone
                ),
                |dd| dd.len() >= 3 && dd[..3] == [story.new_name, story.email, story.new_phone],
            )
            .await?;

            // Add an address: it shows in the addresses section and as the list's location.
            click_labelled(&page, "details.add-form > summary", labels.address_add).await?;
            for (field, value) in [
                ("input#address_name", story.address_name),
                ("input#line1", story.line1),
                ("input#line2", story.line2),
                ("input#postal_code", story.postal_code),
                ("input#city", story.city),
                ("input#region", story.region),
                ("input#country", story.country),
                ("input#address_phone", story.address_phone),
            ] {
                page.fill(field, value).await?;
            }
            click_labelled(
                &page,
                "details.add-form button[type=submit]",
                labels.address_save,
            )
            .await?;
            expect_flash(&page, labels.address_added)
                .await
                .context("after adding an address")?;
            let street = format!("{}, {}", story.line1, story.line2);
            let town = format!(
                "{} {}, {}, {}",
                story.postal_code, story.city, story.region, story.country
            );
            page.expect_texts(
                "#addresses li.address p",
                format!("holding {street:?}, {town:?} and {:?}", story.address_phone),
                |lines| {
                    lines
                        .first()
                        .is_some_and(|l| l.starts_with(story.address_name))
                        && lines.contains(&street)
                        && lines.contains(&town)
                        && lines.iter().any(|l| l == story.address_phone)
                },
            )
            .await?;

            open_list(&page, labels).await?;
            search(&page, labels, story.city, &[story.new_name])
                .await
                .context("searching by the new address's city")?;
            page.expect_text(
                &format!("{row} td.customer-location"),
                &format!("{}, {}", story.city, story.country),
            )
            .await
            .context("the location column")?;

            // Delete the customer, who has an order: the card is anonymized, the order stays.
            open_card_from_row(&page, id, story.new_name).await?;
            more_action(&page, labels, "/delete", labels.delete_customer).await?;
            page.expect_path(&format!("{card}/delete")).await?;
            click_labelled(
                &page,
                r#"main form[action$="/delete"] button[type=submit]"#,
                labels.erase_personal_data,
            )
            .await?;
            expect_flash(&page, labels.anonymized_flash)
                .await
                .context("after erasing the personal data")?;
            page.expect_path(&card).await?;
            page.expect_texts(
                "main .page-header h1",
                format!("starting with {:?}", labels.anonymized),
                |h| h.first().is_some_and(|h| h.starts_with(labels.anonymized)),
            )
            .await?;
            page.expect_text(
                &format!(r#"#orders tbody a[href="/orders/{order_id}"]"#),
                &format!("#{}", story.order_number),
            )
            .await
            .context("the order after anonymizing")?;
            let menus = page.texts("details.more-actions").await?;
            ensure!(
                menus.is_empty(),
                "an anonymized card still offers more actions"
            );
            let main = page.texts("main").await?.join("\n");
            for gone in [
                story.name,
                story.new_name,
                story.email,
                story.new_phone,
                story.note,
                story.tag,
                story.line1,
                story.city,
            ] {
                ensure!(
                    !main.contains(gone),
                    "the anonymized card still shows {gone:?}"
                );
            }
            Ok(())
        })
        .await;
}

/// The list row's gear menu in one language: its entries can be seen and clicked, and its
/// "edit" entry opens the edit page with the card's section links.
async fn gear_menu_flow(test: &'static str, labels: &'static Labels, story: &'static Story) {
    let Some(browser) = Browser::launch(test, Options::default()).await else {
        return;
    };
    let app = TestApp::spawn().await;
    app.create_owner();
    browser
        .run(|page| async move {
            let id = customer(&app, story.name, story.email)?;
            customer(&app, "Other Person", "other@example.com")?;
            let card = format!("/customers/{id}");
            let gear = format!(r#"tr[data-customer="{id}"] details.row-menu"#);
            find_by_name(&page, &app, labels, story).await?;

            let summary = format!("{gear} > summary");
            let title = title_of(&page, &summary).await?;
            ensure!(
                title == labels.row_actions,
                "the row's gear menu is titled {title:?}, not {:?}",
                labels.row_actions
            );
            page.click_in_view(&summary).await?;
            let edit = format!(r#"{gear} .menu-panel a[href="{card}/edit"]"#);
            let open = format!(r#"{gear} .menu-panel a[href="{card}"]"#);
            for (entry, label) in [(&edit, labels.edit), (&open, labels.open_card)] {
                page.expect_text(entry, label).await?;
                expect_in_sight(
                    &page,
                    entry,
                    &format!("the {label:?} entry of the gear menu"),
                )
                .await?;
            }

            page.click_in_view(&edit).await?;
            page.expect_path(&format!("{card}/edit")).await?;
            expect_edit_sections(&page, labels).await?;
            let name = page.value("input#full_name").await?;
            ensure!(
                name == story.name,
                "the edit form holds the name {name:?}, not {:?}",
                story.name
            );
            Ok(())
        })
        .await;
}

#[actix_web::test]
async fn staff_find_a_customer_add_a_note_and_a_tag_edit_the_contact_add_an_address_and_delete_the_customer_in_spanish()
 {
    customer_flow(
        "staff_find_a_customer_add_a_note_and_a_tag_edit_the_contact_add_an_address_and_delete_the_customer_in_spanish",
        &ES_LABELS,
        &ES_STORY,
    )
    .await;
}

#[actix_web::test]
async fn staff_find_a_customer_add_a_note_and_a_tag_edit_the_contact_add_an_address_and_delete_the_customer_in_polish()
 {
    customer_flow(
        "staff_find_a_customer_add_a_note_and_a_tag_edit_the_contact_add_an_address_and_delete_the_customer_in_polish",
        &PL_LABELS,
        &PL_STORY,
    )
    .await;
}

#[actix_web::test]
async fn the_gear_menu_of_a_customer_in_the_list_can_be_used_and_leads_to_the_edit_page_in_spanish()
{
    gear_menu_flow(
        "the_gear_menu_of_a_customer_in_the_list_can_be_used_and_leads_to_the_edit_page_in_spanish",
        &ES_LABELS,
        &ES_STORY,
    )
    .await;
}

#[actix_web::test]
async fn the_gear_menu_of_a_customer_in_the_list_can_be_used_and_leads_to_the_edit_page_in_polish()
{
    gear_menu_flow(
        "the_gear_menu_of_a_customer_in_the_list_can_be_used_and_leads_to_the_edit_page_in_polish",
        &PL_LABELS,
        &PL_STORY,
    )
    .await;
}
