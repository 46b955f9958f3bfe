//! A deterministic synthetic Altinn world from a seed: users, reportees (a person and two
//! organisations) and their mailboxes, with realistic Norwegian senders, subjects, HTML
//! bodies and small real PDF attachments. The same seed and anchor give the same mailbox.
//! An accountant's client organisations (`--parties`) also get what they have open and
//! when it is due, spread around the anchor (`agenda`).

use chrono::{Duration, NaiveDate, NaiveDateTime};

mod agenda;

pub use super::world::{
    pdf, Reportee, ReporteeKind, SimAttachment, SimMessage, SimStatus, User, World,
};

/// A small, fast, deterministic generator (SplitMix64). Not for secrets.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Self {
        Self(seed ^ 0x9e37_79b9_7f4a_7c15)
    }

    /// The next 64 random bits.
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }

    /// One element of a non-empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

struct Template {
    owner: &'static str,
    sender: Option<&'static [&'static str]>,
    kind: &'static str,
    code: &'static str,
    edition: i64,
    subject: &'static str,
    body: &'static str,
    attachment: Option<&'static str>,
    for_orgs: bool,
    for_persons: bool,
}

const MUNICIPALITIES: &[&str] = &[
    "Oslo kommune",
    "Bergen kommune",
    "Trondheim kommune",
    "Bodø kommune",
    "Tromsø kommune",
];

