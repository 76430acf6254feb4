//! Building SQL for both backends: `$n` placeholders numbered as binds are added, `LIKE`
//! patterns, and multi-row `VALUES` lists. The one place queries are assembled from parts.

/// Values bound to a built query, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Bind {
    I(i64),
    S(String),
}

/// A query under construction: SQL text and its binds, numbering `$n` as it goes.
#[derive(Debug, Default)]
pub struct Sql {
    pub text: String,
    pub binds: Vec<Bind>,
}

impl Sql {
    /// Adds a bind and returns its placeholder.
    pub fn bind(&mut self, b: Bind) -> String {
        self.binds.push(b);
        format!("${}", self.binds.len())
    }

    /// Binds every id and returns their placeholders, comma-separated (for `IN (…)`).
    pub fn bind_ids(&mut self, ids: &[i64]) -> String {
        ids.iter()
            .map(|id| self.bind(Bind::I(*id)))
            .collect::<Vec<_>>()
            .join(", ")
    }

    pub fn push(&mut self, s: &str) {
        self.text.push_str(s);
    }

    pub fn query(&self) -> sqlx::query::Query<'_, sqlx::Any, sqlx::any::AnyArguments<'_>> {
        let mut q = sqlx::query(&self.text);
        for b in &self.binds {
            q = match b {
                Bind::I(i) => q.bind(*i),
                Bind::S(s) => q.bind(s.as_str()),
            };
        }
        q
    }
}

/// `$1, $2, …, $n`: placeholders for an `IN (…)` list bound in order.
pub fn numbered(n: usize) -> String {
    (1..=n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Placeholders for a multi-row `VALUES` list: `($1, $2), ($3, $4)` for 2 rows of 2.
pub fn value_rows(rows: usize, cols: usize) -> String {
    (0..rows)
        .map(|r| {
            let cells: Vec<String> = (0..cols)
                .map(|c| format!("${}", r * cols + c + 1))
                .collect();
            format!("({})", cells.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Escapes `%`, `_` and `\` for a `LIKE … ESCAPE '\'` pattern and wraps it in `%…%`.
pub fn like_pattern(needle: &str) -> String {
    let mut s = String::from("%");
    for c in needle.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            s.push('\\');
        }
        s.push(c);
    }
    s.push('%');
    s
}
