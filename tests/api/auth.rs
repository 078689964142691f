use jsonwebtoken::{encode, EncodingKey, Header};
use outage_claims::domain::role::Role;
use serde_json::json;

use crate::helpers::{problem, spawn_app, JWT_SECRET};

fn sign(claims: serde_json::Value, secret: &str) -> String {
    encode(&Header::default(), &claims, &EncodingKey::from_secret(secret.as_bytes())).unwrap()
}

fn claims(overrides: serde_json::Value) -> serde_json::Value {
    let now = chrono::Utc::now().timestamp();
    let mut claims = json!({"sub": "mallory", "role": "admin", "iss": "outage-claims", "aud": "outage-claims", "iat": now, "exp": now + 600});
    for (k, v) in overrides.as_object().unwrap() {
        if v.is_null() {
            claims.as_object_mut().unwrap().remove(k);
        } else {
            claims[k] = v.clone();
        }
    }
    claims
}

#[tokio::test]
async fn requests_without_a_token_get_401() {
    let app = spawn_app().await;
    let response = app.get("/api/v1/audit-events", None).await;
    assert_eq!(response.headers()["www-authenticate"], "Bearer");
    problem(response, 401).await;
}

#[tokio::test]
async fn bad_tokens_get_401() {
    let app = spawn_app().await;
    let now = chrono::Utc::now().timestamp();
    let unsigned = {
        use base64::Engine;
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        format!(
            "{}.{}.",
            b64.encode(r#"{"alg":"none","typ":"JWT"}"#),
            b64.encode(claims(json!({})).to_string())
        )
    };
    let cases = [
        ("forged with another key", sign(claims(json!({})), "another-secret-another-secret-123456")),
        ("unsigned alg none", unsigned),
        ("expired beyond the leeway", sign(claims(json!({"exp": now - 120})), JWT_SECRET)),
        ("wrong issuer", sign(claims(json!({"iss": "someone-else"})), JWT_SECRET)),
        ("wrong audience", sign(claims(json!({"aud": "someone-else"})), JWT_SECRET)),
        ("no exp", sign(claims(json!({"exp": null})), JWT_SECRET)),
        ("no iss", sign(claims(json!({"iss": null})), JWT_SECRET)),
        ("no aud", sign(claims(json!({"aud": null})), JWT_SECRET)),
        ("unknown role", sign(claims(json!({"role": "root"})), JWT_SECRET)),
        ("garbage", "not.a.token".to_owned()),
    ];
    for (case, token) in cases {
        let response = app.get("/api/v1/audit-events", Some(&token)).await;
        assert_eq!(response.status(), 401, "{case}");
    }
    // A well-formed token of the same shape passes, so the cases above fail for their reason.
    let good = sign(claims(json!({})), JWT_SECRET);
    assert_eq!(app.get("/api/v1/audit-events", Some(&good)).await.status(), 200);
}

#[tokio::test]
async fn an_expired_token_within_the_leeway_is_accepted() {
    let app = spawn_app().await;
    let now = chrono::Utc::now().timestamp();
    let token = sign(claims(json!({"exp": now - 20})), JWT_SECRET);
    assert_eq!(app.get("/api/v1/audit-events", Some(&token)).await.status(), 200);
}

#[tokio::test]
async fn roles_that_may_not_act_get_403() {
    let app = spawn_app().await;
    for role in [Role::Finance, Role::Partner, Role::Claimant] {
        let response = app
            .post("/api/v1/incidents", Some(&app.token(role, "x")), &crate::helpers::incident_body())
            .await;
        problem(response, 403).await;
    }
    let response = app.get("/api/v1/audit-events", Some(&app.token(Role::Claimant, "c"))).await;
    problem(response, 403).await;
}

#[tokio::test]
async fn a_public_endpoint_still_refuses_an_invalid_token() {
    let app = spawn_app().await;
    problem(app.get("/api/v1/incidents", Some("bad.token.here")).await, 401).await;
    assert_eq!(app.get("/api/v1/incidents", None).await.status(), 200);
}

#[test]
fn the_token_command_mints_a_token_the_server_accepts() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_outage-claims"))
        .args(["token", "--role", "finance", "--sub", "fiona", "--ttl", "1h"])
        .env("DATABASE_URL", &db)
        .env("JWT_SECRET", JWT_SECRET)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let token = String::from_utf8(output.stdout).unwrap();
    let keys = crate::helpers::test_config(db.to_str().unwrap(), &[]).jwt_keys(false).unwrap();
    let actor = keys.verify(token.trim()).unwrap();
    assert_eq!((actor.sub.as_str(), actor.role), ("fiona", Role::Finance));
}

#[test]
fn without_jwt_secret_serve_creates_a_private_key_file_that_token_reads() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("claims.db");
    let vars = |key: &str| (key == "DATABASE_URL").then(|| db.to_string_lossy().into_owned());
    let config = outage_claims::config::Config::from_lookup(vars).unwrap();
    assert!(config.jwt_keys(false).is_err(), "token must not invent a key");
    let created = config.jwt_keys(true).unwrap();
    let path = dir.path().join("claims.db.jwt-secret");
    assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
    let token = config.jwt_keys(false).unwrap().mint(&outage_claims::auth::TokenRequest {
        role: Role::Admin,
        sub: "a",
        org: None,
        claim_id: None,
        ttl: std::time::Duration::from_secs(60),
    });
    assert!(created.verify(&token.unwrap()).is_ok());
}
