//! Incremental search over the loaded messages: fuzzy-ranked (nucleo) on subject and sender,
//! on the bodies fetched this session, and on every body the cache holds (its full-text
//! index). The matching runs off the event loop: a keystroke only asks for a [`SearchJob`],
//! which reads a snapshot of the rows on a blocking thread and answers with
//! [`Msg::SearchDone`]; `ui` shows the hits.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

use super::rows::RowsSnapshot;
use super::{Msg, TextInput};
use crate::domain::MessageSummary;

/// One matching message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    /// Index into the loaded messages.
    pub index: usize,
    /// Higher is better.
    pub score: u32,
}

/// The search in progress.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Search {
    /// What was typed.
    pub query: TextInput,
    /// Keys go to the query (after `/`, until Enter).
    pub editing: bool,
    /// Matches, in list order (of the query last answered).
    pub hits: Arc<Vec<Hit>>,
    /// The search asked for and not answered yet (its number).
    pub pending: Option<u64>,
    /// The query `hits` answer.
    pub answered: String,
    /// The version of the rows `hits` index ([`super::SharedRows::version`]).
    pub version: u64,
    /// The version of the rows the last search asked about.
    pub asked_version: u64,
    /// The cache's full-text index's answer: the messages whose kept body has these words.
    pub indexed: Arc<HashSet<String>>,
    /// The words `indexed` answers.
    pub indexed_words: Vec<String>,
    /// The lookup in the index asked for and not answered yet (its number).
    pub indexing: Option<u64>,
    /// The selected row when the query last changed: an answer that comes after the user
    /// moved on does not move the selection back.
    pub selected_then: usize,
}

impl Search {
    /// The hit for a list row, if it matches.
    pub fn hit(&self, index: usize) -> Option<&Hit> {
        self.hits
            .binary_search_by_key(&index, |h| h.index)
            .ok()
            .and_then(|i| self.hits.get(i))
    }

    /// The best-ranked hit.
    pub fn best(&self) -> Option<&Hit> {
        self.hits
            .iter()
            .max_by_key(|h| (h.score, std::cmp::Reverse(h.index)))
    }

    /// The first hit after `index` (wrapping), for `n`.
    pub fn next_after(&self, index: usize) -> Option<usize> {
        self.hits
            .iter()
            .find(|h| h.index > index)
            .or_else(|| self.hits.first())
            .map(|h| h.index)
    }

    /// The last hit before `index` (wrapping), for `N`.
    pub fn previous_before(&self, index: usize) -> Option<usize> {
        self.hits
            .iter()
            .rev()
            .find(|h| h.index < index)
            .or_else(|| self.hits.last())
            .map(|h| h.index)
    }
}

fn pattern(query: &str) -> Pattern {
    Pattern::parse(query, CaseMatching::Smart, Normalization::Smart)
}

/// Lists longer than this are searched on more than one thread.
const PARALLEL_FROM: usize = 20_000;

/// How many rows a matcher scores between looking whether it should stop.
const CHECK_EVERY: usize = 256;

/// The score of a message found only by the cache's full-text index (below any subject or
/// sender match, which nucleo scores from about 16 a letter).
const BODY_INDEX_SCORE: u32 = 1;

/// A search to run off the loop: the query, a snapshot of the rows, and what it may narrow.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchJob {
    /// Its number (`Search::pending`).
    pub id: u64,
    /// What was typed.
    pub query: String,
    /// The rows as they were asked about.
    pub rows: RowsSnapshot,
    /// The hits of a query this one extends: all a letter added at the end has to look at.
    pub within: Option<Arc<Vec<Hit>>>,
    /// The text of the messages fetched this session, by id (matched fuzzily).
    pub bodies: Arc<HashMap<String, String>>,
    /// The messages whose body in the cache has the query's words (its full-text index).
    pub indexed: Arc<HashSet<String>>,
}

impl SearchJob {
    /// Scores the rows (on this thread and, for long lists, others) and answers. `None` in
    /// the answer: it stopped because the rows changed or a newer search began.
    pub fn run(self) -> Msg {
        let version = self.rows.version();
        let hits = find(
            &self.query,
            &self.rows,
            &self.bodies,
            &self.indexed,
            self.within.as_deref().map(Vec::as_slice),
        );
        Msg::SearchDone {
            id: self.id,
            version,
            hits,
        }
    }
}

