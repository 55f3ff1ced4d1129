//! The browser harness: a chromedriver we start ourselves on a free port, one headless
//! Chromium session per test with a throwaway profile, explicit waits, and artifacts
//! (screenshot, page source, driver log) under `target/browser-screenshots/` when a test fails.
//!
//! The tools come from `CLIENTELA_CHROMIUM` / `CLIENTELA_CHROMEDRIVER` (exported by
//! scripts/test.sh), else `/usr/bin/chromium` and `/usr/bin/chromedriver`. When they are
//! missing a test is skipped with a note on stderr, unless `CI` is set: then it fails.

use std::collections::HashMap;
use std::fmt::Display;
use std::future::Future;
use std::io::Read;
use std::net::TcpListener;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use actix_web::rt::time::{sleep, timeout};
use anyhow::{Context, Result, anyhow};
use futures_util::FutureExt;
use thirtyfour::prelude::*;
use tokio::sync::{Mutex, MutexGuard};

use crate::common;

/// How long an explicit wait polls before giving up.
pub const WAIT: Duration = Duration::from_secs(10);
const POLL: Duration = Duration::from_millis(100);
/// How long chromedriver may take to answer `/status`.
const DRIVER_START: Duration = Duration::from_secs(20);
/// Upper bound for one WebDriver command (a page load included).
const COMMAND_TIMEOUT: Duration = Duration::from_secs(30);
const QUIT_TIMEOUT: Duration = Duration::from_secs(20);

/// The Chromium switches of every session (besides `--user-data-dir`).
const CHROMIUM_ARGS: &[&str] = &[
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,900",
    "--lang=en-US",
    // The app is on 127.0.0.1; a proxy from the environment must never see it.
    "--no-proxy-server",
    // Instant scrolling: smooth scrolling makes WebDriver clicks land on a moving page.
    "--force-prefers-reduced-motion",
];

/// One browser at a time: the machines that run this tier have few cores, and several
/// Chromiums starting together make every wait slower and flakier than running in turn.
static BROWSER_SLOT: Mutex<()> = Mutex::const_new(());

/// How a test wants its browser.
#[derive(Debug, Clone)]
pub struct Options {
    /// The browser's `Accept-Language`. The default, `de-DE`, is none of the app's languages,
    /// so the store's default language (Spanish) applies.
    pub accept_language: &'static str,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            accept_language: "de-DE",
        }
    }
}

struct Tools {
    chromium: PathBuf,
    chromedriver: PathBuf,
}

fn locate_tools() -> std::result::Result<Tools, String> {
    fn tool(var: &str, fallback: &str) -> std::result::Result<PathBuf, String> {
        let (path, source) = match std::env::var_os(var).filter(|v| !v.is_empty()) {
            Some(p) => (PathBuf::from(p), var.to_owned()),
            None => (
                PathBuf::from(fallback),
                format!("default path ({var} is unset)"),
            ),
        };
        if is_executable(&path) {
            Ok(path)
        } else {
            Err(format!(
                "{} not found or not executable (from {source}); install chromium and \
                 chromium-driver or run scripts/test.sh",
                path.display()
            ))
        }
    }
    Ok(Tools {
        chromium: tool("CLIENTELA_CHROMIUM", "/usr/bin/chromium")?,
        chromedriver: tool("CLIENTELA_CHROMEDRIVER", "/usr/bin/chromedriver")?,
    })
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// Where failure artifacts go: `<target dir>/browser-screenshots`.
fn artifacts_dir() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .map(|t| if t.is_absolute() { t } else { manifest.join(t) })
        .unwrap_or_else(|| manifest.join("target"));
    target.join("browser-screenshots")
}

/// A chromedriver process of our own; killed (with anything it started) on drop.
struct Chromedriver {
    child: Child,
    url: String,
    log: PathBuf,
}

impl Chromedriver {
    /// Starts chromedriver on a free port and waits until `/status` reports it ready.
    async fn start(binary: &Path, dir: &Path) -> Result<Chromedriver> {
        let mut last_error = anyhow!("chromedriver was not started");
        // The port is free when we pick it but could be taken before chromedriver binds it.
        for attempt in 1..=3 {
            let port = free_port()?;
            let log = dir.join(format!("chromedriver.{attempt}.log"));
            let output = std::fs::File::create(dir.join(format!("chromedriver.{attempt}.out")))
                .context("create the chromedriver output file")?;
            let child = Command::new(binary)
                .arg(format!("--port={port}"))
                .arg(format!("--log-path={}", log.display()))
                .stdin(Stdio::null())
                .stdout(output.try_clone().context("duplicate a file handle")?)
                .stderr(output)
                .spawn()
                .with_context(|| format!("start {}", binary.display()))?;
            let mut driver = Chromedriver {
                child,
                url: format!("http://127.0.0.1:{port}"),
                log,
            };
            match driver.wait_ready().await {
                Ok(()) => return Ok(driver),
                Err(e) => last_error = e.context(format!("chromedriver attempt {attempt}")),
            }
        }
        Err(last_error)
    }

