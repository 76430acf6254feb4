//! A partner's own contacts: private to the partner, each with its consent and where it
//! came from; added one by one or imported from CSV with a preview of every row.

use super::service::line;
use super::store::{self, NewContact};
use super::{Contact, ContactInput};
use crate::auth::Caller;
use crate::domain::Email;
use crate::error::{AppError, Problems};
use crate::policy::Action;
use crate::server::db::Db;

/// Checks a contact; `field` prefixes each field's name (`rows.3.` in an import).
pub fn validate_contact(input: &ContactInput, prefix: &str) -> Result<NewContact, AppError> {
    let mut p = Problems::new();
    let f = |n: &str| format!("{prefix}{n}");
    let email = Email::parse(&input.email)
        .map(|e| e.as_str().to_string())
        .unwrap_or_else(|k| {
            p.add(&f("email"), k);
            String::new()
        });
    let first_name = line(&mut p, &f("first_name"), &input.first_name, 100);
    let last_name = line(&mut p, &f("last_name"), &input.last_name, 100);
    let company = line(&mut p, &f("company"), &input.company, 160);
    let source = input.consent_source.trim();
    let consent_source = if source.is_empty() {
        "manual".to_string()
    } else if matches!(source, "manual" | "import" | "api" | "form") {
        source.to_string()
    } else {
        p.add(&f("consent_source"), "err.choice_invalid");
        String::new()
    };
    let mut tags: Vec<String> = Vec::new();
    for t in input.tags.iter().take(20) {
        let t = t.trim().to_lowercase();
        if t.is_empty() || t.len() > 40 || t.contains(',') || t.chars().any(char::is_control) {
            p.add(&f("tags"), "err.tag_invalid");
        } else if !tags.contains(&t) {
            tags.push(t);
        }
    }
    p.into_result()?;
    Ok(NewContact {
        email,
        first_name,
        last_name,
        company,
        consent: input.consent,
        consent_source,
        tags: if tags.is_empty() {
            String::new()
        } else {
            format!(",{},", tags.join(","))
        },
    })
}

/// Adds a contact to the caller's organisation (or updates the one with that address).
pub async fn save_contact(
    db: &Db,
    c: &Caller,
    input: &ContactInput,
    now: i64,
) -> Result<i64, AppError> {
    c.require(Action::LaunchCampaigns)?;
    let contact = validate_contact(input, "")?;
    store::upsert_contact(db, c.org_id, &contact, now).await
}

/// One contact of the caller's organisation; another's is not found.
pub async fn get_contact(db: &Db, c: &Caller, id: i64) -> Result<Contact, AppError> {
    c.require(Action::LaunchCampaigns)?;
    store::contact(db, c.org_id, id)
        .await?
        .map(Contact::from)
        .ok_or(AppError::NotFound)
}

/// Changes a contact of the caller's organisation (its address too, unless another
/// contact has it). A contact who unsubscribed stays unsubscribed.
pub async fn update_contact(
    db: &Db,
    c: &Caller,
    id: i64,
    input: &ContactInput,
    now: i64,
) -> Result<(), AppError> {
    c.require(Action::LaunchCampaigns)?;
    // Another partner's contact is not found, whatever the input.
    if store::contact(db, c.org_id, id).await?.is_none() {
        return Err(AppError::NotFound);
    }
    let contact = validate_contact(input, "")?;
    if !store::update_contact(db, c.org_id, id, &contact, now).await? {
        return Err(AppError::NotFound);
    }
    Ok(())
}

/// Forgets a contact of the caller's organisation: its name and address are erased (its
/// sends stay counted in the results, naming nobody). Another's is not found.
pub async fn delete_contact(db: &Db, c: &Caller, id: i64, now: i64) -> Result<(), AppError> {
    c.require(Action::LaunchCampaigns)?;
    if !store::erase_contact(db, c.org_id, id, now).await? {
        return Err(AppError::NotFound);
    }
    Ok(())
}

/// The caller's organisation's contacts; nobody else's, ever.
pub async fn list_contacts(db: &Db, c: &Caller) -> Result<Vec<Contact>, AppError> {
    c.require(Action::LaunchCampaigns)?;
    Ok(store::contacts(db, c.org_id, None)
        .await?
        .into_iter()
        .map(Contact::from)
        .collect())
}

/// At most this many contacts in one import.
pub const MAX_IMPORT_ROWS: usize = 5_000;

