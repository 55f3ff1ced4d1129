//! Customer groups, personal discounts and B2B credit options driven through the browser
//! (seed 002, "Clientes y grupos de clientes"). In Spanish the whole seed runs: from the
//! customer list "Grupos de clientes" → "Nuevo grupo" → a name → "Guardar"; "Editar" renames
//! it; "Nuevo cliente" with the group and a personal discount ("Porcentaje"); on the card
//! "Más acciones" → "Ver opciones de crédito" → "Agregar opción" → "Agregar", then a change
//! → "Guardar"; and "Borrar" the group after a confirmation that counts its customers. The
//! group flow (create, rename, a cancelled and a confirmed delete) also runs in Polish and in
//! English.

use anyhow::{Context, Result, ensure};

use crate::common::{OWNER_EMAIL, PASSWORD, TestApp};
use crate::harness::{Browser, Options, Page};
use crate::{EN, ES, PL, Shell, open_sign_in, submit_sign_in};
use clientela::domain::customers::{self, CustomerInput, Editor};

/// What the group pages (and the customer pages leading there) read in one language.
struct Labels {
    shell: &'static Shell,
    /// customers.ftl `nav-customers`: the sidebar entry and the breadcrumbs.
    nav_customers: &'static str,
    /// groups.ftl `groups-title`: the list's button and the groups page's heading.
    groups_title: &'static str,
    /// `groups-empty`.
    groups_empty: &'static str,
    /// `group-new`: the button and the new group's heading.
    new_group: &'static str,
    /// `field-group-name`, `field-group-discount`.
    field_name: &'static str,
    field_discount: &'static str,
    /// main.ftl `save`, `cancel`.
    save: &'static str,
    cancel: &'static str,
    /// customers.ftl `edit`: the row's edit button.
    edit: &'static str,
    /// `group-delete`: the row's button and the confirmation's button.
    delete: &'static str,
    /// `group-delete-title` for a group named `{}`, split around the name.
    delete_title: (&'static str, &'static str),
    /// `group-delete-members` for two customers.
    delete_two_members: &'static str,
    /// `customers-count` for none and for two.
    no_customers: &'static str,
    two_customers: &'static str,
    /// `flash-group-created`, `flash-group-saved`, `flash-group-deleted`.
    created: &'static str,
    saved: &'static str,
    deleted: &'static str,
    /// `field-group`, `group-none` (the card's contact data).
    field_group: &'static str,
    no_group: &'static str,
}

const ES_LABELS: Labels = Labels {
    shell: &ES,
    nav_customers: "Clientes",
    groups_title: "Grupos de clientes",
    groups_empty: "Todavía no hay grupos. Crea el primero con «Nuevo grupo».",
    new_group: "Nuevo grupo",
    field_name: "Nombre",
    field_discount: "Descuento por defecto (%)",
    save: "Guardar",
    cancel: "Cancelar",
    edit: "Editar",
    delete: "Borrar",
    delete_title: ("¿Borrar el grupo «", "»?"),
    delete_two_members: "El grupo tiene 2 clientes: quedarán sin grupo.",
    no_customers: "0 clientes",
    two_customers: "2 clientes",
    created: "Grupo creado.",
    saved: "Grupo guardado.",
    deleted: "Grupo borrado; sus clientes han quedado sin grupo.",
    field_group: "Grupo de clientes",
    no_group: "Sin grupo",
};

const PL_LABELS: Labels = Labels {
    shell: &PL,
    nav_customers: "Klienci",
    groups_title: "Grupy klientów",
    groups_empty: "Nie ma jeszcze grup. Utwórz pierwszą przyciskiem „Nowa grupa”.",
    new_group: "Nowa grupa",
    field_name: "Nazwa",
    field_discount: "Domyślny rabat (%)",
    save: "Zapisz",
    cancel: "Anuluj",
    edit: "Edytuj",
    delete: "Usuń",
    delete_title: ("Usunąć grupę „", "”?"),
    delete_two_members: "Grupa ma 2 klientów, którzy zostaną bez grupy.",
    no_customers: "0 klientów",
    two_customers: "2 klientów",
    created: "Grupa utworzona.",
    saved: "Grupa zapisana.",
    deleted: "Grupa usunięta; jej klienci są teraz bez grupy.",
    field_group: "Grupa klientów",
    no_group: "Bez grupy",
};

