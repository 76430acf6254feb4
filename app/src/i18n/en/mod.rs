//! English, one catalogue per feature.

mod admin;
mod auth;
mod campaigns;
mod common;
mod content;
mod dashboard;
mod deals;
mod learning;
mod partners;

pub static SECTIONS: &[&[(&str, &str)]] = &[
    common::TEXTS,
    deals::TEXTS,
    content::TEXTS,
    partners::TEXTS,
    auth::TEXTS,
    admin::TEXTS,
    learning::TEXTS,
    campaigns::TEXTS,
    dashboard::TEXTS,
];