const TEMPLATES: &[Template] = &[
    Template { owner: "Skatteetaten", sender: None, kind: "Correspondence", code: "4503", edition: 3, subject: "Skattemeldingen for {year} er klar", body: "Skattemeldingen din for {year} er nå tilgjengelig. Kontroller at opplysningene stemmer, og endre eller legg til det som mangler innen fristen {due}.", attachment: Some("skattemelding_{year}.pdf"), for_orgs: false, for_persons: true },
    Template { owner: "Skatteetaten", sender: None, kind: "Correspondence", code: "4504", edition: 1, subject: "Skatteoppgjøret ditt for {year} er klart", body: "Skatteoppgjøret for {year} er ferdig. Du får tilbake {amount} kroner, som blir utbetalt til kontonummeret vi har registrert.", attachment: Some("skatteoppgjor_{year}.pdf"), for_orgs: false, for_persons: true },
    Template { owner: "Skatteetaten", sender: None, kind: "Correspondence", code: "4505", edition: 2, subject: "Varsel om endring av skattefastsetting", body: "Vi vurderer å endre skattefastsettingen din for {year}. Du kan uttale deg før vi treffer vedtak. Fristen for å uttale seg er {due}.", attachment: Some("varsel_endring.pdf"), for_orgs: true, for_persons: true },
    Template { owner: "Skatteetaten", sender: None, kind: "FormTask", code: "2933", edition: 120806, subject: "RF-1028 Skattemelding for formues- og inntektsskatt – aksjeselskaper mv. {year}", body: "Skjemaet er opprettet og klart til utfylling.", attachment: None, for_orgs: true, for_persons: false },
    Template { owner: "Skatteetaten", sender: None, kind: "FormTask", code: "4765", edition: 2, subject: "Mva-melding for {term}. termin {year}", body: "Mva-meldingen for {term}. termin er klar til utfylling. Fristen er {due}.", attachment: None, for_orgs: true, for_persons: false },
    Template { owner: "Skatteetaten", sender: None, kind: "Correspondence", code: "4506", edition: 1, subject: "Tilbakemelding på a-melding for {month}", body: "Vi har mottatt a-meldingen for {month}. Den er godkjent uten avvik.", attachment: Some("tilbakemelding_a-melding.txt"), for_orgs: true, for_persons: false },
    Template { owner: "NAV", sender: None, kind: "Correspondence", code: "5120", edition: 1, subject: "Vedtak om foreldrepenger", body: "Du har fått innvilget foreldrepenger fra {date}. Utbetalingen skjer den 25. hver måned. Se vedlagt vedtak for begrunnelse og klageadgang.", attachment: Some("vedtak_foreldrepenger.pdf"), for_orgs: false, for_persons: true },
    Template { owner: "NAV", sender: None, kind: "Correspondence", code: "5121", edition: 1, subject: "Melding om utbetaling", body: "Vi har utbetalt {amount} kroner til deg. Beløpet er skattetrukket etter skattekortet ditt.", attachment: None, for_orgs: false, for_persons: true },
    Template { owner: "NAV", sender: None, kind: "Correspondence", code: "5122", edition: 1, subject: "Inntektsmelding mottatt for sak {case}", body: "Vi har mottatt inntektsmeldingen for en av deres ansatte i sak {case}.", attachment: None, for_orgs: true, for_persons: false },
    Template { owner: "Brønnøysundregistrene", sender: None, kind: "Correspondence", code: "3210", edition: 1, subject: "Årsregnskap for {year} er mottatt", body: "Vi bekrefter at årsregnskapet for {year} er mottatt og registrert i Regnskapsregisteret.", attachment: Some("kvittering.pdf"), for_orgs: true, for_persons: false },
    Template { owner: "Brønnøysundregistrene", sender: None, kind: "Correspondence", code: "3211", edition: 1, subject: "Påminnelse: frist for innsending av årsregnskap", body: "Årsregnskapet for {year} må sendes inn innen {due}. Ved for sen innsending ilegges forsinkelsesgebyr.", attachment: None, for_orgs: true, for_persons: false },
    Template { owner: "Brønnøysundregistrene", sender: None, kind: "Correspondence", code: "3212", edition: 1, subject: "Registrering i Foretaksregisteret er fullført", body: "Endringsmeldingen er registrert. Den nye firmaattesten ligger vedlagt.", attachment: Some("firmaattest.pdf"), for_orgs: true, for_persons: false },
    Template { owner: "Statens vegvesen", sender: None, kind: "Correspondence", code: "6012", edition: 1, subject: "Innkalling til EU-kontroll for {plate}", body: "Kjøretøyet ditt med registreringsnummer {plate} må godkjennes innen {due}. Bestill time hos et godkjent verksted.", attachment: None, for_orgs: true, for_persons: true },
    Template { owner: "Statens vegvesen", sender: None, kind: "Correspondence", code: "6013", edition: 1, subject: "Førerkortet ditt må fornyes", body: "Førerkortet ditt utløper {due}. Du kan fornye det digitalt.", attachment: None, for_orgs: false, for_persons: true },
    Template { owner: "Statens lånekasse for utdanning", sender: None, kind: "Correspondence", code: "7001", edition: 1, subject: "Betalingsplan for studielån {year}", body: "Den nye betalingsplanen din er klar. Neste termin på {amount} kroner forfaller {due}.", attachment: Some("betalingsplan.pdf"), for_orgs: false, for_persons: true },
    Template { owner: "Statens kartverk", sender: None, kind: "Correspondence", code: "8100", edition: 1, subject: "Tinglysing er gjennomført – gnr. {gnr} bnr. {bnr}", body: "Dokumentet er tinglyst på eiendommen gnr. {gnr} bnr. {bnr}. Grunnboksutskrift ligger vedlagt.", attachment: Some("grunnboksutskrift.pdf"), for_orgs: true, for_persons: true },
    Template { owner: "Kommunene", sender: Some(MUNICIPALITIES), kind: "Correspondence", code: "2479", edition: 2, subject: "Vedr. saksnr {case}, byggesak", body: "Tillatelse til tiltak er gitt for gnr. {gnr} bnr. {bnr}. Klikk under for å åpne dokumentet.", attachment: Some("Tiltak_{case}.pdf"), for_orgs: true, for_persons: true },
    Template { owner: "Kommunene", sender: Some(MUNICIPALITIES), kind: "Correspondence", code: "2480", edition: 1, subject: "Eiendomsskatt {year}", body: "Skatteseddel for eiendomsskatt {year} ligger vedlagt. Første termin forfaller {due}.", attachment: Some("skatteseddel.pdf"), for_orgs: true, for_persons: true },
    Template { owner: "Statistisk sentralbyrå", sender: None, kind: "FormTask", code: "3606", edition: 130731, subject: "RA-0297 Lønns- og personalstatistikk {year}", body: "Virksomheten er trukket ut til å delta i undersøkelsen. Svarfrist {due}.", attachment: Some("oppgaver.txt"), for_orgs: true, for_persons: false },
    Template { owner: "Arbeidstilsynet", sender: None, kind: "Correspondence", code: "9010", edition: 1, subject: "Varsel om tilsyn", body: "Arbeidstilsynet vil gjennomføre tilsyn hos virksomheten {date}. Se vedlagt informasjon.", attachment: Some("varsel_tilsyn.pdf"), for_orgs: true, for_persons: false },
];

