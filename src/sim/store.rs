//! One mailbox, three faces: what Altinn 3 adds to each message of the synthetic world (its
//! dialog and correspondence), kept beside the messages the Altinn 2 face serves, and the
//! operations every face shares, so an archive through Dialogporten shows as «Arkivert» in
//! Altinn 2 and a read through Altinn 2 as seen in Dialogporten.
//!
//! The folder of a dialog (`Default | Bin | Archive`) is the message's status; «Ulest» is
//! "not seen since the last content update". The rest — revisions, the seen log, the label
//! log, activities, transmissions, the correspondence's status history — lives here.

use chrono::{DateTime, Utc};

pub use super::world::{
    initial_state, message_key, new_revision, submission, utc, uuid4, uuid7, Activity, ActorRef,
    Altinn3, CorrespondenceStatus, DataElement, DialogState, Label, LabelEntry, Origin, Place,
    SeenEntry, Transmission,
};
use super::world::{Reportee, ReporteeKind, SimMessage, SimStatus, World};

/// A party's URN: `urn:altinn:person:identifier-no:…` or `…organization:identifier-no:…`.
pub fn party_urn(reportee: &Reportee) -> String {
    match (&reportee.ssn, &reportee.org_number) {
        (Some(ssn), _) => format!("urn:altinn:person:identifier-no:{ssn}"),
        (None, Some(org)) => format!("urn:altinn:organization:identifier-no:{org}"),
        (None, None) => format!("urn:altinn:party:id:{}", reportee.id),
    }
}

/// The service owner's code (as in Altinn's list of organisations) for a sender's name.
pub fn org_code(message: &SimMessage) -> &'static str {
    match message.service_owner.as_str() {
        "Skatteetaten" => "skd",
        "NAV" => "nav",
        "Brønnøysundregistrene" => "brg",
        "Statens vegvesen" => "svv",
        "Statens lånekasse for utdanning" => "lanekassen",
        "Statens kartverk" => "kartverket",
        "Statistisk sentralbyrå" => "ssb",
        "Arbeidstilsynet" => "at",
        "Kommunene" => match message.message_sender.as_deref() {
            Some("Oslo kommune") => "oslo-kommune",
            Some("Bergen kommune") => "bergen-kommune",
            Some("Trondheim kommune") => "trondheim-kommune",
            Some("Bodø kommune") => "bodo-kommune",
            Some("Tromsø kommune") => "tromso-kommune",
            _ => "kommune",
        },
        _ => "digdir",
    }
}

/// Finds the message with key `key`.
pub fn find(mailboxes: &[Vec<SimMessage>], key: &str) -> Option<Place> {
    mailboxes.iter().enumerate().find_map(|(mb, messages)| {
        messages
            .iter()
            .position(|m| message_key(m) == key)
            .map(|i| (mb, i))
    })
}

/// The folder label of a message's status.
pub fn folder_of(status: SimStatus) -> Label {
    match status {
        SimStatus::Archived | SimStatus::SentAndArchived => Label::Archive,
        SimStatus::Deleted => Label::Bin,
        _ => Label::Default,
    }
}

/// Archives a message the way Altinn 2 does: a new `b…` id, status «Arkivert».
pub fn archive(message: &mut SimMessage) {
    if matches!(
        message.status,
        SimStatus::Archived | SimStatus::SentAndArchived
    ) {
        return;
    }
    let number = message
        .id
        .trim_start_matches(['a', 'b', 'c'])
        .parse::<u64>()
        .unwrap_or_default();
    if message.original_id.is_none() {
        message.original_id = Some(message.id.to_string());
        message.id = format!("b{}", number + 500_000);
    }
    message.status = SimStatus::Archived;
}

/// Marks a message seen where Altinn 2 would (a correspondence opened): «Lest».
pub fn mark_read(message: &mut SimMessage) {
    if message.status == SimStatus::Unread {
        message.status = SimStatus::Read;
    }
}

