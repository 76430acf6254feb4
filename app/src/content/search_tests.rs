use super::*;

#[test]
fn normalising_folds_case_accents_and_punctuation() {
    assert_eq!(
        normalize("Müller-Lüdenscheidt GmbH: ÉTÉ 2026!"),
        "muller ludenscheidt gmbh ete 2026"
    );
    assert_eq!(
        tokens("Zero-Trust zero trust  \"quoted\" OR"),
        vec!["zero", "trust", "quoted", "or"]
    );
    assert!(tokens("  ,,, ").is_empty());
}

#[test]
fn query_words_cannot_inject_syntax() {
    let mut sql = Sql::default();
    let words = tokens("a\" OR title:* NEAR(x) -- ;DROP");
    meta_match(
        Backend::Sqlite,
        &mut sql,
        &words,
        Prefix::All,
        &MetaPlan::default(),
    );
    let Bind::S(expr) = &sql.binds[0] else {
        panic!()
    };
    assert_eq!(
        expr,
        "\"a\"* AND \"or\"* AND \"title\"* AND \"near\"* AND \"x\"* AND \"drop\"*"
    );
}

#[test]
fn only_the_last_word_is_a_prefix_unless_asked() {
    let words = tokens("zero trust fire");
    assert_eq!(
        fts_expr(&words, Prefix::Last),
        "\"zero\" AND \"trust\" AND \"fire\"*"
    );
    assert_eq!(tsquery(&words, Prefix::Last), "zero & trust & fire:*");
    assert_eq!(tsquery(&words, Prefix::All), "zero:* & trust:* & fire:*");
}

#[test]
fn reasons_and_snippets_follow_the_words() {
    let words = tokens("battle card");
    assert_eq!(
        matched_in(
            &[
                ("title", "competitive battlecard"),
                ("tags", "sales"),
                ("text", "the card game")
            ],
            &words
        ),
        vec!["title", "text"]
    );
    let s = snippet(
        "One two three four five six seven eight nine ten Battle-tested eleven",
        &words,
    );
    assert!(s.starts_with("… ") && s.contains("Battle-tested"), "{s}");
    assert_eq!(snippet("nothing here", &words), "");
}
