use super::*;

#[test]
fn email_is_trimmed_and_lowercased() {
    assert_eq!(
        Email::parse("  Ann.Lee@Example.COM ").map(|e| e.0),
        Ok("ann.lee@example.com".to_string())
    );
}

#[test]
fn malformed_emails_are_rejected() {
    for bad in [
        "",
        "ann",
        "ann@",
        "@example.com",
        "ann@example",
        "ann@@example.com",
        "ann..lee@example.com",
        "ann@-example.com",
        "ann lee@example.com",
        "ann@exa mple.com",
    ] {
        assert!(Email::parse(bad).is_err(), "{bad} should be rejected");
    }
    assert_eq!(Email::parse(""), Err("err.required"));
    let long = format!("{}@example.com", "a".repeat(250));
    assert_eq!(Email::parse(&long), Err("err.too_long"));
}

#[test]
fn unicode_domains_and_plus_addresses_are_accepted() {
    assert!(Email::parse("jo+prm@münchen.de").is_ok());
}

#[test]
fn names_collapse_whitespace_and_reject_control_characters() {
    assert_eq!(parse_person_name("  Ann   Lee "), Ok("Ann Lee".into()));
    assert_eq!(parse_person_name("   "), Err("err.required"));
    assert_eq!(parse_person_name("Ann\u{0}"), Err("err.invalid_chars"));
    assert_eq!(parse_person_name(&"x".repeat(101)), Err("err.too_long"));
    assert_eq!(parse_org_name("A"), Err("err.too_short"));
    assert_eq!(
        parse_org_name("Müller & Söhne GmbH"),
        Ok("Müller & Söhne GmbH".into())
    );
}

#[test]
fn slugs_are_derived_from_names_across_scripts() {
    assert_eq!(
        Slug::from_name("Müller & Söhne GmbH").as_str(),
        "muller-sohne-gmbh"
    );
    assert_eq!(Slug::from_name("  Straße 42 ").as_str(), "strasse-42");
    assert_eq!(Slug::from_name("!!").as_str(), "org");
    assert!(Slug::from_name(&"Long Name ".repeat(20)).as_str().len() <= 50);
}

#[test]
fn slug_parse_accepts_only_canonical_slugs() {
    assert!(Slug::parse("northwind-msp").is_ok());
    for bad in ["", "a", "Upper", "-x", "x-", "a--b", "a_b", "../etc"] {
        assert!(Slug::parse(bad).is_err(), "{bad}");
    }
}

#[test]
fn websites_get_a_scheme_and_need_a_dotted_host() {
    assert_eq!(
        parse_website("example.com"),
        Ok("https://example.com".into())
    );
    assert_eq!(parse_website(""), Ok(String::new()));
    assert!(parse_website("javascript:alert(1)").is_err());
    assert!(parse_website("https://localhost").is_err());
    assert!(parse_website("ftp://example.com").is_err());
}

#[test]
fn passwords_need_ten_characters() {
    assert_eq!(check_new_password("short"), Err("err.password_short"));
    assert!(check_new_password("long enough pw").is_ok());
}

#[test]
fn marketer_means_the_side_of_the_user() {
    assert_eq!(
        Role::parse_for_side("marketer", true),
        Ok(Role::VendorMarketer)
    );
    assert_eq!(
        Role::parse_for_side("marketer", false),
        Ok(Role::PartnerMarketer)
    );
    assert_eq!(Role::parse_for_side("admin", false), Err("err.role_side"));
    assert_eq!(Role::parse_for_side("sales", true), Err("err.role_side"));
    assert_eq!(
        Role::parse_for_side("root", true),
        Err("err.choice_invalid")
    );
}

#[test]
fn money_is_parsed_into_minor_units_in_either_notation() {
    assert_eq!(parse_money("12,500.50", Currency::Usd), Ok(1_250_050));
    assert_eq!(parse_money("12.500,50", Currency::Eur), Ok(1_250_050));
    assert_eq!(parse_money("12500", Currency::Usd), Ok(1_250_000));
    assert_eq!(parse_money("1,000", Currency::Usd), Ok(100_000));
    assert_eq!(parse_money("1000", Currency::Jpy), Ok(1000));
    assert_eq!(parse_money("10.5", Currency::Jpy), Err("err.money_invalid"));
    assert_eq!(parse_money("-5", Currency::Usd), Err("err.money_invalid"));
    assert_eq!(
        parse_money("12.5.5,0", Currency::Eur),
        Err("err.money_invalid")
    );
    assert_eq!(
        parse_money("1,00,000", Currency::Usd),
        Err("err.money_invalid")
    );
    assert_eq!(parse_money("1,000,000.5", Currency::Usd), Ok(100_000_050));
    assert_eq!(parse_money("0", Currency::Usd), Err("err.must_be_positive"));
    assert_eq!(parse_money("", Currency::Usd), Err("err.required"));
    assert_eq!(
        parse_money("99999999999999", Currency::Usd),
        Err("err.too_large")
    );
}

#[test]
fn dates_are_iso_calendar_dates() {
    assert!(parse_date("2027-02-28").is_ok());
    assert_eq!(parse_date("2027-02-30"), Err("err.date_invalid"));
    assert_eq!(parse_date("28.02.2027"), Err("err.date_invalid"));
    assert_eq!(parse_date(""), Err("err.required"));
}

#[test]
fn codes_round_trip() {
    for t in PartnerType::ALL {
        assert_eq!(PartnerType::parse(t.code()), Ok(*t));
    }
    for r in Role::ALL {
        assert_eq!(Role::parse(r.code()), Ok(*r));
    }
}