/// Why a label change was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LabelError {
    /// `Sent` cannot be set or removed by an end user.
    Sent,
}

/// Applies a label change (removals first, then additions; the last folder label added
/// wins; a folder removed goes back to `Default`; `MarkedAsUnopened` is a flag), logs it
/// and gives the context a new revision. The message's status follows the folder.
pub fn set_labels(
    message: &mut SimMessage,
    state: &mut DialogState,
    add: &[Label],
    remove: &[Label],
    by: usize,
    now: DateTime<Utc>,
) -> Result<(), LabelError> {
    if add.contains(&Label::Sent) || remove.contains(&Label::Sent) {
        return Err(LabelError::Sent);
    }
    let before_folder = folder_of(message.status);
    let before_unopened = message.marked_unread;
    let mut folder = before_folder;
    for label in remove {
        match label {
            Label::Bin | Label::Archive if folder == *label => folder = Label::Default,
            Label::MarkedAsUnopened => message.marked_unread = false,
            _ => {}
        }
    }
    for label in add {
        match label {
            l if l.is_folder() => folder = *l,
            Label::MarkedAsUnopened => message.marked_unread = true,
            _ => {}
        }
    }
    if folder != before_folder {
        move_to(message, state, folder);
        let mut log = |label: Label, action| {
            if label != Label::Default {
                state.label_log.push(LabelEntry {
                    at: now,
                    name: format!("systemlabel:{}", label.name()),
                    action,
                    by,
                });
            }
        };
        log(before_folder, "remove");
        log(folder, "set");
    }
    if message.marked_unread != before_unopened {
        state.label_log.push(LabelEntry {
            at: now,
            name: "systemlabel:MarkedAsUnopened".into(),
            action: if message.marked_unread {
                "set"
            } else {
                "remove"
            },
            by,
        });
    }
    state.context_revision = new_revision(&state.id);
    Ok(())
}

/// Moves a message to a folder; its Altinn 2 status follows.
fn move_to(message: &mut SimMessage, state: &mut DialogState, folder: Label) {
    match folder {
        Label::Archive => archive(message),
        Label::Bin => {
            state.before_bin = Some(message.status);
            message.status = SimStatus::Deleted;
        }
        _ => {
            message.status = match state.before_bin.take() {
                Some(status) if folder_of(status) == Label::Default => status,
                _ if message.kind == "FormTask" => SimStatus::Filling,
                _ if state.seen => SimStatus::Read,
                _ => SimStatus::Unread,
            };
        }
    }
}

/// A person opened the dialog (`GET /dialogs/{id}`): the seen log, `MarkedAsUnopened` gone,
/// seen since the last content update — and «Lest» in Altinn 2.
pub fn open(message: &mut SimMessage, state: &mut DialogState, by: usize, now: DateTime<Utc>) {
    let already = state.seen_log.iter().any(|s| s.by == by);
    if already && !message.marked_unread && state.seen {
        return;
    }
    let id = uuid4(&format!("seen|{}|{}|{by}", state.id, state.seen));
    if !state.seen_log.iter().any(|s| s.id == id) || message.marked_unread {
        state.seen_log.retain(|s| s.by != by);
        state.seen_log.push(SeenEntry { id, at: now, by });
    }
    if message.marked_unread {
        message.marked_unread = false;
        state.label_log.push(LabelEntry {
            at: now,
            name: "systemlabel:MarkedAsUnopened".into(),
            action: "remove",
            by,
        });
    }
    state.seen = true;
    if message.kind == "Correspondence" {
        mark_read(message);
    }
}

/// Brings the seen flag in line with what Altinn 2 did since (a message read there is seen
/// here; one delivered unread is not). Archived and binned messages keep what they had.
pub fn reconcile(message: &SimMessage, state: &mut DialogState) {
    match message.status {
        SimStatus::Unread => state.seen = false,
        SimStatus::Archived | SimStatus::Deleted => {}
        _ => state.seen = true,
    }
}

