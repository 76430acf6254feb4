//! ISO 3166-1 alpha-2 country codes with their English and German names (from the
//! iso-codes project's data, as packaged by pycountry). A country is stored as its code and
//! shown by its name in the reader's language.

/// (code, English, German), by code.
pub static COUNTRIES: &[(&str, &str, &str)] = &[
    ("AD", "Andorra", "Andorra"),
    ("AE", "United Arab Emirates", "Vereinigte Arabische Emirate"),
    ("AF", "Afghanistan", "Afghanistan"),
    ("AG", "Antigua and Barbuda", "Antigua und Barbuda"),
    ("AI", "Anguilla", "Anguilla"),
    ("AL", "Albania", "Albanien"),
    ("AM", "Armenia", "Armenien"),
    ("AO", "Angola", "Angola"),
    ("AQ", "Antarctica", "Antarktis"),
    ("AR", "Argentina", "Argentinien"),
    ("AS", "American Samoa", "Amerikanisch-Samoa"),
    ("AT", "Austria", "Österreich"),
    ("AU", "Australia", "Australien"),
    ("AW", "Aruba", "Aruba"),
    ("AX", "Åland Islands", "Åland-Inseln"),
    ("AZ", "Azerbaijan", "Aserbaidschan"),
    ("BA", "Bosnia and Herzegovina", "Bosnien und Herzegowina"),
    ("BB", "Barbados", "Barbados"),
    ("BD", "Bangladesh", "Bangladesch"),
    ("BE", "Belgium", "Belgien"),
    ("BF", "Burkina Faso", "Burkina Faso"),
    ("BG", "Bulgaria", "Bulgarien"),
    ("BH", "Bahrain", "Bahrain"),
    ("BI", "Burundi", "Burundi"),
    ("BJ", "Benin", "Benin"),
    ("BL", "Saint Barthélemy", "Saint-Barthélemy"),
    ("BM", "Bermuda", "Bermuda"),
    ("BN", "Brunei Darussalam", "Brunei Darussalam"),
    ("BO", "Bolivia", "Bolivien"),
    (
        "BQ",
        "Bonaire, Sint Eustatius and Saba",
        "Bonaire, Sint Eustatius und Saba",
    ),
    ("BR", "Brazil", "Brasilien"),
    ("BS", "Bahamas", "Bahamas"),
    ("BT", "Bhutan", "Bhutan"),
    ("BV", "Bouvet Island", "Bouvet-Insel"),
    ("BW", "Botswana", "Botsuana"),
    ("BY", "Belarus", "Belarus"),
    ("BZ", "Belize", "Belize"),
    ("CA", "Canada", "Kanada"),
    ("CC", "Cocos (Keeling) Islands", "Kokos-(Keeling-)Inseln"),
    (
        "CD",
        "Congo, The Democratic Republic of the",
        "Demokratische Republik Kongo",
    ),
    (
        "CF",
        "Central African Republic",
        "Zentralafrikanische Republik",
    ),
    ("CG", "Congo", "Kongo"),
    ("CH", "Switzerland", "Schweiz"),
    ("CI", "Côte d'Ivoire", "Côte d'Ivoire"),
    ("CK", "Cook Islands", "Cookinseln"),
    ("CL", "Chile", "Chile"),
    ("CM", "Cameroon", "Kamerun"),
    ("CN", "China", "China"),
    ("CO", "Colombia", "Kolumbien"),
    ("CR", "Costa Rica", "Costa Rica"),
    ("CU", "Cuba", "Kuba"),
    ("CV", "Cabo Verde", "Kap Verde"),
    ("CW", "Curaçao", "Curaçao"),
    ("CX", "Christmas Island", "Weihnachtsinseln"),
    ("CY", "Cyprus", "Zypern"),
    ("CZ", "Czechia", "Tschechien"),
    ("DE", "Germany", "Deutschland"),
    ("DJ", "Djibouti", "Dschibuti"),
    ("DK", "Denmark", "Dänemark"),
    ("DM", "Dominica", "Dominica"),
    ("DO", "Dominican Republic", "Dominikanische Republik"),
    ("DZ", "Algeria", "Algerien"),
    ("EC", "Ecuador", "Ecuador"),
    ("EE", "Estonia", "Estland"),
    ("EG", "Egypt", "Ägypten"),
    ("EH", "Western Sahara", "Westsahara"),
    ("ER", "Eritrea", "Eritrea"),
    ("ES", "Spain", "Spanien"),
    ("ET", "Ethiopia", "Äthiopien"),
    ("FI", "Finland", "Finnland"),
    ("FJ", "Fiji", "Fidschi"),
    (
        "FK",
        "Falkland Islands (Malvinas)",
        "Falklandinseln (Malwinen)",
    ),
    ("FM", "Micronesia", "Mikronesien"),
    ("FO", "Faroe Islands", "Färöer-Inseln"),
    ("FR", "France", "Frankreich"),
    ("GA", "Gabon", "Gabun"),
    ("GB", "United Kingdom", "Vereinigtes Königreich"),
    ("GD", "Grenada", "Grenada"),
    ("GE", "Georgia", "Georgien"),
    ("GF", "French Guiana", "Französisch-Guyana"),
    ("GG", "Guernsey", "Guernsey"),
    ("GH", "Ghana", "Ghana"),
    ("GI", "Gibraltar", "Gibraltar"),
    ("GL", "Greenland", "Grönland"),
    ("GM", "Gambia", "Gambia"),
    ("GN", "Guinea", "Guinea"),
    ("GP", "Guadeloupe", "Guadeloupe"),
    ("GQ", "Equatorial Guinea", "Äquatorialguinea"),
    ("GR", "Greece", "Griechenland"),
    (
        "GS",
        "South Georgia and the South Sandwich Islands",
        "South Georgia und die Südlichen Sandwichinseln",
    ),
    ("GT", "Guatemala", "Guatemala"),
    ("GU", "Guam", "Guam"),
    ("GW", "Guinea-Bissau", "Guinea-Bissau"),
    ("GY", "Guyana", "Guyana"),
    ("HK", "Hong Kong", "Hongkong"),
    (
        "HM",
        "Heard Island and McDonald Islands",
        "Heard und McDonaldinseln",
    ),
    ("HN", "Honduras", "Honduras"),
    ("HR", "Croatia", "Kroatien"),
    ("HT", "Haiti", "Haiti"),
    ("HU", "Hungary", "Ungarn"),
    ("ID", "Indonesia", "Indonesien"),
    ("IE", "Ireland", "Irland"),
    ("IL", "Israel", "Israel"),
    ("IM", "Isle of Man", "Insel Man"),
    ("IN", "India", "Indien"),
    (
        "IO",
        "British Indian Ocean Territory",
        "Britisches Territorium im Indischen Ozean",
    ),
    ("IQ", "Iraq", "Irak"),
    ("IR", "Iran", "Iran"),
    ("IS", "Iceland", "Island"),
    ("IT", "Italy", "Italien"),
    ("JE", "Jersey", "Jersey"),
    ("JM", "Jamaica", "Jamaika"),
    ("JO", "Jordan", "Jordanien"),
    ("JP", "Japan", "Japan"),
    ("KE", "Kenya", "Kenia"),
    ("KG", "Kyrgyzstan", "Kirgisistan"),
    ("KH", "Cambodia", "Kambodscha"),
    ("KI", "Kiribati", "Kiribati"),
    ("KM", "Comoros", "Komoren"),
    ("KN", "Saint Kitts and Nevis", "St. Kitts und Nevis"),
    ("KP", "North Korea", "Nordkorea"),
    ("KR", "South Korea", "Südkorea"),
    ("KW", "Kuwait", "Kuwait"),
    ("KY", "Cayman Islands", "Cayman-Inseln"),
    ("KZ", "Kazakhstan", "Kasachstan"),
    ("LA", "Laos", "Laos"),
    ("LB", "Lebanon", "Libanon"),
    ("LC", "Saint Lucia", "St. Lucia"),
    ("LI", "Liechtenstein", "Liechtenstein"),
    ("LK", "Sri Lanka", "Sri Lanka"),
    ("LR", "Liberia", "Liberia"),
    ("LS", "Lesotho", "Lesotho"),
    ("LT", "Lithuania", "Litauen"),
    ("LU", "Luxembourg", "Luxemburg"),
    ("LV", "Latvia", "Lettland"),
    ("LY", "Libya", "Libyen"),
    ("MA", "Morocco", "Marokko"),
    ("MC", "Monaco", "Monaco"),
    ("MD", "Moldova", "Moldau"),
    ("ME", "Montenegro", "Montenegro"),
    (
        "MF",
        "Saint Martin (French part)",
        "Saint Martin (Französischer Teil)",
    ),
    ("MG", "Madagascar", "Madagaskar"),
    ("MH", "Marshall Islands", "Marshallinseln"),
    ("MK", "North Macedonia", "Nordmazedonien"),
    ("ML", "Mali", "Mali"),
    ("MM", "Myanmar", "Myanmar"),
    ("MN", "Mongolia", "Mongolei"),
    ("MO", "Macao", "Macao"),
    ("MP", "Northern Mariana Islands", "Nördliche Marianen"),
    ("MQ", "Martinique", "Martinique"),
    ("MR", "Mauritania", "Mauretanien"),
    ("MS", "Montserrat", "Montserrat"),
    ("MT", "Malta", "Malta"),
    ("MU", "Mauritius", "Mauritius"),
    ("MV", "Maldives", "Malediven"),
    ("MW", "Malawi", "Malawi"),
    ("MX", "Mexico", "Mexiko"),
    ("MY", "Malaysia", "Malaysia"),
    ("MZ", "Mozambique", "Mosambik"),
    ("NA", "Namibia", "Namibia"),
    ("NC", "New Caledonia", "Neukaledonien"),
    ("NE", "Niger", "Niger"),
    ("NF", "Norfolk Island", "Norfolkinsel"),
    ("NG", "Nigeria", "Nigeria"),
    ("NI", "Nicaragua", "Nicaragua"),
    ("NL", "Netherlands", "Niederlande"),
    ("NO", "Norway", "Norwegen"),
    ("NP", "Nepal", "Nepal"),
    ("NR", "Nauru", "Nauru"),
    ("NU", "Niue", "Niue"),
    ("NZ", "New Zealand", "Neuseeland"),
    ("OM", "Oman", "Oman"),
    ("PA", "Panama", "Panama"),
    ("PE", "Peru", "Peru"),
    ("PF", "French Polynesia", "Französisch-Polynesien"),
    ("PG", "Papua New Guinea", "Papua-Neuguinea"),
    ("PH", "Philippines", "Philippinen"),
    ("PK", "Pakistan", "Pakistan"),
    ("PL", "Poland", "Polen"),
    ("PM", "Saint Pierre and Miquelon", "St. Pierre und Miquelon"),
    ("PN", "Pitcairn", "Pitcairn"),
    ("PR", "Puerto Rico", "Puerto Rico"),
    ("PS", "Palestine", "Palästina"),
    ("PT", "Portugal", "Portugal"),
    ("PW", "Palau", "Palau"),
    ("PY", "Paraguay", "Paraguay"),
    ("QA", "Qatar", "Katar"),
    ("RE", "Réunion", "Réunion"),
    ("RO", "Romania", "Rumänien"),
    ("RS", "Serbia", "Serbien"),
    ("RU", "Russian Federation", "Russische Föderation"),
    ("RW", "Rwanda", "Ruanda"),
    ("SA", "Saudi Arabia", "Saudi-Arabien"),
    ("SB", "Solomon Islands", "Salomoninseln"),
    ("SC", "Seychelles", "Seychellen"),
    ("SD", "Sudan", "Sudan"),
    ("SE", "Sweden", "Schweden"),
    ("SG", "Singapore", "Singapur"),
    (
        "SH",
        "Saint Helena, Ascension and Tristan da Cunha",
        "St. Helena, Ascension und Tristan da Cunha",
    ),
    ("SI", "Slovenia", "Slowenien"),
    ("SJ", "Svalbard and Jan Mayen", "Svalbard und Jan Mayen"),
    ("SK", "Slovakia", "Slowakei"),
    ("SL", "Sierra Leone", "Sierra Leone"),
    ("SM", "San Marino", "San Marino"),
    ("SN", "Senegal", "Senegal"),
    ("SO", "Somalia", "Somalia"),
    ("SR", "Suriname", "Suriname"),
    ("SS", "South Sudan", "Südsudan"),
    ("ST", "Sao Tome and Principe", "São Tomé und Príncipe"),
    ("SV", "El Salvador", "El Salvador"),
    (
        "SX",
        "Sint Maarten (Dutch part)",
        "Saint-Martin (Niederländischer Teil)",
    ),
    ("SY", "Syria", "Syrien"),
    ("SZ", "Eswatini", "Eswatini"),
    ("TC", "Turks and Caicos Islands", "Turks- und Caicosinseln"),
    ("TD", "Chad", "Tschad"),
    (
        "TF",
        "French Southern Territories",
        "Französische Süd- und Antarktisgebiete",
    ),
    ("TG", "Togo", "Togo"),
    ("TH", "Thailand", "Thailand"),
    ("TJ", "Tajikistan", "Tadschikistan"),
    ("TK", "Tokelau", "Tokelau"),
    ("TL", "Timor-Leste", "Timor-Leste"),
    ("TM", "Turkmenistan", "Turkmenistan"),
    ("TN", "Tunisia", "Tunesien"),
    ("TO", "Tonga", "Tonga"),
    ("TR", "Türkiye", "Türkei"),
    ("TT", "Trinidad and Tobago", "Trinidad und Tobago"),
    ("TV", "Tuvalu", "Tuvalu"),
    ("TW", "Taiwan", "Taiwan"),
    ("TZ", "Tanzania", "Tansania"),
    ("UA", "Ukraine", "Ukraine"),
    ("UG", "Uganda", "Uganda"),
    (
        "UM",
        "United States Minor Outlying Islands",
        "United States Minor Outlying Islands",
    ),
    ("US", "United States", "Vereinigte Staaten"),
    ("UY", "Uruguay", "Uruguay"),
    ("UZ", "Uzbekistan", "Usbekistan"),
    (
        "VA",
        "Holy See (Vatican City State)",
        "Heiliger Stuhl (Staat Vatikanstadt)",
    ),
    (
        "VC",
        "Saint Vincent and the Grenadines",
        "St. Vincent und die Grenadinen",
    ),
    ("VE", "Venezuela", "Venezuela"),
    ("VG", "Virgin Islands, British", "Britische Jungferninseln"),
    ("VI", "Virgin Islands, U.S.", "Amerikanische Jungferninseln"),
    ("VN", "Vietnam", "Vietnam"),
    ("VU", "Vanuatu", "Vanuatu"),
    ("WF", "Wallis and Futuna", "Wallis und Futuna"),
    ("WS", "Samoa", "Samoa"),
    ("YE", "Yemen", "Jemen"),
    ("YT", "Mayotte", "Mayotte"),
    ("ZA", "South Africa", "Südafrika"),
    ("ZM", "Zambia", "Sambia"),
    ("ZW", "Zimbabwe", "Simbabwe"),
];

