//! Property-based fuzzing (proptest) of what takes bytes from the network: the sanitiser,
//! HTML→text, file names and the HAL parser. Bounded and repeatable (see [`config`]), and
//! seeded with the hostile corpus in `tests/hostile/` so the known-nasty inputs run every
//! time. It found html2text asserting on emoji with a zero-width space in a table cell.

mod common;

use innboks::backend::altinn2::model::{HalMessage, MessageList};
use innboks::text::{html_to_text, safe_file_name, sanitize_line, sanitize_multiline};
use proptest::prelude::*;
use serde_json::{json, Value};

fn forbidden(c: char, multiline: bool) -> bool {
    common::forbidden_on_a_terminal(c, multiline)
}

/// Strings biased to the nasty: escapes, controls, bidi, zero-width, combining marks,
/// emoji, markup and ordinary Norwegian text, mixed.
fn nasty() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("\u{1b}[".to_owned()),
        Just("\u{1b}]52;c;".to_owned()),
        Just("\u{1b}]8;;".to_owned()),
        Just("\u{7}".to_owned()),
        Just("\u{9b}".to_owned()),
        Just("\u{202e}".to_owned()),
        Just("\u{2066}".to_owned()),
        Just("\u{200b}".to_owned()),
        Just("\u{200d}".to_owned()),
        Just("\u{301}".to_owned()),
        Just("👩‍👩‍👧".to_owned()),
        Just("مرحبا".to_owned()),
        Just("<a href=\"javascript:x\">".to_owned()),
        Just("<table><tr><td>".to_owned()),
        Just("</td></tr></table>".to_owned()),
        Just("<div>".to_owned()),
        Just("&amp;&#x1b;&#27;&#x202e;".to_owned()),
        Just("../".to_owned()),
        Just("\\".to_owned()),
        Just("æøå ÆØÅ ".to_owned()),
        any::<char>().prop_map(String::from),
        "[a-z .]{0,12}",
    ];
    prop::collection::vec(piece, 0..40).prop_map(|parts| parts.concat())
}

/// JSON values of any shape, to throw at the HAL parser.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>().prop_map(|n| json!(n)),
        nasty().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("MessageId".to_owned()),
                    Just("Subject".to_owned()),
                    Just("Status".to_owned()),
                    Just("Type".to_owned()),
                    Just("ServiceOwner".to_owned()),
                    Just("LastChangedDateTime".to_owned()),
                    Just("Body".to_owned()),
                    Just("_links".to_owned()),
                    Just("attachment".to_owned()),
                    Just("href".to_owned()),
                    Just("fileName".to_owned()),
                    Just("_embedded".to_owned()),
                    Just("messages".to_owned()),
                    "[A-Za-z_]{1,12}",
                ],
                inner,
                0..8
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// 256 cases a property from a fixed seed, so CI is repeatable; `PROPTEST_CASES` and
/// `FUZZ_SEED` explore further (a failure found is kept in `tests/fuzz-regressions.txt` and
/// replayed first from then on).
fn config() -> ProptestConfig {
    let env = |name: &str| std::env::var(name).ok();
    ProptestConfig {
        cases: env("PROPTEST_CASES")
            .and_then(|v| v.parse().ok())
            .unwrap_or(256),
        rng_seed: proptest::test_runner::RngSeed::Fixed(
            env("FUZZ_SEED")
                .and_then(|v| v.parse().ok())
                .unwrap_or(2026),
        ),
        failure_persistence: Some(Box::new(
            proptest::test_runner::FileFailurePersistence::Direct("tests/fuzz-regressions.txt"),
        )),
        ..ProptestConfig::default()
    }
}

fn check_line(input: &str) {
    let out = sanitize_line(input);
    assert!(!out.chars().any(|c| forbidden(c, false)), "{:?}", out);
    assert_eq!(sanitize_line(&out), out, "sanitising is idempotent");
}

fn check_html(input: &str) {
    let out = html_to_text(input, 60);
    assert!(!out.chars().any(|c| forbidden(c, true)), "{:?}", out);
    let multiline = sanitize_multiline(input);
    assert!(!multiline.chars().any(|c| forbidden(c, true)));
}

fn check_file_name(input: &str) {
    let name = safe_file_name(input);
    assert!(!name.is_empty());
    assert!(!name.contains('/') && !name.contains('\\'), "{name:?}");
    assert!(!name.starts_with('.'), "{name:?}");
    assert!(name.len() <= 200, "{}", name.len());
    assert!(!name.chars().any(|c| forbidden(c, false)), "{name:?}");
}

fn check_document(value: &Value) {
    // A list around it and the message itself: parse or refuse, never panic; what parses
    // comes out clean.
    let list = json!({"_embedded": {"messages": [value]}});
    if let Ok(list) = serde_json::from_value::<MessageList>(list) {
        for m in list.to_page(50, false).messages {
            for text in [&m.id, &m.subject, m.service_owner.as_str()] {
                assert!(!text.chars().any(|c| forbidden(c, false)), "{text:?}");
            }
        }
    }
    if let Ok(message) = serde_json::from_value::<HalMessage>(value.clone()) {
        let message = message.to_message();
        assert!(!message.body.chars().any(|c| forbidden(c, true)));
        for a in &message.attachments {
            check_file_name(&a.file_name);
        }
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn sanitize_line_lets_nothing_through(input in nasty()) {
        check_line(&input);
    }

    #[test]
    fn html_to_text_lets_nothing_through(input in nasty()) {
        check_html(&input);
    }

    #[test]
    fn file_names_are_safe(input in nasty()) {
        check_file_name(&input);
    }

    #[test]
    fn the_hal_parser_never_panics_and_cleans_what_it_takes(value in json_value()) {
        check_document(&value);
    }

    #[test]
    fn a_hal_message_with_hostile_fields(
        subject in nasty(), owner in nasty(), body in nasty(), file in nasty(), date in nasty()
    ) {
        check_document(&json!({
            "MessageId": "a1",
            "Subject": subject,
            "ServiceOwner": owner,
            "Body": body,
            "LastChangedDateTime": date,
            "_links": {"attachment": {"href": "https://h/api/my/messages/a1/attachments/1", "fileName": file}}
        }));
    }
}

#[test]
fn the_hostile_corpus_seeds_every_property() {
    let corpus: Vec<Value> =
        serde_json::from_str(include_str!("hostile/corpus.json")).expect("corpus");
    for entry in corpus {
        for field in ["subject", "sender", "body", "attachment"] {
            let text = entry[field].as_str().unwrap_or_default();
            check_line(text);
            check_html(text);
            check_file_name(text);
        }
        check_document(&json!({
            "MessageId": entry["name"],
            "Subject": entry["subject"],
            "ServiceOwner": entry["sender"],
            "Body": entry["body"],
            "_links": {"attachment": [{"href": "https://h/x/1", "fileName": entry["attachment"]}]}
        }));
    }
}
