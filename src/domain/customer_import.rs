//! CSV import of customers: upload, preview with per-row errors, a batched import with its
//! progress, and the rejected rows with their reasons.
//!
//! Invariants:
//! - a row is checked by the customer form's own rules ([`customers::validate_import`],
//!   [`customers::check_tag`]); nothing here decides what a valid customer is;
//! - the preview changes no customer; the import applies each row at most once: a row is
//!   claimed, applied and marked in one transaction, so a crash, a resume or a second runner
//!   never applies it twice, and a failing row rolls back alone (a savepoint) and is rejected
//!   with its reason;
//! - "create only" never touches an existing customer; "update by e-mail" changes only the
//!   fields the file fills in (an empty cell keeps the stored value), adds tags and removes
//!   none, and never turns a registered customer into a guest;
//! - an e-mail that appears twice in the file is applied once (its first row);
//! - an import earns no loyalty award for newsletter consent (given elsewhere, before).

use std::collections::HashMap;

use chrono::{NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::db::customers::CustomerRow;
use crate::db::imports::{self, ImportRow, LineRow, NewImport, NewLine};
use crate::db::{DbConn, Pool, write_tx};
use crate::domain::customers::{self, CustomerError, CustomerInput};
use crate::domain::types::Email;
use crate::i18n::Lang;

/// The largest file taken (about 300 000 rows of typical customer data).
pub const MAX_BYTES: usize = 32 * 1024 * 1024;
/// The most rows one import takes.
pub const MAX_ROWS: usize = 250_000;
/// Rows applied per transaction: a batch is the unit of progress and of resuming.
const BATCH: i64 = 500;
/// E-mails looked up per query in the preview.
const LOOKUP_CHUNK: usize = 500;

/// A customer field a column can fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Name,
    Email,
    Phone,
    Language,
    Registered,
    Newsletter,
    Tags,
}

impl Field {
    pub const ALL: [Field; 7] = [
        Field::Name,
        Field::Email,
        Field::Phone,
        Field::Language,
        Field::Registered,
        Field::Newsletter,
        Field::Tags,
    ];

    /// The Fluent key of the field's name.
    pub fn label_key(self) -> &'static str {
        match self {
            Field::Name => "import-field-name",
            Field::Email => "import-field-email",
            Field::Phone => "import-field-phone",
            Field::Language => "import-field-language",
            Field::Registered => "import-field-registered",
            Field::Newsletter => "import-field-newsletter",
            Field::Tags => "import-field-tags",
        }
    }

    /// Header names taken for the field, compared after [`fold`]; the field's labels in the
    /// three languages (as the customer list's CSV export writes them) are taken too.
    fn aliases(self) -> &'static [&'static str] {
        match self {
            Field::Name => &[
                "name",
                "fullname",
                "customer",
                "nombre",
                "nombrecompleto",
                "nombreyapellidos",
                "cliente",
                "imieinazwisko",
                "imienazwisko",
                "nazwa",
                "klient",
            ],
            Field::Email => &[
                "email",
                "mail",
                "emailaddress",
                "correo",
                "correoelectronico",
                "adresemail",
            ],
            Field::Phone => &[
                "phone",
                "telephone",
                "mobile",
                "telefono",
                "movil",
                "telefon",
                "numertelefonu",
            ],
            Field::Language => &["language", "lang", "idioma", "jezyk"],
            Field::Registered => &[
                "registered",
                "type",
                "customertype",
                "registrado",
                "tipo",
                "tipodecliente",
                "zarejestrowany",
                "typ",
                "typklienta",
            ],
            Field::Newsletter => &["newsletter", "subscribed", "boletin", "suscrito"],
            Field::Tags => &["tags", "tag", "etiquetas", "etiqueta", "tagi", "etykiety"],
        }
    }

    /// Keys of labels the app shows for this field, taken as header names in every language.
    fn label_keys(self) -> &'static [&'static str] {
        match self {
            Field::Name => &["col-name", "field-full-name", "field-name"],
            Field::Email => &["field-email"],
            Field::Phone => &["field-phone"],
            Field::Language => &["field-language"],
            Field::Registered => &["field-type"],
            Field::Newsletter => &["field-newsletter"],
            Field::Tags => &["import-field-tags"],
        }
    }

    /// The field a header names, if any.
    pub fn from_header(header: &str) -> Option<Field> {
        let h = fold(header);
        if h.is_empty() {
            return None;
        }
        Field::ALL.into_iter().find(|f| {
            f.aliases().contains(&h.as_str())
                || f.label_keys()
                    .iter()
                    .any(|k| Lang::ALL.iter().any(|l| fold(&l.t(k)) == h))
        })
    }

    /// The form field name the customer rules report errors under.
    fn of_form_field(name: &str) -> Field {
        match name {
            "email" => Field::Email,
            "phone" => Field::Phone,
            "language" => Field::Language,
            _ => Field::Name,
        }
    }
}

