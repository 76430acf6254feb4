//! Sign-in, sessions, throttling, invitations and password reset, on both backends.

mod common;

use common::smtp::{SmtpSink, link};
use common::{Backend, PASSWORD, TestApp, client, spawn_app, spawn_app_with};
use reqwest::StatusCode;

async fn whoami(app: &TestApp, c: &reqwest::Client) -> serde_json::Value {
    let (status, body) = app.call(c, "get_current_user", &[]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

async fn sign_in_sign_out_and_session_invalidation(b: Backend) {
    let app = spawn_app(b).await;
    let c = client();
    // Pages need a session.
    let res = c.get(app.url("/partners")).send().await.expect("get");
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "/login?next=%2Fpartners");

    assert_eq!(app.sign_in(&c, "admin@acme.example", PASSWORD).await, "/");
    assert_eq!(whoami(&app, &c).await["email"], "admin@acme.example");
    let (status, _) = app.get(&c, "/partners").await;
    assert_eq!(status, StatusCode::OK);

    // The cookie is HttpOnly, SameSite=Lax, and a fresh id per sign-in.
    let c2 = client();
    let res = c2
        .post(app.url("/login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(common::form(&[
            ("email", "admin@acme.example"),
            ("password", PASSWORD),
        ]))
        .send()
        .await
        .expect("login");
    let cookie = res.headers()["set-cookie"]
        .to_str()
        .expect("cookie")
        .to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let id = cookie.split(';').next().unwrap_or_default().to_string();
    assert!(
        id.len() > "trellis_session=".len() + 40,
        "at least 128 bits: {id}"
    );

    // Signing out kills the session server-side: replaying the old cookie fails.
    let res = c2.post(app.url("/logout")).send().await.expect("logout");
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let replay = client()
        .get(app.url("/partners"))
        .header("cookie", &id)
        .send()
        .await
        .expect("replay");
    assert_eq!(
        replay.status(),
        StatusCode::SEE_OTHER,
        "old session must be dead"
    );
    // The first client is unaffected.
    assert_eq!(whoami(&app, &c).await["email"], "admin@acme.example");
}

