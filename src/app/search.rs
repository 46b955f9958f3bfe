//! Incremental search over the loaded messages: fuzzy-ranked (nucleo) on subject and sender,
//! and on the body where it has been fetched. Pure: `update` calls it, `ui` shows its hits.

use std::collections::HashMap;

use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

use crate::domain::{Message, MessageSummary};

/// One matching message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// Index into the loaded messages.
    pub index: usize,
    /// Higher is better.
    pub score: u32,
    /// Matched character positions in the subject.
    pub subject: Vec<u32>,
    /// Matched character positions in the sender.
    pub sender: Vec<u32>,
}

/// The search in progress.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Search {
    /// What was typed.
    pub query: String,
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

/// Finds the messages matching `query`.
pub fn find(
    query: &str,
    messages: &[MessageSummary],
    bodies: &HashMap<String, Message>,
) -> Vec<Hit> {
    if query.trim().is_empty() {
        return Vec::new();
    }
    let pattern = Pattern::parse(query, CaseMatching::Smart, Normalization::Smart);
    let mut matcher = Matcher::new(Config::DEFAULT);
    let mut buf = Vec::new();
    let mut hits = Vec::new();
    for (index, message) in messages.iter().enumerate() {
        let mut subject = Vec::new();
        let mut sender = Vec::new();
        let subject_score = pattern.indices(
            Utf32Str::new(&message.subject, &mut buf),
            &mut matcher,
            &mut subject,
        );
        let sender_score = pattern.indices(
            Utf32Str::new(message.sender(), &mut buf),
            &mut matcher,
            &mut sender,
        );
        let body_score = bodies
            .get(&message.id)
            .and_then(|b| pattern.score(Utf32Str::new(&b.body, &mut buf), &mut matcher))
            .map(|s| s / 2);
        let score = [subject_score, sender_score, body_score]
            .into_iter()
            .flatten()
            .max();
        if let Some(score) = score {
            if subject_score.is_none() {
                subject.clear();
            }
            if sender_score.is_none() {
                sender.clear();
            }
            subject.sort_unstable();
            subject.dedup();
            sender.sort_unstable();
            sender.dedup();
            hits.push(Hit {
                index,
                score,
                subject,
                sender,
            });
        }
    }
    hits
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
        let hits = find("skmld", &messages, &HashMap::new());
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].index, 1);
        assert_eq!(hits[0].subject.len(), 5);
        let hits = find("vegvesen", &messages, &HashMap::new());
        assert_eq!(hits[0].index, 2);
        assert!(!hits[0].sender.is_empty());
        let search = Search {
            query: "e".into(),
            editing: false,
            hits: find("e", &messages, &HashMap::new()),
        };
        assert_eq!(search.next_after(0), Some(1));
        assert_eq!(search.next_after(2), Some(0), "wraps");
        assert_eq!(search.previous_before(0), Some(2), "wraps back");
        assert!(find("  ", &messages, &HashMap::new()).is_empty());
    }
}