/// Lower case, accents and every non-alphanumeric character dropped: "Correo electrónico"
/// and "correo_electronico" both fold to "correoelectronico".
fn fold(s: &str) -> String {
    s.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'á' | 'à' | 'ä' | 'â' | 'ą' => 'a',
            'é' | 'è' | 'ë' | 'ê' | 'ę' => 'e',
            'í' | 'ì' | 'ï' | 'î' => 'i',
            'ó' | 'ò' | 'ö' | 'ô' => 'o',
            'ú' | 'ù' | 'ü' | 'û' => 'u',
            'ñ' | 'ń' => 'n',
            'ł' => 'l',
            'ś' => 's',
            'ż' | 'ź' => 'z',
            'ć' => 'c',
            other => other,
        })
        .filter(|c| c.is_alphanumeric())
        .collect()
}

/// What an import does with a row whose e-mail is already a customer's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// "Create only": such a row is rejected.
    Create,
    /// "Update by e-mail": such a row updates that customer; others are created.
    Update,
}

impl Mode {
    pub fn code(self) -> &'static str {
        match self {
            Mode::Create => "create",
            Mode::Update => "update",
        }
    }

    pub fn from_code(s: &str) -> Option<Mode> {
        match s {
            "create" => Some(Mode::Create),
            "update" => Some(Mode::Update),
            _ => None,
        }
    }
}

/// The column separator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Separator {
    Comma,
    Semicolon,
}

impl Separator {
    pub fn byte(self) -> u8 {
        match self {
            Separator::Comma => b',',
            Separator::Semicolon => b';',
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Separator::Comma => ",",
            Separator::Semicolon => ";",
        }
    }

    pub fn from_code(s: &str) -> Option<Separator> {
        match s {
            "," | "comma" => Some(Separator::Comma),
            ";" | "semicolon" => Some(Separator::Semicolon),
            _ => None,
        }
    }

    /// The separator of a file whose first line is `line`: the one of the two that occurs
    /// more often outside quotes (a comma on a tie).
    fn detect(line: &str) -> Separator {
        let (mut commas, mut semicolons, mut quoted) = (0, 0, false);
        for c in line.chars() {
            match c {
                '"' => quoted = !quoted,
                ',' if !quoted => commas += 1,
                ';' if !quoted => semicolons += 1,
                _ => {}
            }
        }
        if semicolons > commas {
            Separator::Semicolon
        } else {
            Separator::Comma
        }
    }
}

/// Why a file as a whole cannot be imported: a Fluent key and, for a column, its header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileProblem {
    pub key: &'static str,
    pub column: Option<String>,
}

impl FileProblem {
    fn new(key: &'static str) -> FileProblem {
        FileProblem { key, column: None }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("the file cannot be imported: {}", .0.key)]
    File(FileProblem),
    #[error("not found")]
    NotFound,
    /// The import was already started (or finished).
    #[error("already started")]
    Started,
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

/// Why one row is refused: the field, a Fluent key, and for a duplicate the line it repeats.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowError {
    pub field: Field,
    pub key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<i64>,
}

impl RowError {
    fn new(field: Field, key: &str) -> RowError {
        RowError {
            field,
            key: key.to_owned(),
            line: None,
        }
    }
}

/// A file read into its header and rows.
#[derive(Debug, Clone)]
pub struct Parsed {
    pub separator: Separator,
    pub header: Vec<String>,
    /// The field each column fills (`None`: the column is ignored).
    pub fields: Vec<Option<Field>>,
    /// (line of the file, cells), blank rows left out.
    pub rows: Vec<(i64, Vec<String>)>,
}

