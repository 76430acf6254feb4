//! Keyset pagination for list pages, on both backends: a page is "the rows after (or
//! before) this row in this order", found by the sort key and the id, never by `OFFSET`, so
//! the hundredth page costs what the first does and rows added meanwhile do not shift it.
//!
//! A cursor is the boundary row's id and sort key, written `<id>.t<hex of text>` or
//! `<id>.i<number>`. It is opaque to the browser and checked on the way in: a forged or
//! stale one is a clear field error, never a server error.

use super::sql::{Bind, Sql};
use crate::error::AppError;
use crate::ui::{COUNT_CAP, MAX_PAGE_SIZE, PAGE_SIZE, Page, PageRequest};

/// What a sort expression yields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    Int,
    Text,
}

/// A column a list may be sorted by.
#[derive(Debug, Clone, Copy)]
pub struct SortColumn {
    /// Its name in the address (`sort=`).
    pub code: &'static str,
    /// Its SQL expression; it must never be NULL (wrap it in `COALESCE`).
    pub expr: &'static str,
    pub kind: KeyKind,
    /// Its natural direction: descending for dates and amounts, ascending for names.
    pub desc: bool,
}

/// A sort key read from a row or a cursor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Key {
    I(i64),
    S(String),
}

impl From<Key> for Bind {
    fn from(k: Key) -> Bind {
        match k {
            Key::I(i) => Bind::I(i),
            Key::S(s) => Bind::S(s),
        }
    }
}

/// The page a request asks for, checked against the list's sort columns.
#[derive(Debug, Clone)]
pub struct Keyset {
    col: SortColumn,
    desc: bool,
    id_expr: &'static str,
    cursor: Option<(Key, i64)>,
    backward: bool,
    size: i64,
}

impl Keyset {
    /// Checks `req` against `columns` (the first is the default). `id_expr` is the unique
    /// id that breaks ties, e.g. `o.id`.
    pub fn new(
        columns: &[SortColumn],
        id_expr: &'static str,
        req: &PageRequest,
    ) -> Result<Self, AppError> {
        let col = if req.sort.is_empty() {
            columns[0]
        } else {
            *columns
                .iter()
                .find(|c| c.code == req.sort)
                .ok_or_else(|| AppError::field("sort", "err.page_link"))?
        };
        let desc = match req.dir.as_str() {
            "" => col.desc,
            "a" => false,
            "d" => true,
            _ => return Err(AppError::field("dir", "err.page_link")),
        };
        if !req.after.is_empty() && !req.before.is_empty() {
            return Err(AppError::field("after", "err.page_link"));
        }
        let (raw, field, backward) = if req.before.is_empty() {
            (&req.after, "after", false)
        } else {
            (&req.before, "before", true)
        };
        let cursor = if raw.is_empty() {
            None
        } else {
            Some(decode(raw, col.kind).ok_or_else(|| AppError::field(field, "err.page_link"))?)
        };
        let size = match req.size {
            0 => PAGE_SIZE,
            n if (1..=MAX_PAGE_SIZE).contains(&n) => n,
            _ => return Err(AppError::field("size", "err.out_of_range")),
        };
        Ok(Keyset {
            col,
            desc,
            id_expr,
            cursor,
            backward,
            size,
        })
    }

    /// The first `size` rows in the list's default order (for callers other than a list
    /// page, e.g. a REST list; `size` is theirs to choose).
    pub fn first(columns: &[SortColumn], id_expr: &'static str, size: i64) -> Self {
        Keyset {
            col: columns[0],
            desc: columns[0].desc,
            id_expr,
            cursor: None,
            backward: false,
            size,
        }
    }

