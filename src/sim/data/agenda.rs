//! What an accountant's client organisations have open, made around the anchor (the time
//! the simulator's data is made around: the newest letter's, today at 14:00 in the demo).
//! Most clients have nothing pressing; some have a form or a letter due within two weeks;
//! a few have one overdue and still unanswered. Some of their letters expire. Each client
//! draws from a generator of its own, so the same seed gives the same agenda and its history
//! stays what it was; the fixed reportees (Kari, her company and its sub-unit, Ola) are left as they are.
//! `sim::due` tells how pressing each dialog and party is.

use chrono::{Datelike, Duration, NaiveDateTime, NaiveTime};

use super::{
    body_html, first_id, title_case, truncate_words, Particulars, Rng, WorldOptions, CASEWORKERS,
    TEMPLATES,
};
use crate::sim::store::{utc, Altinn3};
use crate::sim::world::{Reportee, SimMessage, SimStatus};

/// What a client can have open, by service code, with its weight: forms to fill in (Altinn
/// apps: `InProgress`, now and then rejected and `RequiresAttention`), letters that ask for
/// a confirmation (`RequiresAttention`), and a summons from a service owner's own system
/// (`RequiresAttention`).
const OPEN: [(&str, u64); 7] = [
    ("4765", 35), // Skatteetaten: Mva-melding
    ("2933", 10), // Skatteetaten: RF-1028 skattemelding for aksjeselskaper
    ("3606", 10), // SSB: RA-0297 lønns- og personalstatistikk
    ("3211", 20), // Brønnøysundregistrene: frist for årsregnskapet
    ("9010", 10), // Arbeidstilsynet: varsel om tilsyn
    ("4505", 8),  // Skatteetaten: varsel om endring, frist for å uttale seg
    ("6012", 7),  // Statens vegvesen (its own system): innkalling til EU-kontroll
];

/// The summary of a rejected submission, as the dialogporten adapter writes it.
const REJECTED: &str = "Innsendingen ble avvist. Åpne dialogen for mer informasjon.";

/// The number in a client's agenda items' ids, past its history's (and their archived
/// `b…` numbers, 500,000 on).
const AGENDA_IDS: u64 = 900_000;

/// Gives each client (the reportees and mailboxes from `fixed` on) what it has open and
/// lets some of its letters expire.
pub(super) fn spread(
    options: &WorldOptions,
    fixed: usize,
    reportees: &[Reportee],
    mailboxes: &mut [Vec<SimMessage>],
    altinn3: &mut Altinn3,
) {
    let clients = reportees.iter().zip(mailboxes.iter_mut()).enumerate();
    for (index, (client, mailbox)) in clients.skip(fixed) {
        let salt = (index as u64 + 1).wrapping_mul(0xd1b5_4a32_d192_ed03);
        let mut rng = Rng::new(options.seed.rotate_left(29) ^ salt);
        expire_some(mailbox, altinn3, options.anchor, &mut rng);
        let greeting = title_case(&client.name);
        for (k, days) in due_days(&mut rng).into_iter().enumerate() {
            let number = first_id(index) + AGENDA_IDS + k as u64;
            let (message, attention) = open_item(&greeting, number, days, options.anchor, &mut rng);
            altinn3.state(&message).attention = attention;
            let at = mailbox.partition_point(|m| m.last_changed > message.last_changed);
            mailbox.insert(at, message);
        }
    }
}

/// When a client's open items are due, in days after the anchor's day (negative: overdue):
/// nothing for about half, one or two within two weeks for about a quarter, one later for
/// about a sixth, and for about one in eleven one or two overdue, now and then with one due
/// soon as well.
fn due_days(rng: &mut Rng) -> Vec<i64> {
    let mut days = Vec::new();
    let overdue = |rng: &mut Rng| -(1 + rng.below(25) as i64);
    match rng.below(100) {
        0..=8 => {
            days.push(overdue(rng));
            if rng.chance(0.3) {
                days.push(overdue(rng));
            }
            if rng.chance(0.35) {
                days.push(rng.below(14) as i64);
            }
        }
        9..=35 => {
            days.push(rng.below(14) as i64);
            if rng.chance(0.2) {
                days.push(rng.below(14) as i64);
            }
        }
        36..=51 => days.push(14 + rng.below(47) as i64),
        _ => {}
    }
    days
}

