//! What can go wrong talking to a backend, in words the UI can show. Backend-neutral: the
//! app and the UI match on these kinds, never on a backend's own errors.

use crate::i18n::tr;

/// What went wrong talking to the server, in words the UI can show.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// No connection, timeout, TLS failure.
    #[error("{}", tr!("Får ikke kontakt med Altinn ({detail}). Trykk r for å prøve igjen.", detail = .detail))]
    Network {
        /// What failed.
        detail: String,
    },
    /// Not logged in or the session expired (3xx, or HTML instead of JSON).
    #[error("{}", tr!("Økten er utløpt. Logg inn på nytt."))]
    SessionExpired,
    /// 401 on a password session: the message needs a higher security level.
    #[error("{}", tr!("Krever innlogging med ID-porten (høyere sikkerhetsnivå): {reason}", reason = .reason))]
    NeedsIdPorten {
        /// The server's reason phrase.
        reason: String,
    },
    /// 401 on a bearer session.
    #[error("{}", tr!("Ikke autorisert: {reason}", reason = .reason))]
    Unauthorized {
        /// The server's reason phrase.
        reason: String,
    },
    /// Any other error status.
    #[error("{}", tr!("Altinn svarte {status}: {reason}", status = .status, reason = .reason))]
    Server {
        /// HTTP status code.
        status: u16,
        /// The reason phrase or error body's message.
        reason: String,
    },
    /// The answer could not be understood.
    #[error("{}", tr!("Uforståelig svar fra Altinn: {detail}", detail = .detail))]
    Malformed {
        /// What did not parse.
        detail: String,
    },
    /// A local problem, e.g. writing a downloaded file.
    #[error("{0}")]
    Local(String),
    /// The backend cannot do this (see `Capabilities`).
    #[error("{}", tr!("Dette kan ikke gjøres her: {what}.", what = .what))]
    Unsupported {
        /// What was asked for.
        what: String,
    },
    /// An Altinn 2 host that no longer serves its API (404, a web page or no answer):
    /// Altinn 2 was switched off on 19 June 2026.
    #[error("{}", tr!("Altinn 2 ble slått av 19. juni 2026 ({detail}). Brevene ligger nå i Altinn 3: start med --env prod (eller --env tt02), eller sett api = \"altinn3\" i miljøet.", detail = .detail))]
    Retired {
        /// What the host answered.
        detail: String,
    },
    /// `403` "Altinn authentication level too low.": the dialog needs a login at the high
    /// level of assurance (`idporten-loa-high`).
    #[error("{}", tr!("Denne meldingen krever innlogging på høyt sikkerhetsnivå (for eksempel BankID)."))]
    LevelTooLow,
    /// Started with `--offline`: nothing goes to the network.
    #[error("{}", tr!("Frakoblet (--offline): dette trenger nett. Start innboks uten --offline."))]
    Offline,
}
