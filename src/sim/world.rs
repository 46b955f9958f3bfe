//! The simulated world's records, which every face of the simulator serves: users,
//! reportees, their messages and attachments, and what Altinn 3 keeps beside them. The
//! generator (`data`) fills it; the faces (`altinn`, `altinn3`) and the shared operations
//! (`store`) read and change it.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use sha2::{Digest, Sha256};

/// A simulated Altinn user.
#[derive(Debug, Clone)]
pub struct User {
    /// Login name.
    pub username: String,
    /// Password (simulator only).
    pub password: String,
    /// Full name.
    pub name: String,
    /// Indices into [`World::reportees`]; the first is the person themself.
    pub reportees: Vec<usize>,
}

/// What kind of party a reportee is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReporteeKind {
    /// A person.
    Person,
    /// An enterprise.
    Enterprise,
    /// A sub-unit.
    Business,
}

/// A simulated reportee.
#[derive(Debug, Clone)]
pub struct Reportee {
    /// `r…` id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: ReporteeKind,
    /// National identity number, for persons.
    pub ssn: Option<String>,
    /// Organisation number, for organisations.
    pub org_number: Option<String>,
    /// Parent organisation number, for sub-units.
    pub parent_org_number: Option<String>,
    /// `AS`, `BEDR`, …
    pub org_form: Option<String>,
}

/// Message status in the simulator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SimStatus {
    /// Ulest.
    Unread,
    /// Lest.
    Read,
    /// Utfylling.
    Filling,
    /// Signering.
    Signing,
    /// Sendt og arkivert.
    SentAndArchived,
    /// Arkivert.
    Archived,
    /// Slettet (in the trash bin).
    Deleted,
}

impl SimStatus {
    /// The status text in an Altinn language (1044 Bokmål, 2068 Nynorsk, 1033 English).
    pub fn text(self, language: u16) -> &'static str {
        let english = language == 1033;
        match self {
            Self::Unread if english => "Unread",
            Self::Unread => "Ulest",
            Self::Read if english => "Read",
            Self::Read => "Lest",
            Self::Filling if english => "Completion",
            Self::Filling => "Utfylling",
            Self::Signing if english => "Signing",
            Self::Signing => "Signering",
            Self::SentAndArchived if english => "Sent and archived",
            Self::SentAndArchived => "Sendt og arkivert",
            Self::Archived if english => "Archived",
            Self::Archived => "Arkivert",
            Self::Deleted if english => "Deleted",
            Self::Deleted => "Slettet",
        }
    }
}

/// An attachment in the simulator; its bytes are made on demand from its fields.
#[derive(Debug, Clone)]
pub struct SimAttachment {
    /// Numeric id.
    pub id: u64,
    /// Display name.
    pub name: String,
    /// File name.
    pub file_name: String,
    /// Size of [`SimAttachment::bytes`].
    pub size: u64,
    /// Text printed in the file.
    pub title: String,
}

impl SimAttachment {
    /// The file's bytes: a real one-page PDF, plain text for `.txt` files, and bytes that
    /// are not UTF-8 for `.bin` files (for tests).
    pub fn bytes(&self) -> Vec<u8> {
        if self.file_name.ends_with(".bin") {
            let mut bytes = vec![0xff, 0xfe, 0x00, 0x80, 0xc3, 0x28, 0x1b, b'[', b'2', b'J'];
            bytes.extend_from_slice(self.title.as_bytes());
            bytes.extend([0xed, 0xa0, 0x80]);
            bytes
        } else if self.file_name.ends_with(".txt") {
            format!(
                "{}\n\nDette er et vedlegg fra Altinn-simulatoren.\n",
                self.title
            )
            .into_bytes()
        } else {
            pdf(&[
                &self.title,
                "Dokument fra Altinn-simulatoren (innboks demo).",
            ])
        }
    }