/// The kind of party, for `/parties`.
pub fn party_type(reportee: &Reportee) -> &'static str {
    match reportee.kind {
        ReporteeKind::Person => "Person",
        _ => "Organization",
    }
}

/// The message body as GitHub-flavoured markdown, as Correspondence's `/content` serves it:
/// paragraphs, the table of a simulated letter, links and line breaks from its HTML.
pub fn markdown(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    let mut rows: Vec<(String, String)> = Vec::new();
    while let Some(start) = rest.find('<') {
        out.push_str(&inline(&rest[..start]));
        let Some(end) = rest[start..].find('>') else {
            break;
        };
        let tag = rest[start + 1..start + end].to_ascii_lowercase();
        rest = &rest[start + end + 1..];
        match tag.as_str() {
            "p" => {}
            "/p" => out.push_str("\n\n"),
            "br" | "br/" | "br /" => out.push_str("  \n"),
            "table" => rows.clear(),
            "/table" => {
                let head = rows.first().map(|r| r.0.clone()).unwrap_or_default();
                let value = rows.first().map(|r| r.1.clone()).unwrap_or_default();
                out.push_str(&format!("| {head} | {value} |\n|---|---|\n"));
                for (k, v) in rows.iter().skip(1) {
                    out.push_str(&format!("| {k} | {v} |\n"));
                }
                out.push('\n');
            }
            "tr" => {
                let Some(close) = rest.find("</tr>") else {
                    continue;
                };
                let cells: Vec<String> = rest[..close]
                    .split('<')
                    .filter_map(|part| part.split_once('>').map(|(_, text)| text.trim()))
                    .filter(|t| !t.is_empty())
                    .map(str::to_owned)
                    .collect();
                if let [k, v, ..] = cells.as_slice() {
                    rows.push((k.clone(), v.clone()));
                }
                rest = &rest[close + 5..];
            }
            t if t.starts_with("a ") => {
                let href = t
                    .split("href=\"")
                    .nth(1)
                    .and_then(|h| h.split('"').next())
                    .unwrap_or_default()
                    .to_owned();
                let close = rest.find("</a>").unwrap_or(rest.len());
                out.push_str(&format!("[{}]({href})", inline(&rest[..close])));
                rest = &rest[(close + 4).min(rest.len())..];
            }
            _ => {}
        }
    }
    out.push_str(&inline(rest));
    out.trim().to_owned() + "\n"
}

fn inline(text: &str) -> String {
    text.replace('\n', "")
}

/// Titles, summaries and bodies in Nynorsk and English for a few services, so
/// `Accept-Language` has something to choose.
pub fn translations(message: &SimMessage) -> Vec<(&'static str, String, String, String)> {
    let year: String = message
        .subject
        .split_whitespace()
        .find(|w| w.len() == 4 && w.chars().all(|c| c.is_ascii_digit()))
        .unwrap_or("2025")
        .to_owned();
    let pair = |nn: (&str, &str), en: (&str, &str)| {
        vec![
            (
                "nn",
                nn.0.replace("{year}", &year),
                nn.1.replace("{year}", &year),
                format!("{}\n", nn.1.replace("{year}", &year)),
            ),
            (
                "en",
                en.0.replace("{year}", &year),
                en.1.replace("{year}", &year),
                format!("{}\n", en.1.replace("{year}", &year)),
            ),
        ]
    };
    match message.service_code.as_str() {
        "4503" => pair(
            ("Skattemeldinga for {year} er klar", "Skattemeldinga di for {year} er no tilgjengeleg. Kontroller at opplysningane stemmer."),
            ("Your tax return for {year} is ready", "Your tax return for {year} is now available. Check that the information is correct."),
        ),
        "5120" => pair(
            ("Vedtak om foreldrepengar", "Du har fått innvilga foreldrepengar. Sjå vedlagt vedtak."),
            ("Decision on parental benefit", "You have been granted parental benefit. See the attached decision."),
        ),
        "8100" => pair(
            ("Tinglysinga er gjennomført", "Dokumentet er tinglyst på eigedomen. Grunnboksutskrift ligg ved."),
            ("Registration completed", "The document has been registered on the property. A land register extract is attached."),
        ),
        _ => Vec::new(),
    }
}

