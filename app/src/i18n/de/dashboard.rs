//! Deutsch: die Startseite.

pub static TEXTS: &[(&str, &str)] = &[
    ("home.register_deal", "Deal registrieren"),
    ("home.shortcuts", "Schnellzugriff"),
    (
        "home.campaigns_card",
        "Co-Branding-Kampagnen, Kontakte und Leads.",
    ),
    (
        "home.content_card",
        "Vertriebs- und Marketinginhalte für Ihre Deals.",
    ),
    ("home.my_deals", "Meine Registrierungen"),
    ("home.org_deals", "Unsere Pipeline"),
    ("home.managed_deals", "Registrierungen meiner Partner"),
    ("home.all_deals", "Alle Registrierungen"),
    ("home.no_deals", "Noch keine Registrierungen."),
    ("home.open_value", "Offene Pipeline:"),
    (
        "home.expiring",
        "{n} Schutzfristen enden in den nächsten {days} Tagen",
    ),
    ("home.protected_until", "geschützt bis {date}"),
    ("home.queue", "Prüfwarteschlange"),
    ("home.waiting", "warten auf eine Entscheidung"),
    ("home.oldest_days", "Die älteste wartet seit {n} Tagen."),
    (
        "home.decisions_due",
        "{n} Registrierungen warten länger als {days} Tage: Entscheidungen fällig.",
    ),
    ("home.open_queue", "Warteschlange öffnen"),
    ("home.team", "Team"),
    ("home.team_active", "{n} Personen können sich anmelden"),
    ("home.team_invited", "{n} Einladungen offen"),
    ("home.tier", "Stufe: {tier}"),
    ("home.no_tier", "Keine Stufe"),
    (
        "home.tier_requirements",
        "Was Ihre Stufe verlangt (zertifizierte Personen, registrierte Pipeline), erscheint hier, sobald das Programm seine Stufenregeln festlegt.",
    ),
    ("home.programme", "Das Programm auf einen Blick"),
    ("home.active_partners", "aktive Partner"),
    ("home.valid_credentials", "{n} gültige Zertifizierungen"),
    (
        "home.launches_30d",
        "{n} Kampagnenstarts und {leads} Leads in den letzten 30 Tagen",
    ),
    ("home.activity", "Aktivität der Partner"),
    ("deals.expiring_statuses", "Schutzfrist endet bald"),
    ("deals.only_mine", "Nur Ihre eigenen Registrierungen."),
    ("deals.show_all", "Alle zeigen"),
];
