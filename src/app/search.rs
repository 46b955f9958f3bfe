//! Incremental search over the loaded messages: fuzzy-ranked (nucleo) on subject and sender,
//! and on the body where it has been fetched. Pure: `update` calls it, `ui` shows its hits.

use std::collections::HashMap;

use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

use super::TextInput;
use crate::domain::{Message, MessageSummary};

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
    /// Matches, in list order.
    pub hits: Vec<Hit>,
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

/// Lists longer than this are searched on every core.
const PARALLEL_FROM: usize = 20_000;

/// Finds the messages matching `query`: all of them, or only those in `within` (the hits of
/// a query this one extends, which is all a keystroke that adds a letter has to look at).
/// Scores only; the matched letters are found for the rows on screen by [`Highlighter`].
/// Long lists are split over the machine's cores.
pub fn find(
    query: &str,
    messages: &[MessageSummary],
    bodies: &HashMap<String, Message>,
    within: Option<&[Hit]>,
) -> Vec<Hit> {
    if query.trim().is_empty() {
        return Vec::new();
    }
    let candidates: Vec<usize> = match within {
        Some(hits) => hits.iter().map(|h| h.index).collect(),
        None => (0..messages.len()).collect(),
    };
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(8);
    if threads < 2 || candidates.len() < PARALLEL_FROM {
        return score_all(query, messages, bodies, &candidates);
    }
    let chunk = candidates.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let parts: Vec<_> = candidates
            .chunks(chunk)
            .map(|part| scope.spawn(move || score_all(query, messages, bodies, part)))
            .collect();
        parts
            .into_iter()
            .flat_map(|part| part.join().unwrap_or_default())
            .collect()
    })
}

/// Scores `candidates` (indices into `messages`, ascending) against `query`: the subject,
/// else the sender, else the fetched body (at half weight).
fn score_all(
    query: &str,
    messages: &[MessageSummary],
    bodies: &HashMap<String, Message>,
    candidates: &[usize],
) -> Vec<Hit> {
    let pattern = pattern(query);
    let mut matcher = Matcher::new(Config::DEFAULT);
    let mut buf = Vec::new();
    candidates
        .iter()
        .filter_map(|&index| {
            let message = messages.get(index)?;
            let mut score = |text: &str| pattern.score(Utf32Str::new(text, &mut buf), &mut matcher);
            let best = score(&message.subject)
                .or_else(|| score(message.sender()))
                .or_else(|| {
                    bodies
                        .get(&message.id)
                        .and_then(|body| score(&body.body))
                        .map(|s| s / 2)
                })?;
            Some(Hit { index, score: best })
        })
        .collect()
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

    #[test]
    fn fuzzy_subject_and_sender_with_positions() {
        let messages = vec![
            message("a1", "NAV", "Vedtak om foreldrepenger"),
            message("a2", "Skatteetaten", "Skattemeldingen for 2025 er klar"),
            message("a3", "Statens vegvesen", "Innkalling til EU-kontroll"),
        ];
        let hits = find("skmld", &messages, &HashMap::new(), None);
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].index, 1);
        let mut highlighter = Highlighter::new("skmld");
        assert_eq!(highlighter.positions(&messages[1].subject).len(), 5);
        assert!(highlighter.positions(&messages[0].subject).is_empty());
        let hits = find("vegvesen", &messages, &HashMap::new(), None);
        assert_eq!(hits[0].index, 2);
        assert!(!Highlighter::new("vegvesen")
            .positions("Statens vegvesen")
            .is_empty());
        // Narrowing: a longer query looks only at the shorter one's hits, with the same result.
        let wide = find("s", &messages, &HashMap::new(), None);
        assert_eq!(
            find("sk", &messages, &HashMap::new(), Some(&wide)),
            find("sk", &messages, &HashMap::new(), None)
        );
        let search = Search {
            query: "e".into(),
            editing: false,
            hits: find("e", &messages, &HashMap::new(), None),
        };
        assert_eq!(search.next_after(0), Some(1));
        assert_eq!(search.next_after(2), Some(0), "wraps");
        assert_eq!(search.previous_before(0), Some(2), "wraps back");
        assert!(find("  ", &messages, &HashMap::new(), None).is_empty());
    }
}