/// Seeds what only Altinn 3 has, on messages chosen by their place (the same seed gives the
/// same choices): translations, an app dialog with transmissions (one the user may not
/// read), a draft, an API-only dialog, an expired attachment, dialogs that expire (one already has),
/// and a resource that needs level 4.
pub fn seed(mailboxes: &[Vec<SimMessage>], altinn3: &mut Altinn3, now: DateTime<Utc>) {
    altinn3.index(mailboxes);
    seed_translations(mailboxes, altinn3);
    // The organisation's first sent form becomes an app dialog with a conversation.
    if let Some(form) = pick(
        mailboxes,
        1,
        &|m| m.kind == "FormTask" && m.status == SimStatus::SentAndArchived,
        0,
    ) {
        seed_conversation(form, altinn3.state(form));
    }
    seed_draft(mailboxes, altinn3);
    // A message only machines read.
    if let Some(message) = pick(mailboxes, 1, &|m| m.service_code == "4506", 0) {
        altinn3.state(message).api_only = true;
    }
    // A registration certificate whose link has expired.
    if let Some(message) = pick(mailboxes, 1, &|m| !m.attachments.is_empty(), 0) {
        altinn3.state(message).expired_attachments = vec![0];
    }
    // Two of the person's letters expire: one in a month, one already has.
    let letter = |m: &SimMessage| m.kind == "Correspondence";
    if let Some(message) = pick(mailboxes, 0, &letter, 5) {
        altinn3.state(message).expires_at = Some(now + chrono::Duration::days(30));
    }
    if let Some(message) = pick(mailboxes, 0, &letter, 6) {
        altinn3.state(message).expires_at = Some(now - chrono::Duration::days(2));
    }
    // A letter that needs the highest level of assurance.
    if let Some(message) = pick(mailboxes, 0, &letter, 7) {
        altinn3.state(message).min_level = 4;
    }
}

/// The `nth` message of mailbox `mailbox` that passes `test`.
fn pick<'m>(
    mailboxes: &'m [Vec<SimMessage>],
    mailbox: usize,
    test: &dyn Fn(&SimMessage) -> bool,
    nth: usize,
) -> Option<&'m SimMessage> {
    mailboxes
        .get(mailbox)
        .and_then(|m| m.iter().filter(|x| test(x)).nth(nth))
}

/// The Nynorsk and English texts of the services that have them.
fn seed_translations(mailboxes: &[Vec<SimMessage>], altinn3: &mut Altinn3) {
    for mailbox in mailboxes {
        for message in mailbox {
            let translations = translations(message);
            if !translations.is_empty() {
                altinn3.state(message).translations = translations;
            }
        }
    }
}

/// A sent form as an app dialog: information from the service owner, the user's
/// submission and a decision the user may not read, each with its activity.
fn seed_conversation(form: &SimMessage, state: &mut DialogState) {
    let owner = form.service_owner.clone();
    let at = utc(form.created);
    let key = state.id.clone();
    state.transmissions = vec![
        Transmission {
            id: uuid7(at, &format!("tr|1|{key}")),
            at,
            kind: "Information",
            by: ActorRef::ServiceOwner,
            title: vec![("nb", format!("Informasjon fra {owner}"))],
            summary: vec![("nb", "Skjemaet er klart til utfylling.".into())],
            authorized: true,
            receipt: false,
            body: Some(format!(
                "## Informasjon\n\nSkjemaet er opprettet av {owner}.\n\n| Frist | Status |\n|---|---|\n| 30 dager | Åpen |\n\nSe [veiledningen](https://www.altinn.no/) før du fyller ut.\n"
            )),
            attachments: Vec::new(),
        },
        submission(
            uuid7(at + chrono::Duration::hours(2), &format!("tr|2|{key}")),
            at + chrono::Duration::hours(2),
            "Skjema.pdf".into(),
            false,
        ),
        Transmission {
            id: uuid7(at + chrono::Duration::hours(3), &format!("tr|3|{key}")),
            at: at + chrono::Duration::hours(3),
            kind: "Decision",
            by: ActorRef::ServiceOwner,
            title: vec![("nb", "Vedtak (taushetsbelagt)".into())],
            summary: vec![("nb", "Bare daglig leder kan lese dette.".into())],
            authorized: false,
            body: Some("Taushetsbelagt innhold.\n".into()),
            receipt: false,
            attachments: vec![DataElement::pdf("vedtak.pdf")],
        },
    ];
    state.sent = true;
    // (A submission the form had before is replaced by this conversation.)
    state.activities.retain(|a| a.transmission.is_none());
    log_transmissions(state);
}