async fn deactivation_ends_sessions_at_once(b: Backend) {
    let app = spawn_app(b).await;
    let sam = app.as_user("sam@northwind.example").await;
    assert_eq!(whoami(&app, &sam).await["email"], "sam@northwind.example");
    let nina = app.as_user("nina@northwind.example").await;
    let sam_id = app
        .scalar(
            "SELECT id FROM users WHERE email = $1",
            "sam@northwind.example",
        )
        .await;
    let (status, body) = app
        .call(
            &nina,
            "set_member_active",
            &[("user_id", &sam_id.to_string()), ("active", "false")],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(whoami(&app, &sam).await, serde_json::Value::Null);
    // And the deactivated user cannot sign in again.
    let c = client();
    assert!(
        app.sign_in(&c, "sam@northwind.example", PASSWORD)
            .await
            .contains("error=invalid")
    );
}

async fn expired_sessions_are_refused(b: Backend) {
    let app = spawn_app(b).await;
    let c = app.as_user("admin@acme.example").await;
    sqlx::query("UPDATE sessions SET last_seen_at = last_seen_at - 3 * 3600")
        .execute(&app.db.pool)
        .await
        .expect("age sessions");
    assert_eq!(
        whoami(&app, &c).await,
        serde_json::Value::Null,
        "idle timeout"
    );
    let c = app.as_user("admin@acme.example").await;
    sqlx::query("UPDATE sessions SET expires_at = created_at")
        .execute(&app.db.pool)
        .await
        .expect("expire sessions");
    assert_eq!(
        whoami(&app, &c).await,
        serde_json::Value::Null,
        "absolute timeout"
    );
}

async fn wrong_passwords_throttle_the_attacker_not_the_user(b: Backend) {
    let app = spawn_app(b).await;
    let attacker = client();
    for _ in 0..5 {
        let to = app
            .sign_in_from(
                &attacker,
                "carla@contoso.example",
                "wrong password",
                "203.0.113.9",
            )
            .await;
        assert!(to.contains("error=invalid"), "{to}");
    }
    // Now even the right password is refused from that IP…
    let to = app
        .sign_in_from(&attacker, "carla@contoso.example", PASSWORD, "203.0.113.9")
        .await;
    assert!(to.contains("error=throttled"), "{to}");
    // …but the real user, elsewhere, is not locked out.
    let user = client();
    assert_eq!(
        app.sign_in_from(&user, "carla@contoso.example", PASSWORD, "198.51.100.7")
            .await,
        "/"
    );
    // A spray across accounts from one IP is throttled per IP.
    let sprayer = client();
    let mut throttled = false;
    for n in 0..40 {
        let to = app
            .sign_in_from(
                &sprayer,
                &format!("nobody{n}@example.com"),
                "guess",
                "192.0.2.50",
            )
            .await;
        if to.contains("error=throttled") {
            throttled = true;
            break;
        }
        // Unknown and known emails get the same answer.
        assert!(to.contains("error=invalid"), "{to}");
    }
    assert!(throttled, "per-IP limit must apply");
}

async fn invitation_and_reset_flows_use_real_smtp(b: Backend) {
    let (sink, smtp_url) = SmtpSink::start().await;
    let app = spawn_app_with(b, Some(smtp_url)).await;
    let admin = app.as_user("admin@acme.example").await;
    let (status, body) = app
        .call(
            &admin,
            "invite_member",
            &[
                ("input[org_slug]", "northwind-msp"),
                ("input[email]", "new.admin@northwind.example"),
                ("input[name]", "Newton Admin"),
                ("input[role]", "partner_admin"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let mails = sink.wait_for("new.admin@northwind.example", 1).await;
    assert_eq!(mails.len(), 1, "one invitation over SMTP");
    let text = mails[0].decoded();
    let invite = link(&text, &format!("{}/invite/", app.base)).expect("invite link");
    let token = invite.rsplit('/').next().expect("token").to_string();

    // The invitation page shows; a weak password is refused with a field message.
    let anon = client();
    let (status, _) = app.get(&anon, &format!("/invite/{token}")).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = app
        .call(
            &anon,
            "accept_invite",
            &[
                ("input[token]", &token),
                ("input[name]", "Newton Admin"),
                ("input[password]", "short"),
                ("input[password_confirm]", "short"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["Validation"]["password"][0], "err.password_short");
    let new_pw = "a much longer passphrase";
    let (status, body) = app
        .call(
            &anon,
            "accept_invite",
            &[
                ("input[token]", &token),
                ("input[name]", "Newton Admin"),
                ("input[password]", new_pw),
                ("input[password_confirm]", new_pw),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // Single use.
    let (status, _) = app
        .call(
            &anon,
            "accept_invite",
            &[
                ("input[token]", &token),
                ("input[name]", "X Y"),
                ("input[password]", new_pw),
                ("input[password_confirm]", new_pw),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let newton = client();
    assert_eq!(
        app.sign_in(&newton, "new.admin@northwind.example", new_pw)
            .await,
        "/"
    );
    assert_eq!(whoami(&app, &newton).await["org_slug"], "northwind-msp");

    // Password reset: the same answer for unknown emails, a link for known ones.
    let (status, _) = app
        .call(
            &anon,
            "request_password_reset",
            &[("email", "ghost@example.com")],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(sink.for_rcpt("ghost@example.com").is_empty());
    let (status, _) = app
        .call(
            &anon,
            "request_password_reset",
            &[("email", "new.admin@northwind.example")],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let mails = sink.wait_for("new.admin@northwind.example", 2).await;
    assert_eq!(mails.len(), 2);
    let reset = link(&mails[1].decoded(), &format!("{}/reset/", app.base)).expect("reset link");
    let token = reset.rsplit('/').next().expect("token").to_string();
    let newer = "another long passphrase";
    let (status, body) = app
        .call(
            &anon,
            "reset_password",
            &[
                ("input[token]", &token),
                ("input[password]", newer),
                ("input[password_confirm]", newer),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // Sessions ended, old password dead, new one works.
    assert_eq!(whoami(&app, &newton).await, serde_json::Value::Null);
    let c = client();
    assert!(
        app.sign_in(&c, "new.admin@northwind.example", new_pw)
            .await
            .contains("error=invalid")
    );
    assert_eq!(
        app.sign_in(&c, "new.admin@northwind.example", newer).await,
        "/"
    );
}

both_backends!(
    sign_in_sign_out_and_session_invalidation,
    deactivation_ends_sessions_at_once,
    expired_sessions_are_refused,
    wrong_passwords_throttle_the_attacker_not_the_user,
    invitation_and_reset_flows_use_real_smtp,
);
