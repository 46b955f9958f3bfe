//! `:export` (the marked rows, else the shown ones, as one effect over the cache alone, its
//! progress and result in the status line) and `:expiring` (what Altinn deletes soon, in
//! the list through the agenda's machinery).

use super::harness::*;
use innboks::app::ExportDone;
use innboks::domain::{AgendaGroup, AgendaRow, Capabilities, DeskItem, Folder};

/// An Altinn 3 app with the cache, a known user, an export folder and 50 rows shown.
fn export_app() -> App {
    let mut app = logged_in();
    app.settings.capabilities = Capabilities::altinn3();
    app.settings.cache_enabled = true;
    app.settings.export_dir = Some("/tmp/altinn-export".into());
    app.session.user_key = Some("u".into());
    app
}

/// The one `Export` among `effects`: (request, the targets' ids).
fn export_of(effects: &[Effect]) -> (u64, Vec<String>) {
    let exports: Vec<_> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::Export {
                request,
                dir,
                scope,
                targets,
            } if dir.ends_with("altinn-export") && scope.user == "u" => Some((
                *request,
                targets.iter().map(|t| t.summary.id.to_string()).collect(),
            )),
            _ => None,
        })
        .collect();
    assert_eq!(exports.len(), 1, "{effects:?}");
    exports[0].clone()
}

fn status(app: &App) -> String {
    match &app.status {
        Some(Status::Info(text) | Status::Error(text)) => text.clone(),
        other => format!("{other:?}"),
    }
}

#[test]
fn export_takes_every_shown_row_when_none_is_marked_and_says_how_far_it_came() {
    let mut app = export_app();
    type_text(&mut app, ":export");
    let (request, ids) = export_of(&update(&mut app, key(KeyCode::Enter)));
    let shown: Vec<String> = app
        .inbox
        .messages
        .iter()
        .map(|m| m.id.to_string())
        .collect();
    assert_eq!(ids, shown);
    assert_eq!(ids.len(), 50);
    assert!(status(&app).contains("50 dialoger"), "{}", status(&app));

    // One at a time.
    type_text(&mut app, ":export");
    let again = update(&mut app, key(KeyCode::Enter));
    assert!(
        !again.iter().any(|e| matches!(e, Effect::Export { .. })),
        "{again:?}"
    );
    assert!(status(&app).contains("pågår"), "{}", status(&app));

    update(
        &mut app,
        Msg::ExportProgress {
            request,
            done: 20,
            total: 50,
        },
    );
    assert!(status(&app).contains("20 av 50"), "{}", status(&app));
    // A stale answer changes nothing.
    update(
        &mut app,
        Msg::Exported {
            request: request + 100,
            result: Err("old".into()),
        },
    );
    assert!(app.exporting.is_some());
    update(
        &mut app,
        Msg::Exported {
            request,
            result: Ok(ExportDone {
                dir: "/tmp/altinn-export".into(),
                new: 48,
                unchanged: 2,
                without_content: 45,
                ..ExportDone::default()
            }),
        },
    );
    assert!(app.exporting.is_none());
    let said = status(&app);
    assert!(
        said.contains("48 nye") && said.contains("45 uten innhold"),
        "{said}"
    );
    assert!(
        said.contains("ingenting er åpnet"),
        "the seen rule said: {said}"
    );
}

#[test]
fn export_takes_only_the_marked_rows_with_their_party() {
    let mut app = export_app();
    let marked: Vec<String> = [3, 7]
        .iter()
        .map(|&i| app.inbox.messages[i].id.to_string())
        .collect();
    app.inbox.marked.extend(marked.iter().cloned());
    type_text(&mut app, ":export");
    let effects = update(&mut app, key(KeyCode::Enter));
    let (_, ids) = export_of(&effects);
    assert_eq!(ids, marked);
    let Some(Effect::Export { targets, .. }) = effects.first() else {
        panic!("{effects:?}");
    };
    for target in targets {
        assert!(!target.party.is_empty());
        assert_eq!(target.folder, Folder::Inbox);
    }
}

#[test]
fn export_without_a_folder_or_the_cache_says_why_and_does_nothing() {
    let mut app = export_app();
    app.settings.export_dir = None;
    type_text(&mut app, ":export");
    let effects = update(&mut app, key(KeyCode::Enter));
    assert!(!effects.iter().any(|e| matches!(e, Effect::Export { .. })));
    assert!(status(&app).contains("export_dir"), "{}", status(&app));

    let mut app = export_app();
    app.settings.cache_enabled = false;
    type_text(&mut app, ":eksporter");
    let effects = update(&mut app, key(KeyCode::Enter));
    assert!(!effects.iter().any(|e| matches!(e, Effect::Export { .. })));
    assert!(status(&app).contains("cache = true"), "{}", status(&app));
}

/// The one `LoadExpiring` among `effects`: (request, days).
fn load_expiring(effects: &[Effect]) -> (u64, i64) {
    let loads: Vec<(u64, i64)> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::LoadExpiring {
                request,
                days,
                scope,
            } if scope.user == "u" => Some((*request, *days)),
            _ => None,
        })
        .collect();
    assert_eq!(loads.len(), 1, "{effects:?}");
    loads[0]
}

fn expiring_row(i: usize, days: i64) -> AgendaRow {
    let at = Utc
        .with_ymd_and_hms(2026, 12, 1, 12, 0, 0)
        .single()
        .expect("date")
        + chrono::Duration::days(days);
    AgendaRow {
        group: AgendaGroup::Later,
        item: DeskItem {
            summary: summary(i),
            folder: Folder::Archive,
            requires_attention: false,
            completed: true,
            pending: false,
            expires: Some(at),
            updated: None,
        },
    }
}

#[test]
fn expiring_shows_what_altinn_deletes_soon_in_the_list_and_reloads_as_itself() {
    let mut app = export_app();
    type_text(&mut app, ":expiring");
    let (request, days) = load_expiring(&update(&mut app, key(KeyCode::Enter)));
    assert_eq!(days, 30, "30 days unless told");
    update(
        &mut app,
        Msg::AgendaLoaded {
            request,
            rows: vec![expiring_row(1, 3), expiring_row(2, 20)],
            synced_at: None,
        },
    );
    let agenda = app.desk.agenda.as_ref().expect("shown in the list");
    assert_eq!(agenda.days, 30);
    assert_eq!(
        agenda.expires(&app.inbox.messages[0].id),
        expiring_row(1, 3).item.expires
    );
    assert_eq!(app.inbox.messages.len(), 2);
    assert!(
        status(&app).contains("kjent bare"),
        "honest: {}",
        status(&app)
    );

    // A sync that ends reads the same list again, for its days.
    let (_, days) = load_expiring(&update(&mut app, Msg::DeskSynced(Ok(Utc::now()))));
    assert_eq!(days, 30);

    type_text(&mut app, ":expiring 7");
    let (_, days) = load_expiring(&update(&mut app, key(KeyCode::Enter)));
    assert_eq!(days, 7);

    type_text(&mut app, ":expiring snart");
    let effects = update(&mut app, key(KeyCode::Enter));
    assert!(effects.is_empty(), "{effects:?}");
    assert!(matches!(
        &app.overlay,
        Some(innboks::app::Overlay::Command(line))
            if line.error.as_deref().is_some_and(|e| e.contains(":expiring 30"))
    ));
}
