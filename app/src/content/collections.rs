//! Collections: a user's own named lists of assets ("Acme renewal kit"), beside favourites.
//! A collection belongs to one user; another user's collection id is "not found" on every
//! path. Adding an asset needs the asset to be visible, and what a collection lists is
//! filtered by the viewer's visibility at each request (see `find::find`), so an asset
//! that goes out of reach (tier drop, unpublished, expired) disappears from it at once.

use super::Collection;
use super::visibility::{audience, visible_row};
use crate::auth::Caller;
use crate::error::{AppError, Problems};
use crate::server::db::Db;
use crate::server::now;
use sqlx::Row;

/// The most collections one user keeps.
pub const MAX_COLLECTIONS: i64 = 100;
/// The longest name, in characters.
pub const MAX_NAME: usize = 80;

/// A collection name, trimmed and checked.
pub fn validate_name(raw: &str) -> Result<String, AppError> {
    let name = raw.trim();
    let mut p = Problems::new();
    if name.is_empty() {
        p.add("name", "err.required");
    } else if name.chars().count() > MAX_NAME {
        p.add("name", "err.too_long");
    } else if name.chars().any(char::is_control) {
        p.add("name", "err.invalid_chars");
    }
    p.into_result()?;
    Ok(name.to_string())
}

/// The caller's collections with how many of their assets the caller can see now.
pub async fn list(db: &Db, caller: &Caller) -> Result<Vec<Collection>, AppError> {
    let aud = audience(db, caller).await?;
    let mut sql = crate::server::sql::Sql::default();
    let cond = super::visibility::visible(&aud, &mut sql);
    let user = sql.bind(crate::server::sql::Bind::I(caller.user_id));
    sql.push(&format!(
        "SELECT c.id, c.name, \
         (SELECT COUNT(*) FROM asset_collection_items i JOIN assets a ON a.id = i.asset_id \
          WHERE i.collection_id = c.id AND {cond}) AS n \
         FROM asset_collections c WHERE c.user_id = {user} ORDER BY LOWER(c.name), c.id"
    ));
    sql.query()
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(|r| {
            Ok(Collection {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                items: r.try_get("n")?,
                contains: false,
            })
        })
        .collect()
}

/// Creates a collection for the caller, and adds `first_asset` to it when given.
pub async fn create(
    db: &Db,
    caller: &Caller,
    name: &str,
    first_asset: Option<i64>,
) -> Result<i64, AppError> {
    let name = validate_name(name)?;
    if let Some(asset) = first_asset {
        visible_row(db, &audience(db, caller).await?, asset).await?;
    }
    let mut tx = db.pool.begin().await?;
    let (count, same): (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN LOWER(name) = LOWER($2) THEN 1 ELSE 0 END), 0) \
         FROM asset_collections WHERE user_id = $1",
    )
    .bind(caller.user_id)
    .bind(&name)
    .fetch_one(&mut *tx)
    .await?;
    if same > 0 {
        return Err(AppError::field("name", "err.collection_exists"));
    }
    if count >= MAX_COLLECTIONS {
        return Err(AppError::field("name", "err.collection_limit"));
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO asset_collections (user_id, name, created_at) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(caller.user_id)
    .bind(&name)
    .bind(now())
    .fetch_one(&mut *tx)
    .await
    // Two tabs creating the same name at once: the unique index decides.
    .map_err(|e| match e {
        sqlx::Error::Database(d) if d.is_unique_violation() => {
            AppError::field("name", "err.collection_exists")
        }
        e => e.into(),
    })?;
    if let Some(asset) = first_asset {
        sqlx::query(
            "INSERT INTO asset_collection_items (collection_id, asset_id, added_at) VALUES ($1, $2, $3)",
        )
        .bind(id)
        .bind(asset)
        .bind(now())
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(id)
}

/// The collection if it is the caller's; otherwise "not found", as if it did not exist.
pub async fn owned(db: &Db, caller: &Caller, id: i64) -> Result<String, AppError> {
    sqlx::query_scalar("SELECT name FROM asset_collections WHERE id = $1 AND user_id = $2")
        .bind(id)
        .bind(caller.user_id)
        .fetch_optional(&db.pool)
        .await?
        .ok_or(AppError::NotFound)
}

/// Deletes one of the caller's collections (the assets stay in the library).
pub async fn delete(db: &Db, caller: &Caller, id: i64) -> Result<(), AppError> {
    owned(db, caller, id).await?;
    let mut tx = db.pool.begin().await?;
    sqlx::query("DELETE FROM asset_collection_items WHERE collection_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM asset_collections WHERE id = $1 AND user_id = $2")
        .bind(id)
        .bind(caller.user_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Puts an asset the caller can see into one of their collections, or takes it out.
pub async fn set_item(
    db: &Db,
    caller: &Caller,
    collection: i64,
    asset: i64,
    on: bool,
) -> Result<(), AppError> {
    owned(db, caller, collection).await?;
    visible_row(db, &audience(db, caller).await?, asset).await?;
    if on {
        // Adding twice (two tabs, a double tap) keeps the first and is not an error.
        sqlx::query(
            "INSERT INTO asset_collection_items (collection_id, asset_id, added_at) VALUES ($1, $2, $3) \
             ON CONFLICT (collection_id, asset_id) DO NOTHING",
        )
        .bind(collection)
        .bind(asset)
        .bind(now())
        .execute(&db.pool)
        .await?;
    } else {
        sqlx::query(
            "DELETE FROM asset_collection_items WHERE collection_id = $1 AND asset_id = $2",
        )
        .bind(collection)
        .bind(asset)
        .execute(&db.pool)
        .await?;
    }
    Ok(())
}

/// The caller's collections, each saying whether it holds `asset` (for the asset page).
pub async fn for_asset(db: &Db, caller: &Caller, asset: i64) -> Result<Vec<Collection>, AppError> {
    let rows = sqlx::query(
        "SELECT c.id, c.name, \
         (SELECT COUNT(*) FROM asset_collection_items i WHERE i.collection_id = c.id AND i.asset_id = $2) AS has \
         FROM asset_collections c WHERE c.user_id = $1 ORDER BY LOWER(c.name), c.id",
    )
    .bind(caller.user_id)
    .bind(asset)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Collection {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                items: 0,
                contains: r.try_get::<i64, _>("has")? > 0,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_checked() {
        assert_eq!(
            validate_name("  Acme kit ").ok().as_deref(),
            Some("Acme kit")
        );
        for bad in ["", "   ", "a\u{7}b", &"x".repeat(MAX_NAME + 1)] {
            let e = validate_name(bad).expect_err(bad);
            assert!(!e.field_messages("name").is_empty(), "{bad:?}");
        }
        assert!(validate_name(&"é".repeat(MAX_NAME)).is_ok());
    }
}