const MONTHS: &[&str] = &[
    "januar",
    "februar",
    "mars",
    "april",
    "mai",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "desember",
];
const CASEWORKERS: &[&str] = &[
    "Ingrid Hansen",
    "Ole Johansen",
    "Kari Olsen",
    "Per Larsen",
    "Anne Berg",
];

/// Options for [`World::generate`].
#[derive(Debug, Clone)]
pub struct WorldOptions {
    /// The seed.
    pub seed: u64,
    /// Messages in the person's mailbox; the organisations get a half and a fifth of it.
    pub messages: usize,
    /// Client organisations the demo user acts for (an accountant's), sharing `messages`.
    pub parties: usize,
    /// The newest message's time; older ones spread over two years before it.
    pub anchor: NaiveDateTime,
}

fn norwegian_date(d: NaiveDateTime) -> String {
    d.format("%d.%m.%Y").to_string()
}

impl World {
    /// Builds the world: the demo user `demo`/`demo` (Kari Nordmann, acting for herself,
    /// Nordmann Bygg AS and its Bergen sub-unit) and a second user `ola`/`ola` for tests.
    pub fn generate(options: &WorldOptions) -> Self {
        let mut reportees = fixed_reportees();
        let mut users = fixed_users();
        let mut sizes = fixed_sizes(options.messages).to_vec();
        let fixed = reportees.len();
        add_clients(options, &mut reportees, &mut users, &mut sizes);
        let mut mailboxes = mailboxes(options, &reportees, sizes, fixed);
        let mut altinn3 = super::store::Altinn3::default();
        agenda::spread(options, fixed, &reportees, &mut mailboxes, &mut altinn3);
        super::store::seed(&mailboxes, &mut altinn3, super::store::utc(options.anchor));
        Self {
            users,
            reportees,
            mailboxes,
            altinn3,
        }
    }
}

/// Kari Nordmann, her company, its Bergen sub-unit, and Ola Nordmann.
fn fixed_reportees() -> Vec<Reportee> {
    vec![
        Reportee {
            id: "r50010001".into(),
            name: "KARI NORDMANN".into(),
            kind: ReporteeKind::Person,
            ssn: Some("01017012345".into()),
            org_number: None,
            parent_org_number: None,
            org_form: None,
        },
        Reportee {
            id: "r50020002".into(),
            name: "NORDMANN BYGG AS".into(),
            kind: ReporteeKind::Enterprise,
            ssn: None,
            org_number: Some("912345678".into()),
            parent_org_number: None,
            org_form: Some("AS".into()),
        },
        Reportee {
            id: "r50020003".into(),
            name: "NORDMANN BYGG AS AVD BERGEN".into(),
            kind: ReporteeKind::Business,
            ssn: None,
            org_number: Some("973456789".into()),
            parent_org_number: Some("912345678".into()),
            org_form: Some("BEDR".into()),
        },
        Reportee {
            id: "r50010004".into(),
            name: "OLA NORDMANN".into(),
            kind: ReporteeKind::Person,
            ssn: Some("02028054321".into()),
            org_number: None,
            parent_org_number: None,
            org_form: None,
        },
    ]
}

/// `demo` (Kari, for herself and both units) and `ola` (for himself and the company).
fn fixed_users() -> Vec<User> {
    vec![
        User {
            username: "demo".into(),
            password: "demo".into(),
            name: "Kari Nordmann".into(),
            reportees: vec![0, 1, 2],
        },
        User {
            username: "ola".into(),
            password: "ola".into(),
            name: "Ola Nordmann".into(),
            reportees: vec![3, 1],
        },
    ]
}

/// The sizes of the fixed reportees' mailboxes: all of `messages` for Kari, a half, a
/// fifth and a third for the others (never fewer than 10, 5 and 5 when there are as many).
fn fixed_sizes(messages: usize) -> [usize; 4] {
    [
        messages,
        (messages / 2).max(messages.min(10)),
        (messages / 5).max(messages.min(5)),
        (messages / 3).max(messages.min(5)),
    ]
}