/// The query's words for a full-text index: letters and digits, each at least two long;
/// none when the query uses nucleo's operators.
pub fn body_words(query: &str) -> Vec<String> {
    if query.contains(['!', '^', '$', '\'']) {
        return Vec::new();
    }
    query
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 2)
        .map(str::to_lowercase)
        .collect()
}

/// Finds the messages matching `query`: all of them, or only those in `within`. Scores only;
/// the matched letters are found for the rows on screen by [`Highlighter`]. `None` when it
/// was told to stop.
fn find(
    query: &str,
    rows: &RowsSnapshot,
    bodies: &HashMap<String, String>,
    indexed: &HashSet<String>,
    within: Option<&[Hit]>,
) -> Option<Vec<Hit>> {
    if query.trim().is_empty() {
        return Some(Vec::new());
    }
    let messages = rows.rows();
    let candidates: Vec<usize> = match within {
        Some(hits) => hits.iter().map(|h| h.index).collect(),
        None => (0..messages.len()).collect(),
    };
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 8);
    let texts = Texts {
        messages,
        bodies,
        indexed,
    };
    if threads < 2 || candidates.len() < PARALLEL_FROM {
        return score_all(query, &texts, &candidates, rows);
    }
    let chunk = candidates.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let parts: Vec<_> = candidates
            .chunks(chunk)
            .map(|part| scope.spawn(|| score_all(query, &texts, part, rows)))
            .collect();
        let mut hits = Vec::new();
        for part in parts {
            hits.extend(part.join().ok()??);
        }
        Some(hits)
    })
}

/// What a row is matched against.
struct Texts<'a> {
    messages: &'a [MessageSummary],
    bodies: &'a HashMap<String, String>,
    indexed: &'a HashSet<String>,
}

/// Scores `candidates` (indices into the rows, ascending) against `query`: the subject,
/// else the sender, else a body fetched this session (at half weight), else the cache's
/// full-text index. `None` when told to stop.
fn score_all(
    query: &str,
    texts: &Texts<'_>,
    candidates: &[usize],
    rows: &RowsSnapshot,
) -> Option<Vec<Hit>> {
    let pattern = pattern(query);
    let mut matcher = Matcher::new(Config::DEFAULT);
    let mut buf = Vec::new();
    let mut hits = Vec::new();
    // A few dozen senders over 100,000 rows: each is scored once.
    let mut senders: HashMap<&str, Option<u32>> = HashMap::new();
    for block in candidates.chunks(CHECK_EVERY) {
        if rows.should_stop() {
            return None;
        }
        for &index in block {
            let Some(message) = texts.messages.get(index) else {
                continue;
            };
            let mut score = |text: &str| pattern.score(Utf32Str::new(text, &mut buf), &mut matcher);
            let best = score(&message.subject)
                .or_else(|| {
                    *senders
                        .entry(message.sender())
                        .or_insert_with(|| score(message.sender()))
                })
                .or_else(|| {
                    texts
                        .bodies
                        .get(message.id.as_str())
                        .and_then(|body| score(body))
                        .map(|s| s / 2)
                })
                .or_else(|| {
                    texts
                        .indexed
                        .contains(message.id.as_str())
                        .then_some(BODY_INDEX_SCORE)
                });
            if let Some(score) = best {
                hits.push(Hit { index, score });
            }
        }
    }
    Some(hits)
}

/// Finds the matched letters of a query in the texts on screen (a few dozen rows a frame).
pub struct Highlighter {
    pattern: Pattern,
    matcher: Matcher,
    buf: Vec<char>,
}

impl std::fmt::Debug for Highlighter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Highlighter")
    }
}

impl Highlighter {
    /// A highlighter for `query`.
    pub fn new(query: &str) -> Self {
        Self {
            pattern: pattern(query),
            matcher: Matcher::new(Config::DEFAULT),
            buf: Vec::new(),
        }
    }