    async fn wait_ready(&mut self) -> Result<()> {
        let client = reqwest::Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(2))
            .build()?;
        let status_url = format!("{}/status", self.url);
        let start = Instant::now();
        loop {
            if let Some(exit) = self.child.try_wait()? {
                return Err(anyhow!(
                    "chromedriver exited ({exit}) before it was ready; {}",
                    self.output_tail()
                ));
            }
            if let Ok(response) = client.get(&status_url).send().await
                && let Ok(body) = response.text().await
                && serde_json::from_str::<serde_json::Value>(&body)
                    .is_ok_and(|v| v["value"]["ready"] == serde_json::Value::Bool(true))
            {
                return Ok(());
            }
            if start.elapsed() > DRIVER_START {
                return Err(anyhow!(
                    "chromedriver did not answer {status_url} within {DRIVER_START:?}; {}",
                    self.output_tail()
                ));
            }
            sleep(POLL).await;
        }
    }

    fn output_tail(&self) -> String {
        let out = self.log.with_extension("out");
        let mut text = String::new();
        let _ = std::fs::File::open(&out).and_then(|mut f| f.read_to_string(&mut text));
        let tail: Vec<&str> = text.lines().rev().take(10).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        format!("its output ({}):\n{}", out.display(), tail.join("\n"))
    }
}

impl Drop for Chromedriver {
    fn drop(&mut self) {
        // Normally the session has been quit and Chromium is gone; if not, kill what the
        // driver started too, so no browser outlives the test.
        let descendants = descendants_of(self.child.id());
        let _ = self.child.kill();
        let _ = self.child.wait();
        if !descendants.is_empty() {
            let _ = Command::new("kill")
                .arg("-KILL")
                .args(descendants.iter().map(u32::to_string))
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
        }
    }
}

fn free_port() -> Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0").context("bind a free port")?;
    Ok(listener.local_addr()?.port())
}

/// The processes below `root` (from /proc; empty where there is none).
fn descendants_of(root: u32) -> Vec<u32> {
    let mut children: HashMap<u32, Vec<u32>> = HashMap::new();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    for entry in entries.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // "pid (comm) state ppid ...": comm may hold spaces and parentheses.
        let ppid = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().nth(1))
            .and_then(|p| p.parse::<u32>().ok());
        if let Some(ppid) = ppid {
            children.entry(ppid).or_default().push(pid);
        }
    }
    let mut found = Vec::new();
    let mut queue = vec![root];
    while let Some(pid) = queue.pop() {
        for &child in children.get(&pid).map(Vec::as_slice).unwrap_or_default() {
            found.push(child);
            queue.push(child);
        }
    }
    found
}

/// A launched browser for one test. Fields drop in order: the session, then the driver
/// (killed), then the profile directory, then the slot.
pub struct Browser {
    test: &'static str,
    driver: WebDriver,
    chromedriver: Chromedriver,
    dir: tempfile::TempDir,
    _slot: MutexGuard<'static, ()>,
}

impl Browser {
    /// Starts chromedriver and a headless Chromium session for the test named `test`.
    /// `None` (with a note on stderr) when the tools are missing outside CI; on CI that fails.
    pub async fn launch(test: &'static str, options: Options) -> Option<Browser> {
        let tools = match locate_tools() {
            Ok(tools) => tools,
            Err(why) if common::ci() => panic!(
                "browser tier cannot run: {why}. CI is set, so the browser tests may not be skipped"
            ),
            Err(why) => {
                eprintln!("browser tier skipped: {why}");
                return None;
            }
        };
        let slot = BROWSER_SLOT.lock().await;
        match Browser::start(test, &tools, &options, slot).await {
            Ok(browser) => Some(browser),
            Err(e) => panic!("{test}: could not start the browser: {e:#}"),
        }
    }