/// An accountant's clients: organisations the demo user acts for, with a share of the
/// messages each.
fn add_clients(
    options: &WorldOptions,
    reportees: &mut Vec<Reportee>,
    users: &mut [User],
    sizes: &mut Vec<usize>,
) {
    let share = options
        .messages
        .checked_div(options.parties)
        .map_or(0, |n| n.max(1));
    for n in 0..options.parties {
        reportees.push(client_organisation(n));
        if let Some(demo) = users.first_mut() {
            demo.reportees.push(reportees.len() - 1);
        }
        sizes.push(if n * share < options.messages {
            share
        } else {
            0
        });
    }
}

/// Each reportee's mailbox, from a generator of its own (seeded by the world's seed and its
/// place), so one mailbox's size does not change another's letters. Attachment ids run on
/// across the mailboxes. The reportees from `fixed` on are the accountant's clients.
fn mailboxes(
    options: &WorldOptions,
    reportees: &[Reportee],
    sizes: Vec<usize>,
    fixed: usize,
) -> Vec<Vec<SimMessage>> {
    let mut attachment_id = 9_000_000u64;
    reportees
        .iter()
        .zip(sizes)
        .enumerate()
        .map(|(index, (reportee, size))| {
            let mut rng = Rng::new(options.seed.wrapping_mul(31).wrapping_add(index as u64 + 1));
            let first_id = first_id(index);
            mailbox(
                (reportee, index >= fixed),
                size,
                first_id,
                &mut attachment_id,
                options.anchor,
                &mut rng,
            )
        })
        .collect()
}

/// The number in the id of mailbox `index`'s first letter; each mailbox has a million.
fn first_id(index: usize) -> u64 {
    7_000_000 + index as u64 * 1_000_000
}

/// Client organisation `n` of an accountant: a name, and an organisation number of its
/// own that passes the modulus-11 check.
fn client_organisation(n: usize) -> Reportee {
    const FIRST: [&str; 12] = [
        "FJORD", "NORD", "BERG", "SKOG", "HAV", "LYNG", "ELVE", "STEIN", "FOSSE", "DAL", "VIK",
        "ÅS",
    ];
    const LAST: [&str; 10] = [
        "REGNSKAP",
        "BYGG",
        "TRANSPORT",
        "EIENDOM",
        "HANDEL",
        "FISK",
        "DATA",
        "MEKANISKE",
        "BAKERI",
        "ELEKTRO",
    ];
    let name = format!(
        "{}{} {} AS",
        FIRST[n % FIRST.len()],
        LAST[(n / FIRST.len()) % LAST.len()],
        n + 1
    );
    // `9`, a variant digit and six of `n`: the first variant with a valid check digit (the
    // variant's weight is 2, so one of the first two has one). Unique for a million
    // clients; taking the next base number instead gave two clients one number.
    let mut digits: Vec<u32> = Vec::new();
    let mut check = 0;
    for variant in 0..10 {
        digits = format!("9{variant}{:06}", n % 1_000_000)
            .chars()
            .filter_map(|c| c.to_digit(10))
            .collect();
        let weights = [3, 2, 7, 6, 5, 4, 3, 2];
        let sum: u32 = digits.iter().zip(weights).map(|(d, w)| d * w).sum();
        match 11 - sum % 11 {
            10 => continue,
            11 => check = 0,
            c => check = c,
        }
        break;
    }
    let number: String = digits
        .iter()
        .chain(std::iter::once(&check))
        .map(|d| char::from_digit(*d, 10).unwrap_or('0'))
        .collect();
    Reportee {
        id: format!("r6{:07}", n),
        name,
        kind: ReporteeKind::Enterprise,
        ssn: None,
        org_number: Some(number),
        parent_org_number: None,
        org_form: Some("AS".into()),
    }
}

/// What the letters of one mailbox share: whom they are for and how they are spread.
struct Recipient {
    /// The templates for a person or for an organisation.
    templates: Vec<&'static Template>,
    is_person: bool,
    /// One of the accountant's clients: what it has open is its agenda's (`agenda`), so its
    /// history has no form left open and no letter asking for a confirmation.
    client: bool,
    /// «Hei …»: a person's first name, an organisation's name.
    greeting: String,
    /// Seconds between letters (the newest at the anchor, the rest over two years).
    step: i64,
    /// The number in the first letter's id.
    first_id: u64,
    anchor: NaiveDateTime,
}