/// Reads a CSV file: UTF-8 with or without a byte order mark, `,` or `;` (detected from the
/// header when `separator` is `None`), quoted cells with separators and line breaks.
pub fn parse(bytes: &[u8], separator: Option<Separator>) -> Result<Parsed, FileProblem> {
    if bytes.len() > MAX_BYTES {
        return Err(FileProblem::new("import-error-too-big"));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|_| FileProblem::new("import-error-encoding"))?;
    if text.trim().is_empty() {
        return Err(FileProblem::new("import-error-empty"));
    }
    let separator =
        separator.unwrap_or_else(|| Separator::detect(text.lines().next().unwrap_or_default()));
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(separator.byte())
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header: Vec<String> = match records.next() {
        Some(Ok(r)) => r.iter().map(|c| c.trim().to_owned()).collect(),
        Some(Err(_)) => return Err(FileProblem::new("import-error-csv")),
        None => return Err(FileProblem::new("import-error-empty")),
    };
    let fields: Vec<Option<Field>> = header.iter().map(|h| Field::from_header(h)).collect();
    for (i, f) in fields.iter().enumerate() {
        if let Some(f) = f
            && fields[..i].contains(&Some(*f))
        {
            return Err(FileProblem {
                key: "import-error-duplicate-column",
                column: header.get(i).cloned(),
            });
        }
    }
    let mut rows = Vec::new();
    // Line breaks before `counted_to` (a byte offset into `text`).
    let (mut line, mut counted_to) = (0usize, 0usize);
    for record in records {
        let record = record.map_err(|_| FileProblem::new("import-error-csv"))?;
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if rows.len() == MAX_ROWS {
            return Err(FileProblem::new("import-error-too-many-rows"));
        }
        // The reader skips blank lines without counting them: the line is counted from the
        // record's byte offset, so it is the one a text editor shows.
        let offset = record
            .position()
            .map_or(0, |p| usize::try_from(p.byte()).unwrap_or(usize::MAX))
            .min(text.len());
        // The position is where reading began, before the blank lines it skipped.
        let offset = offset
            + text
                .get(offset..)
                .map_or(0, |t| t.len() - t.trim_start_matches(['\r', '\n']).len());
        if let Some(skipped) = text.get(counted_to..offset) {
            line += skipped.bytes().filter(|b| *b == b'\n').count();
        }
        counted_to = offset.max(counted_to);
        let line = i64::try_from(line + 1).unwrap_or(i64::MAX);
        rows.push((line, record.iter().map(str::to_owned).collect()));
    }
    if rows.is_empty() {
        return Err(FileProblem::new("import-error-no-rows"));
    }
    Ok(Parsed {
        separator,
        header,
        fields,
        rows,
    })
}

/// A cell as the customer rules should see it: trimmed, and without the apostrophe that a
/// spreadsheet export (ours included) puts before a cell that would run as a formula.
fn cell(s: &str) -> &str {
    let s = s.trim();
    match s.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@']) => rest,
        _ => s,
    }
}

/// A row's filled-in cells by field.
#[derive(Debug, Default)]
struct Values<'a> {
    by_field: HashMap<Field, &'a str>,
    /// Cells past the header's columns that hold something.
    extra: bool,
}

impl<'a> Values<'a> {
    fn of(fields: &[Option<Field>], cells: &'a [String]) -> Values<'a> {
        let mut v = Values::default();
        for (i, c) in cells.iter().enumerate() {
            let c = cell(c);
            if c.is_empty() {
                continue;
            }
            match fields.get(i) {
                Some(Some(f)) => {
                    v.by_field.insert(*f, c);
                }
                Some(None) => {}
                None => v.extra = true,
            }
        }
        v
    }

    fn get(&self, f: Field) -> Option<&'a str> {
        self.by_field.get(&f).copied()
    }

    /// The row's e-mail as the customer rules store it, when it is a valid one.
    fn email(&self) -> Option<String> {
        self.get(Field::Email)
            .and_then(|e| Email::parse(e).ok())
            .map(|e| e.as_str().to_owned())
    }
}