    async fn start(
        test: &'static str,
        tools: &Tools,
        options: &Options,
        slot: MutexGuard<'static, ()>,
    ) -> Result<Browser> {
        let dir = tempfile::Builder::new()
            .prefix("clientela-browser.")
            .tempdir()
            .context("create a temp dir for the browser profile")?;
        let profile = dir.path().join("profile");
        std::fs::create_dir(&profile)?;
        let chromedriver = Chromedriver::start(&tools.chromedriver, dir.path()).await?;

        let mut caps = DesiredCapabilities::chrome();
        caps.set_binary(&tools.chromium.to_string_lossy())?;
        for arg in CHROMIUM_ARGS {
            caps.add_arg(arg)?;
        }
        caps.add_arg(&format!("--user-data-dir={}", profile.display()))?;
        caps.add_experimental_option(
            "prefs",
            serde_json::json!({ "intl.accept_languages": options.accept_language }),
        )?;
        let driver = match WebDriver::builder(chromedriver.url.clone(), caps)
            .request_timeout(COMMAND_TIMEOUT + Duration::from_secs(30))
            .await
        {
            Ok(driver) => driver,
            Err(e) => {
                let log = chromedriver.log.display().to_string();
                let tail = chromedriver.output_tail();
                return Err(anyhow!(e).context(format!(
                    "open a Chromium session ({}) through chromedriver (log: {log}); {tail}",
                    tools.chromium.display()
                )));
            }
        };
        let browser = Browser {
            test,
            driver,
            chromedriver,
            dir,
            _slot: slot,
        };
        let timeouts = TimeoutConfiguration::new(
            Some(COMMAND_TIMEOUT),
            Some(COMMAND_TIMEOUT),
            Some(Duration::ZERO),
        );
        if let Err(e) = browser.driver.update_timeouts(timeouts).await {
            browser.quit().await;
            return Err(anyhow!(e).context("set the session's timeouts"));
        }
        Ok(browser)
    }

    /// Runs `body` with the page, then always quits the browser. On an error or a panic it
    /// first saves a screenshot, the page source and the driver log, then fails the test.
    pub async fn run<F, Fut>(self, body: F)
    where
        F: FnOnce(Page) -> Fut,
        Fut: Future<Output = Result<()>>,
    {
        let artifacts = Artifacts::new(self.test);
        artifacts.clear_old();
        let page = Page {
            driver: self.driver.clone(),
        };
        let outcome = AssertUnwindSafe(body(page)).catch_unwind().await;
        let failed = !matches!(outcome, Ok(Ok(())));
        let saved = if failed {
            match timeout(QUIT_TIMEOUT, artifacts.save(&self)).await {
                Ok(report) => Some(report),
                Err(_) => Some(format!(
                    "  (saving the artifacts took over {QUIT_TIMEOUT:?})"
                )),
            }
        } else {
            None
        };
        let test = self.test;
        self.quit().await;
        match outcome {
            Ok(Ok(())) => {}
            Ok(Err(e)) => panic!("{test} failed: {e:#}\n{}", saved.unwrap_or_default()),
            Err(panic) => {
                eprintln!("{test} panicked\n{}", saved.unwrap_or_default());
                std::panic::resume_unwind(panic)
            }
        }
    }

    async fn quit(self) {
        let Browser {
            driver,
            chromedriver,
            dir,
            _slot,
            ..
        } = self;
        match timeout(QUIT_TIMEOUT, driver.quit()).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => eprintln!("warning: quitting the browser failed: {e}"),
            Err(_) => eprintln!("warning: quitting the browser took over {QUIT_TIMEOUT:?}"),
        }
        drop(chromedriver);
        drop(dir);
    }
}

/// Failure artifacts of one test.
struct Artifacts {
    screenshot: PathBuf,
    source: PathBuf,
    driver_log: PathBuf,
}

impl Artifacts {
    fn new(test: &str) -> Artifacts {
        let dir = artifacts_dir();
        Artifacts {
            screenshot: dir.join(format!("{test}.png")),
            source: dir.join(format!("{test}.html")),
            driver_log: dir.join(format!("{test}.chromedriver.log")),
        }
    }

    /// Removes what an earlier failed run left, so the directory tells about this run.
    fn clear_old(&self) {
        for path in [&self.screenshot, &self.source, &self.driver_log] {
            let _ = std::fs::remove_file(path);
        }
    }