use super::Locale;

/// Whether `code` (upper case) is an ISO 3166-1 alpha-2 country code.
pub fn is_country(code: &str) -> bool {
    COUNTRIES.binary_search_by(|c| c.0.cmp(code)).is_ok()
}

/// The country's name in `locale`, or `None` for an unknown code.
pub fn country_name(locale: Locale, code: &str) -> Option<&'static str> {
    let i = COUNTRIES.binary_search_by(|c| c.0.cmp(code)).ok()?;
    let (_, en, de) = COUNTRIES[i];
    Some(match locale {
        Locale::De => de,
        _ => en,
    })
}

/// A name as people alphabetise it: letters with accents and umlauts beside their base
/// letter ("Österreich" among the O).
fn sort_key(name: &str) -> String {
    name.chars()
        .map(|c| match c {
            'Ä' | 'Å' | 'Á' | 'À' => 'A',
            'ä' | 'å' | 'á' | 'à' | 'â' | 'ã' => 'a',
            'Ö' | 'Ó' => 'O',
            'ö' | 'ó' | 'ô' => 'o',
            'Ü' | 'Ú' => 'U',
            'ü' | 'ú' => 'u',
            'É' | 'È' => 'E',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'í' | 'î' => 'i',
            'ç' => 'c',
            'ñ' => 'n',
            other => other,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// (code, name) for a select, in the reader's language and alphabetical order.
pub fn country_options(locale: Locale) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = COUNTRIES
        .iter()
        .map(|(code, _, _)| {
            (
                code.to_string(),
                country_name(locale, code).unwrap_or(code).to_string(),
            )
        })
        .collect();
    out.sort_by_cached_key(|(_, name)| sort_key(name));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_sorted_unique_and_two_letters() {
        assert!(COUNTRIES.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(
            COUNTRIES
                .iter()
                .all(|c| c.0.len() == 2 && c.0.chars().all(|x| x.is_ascii_uppercase()))
        );
        assert_eq!(COUNTRIES.len(), 249);
    }

    #[test]
    fn names_follow_the_locale_and_unknown_codes_are_none() {
        assert_eq!(country_name(Locale::De, "DE"), Some("Deutschland"));
        assert_eq!(country_name(Locale::En, "GB"), Some("United Kingdom"));
        assert!(is_country("US") && !is_country("UK") && !is_country("us"));
        assert_eq!(country_name(Locale::En, "XX"), None);
    }

    #[test]
    fn german_options_sort_umlauts_with_their_letter() {
        let names: Vec<String> = country_options(Locale::De)
            .into_iter()
            .map(|(_, n)| n)
            .collect();
        let at = names.iter().position(|n| n == "Österreich").expect("AT");
        let om = names.iter().position(|n| n == "Oman").expect("OM");
        let pa = names.iter().position(|n| n == "Pakistan").expect("PK");
        assert!(om < at && at < pa, "{om} {at} {pa}");
    }
}
