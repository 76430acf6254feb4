//! The pipeline and its matching index, on both backends.

mod common;

use app::deals::pipeline::{PipelineRow, check, index_registration, parse_csv, upsert};
use app::deals::{Customer, Verdict};
use common::{Backend, spawn_app};

fn row(
    id: &str,
    company: &str,
    domain: &str,
    phone: &str,
    postcode: &str,
    street: &str,
) -> PipelineRow {
    PipelineRow {
        external_id: id.into(),
        customer: Customer {
            company: company.into(),
            domain: domain.into(),
            phone: phone.into(),
            postcode: postcode.into(),
            street: street.into(),
            city: "Berlin".into(),
            country: "DE".into(),
            ..Default::default()
        },
    }
}

async fn checks_find_variants_with_reasons_and_follow_updates(b: Backend) {
    let app = spawn_app(b).await;
    let rows = vec![
        row(
            "P1",
            "Falcon Bright Networks KG",
            "falconbright.de",
            "+49 30 1234 5678",
            "10830",
            "9549 Oak Road",
        ),
        row(
            "P2",
            "Sage Consulting GmbH",
            "sageconsulting.de",
            "+49 30 9999 0000",
            "10115",
            "1 Linden Street",
        ),
        row(
            "P3",
            "Lumen Ventures AG",
            "lumen.de",
            "",
            "10117",
            "5 Elm Lane",
        ),
    ];
    let stats = upsert(&app.db, &rows, |_| {}).await.expect("import");
    assert_eq!((stats.inserted, stats.updated), (3, 0));

    let variant = Customer {
        company: "FALCON BRIGHT NETWORKS K.G.".into(),
        domain: "https://www.falconbright.de".into(),
        phone: "493012345678".into(),
        city: "BERLIN".into(),
        country: "DE".into(),
        ..Default::default()
    };
    let r = check(&app.db, &variant, None).await.expect("check");
    assert_eq!(r.verdict, Verdict::Conflict);
    assert_eq!(r.matches.len(), 1, "{r:?}");
    assert_eq!(r.matches[0].external_id.as_deref(), Some("P1"));
    let codes: Vec<&str> = r.matches[0]
        .reasons
        .iter()
        .map(|x| x.code.as_str())
        .collect();
    assert!(
        codes.contains(&"match.domain_equal")
            && codes.contains(&"match.phone")
            && codes.contains(&"match.name_exact_shared"),
        "{codes:?}"
    );

    let unknown = Customer {
        company: "Quantum Pharma Ltd".into(),
        country: "GB".into(),
        ..Default::default()
    };
    assert_eq!(
        check(&app.db, &unknown, None).await.expect("check").verdict,
        Verdict::Clear
    );

    // Re-importing an external_id updates the record and re-files it in the index.
    let moved = vec![row(
        "P1",
        "Quantum Pharma GmbH",
        "quantum-pharma.de",
        "",
        "80331",
        "2 Isar Street",
    )];
    let stats = upsert(&app.db, &moved, |_| {}).await.expect("re-import");
    assert_eq!((stats.inserted, stats.updated), (0, 1));
    let r = check(&app.db, &variant, None).await.expect("check");
    assert!(
        r.matches
            .iter()
            .all(|m| m.external_id.as_deref() != Some("P1")),
        "old index keys are gone: {r:?}"
    );
    let r = check(
        &app.db,
        &Customer {
            company: "Quantum Pharma".into(),
            domain: "quantum-pharma.de".into(),
            ..Default::default()
        },
        None,
    )
    .await
    .expect("check");
    assert_eq!(r.matches[0].external_id.as_deref(), Some("P1"));
    let n = app
        .scalar(
            "SELECT COUNT(*) FROM pipeline_records WHERE external_id LIKE $1",
            "P%",
        )
        .await;
    assert_eq!(n, 3);
}