    /// Saves what there is to save; returns a report for the failure message.
    async fn save(&self, browser: &Browser) -> String {
        let mut report = Vec::new();
        if let Some(dir) = self.screenshot.parent()
            && let Err(e) = std::fs::create_dir_all(dir)
        {
            return format!("(could not create {}: {e})", dir.display());
        }
        match browser.driver.current_url().await {
            Ok(url) => report.push(format!("  page: {url}")),
            Err(e) => report.push(format!("  page: unknown ({e})")),
        }
        match browser.driver.screenshot_as_png().await {
            Ok(png) => report.push(write_artifact("screenshot", &self.screenshot, &png)),
            Err(e) => report.push(format!("  screenshot: not taken ({e})")),
        }
        match browser.driver.source().await {
            Ok(html) => report.push(write_artifact("page source", &self.source, html.as_bytes())),
            Err(e) => report.push(format!("  page source: not saved ({e})")),
        }
        match std::fs::copy(&browser.chromedriver.log, &self.driver_log) {
            Ok(_) => report.push(format!("  chromedriver log: {}", self.driver_log.display())),
            Err(e) => report.push(format!("  chromedriver log: not copied ({e})")),
        }
        report.join("\n")
    }
}

fn write_artifact(what: &str, path: &Path, bytes: &[u8]) -> String {
    match std::fs::write(path, bytes) {
        Ok(()) => format!("  {what}: {}", path.display()),
        Err(e) => format!("  {what}: could not write {} ({e})", path.display()),
    }
}

/// The page of a running test's browser, with explicit waits.
#[derive(Clone)]
pub struct Page {
    driver: WebDriver,
}

impl Page {
    pub async fn goto(&self, url: &str) -> Result<()> {
        self.driver
            .goto(url)
            .await
            .with_context(|| format!("open {url}"))
    }

    /// The path of the current page (without query string).
    pub async fn path(&self) -> Result<String> {
        Ok(self.driver.current_url().await?.path().to_owned())
    }

    /// Polls `probe` every 100 ms until it returns `Ok`, for up to [`WAIT`]. `Err` means "not
    /// yet" and describes what was seen instead (it ends up in the timeout message).
    pub async fn eventually<T>(
        &self,
        what: impl Display,
        mut probe: impl AsyncFnMut() -> std::result::Result<T, String>,
    ) -> Result<T> {
        let start = Instant::now();
        loop {
            let seen = match probe().await {
                Ok(value) => return Ok(value),
                Err(seen) => seen,
            };
            if start.elapsed() >= WAIT {
                let url = self
                    .driver
                    .current_url()
                    .await
                    .map_or_else(|e| format!("unknown ({e})"), |u| u.to_string());
                return Err(anyhow!(
                    "waited {WAIT:?} for {what}, but saw {seen} (page: {url})"
                ));
            }
            sleep(POLL).await;
        }
    }

    /// Waits for an element matching `css` to be present and displayed.
    pub async fn element(&self, css: &str) -> Result<WebElement> {
        self.eventually(format!("a visible `{css}`"), async || {
            let element = self
                .driver
                .find(By::Css(css))
                .await
                .map_err(|_| "no such element".to_owned())?;
            match element.is_displayed().await {
                Ok(true) => Ok(element),
                Ok(false) => Err("it hidden".to_owned()),
                Err(e) => Err(format!("an error: {e}")),
            }
        })
        .await
    }

    /// Waits until the first element matching `css` reads exactly `expected` (trimmed).
    pub async fn expect_text(&self, css: &str, expected: &str) -> Result<()> {
        self.eventually(format!("`{css}` to read {expected:?}"), async || {
            let text = self.text_of(css).await?;
            if text == expected {
                Ok(())
            } else {
                Err(format!("{text:?}"))
            }
        })
        .await
    }

    /// Waits until the first element matching `css` reads one of `expected`; returns it.
    pub async fn expect_text_among(&self, css: &str, expected: &[&str]) -> Result<String> {
        self.eventually(format!("`{css}` to read one of {expected:?}"), async || {
            let text = self.text_of(css).await?;
            if expected.contains(&text.as_str()) {
                Ok(text)
            } else {
                Err(format!("{text:?}"))
            }
        })
        .await
    }

    /// Waits until the texts of all elements matching `css` satisfy `check`; returns them.
    pub async fn expect_texts(
        &self,
        css: &str,
        what: impl Display,
        check: impl Fn(&[String]) -> bool,
    ) -> Result<Vec<String>> {
        self.eventually(format!("`{css}` texts to be {what}"), async || {
            let texts = self
                .texts(css)
                .await
                .map_err(|e| format!("an error: {e}"))?;
            if check(&texts) {
                Ok(texts)
            } else {
                Err(format!("{texts:?}"))
            }
        })
        .await
    }