/// Reads a consent cell: yes/no, true/false, 1/0, y/n (any case); empty is no.
fn consent_cell(raw: &str) -> Result<bool, &'static str> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "yes" | "y" | "true" | "1" | "ja" => Ok(true),
        "" | "no" | "n" | "false" | "0" | "nein" => Ok(false),
        _ => Err("err.consent_cell"),
    }
}

/// Imports contacts from CSV (columns by header, any order and case: email, first_name,
/// last_name, company, consent, tags separated by `;`). With `commit` false nothing is
/// saved and every row says whether it can be; with `commit` true the good rows are saved
/// (an address already there is updated) and the bad ones reported.
pub async fn import_contacts(
    db: &Db,
    c: &Caller,
    csv_text: &str,
    commit: bool,
    now: i64,
) -> Result<super::ContactImport, AppError> {
    c.require(Action::LaunchCampaigns)?;
    if csv_text.len() > 2_000_000 {
        return Err(AppError::field("csv", "err.file_too_large"));
    }
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(csv_text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|_| AppError::field("csv", "err.csv_unreadable"))?
        .iter()
        .map(|h| h.trim().to_ascii_lowercase().replace([' ', '-'], "_"))
        .collect();
    let col = |name: &str| headers.iter().position(|h| h == name);
    let Some(email_col) = col("email") else {
        return Err(AppError::field("csv", "err.csv_no_email"));
    };
    let (first, last, company, consent, tags) = (
        col("first_name"),
        col("last_name"),
        col("company"),
        col("consent"),
        col("tags"),
    );
    let mut rows = Vec::new();
    let mut good = Vec::new();
    for (n, record) in reader.records().enumerate() {
        if n >= MAX_IMPORT_ROWS {
            return Err(AppError::field("csv", "err.too_many"));
        }
        let line = n as i64 + 2;
        let Ok(record) = record else {
            rows.push(super::ImportRow {
                line,
                email: String::new(),
                name: String::new(),
                consent: false,
                errors: vec![("row".into(), "err.csv_unreadable".into())],
            });
            continue;
        };
        let cell = |i: Option<usize>| i.and_then(|i| record.get(i)).unwrap_or("").to_string();
        let mut errors: Vec<(String, String)> = Vec::new();
        let consent_value = consent_cell(&cell(consent)).unwrap_or_else(|k| {
            errors.push(("consent".into(), k.into()));
            false
        });
        let input = ContactInput {
            email: cell(Some(email_col)),
            first_name: cell(first),
            last_name: cell(last),
            company: cell(company),
            consent: consent_value,
            consent_source: "import".into(),
            tags: cell(tags)
                .split(';')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_string)
                .collect(),
        };
        match validate_contact(&input, "") {
            Ok(v) if errors.is_empty() => good.push(v),
            Ok(_) => {}
            Err(AppError::Validation(map)) => {
                for (field, keys) in map {
                    for k in keys {
                        errors.push((field.clone(), k));
                    }
                }
            }
            Err(e) => return Err(e),
        }
        rows.push(super::ImportRow {
            line,
            email: input.email.chars().take(254).collect(),
            name: format!("{} {}", input.first_name, input.last_name)
                .trim()
                .chars()
                .take(200)
                .collect(),
            consent: consent_value,
            errors,
        });
    }
    let invalid = rows.iter().filter(|r| !r.errors.is_empty()).count() as i64;
    let mut saved = 0;
    if commit {
        for contact in &good {
            store::upsert_contact(db, c.org_id, contact, now).await?;
            saved += 1;
        }
    }
    Ok(super::ContactImport {
        valid: good.len() as i64,
        invalid,
        saved,
        rows,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn contacts_refuse_header_injection() {
        let bad = ContactInput {
            email: "ada@example.com\r\nBcc: x@evil.example".into(),
            first_name: "Ada\r\nBcc: x".into(),
            ..Default::default()
        };
        let AppError::Validation(m) = validate_contact(&bad, "").unwrap_err() else {
            panic!()
        };
        assert!(
            m.contains_key("email") && m.contains_key("first_name"),
            "{m:?}"
        );
    }

    #[test]
    fn consent_cells() {
        assert_eq!(consent_cell("Yes"), Ok(true));
        assert_eq!(consent_cell(" 1 "), Ok(true));
        assert_eq!(consent_cell(""), Ok(false));
        assert_eq!(consent_cell("maybe"), Err("err.consent_cell"));
    }
}