/// "yes" or "no" in any of the three languages (and 1/0, true/false, x).
fn yes_no(s: &str, yes: &[&str], no: &[&str]) -> Option<bool> {
    let f = fold(s);
    const YES: [&str; 8] = ["yes", "y", "true", "1", "si", "s", "tak", "x"];
    const NO: [&str; 6] = ["no", "n", "false", "0", "nie", "-"];
    if YES.contains(&f.as_str())
        || yes
            .iter()
            .any(|k| Lang::ALL.iter().any(|l| fold(&l.t(k)) == f))
    {
        Some(true)
    } else if NO.contains(&s.trim())
        || NO.contains(&f.as_str())
        || no
            .iter()
            .any(|k| Lang::ALL.iter().any(|l| fold(&l.t(k)) == f))
    {
        Some(false)
    } else {
        None
    }
}

/// A language by its code ("es"), its own name ("Polski") or its name in English.
fn language(s: &str) -> Option<Lang> {
    let f = fold(s);
    Lang::from_code(&f).or_else(|| {
        Lang::ALL.into_iter().find(|l| {
            fold(l.native_name()) == f
                || matches!(
                    (l, f.as_str()),
                    (Lang::Es, "spanish" | "castellano" | "hiszpanski")
                        | (Lang::Pl, "polish" | "polaco")
                        | (Lang::En, "ingles" | "angielski")
                )
        })
    })
}

/// The form a row stands for, over `base` (the customer it updates) or a new customer in
/// `default_lang`; with its tags, or the reasons it is refused.
fn row_input(
    v: &Values<'_>,
    base: Option<&CustomerRow>,
    default_lang: Lang,
) -> Result<(CustomerInput, Vec<String>), Vec<RowError>> {
    let mut errors = Vec::new();
    let mut input = base.map_or_else(
        || CustomerInput {
            language: default_lang.code().to_owned(),
            ..CustomerInput::default()
        },
        CustomerInput::of_contact,
    );
    if let Some(name) = v.get(Field::Name) {
        name.clone_into(&mut input.full_name);
    }
    if let Some(email) = v.get(Field::Email) {
        email.clone_into(&mut input.email);
    }
    if let Some(phone) = v.get(Field::Phone) {
        phone.clone_into(&mut input.phone);
    }
    if let Some(l) = v.get(Field::Language) {
        match language(l) {
            Some(l) => l.code().clone_into(&mut input.language),
            None => errors.push(RowError::new(Field::Language, "import-error-language")),
        }
    }
    if let Some(r) = v.get(Field::Registered) {
        match yes_no(r, &["customer-registered"], &["customer-guest"]) {
            Some(false) if base.is_some_and(|b| b.registered) => {
                errors.push(RowError::new(Field::Registered, "import-error-unregister"));
            }
            Some(r) => input.registered = r.then(|| "on".to_owned()),
            None => errors.push(RowError::new(Field::Registered, "import-error-registered")),
        }
    }
    if let Some(n) = v.get(Field::Newsletter) {
        match yes_no(n, &[], &[]) {
            Some(n) => input.newsletter = n.then(|| "on".to_owned()),
            None => errors.push(RowError::new(Field::Newsletter, "import-error-yes-no")),
        }
    }
    let mut tags: Vec<String> = Vec::new();
    if let Some(t) = v.get(Field::Tags) {
        for name in t.split(['|', ',']).map(str::trim).filter(|t| !t.is_empty()) {
            match customers::check_tag(name) {
                Ok(()) if tags.iter().any(|t| t.to_lowercase() == name.to_lowercase()) => {}
                Ok(()) => tags.push(name.to_owned()),
                Err(key) => {
                    errors.push(RowError::new(Field::Tags, key));
                    break;
                }
            }
        }
    }
    if v.extra {
        errors.push(RowError::new(Field::Name, "import-error-extra-cells"));
    }
    if let Err(form) = customers::validate_import(&input) {
        errors.extend(
            form.into_iter()
                .map(|(f, key)| RowError::new(Field::of_form_field(f), key)),
        );
    }
    if errors.is_empty() {
        Ok((input, tags))
    } else {
        Err(errors)
    }
}