    /// The MIME type of [`SimAttachment::bytes`].
    pub fn content_type(&self) -> &'static str {
        if self.file_name.ends_with(".bin") {
            "application/octet-stream"
        } else if self.file_name.ends_with(".txt") {
            "text/plain; charset=utf-8"
        } else {
            "application/pdf"
        }
    }
}

/// One simulated message.
#[derive(Debug, Clone)]
pub struct SimMessage {
    /// `a…` or `b…` id.
    pub id: String,
    /// The `a…` id an archived message had.
    pub original_id: Option<String>,
    /// Subject.
    pub subject: String,
    /// Summary.
    pub summary: String,
    /// Status.
    pub status: SimStatus,
    /// Created (Oslo local time).
    pub created: NaiveDateTime,
    /// Last changed (Oslo local time).
    pub last_changed: NaiveDateTime,
    /// Last changed by.
    pub last_changed_by: String,
    /// Agency.
    pub service_owner: String,
    /// Specific sender.
    pub message_sender: Option<String>,
    /// `Correspondence` or `FormTask`.
    pub kind: &'static str,
    /// Service code.
    pub service_code: String,
    /// Service edition.
    pub service_edition: i64,
    /// Due date.
    pub due: Option<NaiveDateTime>,
    /// Archive reference.
    pub archive_reference: Option<String>,
    /// Security level needed to open it (a password session has level 1).
    pub required_level: u8,
    /// Needs a confirmation of receipt.
    pub requires_confirmation: bool,
    /// Marked unread by a person (Dialogporten's `MarkedAsUnopened`; Altinn 2's
    /// `MarkedUnread`).
    pub marked_unread: bool,
    /// Attachments.
    pub attachments: Vec<SimAttachment>,
    /// The HTML body.
    pub body: String,
}

/// The whole simulated world.
#[derive(Debug, Clone)]
pub struct World {
    /// Users who can log in.
    pub users: Vec<User>,
    /// All reportees.
    pub reportees: Vec<Reportee>,
    /// One mailbox per reportee (same index), newest first.
    pub mailboxes: Vec<Vec<SimMessage>>,
    /// What Altinn 3 keeps of each message beyond it (dialogs, correspondence).
    pub altinn3: Altinn3,
}

impl World {
    /// The message key of dialog `id`. A message delivered since the last look has no
    /// Altinn 3 state yet: every message's is made first when the id is not known.
    pub fn dialog_key(&mut self, id: &str) -> Option<String> {
        self.key(id, Altinn3::key_of_dialog)
    }

    /// The message key of correspondence `id` (see [`World::dialog_key`]).
    pub fn correspondence_key(&mut self, id: &str) -> Option<String> {
        self.key(id, Altinn3::key_of_correspondence)
    }

    fn key(
        &mut self,
        id: &str,
        lookup: for<'a> fn(&'a Altinn3, &str) -> Option<&'a str>,
    ) -> Option<String> {
        if let Some(key) = lookup(&self.altinn3, id) {
            return Some(key.to_owned());
        }
        self.altinn3.index(&self.mailboxes);
        lookup(&self.altinn3, id).map(str::to_owned)
    }
}

/// A one-page PDF with the given lines of text (Helvetica, WinAnsi: `æøå` print as Latin-1).
pub fn pdf(lines: &[&str]) -> Vec<u8> {
    let mut content = String::from("BT /F1 14 Tf 72 770 Td 18 TL\n");
    for line in lines {
        let escaped: String = line
            .chars()
            .map(|c| match c {
                '(' | ')' | '\\' => format!("\\{c}"),
                c if (c as u32) < 128 => c.to_string(),
                c if (c as u32) < 256 => format!("\\{:03o}", c as u32),
                _ => "?".to_owned(),
            })
            .collect();
        content.push_str(&format!("({escaped}) Tj T*\n"));
    }
    content.push_str("ET\n");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_owned(),
        format!("<< /Length {} >>\nstream\n{}endstream", content.len(), content),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_owned(),
    ];
    let mut out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, object) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{}\nendobj\n", i + 1, object).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// A system label (`SystemLabel` in the OpenAPI document).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Label {
    /// The inbox.
    Default,
    /// The trash bin.
    Bin,
    /// The archive.
    Archive,
    /// Marked unread by a person.
    MarkedAsUnopened,
    /// The party sent something (set by the service owner only).
    Sent,
}