/// A mailbox of `size` letters, newest first, for a reportee (and whether it is a client).
/// Every letter draws from `rng` in a fixed order (see [`letter`]), so the same seed gives
/// the same mailbox.
fn mailbox(
    (reportee, client): (&Reportee, bool),
    size: usize,
    first_id: u64,
    attachment_id: &mut u64,
    anchor: NaiveDateTime,
    rng: &mut Rng,
) -> Vec<SimMessage> {
    let is_person = reportee.kind == ReporteeKind::Person;
    let templates: Vec<&Template> = TEMPLATES
        .iter()
        .filter(|t| if is_person { t.for_persons } else { t.for_orgs })
        .collect();
    let span_secs: i64 = 730 * 24 * 3600;
    let step = (span_secs / size.max(1) as i64).max(60);
    let greeting = if is_person {
        reportee
            .name
            .split(' ')
            .next()
            .map(title_case)
            .unwrap_or_default()
    } else {
        title_case(&reportee.name)
    };
    let recipient = Recipient {
        templates,
        is_person,
        client,
        greeting,
        step,
        first_id,
        anchor,
    };
    (0..size)
        .map(|i| letter(&recipient, i, attachment_id, rng))
        .collect()
}

/// When a letter was made and changed, and what its text's placeholders say.
struct Particulars {
    last_changed: NaiveDateTime,
    created: NaiveDateTime,
    due: NaiveDateTime,
    /// The year the letter is about (the one before it was sent).
    year: i32,
    /// `2026/1234`.
    case: String,
}

impl Particulars {
    /// Letter `i`'s times (`step` apart with some jitter, back from the anchor), its due date
    /// and case number.
    fn draw(recipient: &Recipient, i: usize, rng: &mut Rng) -> Self {
        let step = recipient.step;
        let jitter = rng.below((step / 2).max(1) as u64) as i64;
        let last_changed = recipient.anchor - Duration::seconds(i as i64 * step + jitter);
        let created = last_changed - Duration::seconds(rng.below(3 * 24 * 3600) as i64);
        let year = last_changed
            .format("%Y")
            .to_string()
            .parse::<i32>()
            .unwrap_or(2025)
            - 1;
        let due = last_changed + Duration::days(14 + rng.below(30) as i64);
        let case = format!("{}/{}", year + 1, 1000 + rng.below(9000));
        Self {
            last_changed,
            created,
            due,
            year,
            case,
        }
    }

    /// `text` with its placeholders filled. Draws an amount, a term, a month, a plate and a
    /// property's numbers every time, used or not, in that order.
    fn fill(&self, text: &str, rng: &mut Rng) -> String {
        text.replace("{year}", &self.year.to_string())
            .replace("{due}", &norwegian_date(self.due))
            .replace("{date}", &norwegian_date(self.created + Duration::days(7)))
            .replace("{amount}", &format!("{}", 500 + rng.below(40_000)))
            .replace("{case}", &self.case)
            .replace("{term}", &(1 + rng.below(6)).to_string())
            .replace("{month}", MONTHS[rng.below(12) as usize])
            .replace("{plate}", &format!("EL {}", 10_000 + rng.below(89_999)))
            .replace("{gnr}", &(1 + rng.below(300)).to_string())
            .replace("{bnr}", &(1 + rng.below(900)).to_string())
    }
}