/// The customers a row's e-mail already belongs to: (id, registered), registered first.
type Matches = Vec<(i64, bool)>;

/// Which customer a row updates (`None`: it creates one), or why it cannot be imported.
fn target(
    mode: Mode,
    email: Option<&str>,
    matches: &[(i64, bool)],
) -> Result<Option<i64>, RowError> {
    match (mode, matches) {
        (_, []) => Ok(None),
        (Mode::Create, _) => Err(RowError::new(Field::Email, "import-error-exists")),
        (Mode::Update, [(id, true), ..]) | (Mode::Update, [(id, false)]) => Ok(Some(*id)),
        (Mode::Update, _) if email.is_some() => {
            Err(RowError::new(Field::Email, "import-error-ambiguous"))
        }
        (Mode::Update, _) => Ok(None),
    }
}

/// What the file asks for.
pub struct Upload<'a> {
    pub staff_id: i64,
    pub file_name: &'a str,
    pub bytes: &'a [u8],
    /// `None`: detected from the header.
    pub separator: Option<Separator>,
    pub mode: Mode,
}

/// Reads and checks a file and keeps it as an import in preview; changes no customer.
/// Returns the import's id.
pub fn prepare(conn: &mut DbConn, up: &Upload<'_>) -> Result<i64, ImportError> {
    let parsed = parse(up.bytes, up.separator).map_err(ImportError::File)?;
    let needed = match up.mode {
        Mode::Create => Field::Name,
        Mode::Update => Field::Email,
    };
    if !parsed.fields.contains(&Some(needed)) {
        return Err(ImportError::File(FileProblem::new(match needed {
            Field::Email => "import-error-no-email-column",
            _ => "import-error-no-name-column",
        })));
    }
    let default_lang = crate::domain::settings::default_lang(conn)?;
    let values: Vec<Values<'_>> = parsed
        .rows
        .iter()
        .map(|(_, cells)| Values::of(&parsed.fields, cells))
        .collect();
    let emails: Vec<Option<String>> = values.iter().map(Values::email).collect();

    // The customers each e-mail already belongs to.
    let mut unique: Vec<String> = emails.iter().flatten().cloned().collect();
    unique.sort_unstable();
    unique.dedup();
    let mut existing: HashMap<String, Matches> = HashMap::new();
    for chunk in unique.chunks(LOOKUP_CHUNK) {
        for (email, id, registered) in imports::customers_by_email(conn, chunk)? {
            existing.entry(email).or_default().push((id, registered));
        }
    }

    let mut first_line: HashMap<&str, i64> = HashMap::new();
    let mut lines = Vec::with_capacity(parsed.rows.len());
    let mut rejected = 0;
    for (((line_no, cells), v), email) in parsed.rows.iter().zip(&values).zip(&emails) {
        let mut errors = Vec::new();
        let mut planned = "create";
        if let Some(e) = email.as_deref() {
            if let Some(first) = first_line.get(e) {
                errors.push(RowError {
                    line: Some(*first),
                    ..RowError::new(Field::Email, "import-error-duplicate-in-file")
                });
            } else {
                first_line.insert(e, *line_no);
            }
        }
        let matches = email
            .as_ref()
            .and_then(|e| existing.get(e))
            .map_or(&[][..], Vec::as_slice);
        let base = match target(up.mode, email.as_deref(), matches) {
            Ok(Some(id)) => {
                planned = "update";
                CustomerRow::find(conn, id)?
            }
            Ok(None) => None,
            Err(e) => {
                errors.push(e);
                None
            }
        };
        if let Err(e) = row_input(v, base.as_ref(), default_lang) {
            errors.extend(e);
        }
        if !errors.is_empty() {
            planned = "reject";
            rejected += 1;
        }
        lines.push(NewLine {
            line_no: *line_no,
            cells: serde_json::to_string(cells).unwrap_or_default(),
            errors: (!errors.is_empty())
                .then(|| serde_json::to_string(&errors).unwrap_or_default()),
            planned,
        });
    }
    let header = serde_json::to_string(&parsed.header).unwrap_or_default();
    let fields = serde_json::to_string(&parsed.fields).unwrap_or_default();
    let now = Utc::now().naive_utc();
    let total = i64::try_from(lines.len()).unwrap_or(i64::MAX);
    write_tx(conn, |conn| {
        imports::insert(
            conn,
            &NewImport {
                staff_id: up.staff_id,
                file_name: up.file_name,
                separator: parsed.separator.code(),
                mode: up.mode.code(),
                header: &header,
                fields: &fields,
                total_rows: total,
                rejected_rows: rejected,
                created_at: now,
            },
            &lines,
        )
        .map_err(ImportError::from)
    })
}