impl Label {
    /// Its wire name.
    pub fn name(self) -> &'static str {
        match self {
            Label::Default => "Default",
            Label::Bin => "Bin",
            Label::Archive => "Archive",
            Label::MarkedAsUnopened => "MarkedAsUnopened",
            Label::Sent => "Sent",
        }
    }

    /// The label a wire name names (case-insensitive, as enum binding is).
    pub fn parse(text: &str) -> Option<Self> {
        [
            Label::Default,
            Label::Bin,
            Label::Archive,
            Label::MarkedAsUnopened,
            Label::Sent,
        ]
        .into_iter()
        .find(|l| l.name().eq_ignore_ascii_case(text.trim()))
    }

    /// One of the exclusive folder labels.
    pub fn is_folder(self) -> bool {
        matches!(self, Label::Default | Label::Bin | Label::Archive)
    }
}

/// Who did something: a person (masked in logs) or the service owner.
#[derive(Debug, Clone, PartialEq)]
pub enum ActorRef {
    /// A user of the simulator, by index.
    Person(usize),
    /// The service owner.
    ServiceOwner,
}

/// A seen-log entry.
#[derive(Debug, Clone, PartialEq)]
pub struct SeenEntry {
    /// Id.
    pub id: String,
    /// When.
    pub at: DateTime<Utc>,
    /// Who.
    pub by: usize,
}

/// A label-log entry.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelEntry {
    /// When.
    pub at: DateTime<Utc>,
    /// `systemlabel:Bin`.
    pub name: String,
    /// `set` or `remove`.
    pub action: &'static str,
    /// Who.
    pub by: usize,
}

/// An activity in the dialog's history.
#[derive(Debug, Clone, PartialEq)]
pub struct Activity {
    /// Id.
    pub id: String,
    /// When.
    pub at: DateTime<Utc>,
    /// `DialogCreated`, `CorrespondenceOpened`, …
    pub kind: &'static str,
    /// Who.
    pub by: ActorRef,
    /// The transmission it concerns.
    pub transmission: Option<String>,
    /// A text, in Bokmål.
    pub description: Option<String>,
}

/// A transmission (a message within a dialog).
#[derive(Debug, Clone, PartialEq)]
pub struct Transmission {
    /// Id.
    pub id: String,
    /// When.
    pub at: DateTime<Utc>,
    /// `Information`, `Submission`, …
    pub kind: &'static str,
    /// Who sent it.
    pub by: ActorRef,
    /// Title in each language.
    pub title: Vec<(&'static str, String)>,
    /// Summary in each language.
    pub summary: Vec<(&'static str, String)>,
    /// The user may read it (else its URLs are masked).
    pub authorized: bool,
    /// The markdown body, served at its content reference.
    pub body: Option<String>,
    /// An app's submission: its content is the receipt Storage's Dialogporten adapter
    /// serves (`/storage/dialogporten/api/v1/receipt/…`), not `body`.
    pub receipt: bool,
    /// Its files.
    pub attachments: Vec<DataElement>,
}

/// A file of a transmission: an app's data element, or a service provider's file.
#[derive(Debug, Clone, PartialEq)]
pub struct DataElement {
    /// The app's data type id (`ref-data-as-pdf`, `model`): the attachment's `name`, as
    /// the dialogporten adapter sends it. `None` for a service provider's file.
    pub data_type: Option<&'static str>,
    /// The file's name (the attachment's `displayName`).
    pub file_name: String,
    /// Its media type.
    pub media_type: &'static str,
    /// Listed with an `Api` URL (Altinn Storage: form data), not a `Gui` one (the portal).
    pub api: bool,
}

impl DataElement {
    /// A service provider's PDF.
    pub fn pdf(file_name: &str) -> Self {
        Self {
            data_type: None,
            file_name: file_name.to_owned(),
            media_type: "application/pdf",
            api: false,
        }
    }
}

/// Who made a dialog, which decides its shape (altinn3-production.md §1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// A Correspondence letter (Correspondence's Dialogporten mapper).
    Letter,
    /// An Altinn app instance (the dialogporten adapter): forms and their receipts.
    App,
    /// Another service owner's own system: content on its own host, GET actions only.
    Owner,
}

/// A correspondence status (`CorrespondenceStatusExt`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum CorrespondenceStatus {
    /// Published to the recipient.
    Published = 2,
    /// Fetched by the recipient.
    Fetched = 3,
    /// Its content was read.
    Read = 4,
    /// Receipt confirmed.
    Confirmed = 6,
    /// Purged by the recipient.
    PurgedByRecipient = 7,
    /// Attachments downloaded.
    AttachmentsDownloaded = 12,
}

