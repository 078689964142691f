//! Real receivers for the notice tests: an SMTP server (aiosmtpd, run by
//! `tests/support/smtp_sink.py`) and an HTTP receiver for the webhook, both started by the test
//! that needs them and stopped when dropped.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

pub use crate::browser_support::free_port;

/// Long enough for a notice whose sender was killed mid-attempt to be freed by its lease.
const WAIT: Duration = Duration::from_secs(150);

/// The Python that has aiosmtpd: `SMTP_SINK_PYTHON`, else Debian's (where `apt-get install
/// python3-aiosmtpd` puts it, whatever `python3` a version manager puts first on PATH).
fn python() -> String {
    std::env::var("SMTP_SINK_PYTHON").unwrap_or_else(|_| {
        if std::path::Path::new("/usr/bin/python3").exists() {
            "/usr/bin/python3".into()
        } else {
            "python3".into()
        }
    })
}

/// An SMTP server that keeps every message it accepts.
pub struct MailSink {
    child: Child,
    pub port: u16,
    out: PathBuf,
    _dir: tempfile::TempDir,
}

impl MailSink {
    /// Starts the server on `port` (a free one when `None`) and waits until it listens.
    pub fn start(port: Option<u16>) -> MailSink {
        let port = port.unwrap_or_else(free_port);
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("messages.jsonl");
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support/smtp_sink.py");
        let mut child = Command::new(python())
            .args([script, "127.0.0.1", &port.to_string(), out.to_str().unwrap()])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 runs the SMTP sink (apt-get install python3-aiosmtpd)");
        let mut ready = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut ready).unwrap();
        assert_eq!(ready.trim(), "ready", "the SMTP sink did not start (is python3-aiosmtpd installed?)");
        MailSink { child, port, out, _dir: dir }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every message delivered so far, oldest first.
    pub fn messages(&self) -> Vec<Value> {
        let Ok(text) = std::fs::read_to_string(&self.out) else { return Vec::new() };
        text.lines().map(|line| serde_json::from_str(line).unwrap()).collect()
    }

    /// Waits until `n` messages have been delivered, and returns them.
    pub async fn wait_for(&self, n: usize) -> Vec<Value> {
        let started = Instant::now();
        loop {
            let messages = self.messages();
            if messages.len() >= n {
                return messages;
            }
            assert!(started.elapsed() < WAIT, "{} of {n} messages arrived: {messages:#?}", messages.len());
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for MailSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A webhook call: its JSON body and its `Idempotency-Key`.
pub type Call = (Value, Option<String>);

/// An HTTP server that answers each POST with the next status of `answers` (the last one
/// repeats) and keeps the JSON bodies it was sent.
pub struct WebhookReceiver {
    pub url: String,
    received: Arc<Mutex<Vec<Call>>>,
}

impl WebhookReceiver {
    pub fn start(answers: &[u16]) -> WebhookReceiver {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/notify", listener.local_addr().unwrap());
        let received = Arc::new(Mutex::new(Vec::new()));
        let (store, answers) = (received.clone(), answers.to_vec());
        std::thread::spawn(move || {
            for (n, stream) in listener.incoming().enumerate() {
                let Ok(mut stream) = stream else { continue };
                let status = *answers.get(n).or(answers.last()).unwrap_or(&200);
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let (mut length, mut key) = (0, None);
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                    let lower = line.to_ascii_lowercase();
                    if let Some(v) = lower.strip_prefix("content-length:") {
                        length = v.trim().parse().unwrap_or(0);
                    }
                    if lower.starts_with("idempotency-key:") {
                        key = Some(line["idempotency-key:".len()..].trim().to_owned());
                    }
                }
                let mut body = vec![0; length];
                reader.read_exact(&mut body).unwrap();
                if status < 300 {
                    store.lock().unwrap().push((serde_json::from_slice(&body).unwrap(), key));
                }
                let answer = format!("HTTP/1.1 {status} X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                let _ = stream.write_all(answer.as_bytes());
            }
        });
        WebhookReceiver { url, received }
    }

    /// The bodies the receiver accepted (answered 2xx), with their `Idempotency-Key`.
    pub async fn wait_for(&self, n: usize) -> Vec<Call> {
        let started = Instant::now();
        loop {
            let received = self.received.lock().unwrap().clone();
            if received.len() >= n {
                return received;
            }
            assert!(started.elapsed() < WAIT, "{} of {n} webhook calls arrived", received.len());
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}