    /// Waits until `<html lang>` is `lang`.
    pub async fn expect_html_lang(&self, lang: &str) -> Result<()> {
        self.eventually(format!("<html lang={lang:?}>"), async || {
            let element = self
                .driver
                .find(By::Css("html"))
                .await
                .map_err(|e| format!("no <html>: {e}"))?;
            match element.attr("lang").await {
                Ok(Some(l)) if l == lang => Ok(()),
                Ok(other) => Err(format!("lang={other:?}")),
                Err(e) => Err(format!("an error: {e}")),
            }
        })
        .await
    }

    /// Waits until the current path is `path`.
    pub async fn expect_path(&self, path: &str) -> Result<()> {
        self.eventually(format!("the path {path}"), async || {
            match self.path().await {
                Ok(p) if p == path => Ok(()),
                Ok(p) => Err(p),
                Err(e) => Err(format!("an error: {e}")),
            }
        })
        .await
    }

    /// The trimmed visible texts of all elements matching `css`, now.
    pub async fn texts(&self, css: &str) -> Result<Vec<String>> {
        let mut texts = Vec::new();
        for element in self.driver.find_all(By::Css(css)).await? {
            texts.push(element.text().await?.trim().to_owned());
        }
        Ok(texts)
    }

    async fn text_of(&self, css: &str) -> std::result::Result<String, String> {
        let element = self
            .driver
            .find(By::Css(css))
            .await
            .map_err(|_| "no such element".to_owned())?;
        element
            .text()
            .await
            .map(|t| t.trim().to_owned())
            .map_err(|e| format!("an error: {e}"))
    }

    /// The trimmed `textContent` of the first element matching `css`, visible or not.
    pub async fn text_content(&self, css: &str) -> Result<String> {
        let element = self
            .driver
            .find(By::Css(css))
            .await
            .with_context(|| format!("find `{css}`"))?;
        Ok(element
            .prop("textContent")
            .await?
            .unwrap_or_default()
            .trim()
            .to_owned())
    }

    /// The `value` property of the form control matching `css`.
    pub async fn value(&self, css: &str) -> Result<String> {
        Ok(self
            .element(css)
            .await?
            .prop("value")
            .await?
            .unwrap_or_default())
    }

    /// Replaces the content of the input matching `css` with `text`.
    pub async fn fill(&self, css: &str, text: &str) -> Result<()> {
        let input = self.element(css).await?;
        input
            .clear()
            .await
            .with_context(|| format!("clear `{css}`"))?;
        input
            .send_keys(text)
            .await
            .with_context(|| format!("type into `{css}`"))
    }

    /// Waits for the element matching `css` to be visible, then clicks it.
    pub async fn click(&self, css: &str) -> Result<()> {
        self.element(css)
            .await?
            .click()
            .await
            .with_context(|| format!("click `{css}`"))
    }

    /// Waits for the element matching `css` to be visible, scrolls it into the middle of the
    /// window at once (the app's CSS scrolls smoothly, so a click right after an ordinary
    /// scroll lands where the element was), then clicks it. For elements chromedriver does not
    /// bring into view by itself, such as those in a scroll box below the fold.
    pub async fn click_in_view(&self, css: &str) -> Result<()> {
        const SCRIPT: &str = "arguments[0].scrollIntoView(\
            {block: 'center', inline: 'nearest', behavior: 'instant'});";
        let element = self.element(css).await?;
        self.driver
            .execute(SCRIPT, vec![element.to_json()?])
            .await
            .with_context(|| format!("scroll `{css}` into view"))?;
        element
            .click()
            .await
            .with_context(|| format!("click `{css}`"))
    }

    /// Whether a person can see and click the element matching `css` now: the window (and the
    /// window only) is scrolled to put the element in its middle, then the point at the
    /// element's centre must hit it, not something covering it, and not a scroll box around it
    /// that clips it away (which would need scrolling inside that box to reach it). `Err` when
    /// there is no such visible element.
    pub async fn hits_at_centre(&self, css: &str) -> Result<bool> {
        const SCRIPT: &str = "const e = arguments[0];\n\
            let r = e.getBoundingClientRect();\n\
            window.scrollBy({left: r.left + r.width / 2 - window.innerWidth / 2,\n\
                             top: r.top + r.height / 2 - window.innerHeight / 2,\n\
                             behavior: 'instant'});\n\
            r = e.getBoundingClientRect();\n\
            const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);\n\
            return hit !== null && (hit === e || e.contains(hit));";
        let element = self.element(css).await?;
        self.driver
            .execute(SCRIPT, vec![element.to_json()?])
            .await
            .with_context(|| format!("probe `{css}` at its centre"))?
            .convert::<bool>()
            .with_context(|| format!("read the probe of `{css}`"))
    }
}
