//! Database constraints become field errors in one place, the same on both backends: a
//! request that races past a form's own duplicate check gets "this email is taken", not a
//! 500.

mod common;

use app::error::AppError;
use common::{Backend, spawn_app};

async fn duplicate(app: &common::TestApp, sql: &str, binds: &[&str]) -> AppError {
    let mut q = sqlx::query(sql);
    for b in binds {
        q = q.bind(*b);
    }
    let e = q
        .execute(&app.state.db.pool)
        .await
        .expect_err("the duplicate must be refused");
    AppError::from(e)
}

async fn unique_violations_are_field_errors(b: Backend) {
    let app = spawn_app(b).await;
    let pool = &app.state.db.pool;
    let (org, user): (i64, i64) =
        sqlx::query_as("SELECT org_id, id FROM users WHERE email = 'sam@northwind.example'")
            .fetch_one(pool)
            .await
            .expect("seeded user");
    let org = org.to_string();
    let e = duplicate(
        &app,
        "INSERT INTO users (org_id, email, name, role, active, created_at, updated_at) \
         VALUES (CAST($1 AS BIGINT), 'sam@northwind.example', 'Sam Again', 'sales', 1, 0, 0)",
        &[&org],
    )
    .await;
    assert_eq!(e, AppError::field("email", "err.email_taken"));

    let slug: String = sqlx::query_scalar("SELECT slug FROM orgs WHERE id = CAST($1 AS BIGINT)")
        .bind(&org)
        .fetch_one(pool)
        .await
        .expect("org");
    let e = duplicate(
        &app,
        "INSERT INTO orgs (slug, name, kind, status, created_at, updated_at) \
         VALUES ($1, 'Copy', 'partner', 'active', 0, 0)",
        &[&slug],
    )
    .await;
    assert_eq!(e, AppError::field("name", "org.slug_taken"));

    let user = user.to_string();
    let insert = "INSERT INTO asset_collections (user_id, name, created_at) \
                  VALUES (CAST($1 AS BIGINT), 'Renewal kit', 0)";
    sqlx::query(insert)
        .bind(&user)
        .execute(pool)
        .await
        .expect("first collection");
    let e = duplicate(&app, insert, &[&user]).await;
    assert_eq!(e, AppError::field("name", "err.collection_exists"));

    // Other failures stay internal: the client sees a reference, never SQL.
    let e = duplicate(&app, "INSERT INTO no_such_table VALUES (1)", &[]).await;
    assert!(matches!(e, AppError::Internal(_)), "{e:?}");
}

both_backends!(unique_violations_are_field_errors);
