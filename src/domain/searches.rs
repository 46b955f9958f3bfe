//! Saved searches: a name for a view the user comes back to — filters, search text, whose
//! inboxes and which folder — kept in the config's `[searches]` table, listed with counts
//! from the desk, and applied by the inbox (`'`, `:searches`) and `list --saved`.

use chrono::{DateTime, Duration, Utc};

use super::{Filters, Folder, Party, PartyKind};

/// Whose inboxes a saved search looks in.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum SearchParties {
    /// Every party the user can act for, merged («Alle»): the default.
    #[default]
    All,
    /// The user's own inbox.
    Me,
    /// These parties, each by its id or organisation number.
    Only(Vec<String>),
}

impl SearchParties {
    /// What the config file says: `["all"]`, `["me"]`, or ids and organisation numbers.
    pub fn to_config(&self) -> Vec<String> {
        match self {
            SearchParties::All => vec!["all".into()],
            SearchParties::Me => vec!["me".into()],
            SearchParties::Only(parties) => parties.clone(),
        }
    }

    /// The parties of `known` it names (ids or organisation numbers; the own inbox is the
    /// person first in the list); `None` for every party.
    pub fn resolve<'a>(&self, known: &'a [Party]) -> Option<Vec<&'a Party>> {
        match self {
            SearchParties::All => None,
            SearchParties::Me => Some(
                known
                    .first()
                    .filter(|p| p.kind == PartyKind::Person)
                    .into_iter()
                    .collect(),
            ),
            SearchParties::Only(names) => Some(
                known
                    .iter()
                    .filter(|p| names.iter().any(|n| p.is_named(n)))
                    .collect(),
            ),
        }
    }
}

/// One saved search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedSearch {
    /// Its name: the key in `[searches]`.
    pub name: String,
    /// The filters and the search text; dates come from [`SavedSearch::days`].
    pub filters: Filters,
    /// Only what changed in the last this many days (relative, so it stays useful).
    pub days: Option<u32>,
    /// Whose inboxes.
    pub parties: SearchParties,
    /// Which folder.
    pub folder: Folder,
}

impl SavedSearch {
    /// Whether `name` can name a saved search: not empty, no control characters, at most
    /// 40 characters.
    pub fn valid_name(name: &str) -> bool {
        !name.trim().is_empty() && name.chars().count() <= 40 && !name.chars().any(char::is_control)
    }

    /// The filters at `now`: `days` becomes a start date.
    pub fn filters_at(&self, now: DateTime<Utc>) -> Filters {
        Filters {
            since: self
                .days
                .map(|days| now - Duration::days(i64::from(days)))
                .or(self.filters.since),
            ..self.filters.clone()
        }
    }
}

/// What a saved search matches on the desk: how many, and how many of them unread.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SearchCounts {
    /// Every match.
    pub total: usize,
    /// The unread among them.
    pub unread: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn party(id: &str, number: Option<&str>, kind: PartyKind) -> Party {
        Party {
            id: id.into(),
            name: id.into(),
            kind,
            organisation_number: number.map(str::to_owned),
        }
    }

    #[test]
    fn parties_resolve_by_id_or_organisation_number() {
        let known = [
            party("p1", None, PartyKind::Person),
            party("o1", Some("313367002"), PartyKind::Organisation),
            party("o2", Some("310000000"), PartyKind::Organisation),
        ];
        assert_eq!(SearchParties::All.resolve(&known), None);
        let me = SearchParties::Me.resolve(&known).expect("some");
        assert_eq!(me.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(), ["p1"]);
        let only = SearchParties::Only(vec!["313367002".into(), "p1".into()])
            .resolve(&known)
            .expect("some");
        assert_eq!(
            only.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(),
            ["p1", "o1"]
        );
    }

    #[test]
    fn days_become_a_start_date() {
        let now = DateTime::parse_from_rfc3339("2026-12-06T12:00:00Z")
            .expect("date")
            .with_timezone(&Utc);
        let search = SavedSearch {
            name: "x".into(),
            filters: Filters::default(),
            days: Some(30),
            parties: SearchParties::All,
            folder: Folder::Inbox,
        };
        assert_eq!(search.filters_at(now).since, Some(now - Duration::days(30)));
    }
}