const EN_LABELS: Labels = Labels {
    shell: &EN,
    nav_customers: "Customers",
    groups_title: "Customer groups",
    groups_empty: "No groups yet. Create the first one with \"New group\".",
    new_group: "New group",
    field_name: "Name",
    field_discount: "Default discount (%)",
    save: "Save",
    cancel: "Cancel",
    edit: "Edit",
    delete: "Delete",
    delete_title: ("Delete the group \"", "\"?"),
    delete_two_members: "The group has 2 customers, who will be left without a group.",
    no_customers: "0 customers",
    two_customers: "2 customers",
    created: "Group created.",
    saved: "Group saved.",
    deleted: "Group deleted; its customers are now without a group.",
    field_group: "Customer group",
    no_group: "No group",
};

/// What the group flow names and types in one language.
struct Story {
    group: &'static str,
    renamed: &'static str,
    /// Two customers put in the group, with e-mails, and their language's code.
    members: [(&'static str, &'static str); 2],
    language: &'static str,
}

const PL_STORY: Story = Story {
    group: "Hurtownie",
    renamed: "Hurtownie z Krakowa",
    members: [
        ("Zofia Wójcik", "zofia@example.pl"),
        ("Jan Kowalski", "jan@example.pl"),
    ],
    language: "pl",
};

const EN_STORY: Story = Story {
    group: "Wholesale",
    renamed: "Wholesale trade",
    members: [
        ("Emma Clarke", "emma@example.co.uk"),
        ("Oliver Smith", "oliver@example.co.uk"),
    ],
    language: "en",
};

