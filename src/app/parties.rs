//! The parties the user can act for, as the inbox keeps them: the list, what is looked up
//! in it (each one's search text, each id's place), made once when they arrive, whether
//! they are the cache's, and how many one search may name.

use std::collections::HashMap;

use crate::domain::Party;

/// The parties and what is looked up in them; [`Parties::set`] is the one way to set them,
/// so the three always agree.
#[derive(Debug, Clone, PartialEq)]
pub struct Parties {
    /// The parties the user can act for, once fetched.
    pub list: Vec<Party>,
    /// Each party's search text in lower case (name, org. number, an Altinn 2 id), made
    /// once when the parties arrive, so a keystroke in the switcher over 100,000 parties
    /// lowercases nothing.
    pub keys: Vec<String>,
    /// Each party's place in `list` by id: the merged view names the owner of every row
    /// drawn.
    pub index: HashMap<String, usize>,
    /// The parties are the cache's, not yet confirmed by the server.
    pub cached: bool,
    /// Parties one search may name: «Alle» on Altinn 3 is groups of this many.
    pub limit: usize,
    /// The merged view shows only these parties (by id): a saved search's.
    pub only: Option<Vec<String>>,
}

impl Default for Parties {
    fn default() -> Self {
        Self {
            list: Vec::new(),
            keys: Vec::new(),
            index: HashMap::new(),
            cached: false,
            limit: crate::domain::MAX_PARTIES_PER_SEARCH,
            only: None,
        }
    }
}

impl Parties {
    /// Sets the parties, with each one's search text and each id's place.
    pub fn set(&mut self, parties: Vec<Party>) {
        self.list = parties;
        self.keys = self.list.iter().map(search_key).collect();
        self.index = self
            .list
            .iter()
            .enumerate()
            .map(|(i, p)| (p.id.clone(), i))
            .collect();
    }

    /// The parties the merged view shows: every one, or a saved search's.
    pub fn merged(&self) -> Vec<&Party> {
        match &self.only {
            None => self.list.iter().collect(),
            Some(only) => self.list.iter().filter(|p| only.contains(&p.id)).collect(),
        }
    }

    /// The name of the party with id `id`, when known.
    pub fn name_of(&self, id: &str) -> Option<&str> {
        self.index
            .get(id)
            .and_then(|&i| self.list.get(i))
            .map(|p| p.name.as_str())
    }
}

/// A party's search text in lower case: name, org. number, and its id (of an Altinn 3 URN
/// only the identifier after the last `:`, a national identity number for a person: the
/// rest would match every `urn` typed).
fn search_key(party: &Party) -> String {
    let mut key = party.name.to_lowercase();
    if let Some(number) = &party.organisation_number {
        key.push('\u{1f}');
        key.push_str(number);
    }
    let id = match party.id.strip_prefix("urn:") {
        Some(urn) => urn.rsplit(':').next().unwrap_or_default(),
        None => party.id.as_str(),
    };
    if party.organisation_number.as_deref() != Some(id) {
        key.push('\u{1f}');
        key.push_str(&id.to_lowercase());
    }
    key
}