impl CorrespondenceStatus {
    /// Its wire name.
    pub fn name(self) -> &'static str {
        match self {
            CorrespondenceStatus::Published => "Published",
            CorrespondenceStatus::Fetched => "Fetched",
            CorrespondenceStatus::Read => "Read",
            CorrespondenceStatus::Confirmed => "Confirmed",
            CorrespondenceStatus::PurgedByRecipient => "PurgedByRecipient",
            CorrespondenceStatus::AttachmentsDownloaded => "AttachmentsDownloaded",
        }
    }
}

/// What Altinn 3 knows of a message beyond what Altinn 2 shows.
#[derive(Debug, Clone, PartialEq)]
pub struct DialogState {
    /// The dialog id (UUIDv7-shaped, from the message).
    pub id: String,
    /// The correspondence id, for letters.
    pub correspondence: Option<String>,
    /// The dialog's revision (the `ETag`).
    pub revision: String,
    /// The end-user context's revision (for `If-Match`).
    pub context_revision: String,
    /// The party sent something (`Sent`).
    pub sent: bool,
    /// Seen since the last content update (shared by everyone who sees the party's inbox).
    pub seen: bool,
    /// The seen log.
    pub seen_log: Vec<SeenEntry>,
    /// The label log.
    pub label_log: Vec<LabelEntry>,
    /// The history.
    pub activities: Vec<Activity>,
    /// Transmissions.
    pub transmissions: Vec<Transmission>,
    /// The correspondence's status history.
    pub statuses: Vec<(CorrespondenceStatus, DateTime<Utc>)>,
    /// Soft-deleted (purged): `410`.
    pub deleted: bool,
    /// Only for machines: no content.
    pub api_only: bool,
    /// After this it is gone from searches and answers `404`.
    pub expires_at: Option<DateTime<Utc>>,
    /// Attachments (by index) whose link has expired.
    pub expired_attachments: Vec<usize>,
    /// Translations of title, summary and body beyond Bokmål: (language, title, summary, body).
    pub translations: Vec<(&'static str, String, String, String)>,
    /// The lowest authentication level that may open it.
    pub min_level: u8,
    /// The folder before the bin, to restore to.
    pub before_bin: Option<SimStatus>,
    /// Who made the dialog.
    pub origin: Origin,
    /// A form the user started and has not sent (`Draft`).
    pub draft: bool,
    /// The service owner asks the party to act (a rejected submission, another service
    /// owner's summons): `RequiresAttention`.
    pub attention: bool,
}

impl DialogState {
    /// The correspondence's current status (the highest).
    pub fn correspondence_status(&self) -> CorrespondenceStatus {
        self.statuses
            .iter()
            .map(|(s, _)| *s)
            .filter(|s| *s != CorrespondenceStatus::AttachmentsDownloaded)
            .max()
            .unwrap_or(CorrespondenceStatus::Published)
    }