/// An import as the pages show it.
#[derive(Debug, Clone)]
pub struct Import {
    pub row: ImportRow,
    pub header: Vec<String>,
    pub fields: Vec<Option<Field>>,
    pub mode: Mode,
}

impl Import {
    pub fn of(row: ImportRow) -> Import {
        let header = serde_json::from_str(&row.header).unwrap_or_default();
        let fields = serde_json::from_str(&row.fields).unwrap_or_default();
        let mode = Mode::from_code(&row.mode).unwrap_or(Mode::Create);
        Import {
            row,
            header,
            fields,
            mode,
        }
    }

    pub fn load(conn: &mut DbConn, id: i64) -> Result<Import, ImportError> {
        imports::find(conn, id)?
            .map(Import::of)
            .ok_or(ImportError::NotFound)
    }
}

/// A row of an import with its cells and reasons read.
#[derive(Debug, Clone)]
pub struct Line {
    pub line_no: i64,
    pub cells: Vec<String>,
    pub errors: Vec<RowError>,
    pub planned: String,
    pub state: String,
    pub customer_id: Option<i64>,
}

impl Line {
    pub fn of(r: LineRow) -> Line {
        Line {
            line_no: r.line_no,
            cells: serde_json::from_str(&r.cells).unwrap_or_default(),
            errors: r
                .errors
                .as_deref()
                .and_then(|e| serde_json::from_str(e).ok())
                .unwrap_or_default(),
            planned: r.planned,
            state: r.state,
            customer_id: r.customer_id,
        }
    }
}

/// Starts an import in preview (once: a second start is refused) and applies it in the
/// background.
pub fn start(pool: &Pool, conn: &mut DbConn, id: i64) -> Result<(), ImportError> {
    let now = Utc::now().naive_utc();
    let started = write_tx(conn, |conn| imports::start(conn, id, now))?;
    if !started {
        return match imports::find(conn, id)? {
            Some(_) => Err(ImportError::Started),
            None => Err(ImportError::NotFound),
        };
    }
    run_in_background(pool.clone(), id);
    Ok(())
}

/// Applies every import a stop cut short (at start-up).
pub fn resume(pool: &Pool) -> anyhow::Result<usize> {
    let mut conn = pool.get()?;
    let ids = imports::running_ids(&mut conn)?;
    for id in &ids {
        tracing::info!(import = id, "resuming a customer import");
        run_in_background(pool.clone(), *id);
    }
    Ok(ids.len())
}

fn run_in_background(pool: Pool, id: i64) {
    let spawned = std::thread::Builder::new()
        .name(format!("import-{id}"))
        .spawn(move || {
            // A database that is briefly away (a restart, a full disk) gets a few more tries;
            // what was committed stays, and the next start-up resumes the rest.
            for attempt in 1..=5u32 {
                let result = pool
                    .get()
                    .map_err(anyhow::Error::from)
                    .and_then(|mut conn| run(&mut conn, id).map_err(anyhow::Error::from));
                match result {
                    Ok(()) => return,
                    Err(e) => {
                        tracing::error!(import = id, attempt, "customer import: {e:#}");
                        std::thread::sleep(std::time::Duration::from_secs(u64::from(attempt) * 2));
                    }
                }
            }
        });
    if let Err(e) = spawned {
        tracing::error!(import = id, "could not start the customer import: {e}");
    }
}

/// Applies the pending rows of a running import, a batch per transaction, until none is left;
/// then marks it done. Safe to run twice at once (see the module's invariants).
pub fn run(conn: &mut DbConn, id: i64) -> Result<(), ImportError> {
    while run_batch(conn, id)? {}
    Ok(())
}