/// Letter `i` of a mailbox. The order of the draws from `rng` is the mailbox: template,
/// particulars, subject, paragraph, sender, status, attachments, caseworker, level,
/// confirmation.
fn letter(recipient: &Recipient, i: usize, attachment_id: &mut u64, rng: &mut Rng) -> SimMessage {
    let template = *rng.pick(&recipient.templates);
    let when = Particulars::draw(recipient, i, rng);
    let subject = when.fill(template.subject, rng);
    let paragraph = when.fill(template.body, rng);
    let message_sender = template.sender.map(|s| (*rng.pick(s)).to_owned());
    let signer = message_sender
        .clone()
        .unwrap_or_else(|| template.owner.to_owned());
    let status = match status(template.kind, i, rng) {
        SimStatus::Filling | SimStatus::Signing if recipient.client => SimStatus::SentAndArchived,
        status => status,
    };
    let number = recipient.first_id + i as u64;
    let (id, original_id) = if status == SimStatus::Archived {
        (format!("b{}", number + 500_000), Some(format!("a{number}")))
    } else {
        (format!("a{number}"), None)
    };
    let attachments = attachments(template, &when, (&subject, &signer), attachment_id, rng);
    let caseworker = rng.pick(CASEWORKERS);
    let body = body_html(&recipient.greeting, &paragraph, &when, caseworker, &signer);
    let form = template.kind == "FormTask";
    let required_level = if i >= 3 && template.owner.contains("NAV") && rng.chance(0.5) {
        3
    } else {
        1
    };
    let requires_confirmation =
        template.kind == "Correspondence" && i >= 3 && rng.chance(0.05) && !recipient.client;
    SimMessage {
        id,
        original_id,
        summary: truncate_words(&paragraph, 90),
        subject,
        status,
        created: when.created,
        last_changed: when.last_changed,
        last_changed_by: if form && !recipient.is_person {
            caseworker.to_string()
        } else {
            signer
        },
        service_owner: template.owner.to_owned(),
        message_sender,
        kind: template.kind,
        service_code: template.code.to_owned(),
        service_edition: template.edition,
        due: (form || paragraph.contains("frist") || paragraph.contains("Fristen"))
            .then_some(when.due),
        archive_reference: (form && status == SimStatus::SentAndArchived)
            .then(|| format!("AR{}", 3_000_000 + number % 1_000_000)),
        required_level,
        requires_confirmation,
        marked_unread: false,
        attachments,
        body,
    }
}

/// A letter's status by its place `i` (newest first). A form is being filled in (often
/// among the newest 20), signed now and then, or sent; a letter is unread (the newest three
/// always, older ones ever more rarely), archived (now and then past the 40th) or read.
fn status(kind: &str, i: usize, rng: &mut Rng) -> SimStatus {
    if kind == "FormTask" {
        if i < 20 && rng.chance(0.6) {
            SimStatus::Filling
        } else if rng.chance(0.1) {
            SimStatus::Signing
        } else {
            SimStatus::SentAndArchived
        }
    } else {
        let unread = match i {
            0..=2 => true,
            3..=14 => rng.chance(0.4),
            15..=99 => rng.chance(0.08),
            _ => rng.chance(0.01),
        };
        if unread {
            SimStatus::Unread
        } else if i > 40 && rng.chance(0.06) {
            SimStatus::Archived
        } else {
            SimStatus::Read
        }
    }
}

/// The template's attachment (always on a form, mostly on a letter) and, on some letters,
/// the leaflet on how to appeal; titled after the letter's subject and its signer.
fn attachments(
    template: &Template,
    when: &Particulars,
    (subject, signer): (&str, &str),
    attachment_id: &mut u64,
    rng: &mut Rng,
) -> Vec<SimAttachment> {
    let mut attachments = Vec::new();
    let Some(name) = template.attachment else {
        return attachments;
    };
    if template.kind == "FormTask" || rng.chance(0.8) {
        let file_name = when.fill(name, rng).replace('/', "-");
        attachments.push(sim_attachment(attachment_id, &file_name, subject, signer));
    }
    if template.kind == "Correspondence" && rng.chance(0.2) {
        attachments.push(sim_attachment(
            attachment_id,
            "informasjon_om_klage.pdf",
            "Informasjon om klageadgang",
            signer,
        ));
    }
    attachments
}

/// A letter's HTML: greeting, paragraph, a table with case number and date, and the
/// caseworker's and sender's signature.
fn body_html(
    greeting: &str,
    paragraph: &str,
    when: &Particulars,
    caseworker: &str,
    signer: &str,
) -> String {
    format!(
        "<p>Hei {greeting},</p>\n<p>{paragraph}</p>\n<table>\n<tr><th>Saksnummer</th><td>{case}</td></tr>\n<tr><th>Dato</th><td>{}</td></tr>\n</table>\n<p>Har du spørsmål, kan du kontakte oss på <a href=\"https://www.altinn.no/\">altinn.no</a>. Oppgi saksnummer når du kontakter oss.</p>\n<p>Med vennlig hilsen<br>\n{caseworker}<br>\n{signer}</p>\n",
        norwegian_date(when.created),
        case = when.case,
    )
}

