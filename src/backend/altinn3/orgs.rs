//! Service owners' names by their code, for dialogs that do not say who sent them (the
//! dialogporten adapter sends no `senderName` for Altinn app forms, and Arbeidsflate looks
//! the name up in Altinn's list of organisations). The common ones only: an owner not
//! here is shown by its code.

/// (code, bokmål, nynorsk, English), from Altinn's list of service owners.
const OWNERS: &[(&str, &str, &str, &str)] = &[
    (
        "skd",
        "Skatteetaten",
        "Skatteetaten",
        "Norwegian Tax Administration",
    ),
    ("nav", "NAV", "NAV", "NAV"),
    (
        "brg",
        "Brønnøysundregistrene",
        "Brønnøysundregistera",
        "Brønnøysund Register Centre",
    ),
    (
        "ssb",
        "Statistisk sentralbyrå",
        "Statistisk sentralbyrå",
        "Statistics Norway",
    ),
    (
        "svv",
        "Statens vegvesen",
        "Statens vegvesen",
        "Norwegian Public Roads Administration",
    ),
    (
        "at",
        "Arbeidstilsynet",
        "Arbeidstilsynet",
        "Norwegian Labour Inspection Authority",
    ),
    (
        "digdir",
        "Digitaliseringsdirektoratet",
        "Digitaliseringsdirektoratet",
        "Norwegian Digitalisation Agency",
    ),
    (
        "udi",
        "Utlendingsdirektoratet",
        "Utlendingsdirektoratet",
        "Norwegian Directorate of Immigration",
    ),
    (
        "dsb",
        "Direktoratet for samfunnssikkerhet og beredskap",
        "Direktoratet for samfunnstryggleik og beredskap",
        "Norwegian Directorate for Civil Protection",
    ),
    (
        "mattilsynet",
        "Mattilsynet",
        "Mattilsynet",
        "Norwegian Food Safety Authority",
    ),
    (
        "nsm",
        "Nasjonal sikkerhetsmyndighet",
        "Nasjonalt tryggingsorgan",
        "Norwegian National Security Authority",
    ),
];

/// The name of the service owner with code `code` in `language` (`nb`, `nn`, `en`).
pub fn name(code: &str, language: &str) -> Option<&'static str> {
    OWNERS
        .iter()
        .find(|(c, ..)| c.eq_ignore_ascii_case(code))
        .map(|(_, nb, nn, en)| match language {
            "nn" => *nn,
            "en" => *en,
            _ => *nb,
        })
}
