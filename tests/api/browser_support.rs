//! A headless Chromium driven over WebDriver for the browser tests: chromedriver on a free port,
//! a fresh profile per browser, and everything torn down even when a test fails.
//!
//! Needs Debian's `chromium` and `chromium-driver` (`CHROMEDRIVER` and `CHROMIUM` override the
//! paths). A machine without them fails these tests: it never skips them silently.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};

/// How long to wait for something to appear: generous, since CI machines may be busy.
const WAIT: Duration = Duration::from_secs(30);

/// One browser at a time: each is a whole Chromium, and several at once on a small machine make
/// every test slow enough to flake.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The browser's own language, which only shows in its widgets (the date and time pickers).
#[derive(Debug, Clone, Copy)]
pub enum Locale {
    Korean,
    English,
}

/// chromedriver and its Chromium; ended when dropped.
struct Driver {
    process: Child,
    port: u16,
    /// The WebDriver session, until [`Browser::close`] ends it.
    session: Option<String>,
}

impl Drop for Driver {
    fn drop(&mut self) {
        // A failed test never reaches `close`, and its runtime is gone: end the session with a
        // plain blocking request, so Chromium does not outlive chromedriver.
        if let Some(session) = self.session.take() {
            delete_session(self.port, &session);
        }
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

pub struct Browser {
    pub client: Client,
    driver: Driver,
    _profile: tempfile::TempDir,
    _turn: tokio::sync::MutexGuard<'static, ()>,
}

fn executable(variable: &str, default: &str) -> Option<PathBuf> {
    let path = std::env::var_os(variable).map_or_else(|| PathBuf::from(default), PathBuf::from);
    path.is_file().then_some(path)
}

fn missing(what: &str) -> ! {
    panic!(
        "{what} not found: the browser tests need Chromium and its WebDriver. Install them with \
         `apt-get install chromium chromium-driver` (or point CHROMEDRIVER and CHROMIUM at them)"
    )
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn delete_session(port: u16, session: &str) {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else { return };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let request = format!(
        "DELETE /session/{session} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 0\r\n\
         Connection: close\r\n\r\n"
    );
    if stream.write_all(request.as_bytes()).is_ok() {
        let _ = stream.read_to_end(&mut Vec::new());
    }
}

fn capabilities(chromium: &Path, profile: &Path, locale: Locale) -> serde_json::Map<String, Value> {
    let lang = match locale {
        Locale::Korean => "ko-KR",
        Locale::English => "en-US",
    };
    let args = [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1000,1400",
    ]
    .iter()
    .map(|a| (*a).to_owned())
    .chain([format!("--user-data-dir={}", profile.display()), format!("--lang={lang}")])
    .collect::<Vec<_>>();
    let caps = json!({
        "browserName": "chrome",
        "goog:chromeOptions": {"binary": chromium.display().to_string(), "args": args},
    });
    caps.as_object().unwrap().clone()
}

impl Browser {
    /// Starts chromedriver and a headless Chromium with an empty profile.
    pub async fn start(locale: Locale) -> Browser {
        let driver_path =
            executable("CHROMEDRIVER", "/usr/bin/chromedriver").unwrap_or_else(|| missing("chromedriver"));
        let chromium = executable("CHROMIUM", "/usr/bin/chromium").unwrap_or_else(|| missing("chromium"));
        let turn = ONE_AT_A_TIME.lock().await;
        let port = free_port();
        let process = Command::new(&driver_path)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("could not start {}: {e}", driver_path.display()));
        let mut driver = Driver { process, port, session: None };
        let profile = tempfile::tempdir().unwrap();
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(started.elapsed() < WAIT, "chromedriver did not listen on port {port}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let client = ClientBuilder::native()
            .capabilities(capabilities(&chromium, profile.path(), locale))
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .unwrap_or_else(|e| panic!("chromedriver could not start Chromium: {e}"));
        driver.session = client.session_id().await.unwrap();
        Browser { client, driver, _profile: profile, _turn: turn }
    }

    /// Ends the session (Chromium quits) and chromedriver.
    pub async fn close(mut self) {
        self.client.close().await.unwrap();
        self.driver.session = None;
    }

    pub async fn goto(&self, url: &str) {
        self.client.goto(url).await.unwrap();
    }

    /// The first element matching `css`, once there is one.
    pub async fn find(&self, css: &str) -> Element {
        self.client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no element {css}: {e}"))
    }

    pub async fn click(&self, css: &str) {
        self.find(css).await.click().await.unwrap();
    }

    /// Types into the field named `name`, as a person would.
    pub async fn type_into(&self, name: &str, text: &str) {
        let field = self.find(&format!("[name=\"{name}\"]")).await;
        field.clear().await.unwrap();
        field.send_keys(text).await.unwrap();
    }

    /// Picks an option of the select named `name`, once the option is there.
    pub async fn select(&self, name: &str, value: &str) {
        self.find(&format!("select[name=\"{name}\"] option[value=\"{value}\"]")).await;
        self.find(&format!("select[name=\"{name}\"]")).await.select_by_value(value).await.unwrap();
    }

    /// Sets a field's value directly: the date and time pickers take typed keys in the order of
    /// the browser's locale, which a test should not depend on.
    pub async fn set_value(&self, name: &str, value: &str) {
        let field = self.find(&format!("[name=\"{name}\"]")).await;
        let script = "arguments[0].value = arguments[1];
            arguments[0].dispatchEvent(new Event('input', {bubbles: true}));
            arguments[0].dispatchEvent(new Event('change', {bubbles: true}));";
        self.client.execute(script, vec![serde_json::to_value(field).unwrap(), json!(value)]).await.unwrap();
    }

    /// Sizes the window as a phone's screen (390x844) or any other.
    pub async fn resize(&self, width: u32, height: u32) {
        self.client.set_window_size(width, height).await.unwrap();
    }

    /// Chooses files for a file input, as a person picking them would.
    pub async fn choose_files(&self, css: &str, paths: &[&std::path::Path]) {
        let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        self.find(css).await.send_keys(&names.join("\n")).await.unwrap();
    }

    /// Runs `body` (a function body that returns something) in the page.
    pub async fn js(&self, body: &str) -> Value {
        self.client.execute(body, vec![]).await.unwrap()
    }

    /// Waits until `expression` is truthy in the page, and returns its value.
    pub async fn wait_js(&self, expression: &str) -> Value {
        let started = Instant::now();
        loop {
            let value = self.js(&format!("return ({expression}) || null;")).await;
            if !value.is_null() {
                return value;
            }
            assert!(started.elapsed() < WAIT, "timed out waiting for `{expression}`");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The visible text of the element with this id, once it is shown and not empty.
    pub async fn wait_text(&self, id: &str) -> String {
        let expression = format!(
            "(function () {{ var el = document.getElementById({id:?}); \
             return el && el.offsetParent !== null && el.textContent.trim(); }})()"
        );
        self.wait_js(&expression).await.as_str().unwrap().to_owned()
    }

    /// With `UPDATE_SCREENSHOTS=1`, saves the whole page as `docs/screenshots/<name>.png`.
    pub async fn screenshot(&self, name: &str) {
        if std::env::var("UPDATE_SCREENSHOTS").as_deref() != Ok("1") {
            return;
        }
        // Screenshots show the viewport only: grow the window until the whole page fits.
        self.js("if (document.activeElement) document.activeElement.blur(); return null;").await;
        let mut height = 1400;
        // A phone-sized window stays phone-sized; anything wider is shot at 900 pixels.
        let width = self.js("return window.outerWidth;").await.as_u64().map_or(900, |w| {
            if w < 600 {
                w as u32
            } else {
                900
            }
        });
        for _ in 0..3 {
            self.client.set_window_size(width, height).await.unwrap();
            let missing = self
                .js("return document.documentElement.scrollHeight - window.innerHeight;")
                .await
                .as_i64()
                .unwrap();
            if missing <= 0 {
                break;
            }
            height += u32::try_from(missing).unwrap();
        }
        let png = self.client.screenshot().await.unwrap();
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
    }
}
