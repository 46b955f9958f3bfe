//! The saved searches in the inbox: the chooser overlay (`'`, `:searches`) with each
//! search's counts from the desk, filtered as you type.

use super::TextInput;
use crate::domain::{SavedSearch, SearchCounts};

/// The chooser of saved searches.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchChooser {
    /// What was typed.
    pub filter: TextInput,
    /// Index into the filtered searches.
    pub selected: usize,
    /// Each search's counts, by name, once the desk has answered (none: no desk here).
    pub counts: Option<Vec<(String, SearchCounts)>>,
    /// Waiting for the counts.
    pub loading: bool,
    /// The counts' request in flight.
    pub request: Option<u64>,
    /// When the desk was last brought up to date (the counts are as of then).
    pub synced_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl SearchChooser {
    /// The searches of `all` whose name (or search text or sender) has what was typed.
    pub fn matches<'a>(&self, all: &'a [SavedSearch]) -> Vec<&'a SavedSearch> {
        let filter = self.filter.value().to_lowercase();
        all.iter()
            .filter(|s| {
                filter.is_empty()
                    || s.name.to_lowercase().contains(&filter)
                    || s.filters
                        .search
                        .as_ref()
                        .is_some_and(|t| t.to_lowercase().contains(&filter))
                    || s.filters
                        .sender
                        .as_ref()
                        .is_some_and(|t| t.to_lowercase().contains(&filter))
            })
            .collect()
    }

    /// The counts of the search named `name`, when they have come.
    pub fn counts_of(&self, name: &str) -> Option<SearchCounts> {
        self.counts
            .as_ref()?
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, c)| *c)
    }
}
