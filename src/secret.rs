//! [`Secret`]: a password, cookie or token that never shows in `Debug`, `Display`, logs or
//! panics. Below both `auth` and the backends, so neither has to reach into the other for it.

use std::fmt;

/// A secret string (password, cookie, token). Its `Debug` and `Display` never show the value;
/// use [`Secret::expose`] at the one place it goes on the wire. It serialises as its value:
/// only the session store (`auth::store`) serialises one, into a 0600 file.
#[derive(Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The value, for the request that needs it. Never log or display it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_print() {
        let shown = format!("{:?} {}", Secret::new("DEADBEEF"), Secret::new("pw"));
        assert!(!shown.contains("DEADBEEF"));
        assert!(!shown.contains("pw"));
    }
}