/// One batch; false when the import is finished (or not running).
fn run_batch(conn: &mut DbConn, id: i64) -> Result<bool, ImportError> {
    let now = Utc::now().naive_utc();
    write_tx(conn, |conn| {
        let Some(imp) = imports::find(conn, id)?.map(Import::of) else {
            return Err(ImportError::NotFound);
        };
        if imp.row.state != "running" {
            return Ok(false);
        }
        let rows = imports::pending(conn, id, BATCH)?;
        if rows.is_empty() {
            imports::finish(conn, id, now)?;
            return Ok(false);
        }
        let default_lang = crate::domain::settings::default_lang(conn)?;
        let (mut created, mut updated, mut rejected) = (0, 0, 0);
        for row in rows {
            // Claimed first: a second runner waits on this row and then finds it done.
            if !imports::claim_line(conn, id, row.line_no)? {
                continue;
            }
            let line = Line::of(row);
            let (state, customer, errors) =
                match apply(conn, &imp, &line, imp.row.staff_id, default_lang, now)? {
                    Ok((state, customer)) => (state, Some(customer), None),
                    Err(errors) => ("rejected", None, Some(errors)),
                };
            match state {
                "created" => created += 1,
                "updated" => updated += 1,
                _ => rejected += 1,
            }
            let errors = errors.map(|e| serde_json::to_string(&e).unwrap_or_default());
            imports::settle_line(conn, id, line.line_no, state, customer, errors.as_deref())?;
        }
        imports::add_progress(conn, id, created, updated, rejected)?;
        Ok(true)
    })
}

type Applied = Result<(&'static str, i64), Vec<RowError>>;

/// Applies one row by the customer rules, checked again against the store as it is now.
fn apply(
    conn: &mut DbConn,
    imp: &Import,
    line: &Line,
    actor: i64,
    default_lang: Lang,
    now: NaiveDateTime,
) -> Result<Applied, ImportError> {
    let v = Values::of(&imp.fields, &line.cells);
    let email = v.email();
    let matches: Matches = match &email {
        Some(e) => imports::customers_by_email(conn, std::slice::from_ref(e))?
            .into_iter()
            .map(|(_, id, r)| (id, r))
            .collect(),
        None => Vec::new(),
    };
    let target = match target(imp.mode, email.as_deref(), &matches) {
        Ok(t) => t,
        Err(e) => return Ok(Err(vec![e])),
    };
    let base = match target {
        Some(id) => CustomerRow::find(conn, id)?,
        None => None,
    };
    let (input, tags) = match row_input(&v, base.as_ref(), default_lang) {
        Ok(x) => x,
        Err(e) => return Ok(Err(e)),
    };
    let result = match base {
        Some(b) => customers::import_update(conn, actor, b.id, &input, &tags, now)
            .map(|()| ("updated", b.id)),
        None => customers::import_create(conn, actor, &input, &tags, now).map(|id| ("created", id)),
    };
    match result {
        Ok(done) => Ok(Ok(done)),
        Err(CustomerError::Invalid(form)) => Ok(Err(form
            .into_iter()
            .map(|(f, key)| RowError::new(Field::of_form_field(f), key))
            .collect())),
        Err(CustomerError::Stale | CustomerError::NotFound) => Ok(Err(vec![RowError::new(
            Field::Email,
            "import-error-changed",
        )])),
        Err(CustomerError::Db(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        ))) => Ok(Err(vec![RowError::new(
            Field::Email,
            "error-customer-email-taken",
        )])),
        Err(CustomerError::Db(e)) => Err(ImportError::Db(e)),
    }
}