/// A service code of [`OPEN`], drawn by weight.
fn draw(rng: &mut Rng) -> &'static str {
    let total: u64 = OPEN.iter().map(|(_, w)| w).sum();
    let mut roll = rng.below(total);
    for (code, weight) in OPEN {
        if roll < weight {
            return code;
        }
        roll -= weight;
    }
    OPEN[0].0
}

/// An open item due at 23:59 on day `days` after the anchor's (so it is overdue, or not,
/// all that day whatever the hour), and whether its service owner asks for attention (a
/// rejected form, a summons). A form came a month or two before it is due and may have been
/// worked on since; a letter two to four weeks before. Neither came after the anchor.
fn open_item(
    greeting: &str,
    number: u64,
    days: i64,
    anchor: NaiveDateTime,
    rng: &mut Rng,
) -> (SimMessage, bool) {
    let code = draw(rng);
    let template = TEMPLATES
        .iter()
        .find(|t| t.code == code)
        .unwrap_or(&TEMPLATES[0]);
    let form = template.kind == "FormTask";
    let own_system = template.owner == "Statens vegvesen";
    let evening = NaiveTime::from_hms_opt(23, 59, 0).unwrap_or_default();
    let due = anchor.date().and_time(evening) + Duration::days(days);
    let lead = if form {
        30 + rng.below(31)
    } else {
        14 + rng.below(15)
    };
    let mut created = due - Duration::days(lead as i64) - Duration::minutes(rng.below(600) as i64);
    if created >= anchor {
        created = anchor - Duration::minutes(60 + rng.below(72 * 60) as i64);
    }
    let (status, attention, last_changed) = if form {
        let worked = created + Duration::minutes(rng.below(5 * 24 * 60) as i64);
        let last_changed = worked.min(anchor - Duration::minutes(1)).max(created);
        match rng.below(10) {
            0 => (SimStatus::Filling, true, last_changed),
            1 | 2 => (SimStatus::Signing, false, last_changed),
            _ => (SimStatus::Filling, false, last_changed),
        }
    } else if rng.chance(0.5) {
        (SimStatus::Unread, own_system, created)
    } else {
        (SimStatus::Read, own_system, created)
    };
    let when = Particulars {
        last_changed,
        created,
        due,
        year: created.year() - 1,
        case: format!("{}/{}", created.year(), 1000 + rng.below(9000)),
    };
    let subject = when.fill(template.subject, rng);
    let paragraph = when.fill(template.body, rng);
    let message_sender = template.sender.map(|s| (*rng.pick(s)).to_owned());
    let signer = message_sender
        .clone()
        .unwrap_or_else(|| template.owner.to_owned());
    let caseworker = rng.pick(CASEWORKERS);
    let message = SimMessage {
        id: format!("a{number}"),
        original_id: None,
        summary: if form && attention {
            REJECTED.to_owned()
        } else {
            truncate_words(&paragraph, 90)
        },
        subject,
        status,
        created,
        last_changed,
        last_changed_by: if form {
            caseworker.to_string()
        } else {
            signer.clone()
        },
        service_owner: template.owner.to_owned(),
        message_sender,
        kind: template.kind,
        service_code: template.code.to_owned(),
        service_edition: template.edition,
        due: Some(due),
        archive_reference: None,
        required_level: 1,
        requires_confirmation: !form && !own_system,
        marked_unread: false,
        attachments: Vec::new(),
        body: body_html(greeting, &paragraph, &when, caseworker, &signer),
    };
    (message, attention)
}

/// Lets about one in ten of a client's letters expire (Correspondence's
/// `AllowSystemDeleteAfter`): most from a month to three years after the anchor (the
/// dialog shows when), a fifth of the rest within the month (what `watch` warns of), a
/// fifth of them already (gone from searches, `404` on their own).
fn expire_some(
    mailbox: &[SimMessage],
    altinn3: &mut Altinn3,
    anchor: NaiveDateTime,
    rng: &mut Rng,
) {
    for message in mailbox.iter().filter(|m| m.kind == "Correspondence") {
        if !rng.chance(0.1) {
            continue;
        }
        let at = if rng.chance(0.2) {
            anchor - Duration::days(1 + rng.below(60) as i64)
        } else if rng.chance(0.2) {
            anchor + Duration::days(2 + rng.below(27) as i64)
        } else {
            anchor + Duration::days(30 + rng.below(1066) as i64)
        };
        altinn3.state(message).expires_at = Some(utc(at));
    }
}
