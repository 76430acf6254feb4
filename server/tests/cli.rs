//! The `trellis` command line, run as a process, as operators and scripts use it.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn trellis(dir: &std::path::Path, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_trellis"))
        .args(args)
        .env("TRELLIS_DATA_DIR", dir)
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run trellis");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("wait")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).to_string()
}

#[test]
fn operators_create_orgs_and_users_and_get_clear_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let out = trellis(d, &["migrate"], "");
    assert!(out.status.success(), "{}", text(&out.stderr));

    let out = trellis(
        d,
        &[
            "org",
            "create",
            "--name",
            "Tailspin Toys",
            "--type",
            "msp,var",
            "--tier",
            "gold",
        ],
        "",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout).trim(), "tailspin-toys");

    let out = trellis(
        d,
        &[
            "org", "create", "--name", "X", "--type", "pirate", "--tier", "diamond",
        ],
        "",
    );
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains("--type: Choose one of the options.")
            && err.contains("--tier:")
            && err.contains("--name: This is too short."),
        "{err}"
    );

    let out = trellis(
        d,
        &[
            "user",
            "create",
            "--email",
            "boss@vendor.example",
            "--name",
            "Bo Ss",
            "--role",
            "admin",
        ],
        "a long admin password\n",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = trellis(
        d,
        &[
            "user",
            "create",
            "--email",
            "pa@tailspin.example",
            "--name",
            "Pat",
            "--role",
            "partner_admin",
            "--org",
            "tailspin-toys",
        ],
        "another long password\n",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));

    for (args, expect) in [
        (
            vec![
                "--email",
                "pa2@tailspin.example",
                "--name",
                "P",
                "--role",
                "partner_admin",
            ],
            "partner roles need --org",
        ),
        (
            vec![
                "--email",
                "a2@vendor.example",
                "--name",
                "A",
                "--role",
                "admin",
                "--org",
                "tailspin-toys",
            ],
            "--org is only for partner users",
        ),
        (
            vec![
                "--email",
                "x@y.example",
                "--name",
                "X",
                "--role",
                "sales",
                "--org",
                "nope",
            ],
            "no organisation with slug",
        ),
        (
            vec![
                "--email",
                "boss@vendor.example",
                "--name",
                "B",
                "--role",
                "channel_manager",
            ],
            "already has an account",
        ),
        (
            vec![
                "--email",
                "not-an-email",
                "--name",
                "B",
                "--role",
                "channel_manager",
            ],
            "--email: Enter an email address",
        ),
        (
            vec![
                "--email",
                "z@vendor.example",
                "--name",
                "B",
                "--role",
                "wizard",
            ],
            "unknown role",
        ),
    ] {
        let mut full = vec!["user", "create"];
        full.extend(args);
        let out = trellis(d, &full, "a long enough password\n");
        assert!(!out.status.success(), "{full:?}");
        assert!(
            text(&out.stderr).contains(expect),
            "{full:?}: {}",
            text(&out.stderr)
        );
    }
    let out = trellis(
        d,
        &[
            "user",
            "create",
            "--email",
            "w@vendor.example",
            "--name",
            "W",
            "--role",
            "marketer",
        ],
        "short\n",
    );
    assert!(
        text(&out.stderr).contains("--password: Use at least 10 characters."),
        "{}",
        text(&out.stderr)
    );

    // Operators create API tokens for a user.
    let out = trellis(
        d,
        &[
            "token",
            "create",
            "--email",
            "boss@vendor.example",
            "--name",
            "CRM sync",
        ],
        "",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).trim().starts_with("trl_"));
    let out = trellis(
        d,
        &["token", "create", "--email", "ghost@vendor.example"],
        "",
    );
    assert!(
        text(&out.stderr).contains("No active user with this email."),
        "{}",
        text(&out.stderr)
    );

    // Demo data is idempotent and prints the sign-ins.
    let first = trellis(d, &["seed", "--demo"], "");
    assert!(first.status.success(), "{}", text(&first.stderr));
    assert!(text(&first.stdout).contains("nina@northwind.example"));
    let second = trellis(d, &["seed", "--demo"], "");
    assert!(second.status.success());
    assert_eq!(text(&first.stdout), text(&second.stdout));
}

#[test]
fn pipeline_import_reports_row_errors_and_writes_nothing_until_clean() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let bad = d.join("bad.csv");
    std::fs::write(&bad, "external_id,company,domain\nP1,Acme Corp,acme.com\n,Nameless Ltd,\nP1,Dup Inc,\nP3,,x.com\n").expect("write");
    let out = trellis(d, &["import", "pipeline", bad.to_str().expect("path")], "");
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains(":3: external_id: is required"), "{err}");
    assert!(err.contains(":4: external_id: repeats line 2"), "{err}");
    assert!(err.contains(":5: company: is required"), "{err}");
    assert!(err.contains("nothing was imported"), "{err}");

    let header = d.join("header.csv");
    std::fs::write(&header, "external_id,compnay\nP1,Acme\n").expect("write");
    let out = trellis(
        d,
        &["import", "pipeline", header.to_str().expect("path")],
        "",
    );
    assert!(
        text(&out.stderr).contains("compnay: unknown column"),
        "{}",
        text(&out.stderr)
    );

    let good = d.join("good.csv");
    std::fs::write(&good, "external_id,company,domain,street,city,region,postcode,country,phone,contact_email\nP1,Acme Corp,acme.com,1 Main St,Austin,TX,78701,US,+1 512 555 0100,a@acme.com\nP2,\"Globex, Inc.\",globex.com,,,,,US,,\n").expect("write");
    let out = trellis(d, &["import", "pipeline", good.to_str().expect("path")], "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("imported 2 rows (2 new, 0 updated)"),
        "{}",
        text(&out.stdout)
    );
    let out = trellis(d, &["import", "pipeline", good.to_str().expect("path")], "");
    assert!(
        text(&out.stdout).contains("imported 2 rows (0 new, 2 updated)"),
        "{}",
        text(&out.stdout)
    );
}