    /// The positions (in characters, sorted) of the letters of `text` the query matched;
    /// empty when it does not match.
    pub fn positions(&mut self, text: &str) -> Vec<u32> {
        let mut positions = Vec::new();
        if self
            .pattern
            .indices(
                Utf32Str::new(text, &mut self.buf),
                &mut self.matcher,
                &mut positions,
            )
            .is_none()
        {
            return Vec::new();
        }
        positions.sort_unstable();
        positions.dedup();
        positions
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::rows::SharedRows;
    use crate::domain::{MessageKind, MessageStatus};

    fn message(id: &str, sender: &str, subject: &str) -> MessageSummary {
        MessageSummary {
            id: id.into(),
            subject: subject.into(),
            status: MessageStatus::Read,
            marked_unread: false,
            service_owner: sender.into(),
            message_sender: None,
            kind: MessageKind::Correspondence,
            created: None,
            last_changed: None,
            due: None,
            attachment_count: None,
            requires_confirmation: false,
            owner: None,
            seq: 0,
        }
    }

    /// Runs a search the way the runtime does, on this thread.
    fn hits(rows: &SharedRows, query: &str, indexed: &[&str], within: Option<&[Hit]>) -> Vec<Hit> {
        let job = SearchJob {
            id: 7,
            query: query.into(),
            rows: rows.snapshot(7),
            within: within.map(|w| Arc::new(w.to_vec())),
            bodies: Arc::default(),
            indexed: Arc::new(indexed.iter().map(|s| (*s).to_owned()).collect()),
        };
        match job.run() {
            Msg::SearchDone {
                id: 7,
                hits: Some(hits),
                version,
            } => {
                assert_eq!(version, rows.version());
                hits
            }
            other => panic!("an answer expected, got {other:?}"),
        }
    }

    #[test]
    fn fuzzy_subject_and_sender_with_positions() {
        let rows = SharedRows::from(vec![
            message("a1", "NAV", "Vedtak om foreldrepenger"),
            message("a2", "Skatteetaten", "Skattemeldingen for 2025 er klar"),
            message("a3", "Statens vegvesen", "Innkalling til EU-kontroll"),
        ]);
        let found = hits(&rows, "skmld", &[], None);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].index, 1);
        let mut highlighter = Highlighter::new("skmld");
        assert_eq!(highlighter.positions(&rows[1].subject).len(), 5);
        assert!(highlighter.positions(&rows[0].subject).is_empty());
        let found = hits(&rows, "vegvesen", &[], None);
        assert_eq!(found[0].index, 2);
        assert!(!Highlighter::new("vegvesen")
            .positions("Statens vegvesen")
            .is_empty());
        // Narrowing: a longer query looks only at the shorter one's hits, with the same result.
        let wide = hits(&rows, "s", &[], None);
        assert_eq!(
            hits(&rows, "sk", &[], Some(&wide)),
            hits(&rows, "sk", &[], None)
        );
        let search = Search {
            query: "e".into(),
            hits: Arc::new(hits(&rows, "e", &[], None)),
            ..Search::default()
        };
        assert_eq!(search.next_after(0), Some(1));
        assert_eq!(search.next_after(2), Some(0), "wraps");
        assert_eq!(search.previous_before(0), Some(2), "wraps back");
        assert!(hits(&rows, "  ", &[], None).is_empty());
    }

    #[test]
    fn a_body_in_the_index_is_a_hit_below_subject_matches() {
        let rows = SharedRows::from(vec![
            message("a1", "NAV", "Vedtak"),
            message("a2", "Skatteetaten", "Kroner til gode"),
        ]);
        let found = hits(&rows, "kroner", &["a1"], None);
        assert_eq!(
            found.iter().map(|h| h.index).collect::<Vec<_>>(),
            vec![0, 1]
        );
        assert_eq!(found[0].score, BODY_INDEX_SCORE);
        assert!(found[1].score > BODY_INDEX_SCORE);
        assert_eq!(body_words("Kroner, 2025 å"), vec!["kroner", "2025"]);
        assert!(body_words("!kroner").is_empty());
    }

    #[test]
    fn a_newer_search_stops_an_older_one() {
        let rows = SharedRows::from(vec![message("a1", "NAV", "Vedtak")]);
        let job = SearchJob {
            id: 1,
            query: "vedtak".into(),
            rows: rows.snapshot(1),
            within: None,
            bodies: Arc::default(),
            indexed: Arc::default(),
        };
        let _newer = rows.snapshot(2);
        assert!(matches!(
            job.run(),
            Msg::SearchDone {
                id: 1,
                hits: None,
                ..
            }
        ));
    }
}
