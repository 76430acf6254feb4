//! Content search beyond exact words: a typo anywhere in a word that only a file's text
//! holds, asset kinds found by their names, and the best partial matches (labelled) when
//! no asset holds every word.

mod common;

use common::{Backend, TestApp, spawn_app, upload_pdf};
use serde_json::Value;

async fn find(app: &TestApp, c: &reqwest::Client, q: &str) -> Value {
    common::search_content(app, c, q).await
}

fn ids(r: &Value) -> Vec<i64> {
    r["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|i| i["id"].as_i64())
        .collect()
}

async fn typos_kinds_and_partial_matches(b: Backend) {
    let app = spawn_app(b).await;
    let mk = app.as_user("marketing@acme.example").await;
    let sam = app.as_user("sam@northwind.example").await;
    // The word is only in the file's text, not in the title.
    let body_only = upload_pdf(
        &app,
        &mk,
        "Quarterly field notes",
        "sales_play",
        true,
        "Handling the procurement objection about quantisation budgets.",
    )
    .await;
    // A typo in the middle of that word is corrected, and the correction reported.
    let r = find(&app, &sam, "quantsation").await;
    assert_eq!(ids(&r).first(), Some(&body_only), "{r}");
    assert_eq!(
        r["corrected"][0],
        serde_json::json!(["quantsation", "quantisation"])
    );

    // A kind is found by its name, in English and German, singular and plural.
    let story = upload_pdf(
        &app,
        &mk,
        "Zeppelin logistics story",
        "case_study",
        true,
        "A customer story about hangars.",
    )
    .await;
    for q in [
        "case study",
        "case studies",
        "Fallstudie",
        "case study zeppelin",
    ] {
        let r = find(&app, &sam, q).await;
        assert!(ids(&r).contains(&story), "{q}: {r}");
        assert_eq!(r["kind_from_query"], "case_study", "{q}: {r}");
        assert!(
            r["items"]
                .as_array()
                .expect("items")
                .iter()
                .all(|i| i["kind"] == "case_study"),
            "{q}: {r}"
        );
    }
    // The other words still narrow within the kind.
    let r = find(&app, &sam, "case study zeppelin").await;
    assert_eq!(ids(&r), vec![story], "{r}");

    // No asset holds every word: those holding most come first, each saying which it holds.
    let both = upload_pdf(
        &app,
        &mk,
        "Walrus and narwhal briefing",
        "deck",
        true,
        "Arctic briefing.",
    )
    .await;
    let one = upload_pdf(
        &app,
        &mk,
        "Walrus primer",
        "deck",
        true,
        "Only one of them.",
    )
    .await;
    let r = find(&app, &sam, "walrus narwhal platypus").await;
    assert_eq!(r["partial"], true, "{r}");
    let got = ids(&r);
    assert_eq!(got.first(), Some(&both), "{r}");
    assert!(got.contains(&one), "{r}");
    let first = &r["items"][0]["matched_words"];
    assert_eq!(first, &serde_json::json!(["walrus", "narwhal"]), "{r}");
    // A full match is not labelled partial.
    let r = find(&app, &sam, "walrus narwhal").await;
    assert_eq!(r["partial"], false, "{r}");
    assert_eq!(ids(&r), vec![both], "{r}");
    // Words that match nothing at all find nothing, partial or not.
    let r = find(&app, &sam, "xylophonic quasarish").await;
    assert!(ids(&r).is_empty(), "{r}");
}

both_backends!(typos_kinds_and_partial_matches);
