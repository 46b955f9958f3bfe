//! The search off the loop: a keystroke only asks (`Effect::Search`), the answer comes as
//! `Msg::SearchDone`; rows that change meanwhile, a user who moved on, the cache's
//! full-text index over the bodies it keeps.

use std::collections::HashSet;

use crate::harness::*;

/// The searches among `effects`, taken out (the runtime would run them off the loop).
fn searches(effects: Vec<Effect>) -> Vec<innboks::app::search::SearchJob> {
    effects
        .into_iter()
        .filter_map(|e| match e {
            Effect::Search(job) => Some(job),
            _ => None,
        })
        .collect()
}

fn hit_rows(app: &App) -> Vec<usize> {
    app.search
        .as_ref()
        .map(|s| s.hits.iter().map(|h| h.index).collect())
        .unwrap_or_default()
}

#[test]
fn a_keystroke_only_asks_and_the_answer_brings_the_hits() {
    let mut app = logged_in();
    app.inbox.messages[12].subject = "Skattemeldingen for 2025".into();
    update(&mut app, key(KeyCode::Char('/')));
    let mut jobs = Vec::new();
    for c in "skattem".chars() {
        jobs.extend(searches(update(&mut app, key(KeyCode::Char(c)))));
    }
    assert_eq!(jobs.len(), 7, "one search asked for each letter");
    assert!(hit_rows(&app).is_empty(), "nothing matched on the loop");
    assert!(app.search.as_ref().is_some_and(|s| s.pending.is_some()));
    // Older searches answer late (or stop): only the last one asked counts.
    let last = jobs.pop().expect("a job");
    for job in jobs {
        update(&mut app, job.run());
    }
    assert!(
        hit_rows(&app).is_empty(),
        "an older search's answer is dropped"
    );
    update(&mut app, last.run());
    assert_eq!(hit_rows(&app), vec![12]);
    assert_eq!(app.inbox.selected, 12, "the list follows the best match");
    assert!(app.search.as_ref().is_some_and(|s| s.pending.is_none()));
}

#[test]
fn rows_that_change_while_it_runs_are_searched_again() {
    let mut app = logged_in();
    app.inbox.messages[30].subject = "Vedtak om foreldrepenger".into();
    update(&mut app, key(KeyCode::Char('/')));
    type_text(&mut app, "foreldrep");
    assert_eq!(hit_rows(&app), vec![30]);
    // A letter, then the rows change before its search answers.
    let job = searches(update(&mut app, key(KeyCode::Char('e'))))
        .pop()
        .expect("asked");
    app.inbox.messages.remove(0);
    let effects = update(&mut app, Msg::Tick(std::time::SystemTime::now()));
    let again = searches(effects);
    assert_eq!(again.len(), 1, "the changed rows are searched again");
    update(&mut app, job.run());
    assert!(
        app.search.as_ref().is_some_and(|s| s.pending.is_some()),
        "an answer over rows that are gone is not taken"
    );
    run_searches(&mut app, again.into_iter().map(Effect::Search).collect());
    assert_eq!(hit_rows(&app), vec![29], "the hit where the row is now");
}

#[test]
fn an_answer_after_the_user_moved_does_not_move_the_selection() {
    let mut app = logged_in();
    app.inbox.messages[40].subject = "Tinglysing er gjennomført".into();
    update(&mut app, key(KeyCode::Char('/')));
    let mut jobs = Vec::new();
    for c in "tinglys".chars() {
        jobs.extend(searches(update(&mut app, key(KeyCode::Char(c)))));
    }
    update(&mut app, key(KeyCode::Enter));
    update(&mut app, key(KeyCode::Char('j')));
    let moved_to = app.inbox.selected;
    let last = jobs.pop().expect("a job");
    update(&mut app, last.run());
    assert_eq!(hit_rows(&app), vec![40], "the hits are kept for n/N");
    assert_eq!(
        app.inbox.selected, moved_to,
        "the selection stays where the user put it"
    );
}

#[test]
fn words_in_the_kept_bodies_are_looked_up_beside_and_found() {
    let mut app = logged_in();
    app.settings.cache_enabled = true;
    update(&mut app, key(KeyCode::Char('/')));
    let effects = update(&mut app, key(KeyCode::Char('k')));
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, Effect::FindInBodies { .. })),
        "one letter is no word to look up"
    );
    run_searches(&mut app, effects);
    let effects = update(&mut app, key(KeyCode::Char('r')));
    let lookup = effects.iter().find_map(|e| match e {
        Effect::FindInBodies { search, words } => Some((*search, words.clone())),
        _ => None,
    });
    let (search, words) = lookup.expect("the words are looked up in the cache");
    assert_eq!(words, vec!["kr".to_owned()]);
    run_searches(&mut app, effects);
    let subject_hits = hit_rows(&app);
    assert!(!subject_hits.contains(&5), "row 5's subject has no k…r");
    // The cache answers: row 5's body has the word.
    let id = app.inbox.messages[5].id.clone();
    let effects = update(
        &mut app,
        Msg::BodiesFound {
            search,
            words,
            ids: HashSet::from([id.to_string()]),
        },
    );
    assert_eq!(
        searches(effects.clone()).len(),
        1,
        "asked again with the bodies found"
    );
    run_searches(&mut app, effects);
    assert!(hit_rows(&app).contains(&5), "found inside its body");
}

#[test]
fn a_long_list_is_searched_in_parts_with_the_same_hits() {
    // Past the length where the matching is split over threads.
    let mut app = logged_in_over(page(0..30_000, false));
    for i in [7, 12_345, 29_999] {
        app.inbox.messages[i].subject = format!("Årsregnskap {i}").into();
    }
    update(&mut app, key(KeyCode::Char('/')));
    type_text(&mut app, "årsregn");
    assert_eq!(hit_rows(&app), vec![7, 12_345, 29_999]);
}
