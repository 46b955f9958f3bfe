//! Every example document from the API reference parses without loss.

use innboks::backend::altinn2::model::{
    error_message_from_body, HalMessage, MessageList, ReporteeList,
};
use innboks::domain::{MessageKind, MessageStatus, PartyKind};

fn read(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn documented_message_list() {
    let list: MessageList = serde_json::from_str(&read("docs-messages-list.json")).expect("parse");
    let page = list.to_page(50, false);
    assert_eq!(page.messages.len(), 2);
    assert!(!page.has_more);
    let first = &page.messages[0];
    assert_eq!(first.id, "a385107");
    assert_eq!(
        first.subject, "Vedr. saksnr 201301840, journalnr 2013021622",
        "trailing space trimmed"
    );
    assert_eq!(first.status, MessageStatus::Unread);
    assert_eq!(first.sender(), "Brønnøy Kommune");
    assert_eq!(first.service_owner, "Kommunene");
    assert!(first.last_changed.is_some());
    assert_eq!(page.messages[1].kind, MessageKind::FormTask);
    assert_eq!(page.messages[1].status, MessageStatus::Filling);
}

#[test]
fn current_message_list() {
    let list: MessageList = serde_json::from_str(&read("messages-list.json")).expect("parse");
    let page = list.to_page(50, false);
    assert!(!page.messages.is_empty());
    assert!(page
        .messages
        .iter()
        .all(|m| !m.id.is_empty() && m.last_changed.is_some()));
}

#[test]
fn documented_details() {
    let correspondence: HalMessage =
        serde_json::from_str(&read("docs-message-correspondence.json")).expect("parse");
    let message = correspondence.to_message();
    assert!(message
        .body
        .contains("Tillatelse til tiltak. Gnr 127 bnr 506, Skarelien 35."));
    assert_eq!(message.attachments.len(), 1);
    assert_eq!(message.attachments[0].id, "187938");
    assert_eq!(message.attachments[0].file_name, "Tiltak_201301840.pdf");
    assert_eq!(message.attachments[0].size, Some(967_038));
    assert_eq!(message.archive_reference.as_deref(), Some("AR3513210"));
    let form: HalMessage =
        serde_json::from_str(&read("docs-message-formtask.json")).expect("parse");
    let form = form.to_message();
    assert_eq!(form.summary.kind, MessageKind::FormTask);
    assert_eq!(form.attachments[0].file_name, "oppgaver.txt");
    let with: HalMessage =
        serde_json::from_str(&read("message-with-attachments.json")).expect("parse");
    let with = with.to_message();
    assert_eq!(with.attachments.len(), 2);
    assert!(with.attachments[1].encrypted);
    assert_eq!(
        with.summary_text.as_deref(),
        Some("Din skattemelding for 2024 er klar til gjennomgang.")
    );
}

#[test]
fn reportees() {
    for name in ["docs-reportees.json", "reportees.json"] {
        let list: ReporteeList = serde_json::from_str(&read(name)).expect("parse");
        assert!(!list.embedded.reportees.is_empty(), "{name}");
    }
    let list: ReporteeList = serde_json::from_str(&read("docs-reportees.json")).expect("parse");
    let parties: Vec<_> = list
        .embedded
        .reportees
        .iter()
        .map(|r| r.to_party())
        .collect();
    assert_eq!(parties[0].kind, PartyKind::Organisation);
    assert_eq!(parties[0].organisation_number.as_deref(), Some("910672991"));
    assert_eq!(parties[1].kind, PartyKind::Person);
}

#[test]
fn error_model() {
    assert_eq!(
        error_message_from_body(&read("error-model.json")).as_deref(),
        Some("En nærmere beskrivelse av feilen her")
    );
}

#[test]
fn attachment_list_and_unknowns() {
    let value: serde_json::Value =
        serde_json::from_str(&read("attachments-list.json")).expect("parse");
    assert_eq!(
        value["_embedded"]["attachments"][0]["FileName"],
        "skattemelding_2024.pdf"
    );
    let odd = r#"{"MessageId":"a1","Status":"Venter på noe nytt","Type":"Notice","Extra":{"x":1},
        "ServiceCode":4503,"ServiceEdition":"3","LastChangedDateTime":"not a date","_links":{"weird":{"href":"x"}}}"#;
    let message: HalMessage = serde_json::from_str(odd).expect("unknowns are kept, not fatal");
    let summary = message.to_summary();
    assert_eq!(
        summary.status,
        MessageStatus::Other("Venter på noe nytt".into())
    );
    assert_eq!(summary.kind, MessageKind::Other("Notice".into()));
    assert_eq!(summary.last_changed, None);
}