    /// The correspondence reached `status` at some point.
    pub fn has_status(&self, status: CorrespondenceStatus) -> bool {
        self.statuses.iter().any(|(s, _)| *s == status)
    }
}

/// A UUID-shaped id (version 7: the first 48 bits are milliseconds since the epoch, so ids
/// sort by time) from a time and a text, deterministic.
pub fn uuid7(at: DateTime<Utc>, salt: &str) -> String {
    let hash = Sha256::digest(salt.as_bytes());
    let ms = u64::try_from(at.timestamp_millis()).unwrap_or(0) & 0xffff_ffff_ffff;
    let mut bytes = [0u8; 16];
    bytes[..6].copy_from_slice(&ms.to_be_bytes()[2..]);
    bytes[6..].copy_from_slice(&hash[..10]);
    bytes[6] = 0x70 | (bytes[6] & 0x0f);
    bytes[8] = 0x80 | (bytes[8] & 0x3f);
    format_uuid(&bytes)
}

/// A random-looking (version 4 shaped) id from a text, deterministic.
pub fn uuid4(salt: &str) -> String {
    let hash = Sha256::digest(salt.as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&hash[..16]);
    bytes[6] = 0x40 | (bytes[6] & 0x0f);
    bytes[8] = 0x80 | (bytes[8] & 0x3f);
    format_uuid(&bytes)
}

fn format_uuid(b: &[u8; 16]) -> String {
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// A fresh revision id.
pub fn new_revision(salt: &str) -> String {
    uuid4(&format!("{salt}|{}", super::random_hex(8)))
}

/// The simulator's times are Oslo local; the wire's are UTC.
pub fn utc(local: NaiveDateTime) -> DateTime<Utc> {
    chrono_tz::Europe::Oslo
        .from_local_datetime(&local)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| Utc.from_utc_datetime(&local))
}

/// The key of a message that survives an archive in Altinn 2 (which gives it a `b…` id).
pub fn message_key(message: &SimMessage) -> &str {
    message.original_id.as_deref().unwrap_or(&message.id)
}

/// The dialog state of a message as Altinn 3 would have created it.
pub fn initial_state(message: &SimMessage) -> DialogState {
    let key = message_key(message);
    let created = utc(message.created);
    let origin = origin_of(message);
    let correspondence = (origin == Origin::Letter).then(|| uuid4(&format!("c|{key}")));
    let mut activities = vec![Activity {
        id: uuid7(created, &format!("act|created|{key}")),
        at: created,
        kind: "DialogCreated",
        by: ActorRef::ServiceOwner,
        transmission: None,
        description: None,
    }];
    let seen = message.status != SimStatus::Unread;
    let mut statuses = Vec::new();
    if correspondence.is_some() {
        statuses.push((CorrespondenceStatus::Published, created));
        if message.status != SimStatus::Unread {
            let read = utc(message.last_changed);
            statuses.push((CorrespondenceStatus::Fetched, read));
            statuses.push((CorrespondenceStatus::Read, read));
            activities.push(Activity {
                id: uuid7(read, &format!("act|opened|{key}")),
                at: read,
                kind: "CorrespondenceOpened",
                by: ActorRef::ServiceOwner,
                transmission: None,
                description: None,
            });
        }
    }
    let id = uuid7(created, &format!("d|{key}"));
    let transmissions = submissions(message, &id);
    for t in &transmissions {
        activities.push(Activity {
            id: uuid7(t.at, &format!("act|{}", t.id)),
            at: t.at,
            kind: "FormSubmitted",
            by: t.by.clone(),
            transmission: Some(t.id.clone()),
            description: None,
        });
    }
    DialogState {
        id,
        correspondence,
        revision: uuid4(&format!("rev|{key}")),
        context_revision: uuid4(&format!("ctx|{key}")),
        sent: !transmissions.is_empty(),
        seen,
        seen_log: Vec::new(),
        label_log: Vec::new(),
        activities,
        transmissions,
        statuses,
        deleted: false,
        api_only: false,
        expires_at: None,
        expired_attachments: Vec::new(),
        translations: Vec::new(),
        min_level: message.required_level.max(3),
        before_bin: None,
        origin,
        draft: false,
        attention: false,
    }
}

/// Who made the dialog of `message`: forms are Altinn app instances; Statens vegvesen
/// serves its letters from its own system; the rest are Correspondence letters.
fn origin_of(message: &SimMessage) -> Origin {
    if message.kind == "FormTask" {
        Origin::App
    } else if message.service_owner == "Statens vegvesen" {
        Origin::Owner
    } else {
        Origin::Letter
    }
}

/// The submission of a form that was sent, as the dialogporten adapter makes it
/// ("Innsending #1" by the person who sent it, its receipt behind the content reference,
/// the form as a PDF in the portal and its data in Storage).
fn submissions(message: &SimMessage, dialog: &str) -> Vec<Transmission> {
    if origin_of(message) != Origin::App || message.status != SimStatus::SentAndArchived {
        return Vec::new();
    }
    let at = utc(message.last_changed);
    let pdf_name: String = message
        .subject
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == ' ' || c == '-' {
                c
            } else {
                ' '
            }
        })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    vec![submission(
        uuid7(at, &format!("submission|1|{dialog}")),
        at,
        format!("{pdf_name}.pdf"),
        true,
    )]
}