    /// The sort expression, for the select list (`AS sort_key`) of the page query.
    pub fn key_expr(&self) -> &'static str {
        self.col.expr
    }

    /// The sort key of a row that selected `key_expr()` as `sort_key`.
    pub fn key_of(&self, row: &sqlx::any::AnyRow) -> Result<Key, sqlx::Error> {
        use sqlx::Row;
        Ok(match self.col.kind {
            KeyKind::Int => Key::I(row.try_get("sort_key")?),
            KeyKind::Text => Key::S(row.try_get("sort_key")?),
        })
    }

    /// Appends ` AND (…)`: the rows beyond the cursor, if there is one.
    pub fn push_condition(&self, sql: &mut Sql) {
        let Some((key, id)) = &self.cursor else {
            return;
        };
        // Forward in ascending order means greater; each of descending and backward flips.
        // A row-value comparison: both backends walk an index on (key, id) from the cursor
        // instead of filtering every row before it.
        let op = if self.desc == self.backward { ">" } else { "<" };
        let k = sql.bind(key.clone().into());
        let i = sql.bind(Bind::I(*id));
        let (e, ide) = (self.col.expr, self.id_expr);
        sql.push(&format!(" AND ({e}, {ide}) {op} ({k}, {i})"));
    }

    /// Counts the matches (capped) and fetches this page's rows, in query order.
    /// `filter` holds the conditions after `WHERE`, with their binds; `count_from` is the
    /// `FROM …` the count needs, `select` the `SELECT … FROM …` of the page, whose select
    /// list names `key_expr()` as `sort_key`.
    pub async fn fetch(
        &self,
        db: &super::db::Db,
        count_from: &str,
        select: &str,
        filter: Sql,
    ) -> Result<(Vec<sqlx::any::AnyRow>, i64), AppError> {
        let total = capped_count(db, count_from, &filter).await?;
        let mut page = Sql {
            text: format!("{select} WHERE {}", filter.text),
            binds: filter.binds,
        };
        self.push_condition(&mut page);
        self.push_order_limit(&mut page);
        Ok((page.query().fetch_all(&db.pool).await?, total))
    }

    /// Like [`Keyset::fetch`], for a filter that is one of several disjoint `branches` (SQL
    /// conditions without binds, e.g. one status each). `filter` writes the conditions all
    /// branches share. Each branch reads its own first page in this order, through the index
    /// on (its column, sort key, id), and the page is the first rows of their merge: with
    /// `status IN (a, b)` instead, both backends sort every matching row to show a page.
    pub async fn fetch_union(
        &self,
        db: &super::db::Db,
        count_from: &str,
        select: &str,
        filter: impl Fn(&mut Sql),
        branches: &[&str],
    ) -> Result<(Vec<sqlx::any::AnyRow>, i64), AppError> {
        let mut any_branch = Sql::default();
        filter(&mut any_branch);
        any_branch.push(&format!(" AND ({})", branches.join(" OR ")));
        let total = capped_count(db, count_from, &any_branch).await?;
        let mut page = Sql::default();
        page.push("SELECT * FROM (");
        for (n, branch) in branches.iter().enumerate() {
            if n > 0 {
                page.push(" UNION ALL ");
            }
            page.push(&format!("SELECT * FROM ({select} WHERE "));
            filter(&mut page);
            page.push(&format!(" AND {branch}"));
            self.push_condition(&mut page);
            self.push_order_limit(&mut page);
            page.push(&format!(") AS branch{n}"));
        }
        // The merge orders by the select list's names: the key and the id column.
        let id = self.id_expr.rsplit('.').next().unwrap_or(self.id_expr);
        let dir = self.direction();
        page.push(&format!(
            ") AS merged ORDER BY sort_key {dir}, {id} {dir} LIMIT {}",
            self.size + 1
        ));
        Ok((page.query().fetch_all(&db.pool).await?, total))
    }

    fn direction(&self) -> &'static str {
        if self.desc != self.backward {
            "DESC"
        } else {
            "ASC"
        }
    }

    /// Appends the order and the limit (one row more than a page, to know if there is
    /// a next one).
    pub fn push_order_limit(&self, sql: &mut Sql) {
        let dir = self.direction();
        sql.push(&format!(
            " ORDER BY {e} {dir}, {i} {dir} LIMIT {n}",
            e = self.col.expr,
            i = self.id_expr,
            n = self.size + 1
        ));
    }

    /// The page from the rows the query returned, in query order; `key` gives a row's sort
    /// key and id; `total` is the capped count of matches.
    pub fn page<T>(&self, mut rows: Vec<T>, key: impl Fn(&T) -> (Key, i64), total: i64) -> Page<T> {
        let beyond = rows.len() as i64 > self.size;
        rows.truncate(self.size as usize);
        if self.backward {
            rows.reverse();
        }
        let first = rows.first().map(|r| encode(key(r)));
        let last = rows.last().map(|r| encode(key(r)));
        let (prev, next) = match (self.cursor.is_some(), self.backward) {
            (false, _) => (None, if beyond { last } else { None }),
            (true, false) => (first, if beyond { last } else { None }),
            (true, true) => (if beyond { first } else { None }, last),
        };
        Page {
            rows,
            total: total.min(COUNT_CAP),
            more: total > COUNT_CAP,
            prev,
            next,
            sort: self.col.code.to_string(),
            desc: self.desc,
        }
    }
}

