//! Pipeline files: CSV parsing and row validation, every problem reported with its line.

use super::pipeline::COLUMNS;
use super::{Customer, PipelineRow, RowError};

fn check_len(errors: &mut Vec<RowError>, line: usize, field: &str, value: &str, max: usize) {
    if value.chars().count() > max {
        errors.push(RowError {
            line,
            field: field.into(),
            message: format!("longer than {max} characters"),
        });
    }
    if value.chars().any(|c| c.is_control()) {
        errors.push(RowError {
            line,
            field: field.into(),
            message: "contains control characters".into(),
        });
    }
}

/// The most characters each pipeline column may hold (the API's schema states the same).
pub const CELL_LIMITS: [(&str, usize); 10] = [
    ("external_id", 64),
    ("company", 200),
    ("domain", 255),
    ("street", 200),
    ("city", 100),
    ("region", 100),
    ("postcode", 20),
    ("country", 56),
    ("phone", 40),
    ("contact_email", 254),
];

/// A row's value of one of the [`CELL_LIMITS`] columns.
fn cell<'a>(r: &'a PipelineRow, column: &str) -> &'a str {
    let c = &r.customer;
    match column {
        "external_id" => &r.external_id,
        "company" => &c.company,
        "domain" => &c.domain,
        "street" => &c.street,
        "city" => &c.city,
        "region" => &c.region,
        "postcode" => &c.postcode,
        "country" => &c.country,
        "phone" => &c.phone,
        "contact_email" => &c.contact_email,
        _ => "",
    }
}

/// Validates rows; every problem is reported, with its line.
pub fn validate(rows: &[PipelineRow], first_line: usize) -> Vec<RowError> {
    let mut errors = Vec::new();
    let mut seen = std::collections::HashMap::new();
    for (i, r) in rows.iter().enumerate() {
        let line = first_line + i;
        if r.external_id.trim().is_empty() {
            errors.push(RowError {
                line,
                field: "external_id".into(),
                message: "is required".into(),
            });
        } else if let Some(prev) = seen.insert(r.external_id.trim().to_string(), line) {
            errors.push(RowError {
                line,
                field: "external_id".into(),
                message: format!("repeats line {prev}"),
            });
        }
        if r.customer.company.trim().is_empty() {
            errors.push(RowError {
                line,
                field: "company".into(),
                message: "is required".into(),
            });
        }
        for (field, max) in CELL_LIMITS {
            check_len(&mut errors, line, field, cell(r, field), max);
        }
    }
    errors
}

/// Parses a pipeline CSV. The header must name the columns (any order; extra columns are
/// refused so a mistyped header is caught). Errors are per line.
pub fn parse_csv(data: &[u8]) -> Result<Vec<PipelineRow>, Vec<RowError>> {
    let mut rdr = csv::ReaderBuilder::new().flexible(false).from_reader(data);
    let headers = match rdr.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            return Err(vec![RowError {
                line: 1,
                field: "header".into(),
                message: e.to_string(),
            }]);
        }
    };
    let mut errors = Vec::new();
    let mut pos = [usize::MAX; 10];
    for (i, h) in headers.iter().enumerate() {
        match COLUMNS
            .iter()
            .position(|c| *c == h.trim().trim_start_matches('\u{feff}'))
        {
            Some(p) => pos[p] = i,
            None => errors.push(RowError {
                line: 1,
                field: h.to_string(),
                message: format!("unknown column; expected {}", COLUMNS.join(", ")),
            }),
        }
    }
    for (p, c) in COLUMNS.iter().enumerate().take(2) {
        if pos[p] == usize::MAX {
            errors.push(RowError {
                line: 1,
                field: (*c).into(),
                message: "column is missing".into(),
            });
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut rows = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let line = i + 2;
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                errors.push(RowError {
                    line,
                    field: "row".into(),
                    message: e.to_string(),
                });
                continue;
            }
        };
        let get = |p: usize| {
            if pos[p] == usize::MAX {
                String::new()
            } else {
                rec.get(pos[p]).unwrap_or_default().trim().to_string()
            }
        };
        rows.push(PipelineRow {
            external_id: get(0),
            customer: Customer {
                company: get(1),
                domain: get(2),
                street: get(3),
                city: get(4),
                region: get(5),
                postcode: get(6),
                country: get(7),
                phone: get(8),
                contact_email: get(9),
            },
        });
    }
    errors.extend(validate(&rows, 2));
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}