/// An activity for each transmission: the user's submission, the service owner's
/// information.
fn log_transmissions(state: &mut DialogState) {
    let transmissions: Vec<(String, DateTime<Utc>, &'static str)> = state
        .transmissions
        .iter()
        .map(|t| (t.id.clone(), t.at, t.kind))
        .collect();
    for (id, at, kind) in transmissions {
        let submitted = kind == "Submission";
        state.activities.push(Activity {
            id: uuid7(at, &format!("act|{id}")),
            at,
            kind: if submitted {
                "FormSubmitted"
            } else {
                "Information"
            },
            by: if submitted {
                ActorRef::Person(0)
            } else {
                ActorRef::ServiceOwner
            },
            transmission: Some(id),
            description: None,
        });
    }
}

/// A form the user started and has not sent (the first in an organisation's mailbox
/// without a conversation): a draft, in a view of its own.
fn seed_draft(mailboxes: &[Vec<SimMessage>], altinn3: &mut Altinn3) {
    let filling = mailboxes
        .iter()
        .skip(1)
        .flatten()
        .filter(|m| m.kind == "FormTask" && m.status == SimStatus::Filling);
    for message in filling {
        let state = altinn3.state(message);
        if state.transmissions.is_empty() {
            state.draft = true;
            break;
        }
    }
}

/// The simulated users' names, by index.
pub fn names(world: &World) -> Vec<String> {
    world.users.iter().map(|u| u.name.clone()).collect()
}

/// The parties among `wanted` (URNs; all when empty) that `user` may see, as (URN, mailbox
/// index), in the user's order. Matched by the URN's parts, so an accountant's 100,000
/// parties are one walk without a string made for each.
pub fn authorized_among(world: &World, user: usize, wanted: &[String]) -> Vec<(String, usize)> {
    if wanted.is_empty() {
        return authorized(world, user);
    }
    let wanted: std::collections::HashSet<(&str, &str)> = wanted
        .iter()
        .filter_map(|urn| urn.rsplit_once(':'))
        .collect();
    let Some(u) = world.users.get(user) else {
        return Vec::new();
    };
    u.reportees
        .iter()
        .filter_map(|&r| world.reportees.get(r).map(|p| (p, r)))
        .filter(|(p, _)| {
            let key = match (&p.ssn, &p.org_number) {
                (Some(ssn), _) => ("urn:altinn:person:identifier-no", ssn.as_str()),
                (None, Some(org)) => ("urn:altinn:organization:identifier-no", org.as_str()),
                (None, None) => ("urn:altinn:party:id", p.id.as_str()),
            };
            wanted.contains(&key)
        })
        .map(|(p, r)| (party_urn(p), r))
        .collect()
}

/// The parties `user` may see, as (URN, mailbox index).
pub fn authorized(world: &World, user: usize) -> Vec<(String, usize)> {
    world
        .users
        .get(user)
        .map(|u| {
            u.reportees
                .iter()
                .filter_map(|&r| world.reportees.get(r).map(|p| (party_urn(p), r)))
                .collect()
        })
        .unwrap_or_default()
}