/// The reasons of a refused row in `lang`, one sentence each.
pub fn reasons(errors: &[RowError], lang: Lang) -> Vec<String> {
    errors
        .iter()
        .map(|e| {
            let field = lang.t(e.field.label_key());
            let reason = match e.line {
                Some(line) => lang.t_args(&e.key, &[("line", crate::i18n::Arg::Num(line))]),
                None => lang.t(&e.key),
            };
            format!("{field}: {reason}")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_read_in_any_of_the_three_languages_and_as_the_export_writes_them() {
        assert_eq!(Field::from_header("Correo electrónico"), Some(Field::Email));
        assert_eq!(Field::from_header("E-mail"), Some(Field::Email));
        assert_eq!(Field::from_header("Imię i nazwisko"), Some(Field::Name));
        assert_eq!(Field::from_header(" TELÉFONO "), Some(Field::Phone));
        assert_eq!(Field::from_header("Etykiety"), Some(Field::Tags));
        assert_eq!(Field::from_header("Pedidos"), None);
        for lang in Lang::ALL {
            assert_eq!(Field::from_header(&lang.t("col-name")), Some(Field::Name));
            assert_eq!(
                Field::from_header(&lang.t("field-type")),
                Some(Field::Registered)
            );
        }
    }

    #[test]
    fn the_separator_is_the_one_the_header_uses_outside_quotes() {
        assert_eq!(Separator::detect("name;email;phone"), Separator::Semicolon);
        assert_eq!(Separator::detect("name,email"), Separator::Comma);
        assert_eq!(Separator::detect("\"a;b;c\",email"), Separator::Comma);
    }

    #[test]
    fn a_bom_is_dropped_and_quoted_cells_keep_their_separators_and_line_breaks() {
        let file =
            "\u{feff}Name;Email\n\"Pérez; Ana\";ana@example.com\n\n\"Two\nlines\";b@example.com\n";
        let p = parse(file.as_bytes(), None).expect("parses");
        assert_eq!(p.separator, Separator::Semicolon);
        assert_eq!(p.header, vec!["Name", "Email"]);
        assert_eq!(p.rows.len(), 2);
        assert_eq!(
            p.rows[0],
            (
                2,
                vec!["Pérez; Ana".to_owned(), "ana@example.com".to_owned()]
            )
        );
        assert_eq!(p.rows[1].0, 4);
        assert_eq!(p.rows[1].1[0], "Two\nlines");
    }

    #[test]
    fn a_file_that_is_not_utf8_or_has_no_rows_or_a_column_twice_is_refused_whole() {
        assert_eq!(
            parse(b"Name\n\xe9t\xe9\n", None).map(|_| ()),
            Err(FileProblem::new("import-error-encoding"))
        );
        assert_eq!(
            parse(b"Name,Email\n", None).map(|_| ()),
            Err(FileProblem::new("import-error-no-rows"))
        );
        assert_eq!(
            parse(b"Email,Correo\na@b.cd,a@b.cd\n", None).map(|_| ()),
            Err(FileProblem {
                key: "import-error-duplicate-column",
                column: Some("Correo".to_owned())
            })
        );
    }

    #[test]
    fn an_exported_formula_guard_is_taken_off_but_the_text_is_kept_as_it_is() {
        assert_eq!(cell("'=SUM(A1)"), "=SUM(A1)");
        assert_eq!(cell("'+48 600"), "+48 600");
        assert_eq!(cell("O'Neil"), "O'Neil");
        assert_eq!(cell("  ana  "), "ana");
    }

    #[test]
    fn yes_and_no_are_understood_in_the_three_languages() {
        for y in ["Sí", "tak", "YES", "1", "x"] {
            assert_eq!(yes_no(y, &[], &[]), Some(true), "{y}");
        }
        for n in ["No", "nie", "false", "0"] {
            assert_eq!(yes_no(n, &[], &[]), Some(false), "{n}");
        }
        assert_eq!(yes_no("maybe", &[], &[]), None);
        assert_eq!(language("Polski"), Some(Lang::Pl));
        assert_eq!(language("ES"), Some(Lang::Es));
        assert_eq!(language("English"), Some(Lang::En));
        assert_eq!(language("klingon"), None);
    }

    #[test]
    fn create_only_refuses_a_known_email_and_update_picks_the_registered_customer() {
        assert!(target(Mode::Create, Some("a@b.cd"), &[(3, false)]).is_err());
        assert_eq!(target(Mode::Create, Some("a@b.cd"), &[]), Ok(None));
        assert_eq!(
            target(Mode::Update, Some("a@b.cd"), &[(7, true), (9, false)]),
            Ok(Some(7))
        );
        assert_eq!(
            target(Mode::Update, Some("a@b.cd"), &[(9, false)]),
            Ok(Some(9))
        );
        assert!(target(Mode::Update, Some("a@b.cd"), &[(9, false), (8, false)]).is_err());
    }
}