/// `text` with every run of white space (no-break spaces and line breaks included) read as
/// one plain space.
fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Signs the owner in (Spanish, the store's default) and switches to `labels`' language
/// through the language switcher.
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

/// Waits until the element matching `css` reads `label` (white space as [`words`] reads it),
/// then clicks it, scrolled into view first (the app scrolls smoothly, so chromedriver's own
/// scroll may still be moving when it clicks).
async fn click_labelled(page: &Page, css: &str, label: &str) -> Result<()> {
    expect_words(page, css, label)
        .await
        .with_context(|| format!("before clicking {label:?}"))?;
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

/// Waits for the green flash message reading `text` (the page after a form was sent).
async fn expect_flash(page: &Page, text: &str) -> Result<()> {
    page.expect_text(".flash.flash-success", text).await
}

/// The attribute `name` of the visible element matching `css`.
async fn attr_of(page: &Page, css: &str, name: &str) -> Result<String> {
    page.element(css)
        .await?
        .attr(name)
        .await?
        .with_context(|| format!("`{css}` has no {name} attribute"))
}

/// Checks that the `<label>` of the form control with id `id` reads `expected`.
async fn expect_label(page: &Page, id: &str, expected: &str) -> Result<()> {
    expect_words(page, &format!(r#"label[for="{id}"]"#), expected)
        .await
        .with_context(|| format!("the label of #{id}"))
}

/// The CSS of the groups list's row of the group named `name`.
fn row(name: &str) -> String {
    format!(r#"main tr[data-group="{name}"]"#)
}

/// Opens the customer list through the sidebar.
async fn open_customers(page: &Page, labels: &Labels) -> Result<()> {
    click_labelled(
        page,
        r#"nav.sidebar a[href="/customers"]"#,
        labels.nav_customers,
    )
    .await?;
    page.expect_path("/customers").await?;
    page.element("input#q").await.map(drop)
}

/// From the customer list, opens the groups page through its button.
async fn open_groups(page: &Page, labels: &Labels) -> Result<()> {
    open_customers(page, labels).await?;
    click_labelled(
        page,
        r#"main .page-header a[href="/customers/groups"]"#,
        labels.groups_title,
    )
    .await?;
    page.expect_path("/customers/groups").await?;
    page.expect_text("main .page-header h1", labels.groups_title)
        .await
}

/// Waits until the groups list names exactly `names` (none: the empty note shows).
async fn expect_groups(page: &Page, labels: &Labels, names: &[&str]) -> Result<()> {
    page.expect_texts(
        "main tr[data-group] > td:first-child",
        format!("{names:?}"),
        |texts| texts == names,
    )
    .await
    .context("the groups listed")?;
    if names.is_empty() {
        page.expect_text("main [data-groups-empty]", labels.groups_empty)
            .await?;
    }
    Ok(())
}

/// Checks the members column of `name`'s row: `count` customers, written as `text`.
async fn expect_members(page: &Page, name: &str, count: &str, text: &str) -> Result<()> {
    let members = format!("{} a[data-members]", row(name));
    expect_words(page, &members, text)
        .await
        .with_context(|| format!("the members of {name:?}"))?;
    let attr = attr_of(page, &members, "data-members").await?;
    ensure!(
        attr == count,
        "the row of {name:?} carries data-members={attr:?}, not {count:?}"
    );
    Ok(())
}

/// On the groups page: "new group" → the name → "save"; the group is listed, with no
/// customers. Returns its id (read off its edit button).
async fn create_group(page: &Page, labels: &Labels, name: &str) -> Result<i64> {
    click_labelled(
        page,
        r#"main .page-header a[href="/customers/groups/new"]"#,
        labels.new_group,
    )
    .await?;
    page.expect_path("/customers/groups/new").await?;
    page.expect_text("main .page-header h1", labels.new_group)
        .await?;
    expect_label(page, "name", labels.field_name).await?;
    expect_label(page, "discount", labels.field_discount).await?;
    page.fill("input#name", name).await?;
    click_labelled(page, "main form.form button[type=submit]", labels.save).await?;

    expect_flash(page, labels.created)
        .await
        .context("after creating the group")?;
    page.expect_path("/customers/groups").await?;
    expect_members(page, name, "0", labels.no_customers).await?;
    let href = attr_of(page, &format!(r#"{} a[href$="/edit"]"#, row(name)), "href").await?;
    href.trim_start_matches("/customers/groups/")
        .trim_end_matches("/edit")
        .parse()
        .with_context(|| format!("the group's id in its edit link {href:?}"))
}

/// On the groups page: "edit" on `old`'s row → the name `new` → "save"; back on the list,
/// `new` is listed instead of `old`.
async fn rename_group(page: &Page, labels: &Labels, id: i64, old: &str, new: &str) -> Result<()> {
    click_labelled(
        page,
        &format!(r#"{} a[href="/customers/groups/{id}/edit"]"#, row(old)),
        labels.edit,
    )
    .await?;
    page.expect_path(&format!("/customers/groups/{id}/edit"))
        .await?;
    page.expect_text("main .page-header h1", old).await?;
    let typed = page.value("input#name").await?;
    ensure!(
        typed == old,
        "the edit form holds the name {typed:?}, not {old:?}"
    );
    page.fill("input#name", new).await?;
    click_labelled(
        page,
        r#"main form.form[action^="/customers/groups/"] button[type=submit]"#,
        labels.save,
    )
    .await?;
    expect_flash(page, labels.saved)
        .await
        .context("after renaming the group")?;
    page.expect_path("/customers/groups").await?;
    expect_groups(page, labels, &[new]).await
}

/// On the groups page: "delete" on `name`'s row opens the confirmation, which reads
/// `members_text` (how many customers the group holds).
async fn open_delete(
    page: &Page,
    labels: &Labels,
    id: i64,
    name: &str,
    members: &str,
    members_text: &str,
) -> Result<()> {
    click_labelled(
        page,
        &format!(r#"{} a[href="/customers/groups/{id}/delete"]"#, row(name)),
        labels.delete,
    )
    .await?;
    page.expect_path(&format!("/customers/groups/{id}/delete"))
        .await?;
    let (before, after) = labels.delete_title;
    page.expect_text("main .page-header h1", &format!("{before}{name}{after}"))
        .await
        .context("the confirmation's heading")?;
    expect_words(page, "main section.card p[data-members]", members_text)
        .await
        .context("the confirmation's count of customers")?;
    let attr = attr_of(page, "main section.card p[data-members]", "data-members").await?;
    ensure!(
        attr == members,
        "the confirmation carries data-members={attr:?}, not {members:?}"
    );
    Ok(())
}

/// On the confirmation: the delete button; back on the list, no group is left.
async fn confirm_delete(page: &Page, labels: &Labels) -> Result<()> {
    click_labelled(
        page,
        r#"main form[action$="/delete"] button[type=submit]"#,
        labels.delete,
    )
    .await?;
    expect_flash(page, labels.deleted)
        .await
        .context("after deleting the group")?;
    page.expect_path("/customers/groups").await?;
    expect_groups(page, labels, &[]).await
}

/// From the customer list, opens the card of customer `id` named `name` through its row.
async fn open_card(page: &Page, labels: &Labels, id: i64, name: &str) -> Result<()> {
    open_customers(page, labels).await?;
    click_labelled(
        page,
        &format!(r#"tr[data-customer="{id}"] td.customer-name > a[href="/customers/{id}"]"#),
        name,
    )
    .await?;
    page.expect_path(&format!("/customers/{id}")).await
}

/// On the card: the contact data names the group `group` (empty: none, which reads
/// `labels.no_group`).
async fn expect_card_group(page: &Page, labels: &Labels, group: &str) -> Result<()> {
    page.expect_texts(
        "#contact dl.details dt",
        format!("holding {:?}", labels.field_group),
        |dt| dt.iter().any(|t| t == labels.field_group),
    )
    .await?;
    let shown = if group.is_empty() {
        labels.no_group
    } else {
        group
    };
    page.expect_text("#contact dd[data-group]", shown)
        .await
        .context("the card's group")?;
    let attr = attr_of(page, "#contact dd[data-group]", "data-group").await?;
    ensure!(
        attr == group,
        "the card's group carries data-group={attr:?}, not {group:?}"
    );
    Ok(())
}

/// The group flow in one language: create a group, rename it, put two customers in it, open
/// the delete confirmation and cancel, then delete it for good: its customers are left
/// without a group.
async fn group_flow(test: &'static str, labels: &'static Labels, story: &'static Story) {
    let Some(browser) = Browser::launch(test, Options::default()).await else {
        return;
    };
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    browser
        .run(|page| async move {
            sign_in(&page, &app, labels).await?;
            open_groups(&page, labels).await?;
            expect_groups(&page, labels, &[]).await?;

            let id = create_group(&page, labels, story.group).await?;
            expect_groups(&page, labels, &[story.group]).await?;
            rename_group(&page, labels, id, story.group, story.renamed).await?;

            // Two customers join the group (put in through the domain, as a manager would
            // with the customer form); the list counts them.
            let mut members = Vec::new();
            for (name, email) in story.members {
                let input = CustomerInput {
                    full_name: name.into(),
                    email: email.into(),
                    language: story.language.into(),
                    group: id.to_string(),
                    ..CustomerInput::default()
                };
                let cid = app
                    .with_conn(|conn| {
                        customers::create(
                            conn,
                            Editor {
                                id: owner,
                                may_price: true,
                            },
                            &input,
                        )
                    })
                    .map_err(|e| anyhow::anyhow!("create the customer {name}: {e:?}"))?;
                members.push((cid, name));
            }
            open_groups(&page, labels).await?;
            expect_members(&page, story.renamed, "2", labels.two_customers).await?;

            // "Delete", then "cancel": the group stays.
            open_delete(
                &page,
                labels,
                id,
                story.renamed,
                "2",
                labels.delete_two_members,
            )
            .await?;
            click_labelled(
                &page,
                r#"main form[action$="/delete"] a[href="/customers/groups"]"#,
                labels.cancel,
            )
            .await?;
            page.expect_path("/customers/groups").await?;
            expect_groups(&page, labels, &[story.renamed]).await?;
            expect_members(&page, story.renamed, "2", labels.two_customers).await?;

            // "Delete" and confirm: the group is gone, its customers have none.
            open_delete(
                &page,
                labels,
                id,
                story.renamed,
                "2",
                labels.delete_two_members,
            )
            .await?;
            confirm_delete(&page, labels).await?;
            for (cid, name) in members {
                open_card(&page, labels, cid, name).await?;
                expect_card_group(&page, labels, "")
                    .await
                    .with_context(|| format!("{name}'s card after deleting the group"))?;
            }
            Ok(())
        })
        .await;
}

/// Spanish labels of the customer form, the card and the credit options (customers.ftl,
/// groups.ftl) that the seed's flow clicks or reads.
mod es {
    pub const NEW_CUSTOMER: &str = "Nuevo cliente";
    pub const FULL_NAME: &str = "Nombre completo";
    pub const EMAIL: &str = "Correo electrónico";
    pub const PRICING: &str = "Grupo y descuento personal";
    pub const DISCOUNT_KINDS: [&str; 3] = ["Ninguno", "Monetario", "Porcentaje"];
    pub const DISCOUNT_KIND: &str = "Descuento personal";
    pub const DISCOUNT_VALUE: &str = "Valor del descuento";
    pub const CUSTOMER_CREATED: &str = "Cliente creado.";
    pub const MORE_ACTIONS: &str = "Más acciones";
    pub const CREDIT_OPTIONS_ENTRY: &str = "Ver opciones de crédito";
    pub const CREDIT_OPTIONS_TITLE: &str = "Opciones de crédito";
    pub const CREDIT_OPTIONS_EMPTY: &str = "Este cliente no tiene opciones de crédito.";
    pub const ADD_OPTION: &str = "Agregar opción";
    pub const ADD: &str = "Agregar";
    pub const CURRENCY: &str = "Moneda";
    pub const LIMIT: &str = "Límite de crédito";
    pub const TERMS: &str = "Plazo de pago (días)";
    pub const ACTIVE: &str = "Activa";
    pub const OPTION_ADDED: &str = "Opción de crédito agregada.";
    pub const OPTION_SAVED: &str = "Opción de crédito guardada.";
    pub const OUTSTANDING: &str = "Pendiente de pago";
    pub const OVERDUE: &str = "Vencido";
}

/// The customer and credit option the Spanish flow creates.
const ES_GROUP: &str = "Mayoristas";
const ES_GROUP_RENAMED: &str = "Mayoristas de Sevilla";
const ES_NAME: &str = "Ferretería Guadalquivir";
const ES_EMAIL: &str = "compras@ferreteria-guadalquivir.es";
/// The personal discount typed, and as the card writes it.
const ES_DISCOUNT: &str = "12,5";
const ES_DISCOUNT_SHOWN: &str = "12,5 %";
/// The credit limit and terms typed first, then changed to.
const ES_LIMIT: (&str, &str, &str) = ("15000", "15000,00", "15.000,00 €");
const ES_TERMS: &str = "45";
const ES_NEW_LIMIT: (&str, &str, &str) = ("20000", "20000,00", "20.000,00 €");
const ES_NEW_TERMS: &str = "60";

/// The card of the EUR credit option on the credit options page.
const EUR_OPTION: &str = r#"main section.credit-option[data-credit-option="EUR"]"#;

/// On the credit options page: the EUR option shows the limit `shown` (and all of it
/// available), and its form holds `typed_limit` and `terms`.
async fn expect_eur_option(
    page: &Page,
    shown: &str,
    typed_limit: &str,
    terms: &str,
    cents: &str,
) -> Result<()> {
    page.expect_texts(
        "main section.credit-option",
        "one credit option",
        |options| options.len() == 1,
    )
    .await?;
    expect_words(page, &format!("{EUR_OPTION} > h2"), "Crédito en EUR Activa")
        .await
        .context("the option's heading")?;
    page.expect_texts(
        &format!("{EUR_OPTION} .stat .stat-label"),
        "the limit first",
        |labels| labels.first().is_some_and(|l| l == es::LIMIT),
    )
    .await?;
    expect_words(page, &format!("{EUR_OPTION} .stat .stat-value"), shown)
        .await
        .context("the option's limit")?;
    let available = attr_of(
        page,
        &format!("{EUR_OPTION} [data-available]"),
        "data-available",
    )
    .await?;
    ensure!(
        available == cents,
        "the option has data-available={available:?}, not {cents:?}"
    );
    for (field, expected) in [("limit", typed_limit), ("terms_days", terms)] {
        let value = page
            .value(&format!("{EUR_OPTION} form input[name={field}]"))
            .await?;
        ensure!(
            value == expected,
            "the option's {field} field holds {value:?}, not {expected:?}"
        );
    }
    let texts = page.texts("main [data-credit-options-empty]").await?;
    ensure!(
        texts.is_empty(),
        "the page still says there is no option: {texts:?}"
    );
    Ok(())
}

#[actix_web::test]
async fn a_merchant_creates_and_renames_a_customer_group_creates_a_customer_in_it_with_a_personal_discount_adds_and_changes_a_credit_option_and_deletes_the_group_in_spanish()
 {
    const TEST: &str = "a_merchant_creates_and_renames_a_customer_group_creates_a_customer_in_it_with_a_personal_discount_adds_and_changes_a_credit_option_and_deletes_the_group_in_spanish";
    let Some(browser) = Browser::launch(TEST, Options::default()).await else {
        return;
    };
    let app = TestApp::spawn().await;
    app.create_owner();
    let labels = &ES_LABELS;
    browser
        .run(|page| async move {
            // "Clientes" → "Grupos de clientes" → "Nuevo grupo" → name → "Guardar".
            sign_in(&page, &app, labels).await?;
            open_groups(&page, labels).await?;
            expect_groups(&page, labels, &[]).await?;
            let gid = create_group(&page, labels, ES_GROUP).await?;
            expect_groups(&page, labels, &[ES_GROUP]).await?;

            // "Editar" → a new name → "Guardar".
            rename_group(&page, labels, gid, ES_GROUP, ES_GROUP_RENAMED).await?;

            // "Nuevo cliente": the form, the group, a personal discount "Porcentaje".
            open_customers(&page, labels).await?;
            click_labelled(
                &page,
                r#"main .page-header a[href="/customers/new"]"#,
                es::NEW_CUSTOMER,
            )
            .await?;
            page.expect_path("/customers/new").await?;
            page.expect_text("main .page-header h1", es::NEW_CUSTOMER)
                .await?;
            expect_label(&page, "full_name", es::FULL_NAME).await?;
            expect_label(&page, "email", es::EMAIL).await?;
            page.fill("input#full_name", ES_NAME).await?;
            page.fill("input#email", ES_EMAIL).await?;

            expect_words(&page, "fieldset#pricing > legend", es::PRICING).await?;
            expect_label(&page, "group", labels.field_group).await?;
            page.expect_texts(
                "select#group option",
                format!("[{:?}, {ES_GROUP_RENAMED:?}]", labels.no_group),
                |options| options == [labels.no_group, ES_GROUP_RENAMED],
            )
            .await?;
            click_labelled(
                &page,
                &format!(r#"select#group option[value="{gid}"]"#),
                ES_GROUP_RENAMED,
            )
            .await?;
            let chosen = page.value("select#group").await?;
            ensure!(
                chosen == gid.to_string(),
                "the group picker holds {chosen:?}, not the group {gid}"
            );

            expect_words(
                &page,
                "fieldset#pricing .field > span.label",
                es::DISCOUNT_KIND,
            )
            .await?;
            page.expect_texts(
                "fieldset#pricing label.choice",
                format!("{:?}", es::DISCOUNT_KINDS),
                |kinds| kinds == es::DISCOUNT_KINDS,
            )
            .await?;
            click_labelled(
                &page,
                "fieldset#pricing .field label.choice:nth-of-type(3)",
                es::DISCOUNT_KINDS[2],
            )
            .await?;
            let percent = page
                .element(r#"input[name=discount_kind][value=percent]"#)
                .await?;
            ensure!(
                percent.is_selected().await?,
                "clicking {:?} did not pick the percentage discount",
                es::DISCOUNT_KINDS[2]
            );
            expect_label(&page, "discount_value", es::DISCOUNT_VALUE).await?;
            page.fill("input#discount_value", ES_DISCOUNT).await?;
            click_labelled(&page, "main form.form button[type=submit]", labels.save).await?;

            // The card shows the group and the discount.
            expect_flash(&page, es::CUSTOMER_CREATED)
                .await
                .context("after creating the customer")?;
            let path = page.path().await?;
            let cid: i64 = path
                .trim_start_matches("/customers/")
                .parse()
                .with_context(|| format!("the new customer's card is at {path:?}"))?;
            page.expect_texts(
                "main .page-header h1",
                format!("starting with {ES_NAME:?}"),
                |h| h.first().is_some_and(|h| h.starts_with(ES_NAME)),
            )
            .await?;
            expect_card_group(&page, labels, ES_GROUP_RENAMED).await?;
            expect_words(
                &page,
                "#pricing dd[data-personal-discount]",
                ES_DISCOUNT_SHOWN,
            )
            .await
            .context("the card's personal discount")?;
            expect_words(&page, "#pricing dl.details dd", ES_GROUP_RENAMED)
                .await
                .context("the group in the card's prices")?;

            // "Más acciones" → "Ver opciones de crédito".
            click_labelled(&page, "details.more-actions > summary", es::MORE_ACTIONS).await?;
            click_labelled(
                &page,
                &format!(
                    r#"details.more-actions .menu-panel a[href="/customers/{cid}/credit-options"]"#
                ),
                es::CREDIT_OPTIONS_ENTRY,
            )
            .await?;
            let panel = format!("/customers/{cid}/credit-options");
            page.expect_path(&panel).await?;
            page.expect_text("main .page-header h1", es::CREDIT_OPTIONS_TITLE)
                .await?;
            page.expect_text("main [data-credit-options-empty]", es::CREDIT_OPTIONS_EMPTY)
                .await?;

            // "Agregar opción" → the form → "Agregar".
            click_labelled(
                &page,
                "#add-option details.add-form > summary",
                es::ADD_OPTION,
            )
            .await?;
            expect_label(&page, "new-currency", es::CURRENCY).await?;
            expect_label(&page, "new-limit", es::LIMIT).await?;
            expect_label(&page, "new-terms_days", es::TERMS).await?;
            let currency = page.value("input#new-currency").await?;
            ensure!(
                currency == "EUR",
                "the new option's currency starts as {currency:?}, not the store's EUR"
            );
            page.fill("input#new-limit", ES_LIMIT.0).await?;
            page.fill("input#new-terms_days", ES_TERMS).await?;
            click_labelled(&page, "#add-option form button[type=submit]", es::ADD).await?;
            expect_flash(&page, es::OPTION_ADDED)
                .await
                .context("after adding the credit option")?;
            page.expect_path(&panel).await?;
            expect_eur_option(&page, ES_LIMIT.2, ES_LIMIT.1, ES_TERMS, "1500000")
                .await
                .context("the option added")?;
            let active = page
                .element(&format!("{EUR_OPTION} form input[name=active]"))
                .await?;
            ensure!(
                active.is_selected().await?,
                "the new option is not {:?}",
                es::ACTIVE
            );

            // A change → "Guardar": the option shows it.
            page.fill(
                &format!("{EUR_OPTION} form input[name=limit]"),
                ES_NEW_LIMIT.0,
            )
            .await?;
            page.fill(
                &format!("{EUR_OPTION} form input[name=terms_days]"),
                ES_NEW_TERMS,
            )
            .await?;
            click_labelled(
                &page,
                &format!("{EUR_OPTION} form button[type=submit]"),
                labels.save,
            )
            .await?;
            expect_flash(&page, es::OPTION_SAVED)
                .await
                .context("after saving the credit option")?;
            page.expect_path(&panel).await?;
            expect_eur_option(
                &page,
                ES_NEW_LIMIT.2,
                ES_NEW_LIMIT.1,
                ES_NEW_TERMS,
                "2000000",
            )
            .await
            .context("the option changed")?;

            // The card's prices section shows where the customer stands on account.
            click_labelled(
                &page,
                &format!(r#"main .breadcrumb a[href="/customers/{cid}"]"#),
                ES_NAME,
            )
            .await?;
            page.expect_path(&format!("/customers/{cid}")).await?;
            expect_words(
                &page,
                r#"#pricing li[data-account="EUR"]"#,
                &format!(
                    "EUR: {} 0,00 € / {} · {} 0,00 €",
                    es::OUTSTANDING,
                    ES_NEW_LIMIT.2,
                    es::OVERDUE
                ),
            )
            .await
            .context("the card's credit standing")?;

            // "Borrar" the group: the confirmation counts its customer; confirm.
            open_groups(&page, labels).await?;
            expect_members(&page, ES_GROUP_RENAMED, "1", "1 cliente").await?;
            open_delete(
                &page,
                labels,
                gid,
                ES_GROUP_RENAMED,
                "1",
                "El grupo tiene 1 cliente: quedará sin grupo.",
            )
            .await?;
            confirm_delete(&page, labels).await?;

            // The customer is left without a group; the personal discount stays.
            open_card(&page, labels, cid, ES_NAME).await?;
            expect_card_group(&page, labels, "")
                .await
                .context("the card after deleting the group")?;
            expect_words(
                &page,
                "#pricing dd[data-personal-discount]",
                ES_DISCOUNT_SHOWN,
            )
            .await
            .context("the personal discount after deleting the group")?;
            Ok(())
        })
        .await;
}

#[actix_web::test]
async fn a_merchant_creates_renames_and_deletes_a_customer_group_after_a_confirmation_that_counts_its_customers_in_polish()
 {
    group_flow(
        "a_merchant_creates_renames_and_deletes_a_customer_group_after_a_confirmation_that_counts_its_customers_in_polish",
        &PL_LABELS,
        &PL_STORY,
    )
    .await;
}

#[actix_web::test]
async fn a_merchant_creates_renames_and_deletes_a_customer_group_after_a_confirmation_that_counts_its_customers_in_english()
 {
    group_flow(
        "a_merchant_creates_renames_and_deletes_a_customer_group_after_a_confirmation_that_counts_its_customers_in_english",
        &EN_LABELS,
        &EN_STORY,
    )
    .await;
}