async fn malformed_files_import_nothing(b: Backend) {
    let app = spawn_app(b).await;
    let errors = parse_csv(b"external_id,company\nP1,Acme\nP2\n").expect_err("ragged row");
    assert_eq!(errors[0].line, 3);
    let errors =
        parse_csv("external_id,company\nP1,Bad\u{7}Name\n".as_bytes()).expect_err("control char");
    assert_eq!(errors[0].field, "company");
    let long = format!("external_id,company\nP1,{}\n", "x".repeat(300));
    assert!(parse_csv(long.as_bytes()).is_err());
    // A bad row in the middle of a batch: nothing at all is written.
    let mut rows: Vec<PipelineRow> = (0..10)
        .map(|i| row(&format!("P{i}"), "Acme Corp", "", "", "", ""))
        .collect();
    rows[5].customer.company = String::new();
    let keys_before = app
        .scalar("SELECT COUNT(*) FROM match_keys WHERE kind <> $1", "")
        .await;
    assert!(upsert(&app.db, &rows, |_| {}).await.is_err());
    let n = app
        .scalar(
            "SELECT COUNT(*) FROM pipeline_records WHERE external_id LIKE $1",
            "P%",
        )
        .await;
    assert_eq!(n, 0);
    let k = app
        .scalar("SELECT COUNT(*) FROM match_keys WHERE kind <> $1", "")
        .await;
    assert_eq!(k, keys_before);
}

/// A submitted registration is in the index itself. Re-checking it (the review page) must
/// not count its own name and domain, or with term frequencies on (1,000+ records) every
/// value it carries reads as shared with one more company, and a real conflict fades.
async fn a_registration_rechecked_does_not_count_its_own_values(b: Backend) {
    let app = spawn_app(b).await;
    let mut rows: Vec<PipelineRow> = (0..1200)
        .map(|i| {
            row(
                &format!("F{i}"),
                &format!("Filler{i} Logistics"),
                &format!("filler{i}.example"),
                "",
                "",
                "",
            )
        })
        .collect();
    rows.push(row(
        "P-QZ",
        "Quokkazebra Health GmbH",
        "quokkazebra-health.de",
        "+49 30 5555 0101",
        "10115",
        "1 Spree Way",
    ));
    upsert(&app.db, &rows, |_| {}).await.expect("import");
    let customer = Customer {
        company: "Quokkazebra Health".into(),
        domain: "quokkazebra-health.de".into(),
        city: "Berlin".into(),
        country: "DE".into(),
        ..Default::default()
    };
    let quokka = |r: &app::deals::pipeline::CheckResult| {
        r.matches
            .iter()
            .find(|m| m.external_id.as_deref() == Some("P-QZ"))
            .map(|m| (m.score, m.reasons.clone()))
    };
    let before = check(&app.db, &customer, None).await.expect("check");
    let (score, reasons) = quokka(&before).expect("the pipeline record is a match");
    assert_eq!(before.verdict, Verdict::Conflict, "{before:?}");
    let counts = |reasons: &[app::deals::Reason]| -> Vec<String> {
        reasons
            .iter()
            .flat_map(|x| x.args.iter())
            .filter(|(k, _)| k == "n")
            .map(|(_, v)| v.clone())
            .collect()
    };
    assert!(
        !counts(&reasons).is_empty(),
        "TF counts are shown: {reasons:?}"
    );
    assert!(counts(&reasons).iter().all(|n| n == "1"), "{reasons:?}");

    // Submitted: the registration is filed in the index under the same values.
    let mut conn = app.db.pool.acquire().await.expect("conn");
    index_registration(&mut conn, 4242, &customer)
        .await
        .expect("index");
    drop(conn);
    let rechecked = check(&app.db, &customer, Some(4242)).await.expect("check");
    assert_eq!(rechecked.verdict, Verdict::Conflict, "{rechecked:?}");
    let (again, reasons_again) = quokka(&rechecked).expect("still listed");
    assert_eq!(again, score, "same evidence, same probability");
    assert_eq!(counts(&reasons_again), counts(&reasons));
    assert!(
        rechecked
            .matches
            .iter()
            .all(|m| !(m.kind == "registration" && m.id == 4242)),
        "a registration is not its own conflict"
    );

    // Another company checked against the same index does see the registration's values:
    // the name and domain are now carried by two records.
    let other = check(&app.db, &customer, None).await.expect("check");
    let (_, reasons_other) = quokka(&other).expect("listed");
    assert!(
        counts(&reasons_other).iter().any(|n| n == "2"),
        "{reasons_other:?}"
    );
}

both_backends!(
    checks_find_variants_with_reasons_and_follow_updates,
    malformed_files_import_nothing,
    a_registration_rechecked_does_not_count_its_own_values
);