fn sim_attachment(next_id: &mut u64, file_name: &str, title: &str, signer: &str) -> SimAttachment {
    *next_id += 1;
    let name = file_name
        .rsplit_once('.')
        .map_or(file_name, |(stem, _)| stem)
        .replace('_', " ");
    let mut attachment = SimAttachment {
        id: *next_id,
        name,
        file_name: file_name.to_owned(),
        size: 0,
        title: format!("{title} - {signer}"),
    };
    attachment.size = attachment.bytes().len() as u64;
    attachment
}

fn title_case(text: &str) -> String {
    text.split(' ')
        .map(|w| {
            let lower = w.to_lowercase();
            if lower == "as" || lower == "avd" {
                return lower.to_uppercase();
            }
            let mut chars = lower.chars();
            match chars.next() {
                Some(c) => c.to_uppercase().chain(chars).collect(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn truncate_words(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max).collect();
    match cut.rsplit_once(' ') {
        Some((head, _)) => format!("{head} …"),
        None => cut,
    }
}

/// The default anchor: today at 14:00, so the demo inbox looks current.
pub fn default_anchor() -> NaiveDateTime {
    let today: NaiveDate = chrono::Local::now().date_naive();
    today.and_hms_opt(14, 0, 0).unwrap_or_default()
}

/// The id of the hostile message that [`add_hostile`] puts second in the person's inbox.
pub const HOSTILE_ID: &str = "a6999999";

/// Delivers a new unread letter on top of mailbox `index` (a copy of the newest one with
/// `subject`, one minute newer); returns its id. For tests of sync and refresh.
pub fn deliver(world: &mut World, index: usize, subject: &str) -> Option<String> {
    deliver_with(world, index, |m| m.subject = subject.to_owned())
}

/// Like [`deliver`], with `shape` setting any field of the new message (tests of hostile
/// content give it escape sequences, odd names and huge bodies); its attachments get ids of
/// their own.
pub fn deliver_with(
    world: &mut World,
    index: usize,
    shape: impl FnOnce(&mut SimMessage),
) -> Option<String> {
    let id = deliver_plain(world, index)?;
    let mailbox = world.mailboxes.get_mut(index)?;
    let message = mailbox.first_mut()?;
    shape(message);
    message.id = id.clone();
    let mut next = 8_500_000 + (mailbox.len() as u64) * 10;
    if let Some(message) = world.mailboxes.get_mut(index).and_then(|m| m.first_mut()) {
        for attachment in &mut message.attachments {
            next += 1;
            attachment.id = next;
            attachment.size = attachment.bytes().len() as u64;
        }
    }
    Some(id)
}

/// A text attachment named `file_name` (for tests).
pub fn text_attachment(file_name: &str, title: &str) -> SimAttachment {
    let mut attachment = SimAttachment {
        id: 0,
        name: title.to_owned(),
        file_name: file_name.to_owned(),
        size: 0,
        title: title.to_owned(),
    };
    attachment.size = attachment.bytes().len() as u64;
    attachment
}

/// A new `a…` id: one past the highest number in the world (every mailbox, archived
/// originals included), so no two messages share one however many parties there are (a
/// message's id is its dialog's key).
pub fn next_message_id(mailboxes: &[Vec<SimMessage>]) -> String {
    let highest = mailboxes
        .iter()
        .flatten()
        .flat_map(|m| std::iter::once(&m.id).chain(m.original_id.as_ref()))
        .filter_map(|id| id.get(1..)?.parse::<u64>().ok())
        .max()
        .unwrap_or(0);
    format!("a{}", highest + 1)
}

fn deliver_plain(world: &mut World, index: usize) -> Option<String> {
    let id = next_message_id(&world.mailboxes);
    let mailbox = world.mailboxes.get_mut(index)?;
    let newest = mailbox.first()?.clone();
    mailbox.insert(
        0,
        SimMessage {
            id: id.clone(),
            original_id: None,
            status: SimStatus::Unread,
            kind: "Correspondence",
            last_changed: newest.last_changed + Duration::minutes(1),
            created: newest.last_changed + Duration::minutes(1),
            requires_confirmation: false,
            marked_unread: false,
            required_level: 1,
            attachments: Vec::new(),
            ..newest
        },
    );
    Some(id)
}

/// Puts a hostile message second in the person's inbox: escape sequences (a title change,
/// an OSC 52 clipboard write, screen clearing), a bidi override and path tricks in the
/// subject, sender and attachment names. For tests of what reaches the terminal and the disk.
pub fn add_hostile(world: &mut World) {
    let Some(mailbox) = world.mailboxes.first_mut() else {
        return;
    };
    let Some(template) = mailbox.first().cloned() else {
        return;
    };
    let mut attachment_id = 8_999_000;
    let attachments = vec![
        sim_attachment(&mut attachment_id, "../../etc/passwd", "passwd", "x"),
        sim_attachment(
            &mut attachment_id,
            "\u{1b}]52;c;ZXZpbA==\u{7}rapport\u{202e}fdp.exe",
            "rapport",
            "x",
        ),
    ];
    let hostile = SimMessage {
        id: HOSTILE_ID.into(),
        original_id: None,
        subject: "Viktig\u{1b}]0;pwned\u{7} melding \u{202e}fdp.exe\u{1b}[2J".into(),
        summary: "\u{1b}[31mrød\u{1b}[0m".into(),
        status: SimStatus::Unread,
        service_owner: "Skatteetaten\u{9b}31m".into(),
        message_sender: Some("\u{200b}NAV\u{200f}".into()),
        body: "<p>Hei\u{1b}]8;;https://evil.example\u{7}klikk\u{1b}]8;;\u{7}</p><script>alert(1)</script>".into(),
        attachments,
        required_level: 1,
        requires_confirmation: false,
        ..template
    };
    mailbox.insert(1.min(mailbox.len()), hostile);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(messages: usize) -> WorldOptions {
        WorldOptions {
            seed: 7,
            messages,
            parties: 0,
            anchor: NaiveDate::from_ymd_opt(2026, 11, 20)
                .and_then(|d| d.and_hms_opt(12, 0, 0))
                .unwrap_or_default(),
        }
    }

    #[test]
    fn same_seed_same_world() {
        let a = World::generate(&options(60));
        let b = World::generate(&options(60));
        assert_eq!(a.mailboxes[0].len(), 60);
        assert_eq!(
            a.mailboxes[0]
                .iter()
                .map(|m| &m.subject)
                .collect::<Vec<_>>(),
            b.mailboxes[0]
                .iter()
                .map(|m| &m.subject)
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn newest_first_and_unique_ids() {
        let world = World::generate(&options(500));
        for mailbox in &world.mailboxes {
            assert!(mailbox
                .windows(2)
                .all(|w| w[0].last_changed >= w[1].last_changed));
            let mut ids: Vec<_> = mailbox.iter().map(|m| m.id.to_string()).collect();
            ids.sort();
            ids.dedup();
            assert_eq!(ids.len(), mailbox.len());
        }
    }

    #[test]
    fn every_client_has_an_organisation_number_of_its_own() {
        let mut numbers = std::collections::HashSet::new();
        for n in 0..100_000 {
            let number = client_organisation(n).org_number.unwrap_or_default();
            let digits: Vec<u32> = number.chars().filter_map(|c| c.to_digit(10)).collect();
            assert_eq!(digits.len(), 9, "{number}");
            let sum: u32 = digits[..8]
                .iter()
                .zip([3, 2, 7, 6, 5, 4, 3, 2])
                .map(|(d, w)| d * w)
                .sum();
            assert_eq!((11 - sum % 11) % 11, digits[8], "{number}");
            assert!(numbers.insert(number.clone()), "{number} twice");
        }
    }

    #[test]
    fn pdf_is_well_formed() {
        let bytes = pdf(&["Skattemelding for 2025 (Skatteetaten)"]);
        assert!(bytes.starts_with(b"%PDF-1.4"));
        assert!(bytes.ends_with(b"%%EOF\n"));
        let text = String::from_utf8_lossy(&bytes);
        let xref: usize = text
            .rsplit("startxref\n")
            .next()
            .and_then(|t| t.lines().next())
            .and_then(|t| t.parse().ok())
            .unwrap_or(0);
        assert!(bytes[xref..].starts_with(b"xref"));
    }
}