/// A row's sort key as a cursor.
pub fn encode((key, id): (Key, i64)) -> String {
    match key {
        Key::I(n) => format!("{id}.i{n}"),
        Key::S(s) => {
            let hex: String = s.bytes().map(|b| format!("{b:02x}")).collect();
            format!("{id}.t{hex}")
        }
    }
}

/// A cursor's key and id, if it is well formed for a key of `kind`.
fn decode(raw: &str, kind: KeyKind) -> Option<(Key, i64)> {
    if raw.len() > 2_000 {
        return None;
    }
    let (id, rest) = raw.split_once('.')?;
    let id: i64 = id.parse().ok()?;
    let key = match (kind, rest.split_at_checked(1)?) {
        (KeyKind::Int, ("i", n)) => Key::I(n.parse().ok()?),
        (KeyKind::Text, ("t", hex)) => {
            if hex.len() % 2 != 0 {
                return None;
            }
            let bytes = (0..hex.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
                .collect::<Option<Vec<u8>>>()?;
            Key::S(String::from_utf8(bytes).ok()?)
        }
        _ => return None,
    };
    Some((key, id))
}

/// How many rows `filter` matches in `count_from`, counted up to one past `COUNT_CAP`.
async fn capped_count(db: &super::db::Db, count_from: &str, filter: &Sql) -> Result<i64, AppError> {
    use sqlx::Row;
    let count = Sql {
        text: format!(
            "SELECT COUNT(*) FROM (SELECT 1 AS one {count_from} WHERE {} LIMIT {}) capped",
            filter.text,
            COUNT_CAP + 1
        ),
        binds: filter.binds.clone(),
    };
    Ok(count.query().fetch_one(&db.pool).await?.try_get(0)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    const COLS: &[SortColumn] = &[
        SortColumn {
            code: "name",
            expr: "LOWER(o.name)",
            kind: KeyKind::Text,
            desc: false,
        },
        SortColumn {
            code: "users",
            expr: "o.users",
            kind: KeyKind::Int,
            desc: true,
        },
    ];

    fn req(sort: &str, dir: &str, after: &str, before: &str) -> PageRequest {
        PageRequest {
            sort: sort.into(),
            dir: dir.into(),
            after: after.into(),
            before: before.into(),
            size: 0,
        }
    }

    #[test]
    fn cursors_round_trip_and_forgeries_are_field_errors() {
        for k in [
            (Key::S("Müller & Söhne. GmbH".into()), 7),
            (Key::S(String::new()), 1),
            (Key::I(-42), 99),
        ] {
            let c = encode(k.clone());
            let kind = if matches!(k.0, Key::I(_)) {
                KeyKind::Int
            } else {
                KeyKind::Text
            };
            assert_eq!(decode(&c, kind), Some(k));
        }
        for bad in [
            "", "x", "1", "1.", "1.q", "a.t00", "1.tzz", "1.t0", "1.tff", "1.ix",
        ] {
            assert_eq!(decode(bad, KeyKind::Text), None, "{bad}");
            assert_eq!(decode(bad, KeyKind::Int), None, "{bad}");
        }
        // A text cursor on a number column is refused, and the reverse.
        assert_eq!(decode("1.t61", KeyKind::Int), None);
        assert_eq!(decode("1.i5", KeyKind::Text), None);
        for (r, field) in [
            (req("nope", "", "", ""), "sort"),
            (req("", "up", "", ""), "dir"),
            (req("", "", "1.t61", "2.t62"), "after"),
            (req("", "", "garbage", ""), "after"),
            (req("users", "", "", "1.t61"), "before"),
        ] {
            let e = Keyset::new(COLS, "o.id", &r).expect_err(field);
            assert!(!e.field_messages(field).is_empty(), "{field}: {e:?}");
        }
        let big = PageRequest {
            size: MAX_PAGE_SIZE + 1,
            ..PageRequest::default()
        };
        assert!(Keyset::new(COLS, "o.id", &big).is_err());
    }

    #[test]
    fn the_condition_and_order_follow_direction_and_cursor() {
        let mut sql = Sql::default();
        let k = Keyset::new(COLS, "o.id", &req("", "", "", "")).expect("keyset");
        k.push_condition(&mut sql);
        k.push_order_limit(&mut sql);
        assert_eq!(sql.text, " ORDER BY LOWER(o.name) ASC, o.id ASC LIMIT 26");

        let mut sql = Sql::default();
        let k = Keyset::new(COLS, "o.id", &req("users", "", "5.i3", "")).expect("keyset");
        k.push_condition(&mut sql);
        k.push_order_limit(&mut sql);
        assert_eq!(
            sql.text,
            " AND (o.users, o.id) < ($1, $2) ORDER BY o.users DESC, o.id DESC LIMIT 26"
        );
        assert_eq!(sql.binds, vec![Bind::I(3), Bind::I(5)]);

        // Backward from a cursor, ascending: the rows before it, nearest first.
        let mut sql = Sql::default();
        let k = Keyset::new(COLS, "o.id", &req("name", "a", "", "5.t61")).expect("keyset");
        k.push_condition(&mut sql);
        k.push_order_limit(&mut sql);
        assert!(
            sql.text.contains("(LOWER(o.name), o.id) < ($1, $2)"),
            "{}",
            sql.text
        );
        assert!(sql.text.contains("ORDER BY LOWER(o.name) DESC, o.id DESC"));
    }

    #[test]
    fn pages_link_to_their_neighbours() {
        let key = |n: &i64| (Key::I(*n), *n);
        let first = Keyset::new(COLS, "o.id", &req("users", "a", "", "").sized(2)).expect("keyset");
        let p = first.page(vec![1, 2, 3], key, 5);
        assert_eq!(p.rows, vec![1, 2]);
        assert_eq!((p.prev, p.next.as_deref()), (None, Some("2.i2")));

        let mid =
            Keyset::new(COLS, "o.id", &req("users", "a", "2.i2", "").sized(2)).expect("keyset");
        let p = mid.page(vec![3, 4, 5], key, 5);
        assert_eq!(
            (p.prev.as_deref(), p.next.as_deref()),
            (Some("3.i3"), Some("4.i4"))
        );

        let last =
            Keyset::new(COLS, "o.id", &req("users", "a", "4.i4", "").sized(2)).expect("keyset");
        let p = last.page(vec![5], key, 5);
        assert_eq!((p.prev.as_deref(), p.next), (Some("5.i5"), None));

        // Back from the last page: the query returns nearest first, the page reads in order.
        let back =
            Keyset::new(COLS, "o.id", &req("users", "a", "", "5.i5").sized(2)).expect("keyset");
        let p = back.page(vec![4, 3, 2], key, 5);
        assert_eq!(p.rows, vec![3, 4]);
        assert_eq!(
            (p.prev.as_deref(), p.next.as_deref()),
            (Some("3.i3"), Some("4.i4"))
        );
        let p = back.page(vec![2, 1], key, COUNT_CAP + 5);
        assert_eq!((p.rows, p.prev), (vec![1, 2], None));
        assert!(p.more && p.total == COUNT_CAP);
    }
}