/// A form's submission as the dialogporten adapter makes it: «Innsending #1» by the person
/// who sent it, its receipt behind the content reference, the form as `pdf` in the portal
/// and, with `data`, the form's data in Storage.
pub fn submission(id: String, at: DateTime<Utc>, pdf: String, data: bool) -> Transmission {
    let mut attachments = vec![DataElement {
        data_type: Some("ref-data-as-pdf"),
        file_name: pdf,
        media_type: "application/pdf",
        api: false,
    }];
    if data {
        attachments.push(DataElement {
            data_type: Some("model"),
            file_name: "model".into(),
            media_type: "application/xml",
            api: true,
        });
    }
    Transmission {
        id,
        at,
        kind: "Submission",
        by: ActorRef::Person(0),
        title: vec![
            ("nb", "Innsending #1".into()),
            ("nn", "Innsending #1".into()),
            ("en", "Submission #1".into()),
        ],
        summary: Vec::new(),
        authorized: true,
        body: None,
        receipt: true,
        attachments,
    }
}

/// Where a message lives: (mailbox index, position in it).
pub type Place = (usize, usize);

/// The Altinn 3 side of the world: dialog state by message key, created when first needed.
#[derive(Debug, Clone, Default)]
pub struct Altinn3 {
    states: HashMap<String, DialogState>,
    /// Dialog id → message key (filled as states are made).
    by_dialog: HashMap<String, String>,
    /// Correspondence id → message key.
    by_correspondence: HashMap<String, String>,
}

impl Altinn3 {
    /// The state of `message`, made on first use.
    pub fn state(&mut self, message: &SimMessage) -> &mut DialogState {
        let key = message_key(message).to_owned();
        if !self.states.contains_key(&key) {
            let state = initial_state(message);
            self.by_dialog.insert(state.id.clone(), key.clone());
            if let Some(c) = &state.correspondence {
                self.by_correspondence.insert(c.clone(), key.clone());
            }
            self.states.insert(key.clone(), state);
        }
        self.states
            .entry(key)
            .or_insert_with(|| initial_state(message))
    }

    /// Makes the state of every message, so ids can be looked up.
    pub fn index(&mut self, mailboxes: &[Vec<SimMessage>]) {
        for mailbox in mailboxes {
            for message in mailbox {
                self.state(message);
            }
        }
    }

    /// The message key of dialog `id`.
    fn key_of_dialog(&self, id: &str) -> Option<&str> {
        self.by_dialog
            .get(&id.to_ascii_lowercase())
            .map(String::as_str)
    }

    /// The message key of correspondence `id`.
    fn key_of_correspondence(&self, id: &str) -> Option<&str> {
        self.by_correspondence
            .get(&id.to_ascii_lowercase())
            .map(String::as_str)
    }
}
