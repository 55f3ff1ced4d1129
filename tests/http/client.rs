//! A browser-like client: keeps cookies, does not follow redirects, remembers the last CSRF
//! token it saw and sends it with every form.

use std::sync::{Arc, Mutex};

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Response, StatusCode};

use crate::common::{PASSWORD, TestApp};

#[derive(Clone)]
pub struct Client {
    pub http: reqwest::Client,
    base: String,
    csrf: Arc<Mutex<Option<String>>>,
}

pub struct Page {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Page {
    pub fn location(&self) -> Option<&str> {
        self.headers.get("location").and_then(|v| v.to_str().ok())
    }

    /// The id at the end of the redirect's address (`/customers/42` → 42): what a create
    /// answered with.
    #[track_caller]
    pub fn created_id(&self) -> i64 {
        let location = self.location().expect("a redirect");
        location
            .rsplit('/')
            .next()
            .and_then(|id| id.parse().ok())
            .unwrap_or_else(|| panic!("no id at the end of {location}"))
    }

    /// Fails the test unless the page contains `text`.
    #[track_caller]
    pub fn assert_contains(&self, text: &str) {
        assert!(
            self.body.contains(text),
            "expected {text:?} in page (status {}):\n{}",
            self.status,
            self.body
        );
    }
}

pub fn csrf_in(body: &str) -> Option<String> {
    let marker = "name=\"csrf_token\" value=\"";
    let start = body.find(marker)? + marker.len();
    let end = body[start..].find('"')?;
    Some(body[start..start + end].to_owned())
}

impl Client {
    pub fn new(app: &TestApp) -> Client {
        Client::with_headers(app, HeaderMap::new())
    }

    pub fn with_headers(app: &TestApp, headers: HeaderMap) -> Client {
        let http = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .default_headers(headers)
            .build()
            .unwrap();
        Client {
            http,
            base: app.address.clone(),
            csrf: Arc::new(Mutex::new(None)),
        }
    }

    /// The same browser (cookies and CSRF token) talking to another server of the store, as a
    /// load balancer would send it.
    pub fn on(&self, app: &TestApp) -> Client {
        self.at(&app.address)
    }

    /// The same browser talking to the server at `address` (`http://127.0.0.1:PORT`).
    pub fn at(&self, address: &str) -> Client {
        Client {
            http: self.http.clone(),
            base: address.to_owned(),
            csrf: Arc::clone(&self.csrf),
        }
    }

    /// Posts a form with the session's CSRF token; a connection that fails (a server killed
    /// mid-request) is an `Err`, not a panic.
    pub async fn try_post(
        &self,
        path: &str,
        fields: &[(&str, &str)],
    ) -> Result<Page, reqwest::Error> {
        let token = self.csrf().await;
        let mut form: Vec<(&str, &str)> = fields.to_vec();
        form.push(("csrf_token", &token));
        let res = self
            .http
            .post(format!("{}{}", self.base, path))
            .form(&form)
            .send()
            .await?;
        let status = res.status();
        let headers = res.headers().clone();
        let body = res.text().await?;
        Ok(Page {
            status,
            headers,
            body,
        })
    }

    pub fn with_language(app: &TestApp, accept_language: &str) -> Client {
        let mut h = HeaderMap::new();
        h.insert(
            "accept-language",
            HeaderValue::from_str(accept_language).unwrap(),
        );
        Client::with_headers(app, h)
    }

    pub fn with_forwarded_ip(app: &TestApp, ip: &str) -> Client {
        let mut h = HeaderMap::new();
        h.insert(
            HeaderName::from_static("x-forwarded-for"),
            HeaderValue::from_str(ip).unwrap(),
        );
        Client::with_headers(app, h)
    }

    async fn page(&self, res: Response) -> Page {
        let status = res.status();
        let headers = res.headers().clone();
        let body = res.text().await.unwrap();
        if let Some(t) = csrf_in(&body) {
            *self.csrf.lock().unwrap() = Some(t);
        }
        Page {
            status,
            headers,
            body,
        }
    }

    pub async fn get(&self, path: &str) -> Page {
        let res = self
            .http
            .get(format!("{}{}", self.base, path))
            .send()
            .await
            .unwrap();
        self.page(res).await
    }

    /// The last CSRF token seen, fetching the sign-in page first if none was seen yet.
    pub async fn csrf(&self) -> String {
        if let Some(t) = self.csrf.lock().unwrap().clone() {
            return t;
        }
        self.get("/login").await;
        self.csrf
            .lock()
            .unwrap()
            .clone()
            .expect("the sign-in page has a CSRF token")
    }

    /// Posts a form with the session's CSRF token.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let token = self.csrf().await;
        let mut form: Vec<(&str, &str)> = fields.to_vec();
        form.push(("csrf_token", &token));
        self.post_raw(path, &form).await
    }

    /// Posts exactly these fields (no token added).
    pub async fn post_raw(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let res = self
            .http
            .post(format!("{}{}", self.base, path))
            .form(fields)
            .send()
            .await
            .unwrap();
        self.page(res).await
    }

    /// Posts a file upload form (`multipart/form-data`): the file as the part `file`, the
    /// other fields as text parts, and the session's CSRF token.
    pub async fn upload(
        &self,
        path: &str,
        file_name: &str,
        bytes: Vec<u8>,
        fields: &[(&str, &str)],
    ) -> Page {
        let token = self.csrf().await;
        let mut form = reqwest::multipart::Form::new().text("csrf_token", token);
        for (k, v) in fields {
            form = form.text(k.to_string(), v.to_string());
        }
        let part = reqwest::multipart::Part::bytes(bytes)
            .file_name(file_name.to_owned())
            .mime_str("text/csv")
            .unwrap();
        form = form.part("file", part);
        let res = self
            .http
            .post(format!("{}{}", self.base, path))
            .multipart(form)
            .send()
            .await
            .unwrap();
        self.page(res).await
    }

    pub async fn sign_in(&self, email: &str, password: &str) -> Page {
        self.get("/login").await;
        self.post(
            "/login",
            &[("email", email), ("password", password), ("next", "/")],
        )
        .await
    }

    /// Signs in and fails the test unless it worked.
    pub async fn signed_in(app: &TestApp, email: &str) -> Client {
        let c = Client::new(app);
        let p = c.sign_in(email, PASSWORD).await;
        assert_eq!(
            p.status,
            StatusCode::SEE_OTHER,
            "sign-in failed: {}",
            p.body
        );
        c.get("/").await;
        c
    }

    pub async fn is_signed_in(&self) -> bool {
        self.get("/account").await.status == StatusCode::OK
    }
}
