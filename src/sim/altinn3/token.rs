//! The `dialogToken`: an EdDSA (Ed25519) JWT that Dialogporten issues with each dialog it
//! answers, valid ten minutes, which Correspondence accepts for the dialog's content and
//! attachments (altinn3-api.md §3.3).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// How long a dialog token lives.
pub const LIFETIME_SECS: u64 = 600;

/// The claims of a dialog token.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct DialogClaims {
    /// Token id.
    pub jti: String,
    /// The authenticated party (the person).
    pub c: String,
    /// Authentication level.
    pub l: u8,
    /// The dialog's party.
    pub p: String,
    /// The service resource.
    pub s: String,
    /// The dialog id.
    pub i: String,
    /// Authorised actions, `;`-separated.
    pub a: String,
    /// Issuer: `<dialogporten base>/api/v1`.
    pub iss: String,
    /// Issued at.
    pub iat: u64,
    /// Not before.
    pub nbf: u64,
    /// Expiry.
    pub exp: u64,
}

/// Dialogporten's signing key.
pub struct DialogKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    kid: String,
    x: String,
}

impl std::fmt::Debug for DialogKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DialogKeys")
            .field("kid", &self.kid)
            .finish()
    }
}

/// PKCS#8 v1 framing of an Ed25519 private key (RFC 8410): this prefix, then the seed.
const PKCS8_ED25519: [u8; 16] = [
    0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
];

impl DialogKeys {
    /// A fresh key.
    pub fn generate() -> Self {
        let seed: [u8; 32] = rand::random();
        let public = ed25519_dalek::SigningKey::from_bytes(&seed)
            .verifying_key()
            .to_bytes();
        let mut der = PKCS8_ED25519.to_vec();
        der.extend_from_slice(&seed);
        Self {
            encoding: EncodingKey::from_ed_der(&der),
            decoding: DecodingKey::from_ed_der(&public),
            kid: format!(
                "dp-sim-{}",
                super::super::random_hex(4).to_ascii_lowercase()
            ),
            x: URL_SAFE_NO_PAD.encode(public),
        }
    }

    /// Signs a dialog token.
    pub fn sign(&self, claims: &DialogClaims) -> String {
        let mut header = Header::new(Algorithm::EdDSA);
        header.kid = Some(self.kid.clone());
        header.typ = Some("JWT".into());
        jsonwebtoken::encode(&header, claims, &self.encoding).unwrap_or_default()
    }

    /// Verifies a dialog token from `issuer`: signature, expiry (no leeway) and issuer.
    pub fn verify(
        &self,
        token: &str,
        issuer: &str,
    ) -> Result<DialogClaims, jsonwebtoken::errors::Error> {
        let mut validation = Validation::new(Algorithm::EdDSA);
        validation.set_issuer(&[issuer]);
        validation.validate_aud = false;
        validation.leeway = 0;
        validation.set_required_spec_claims(&["exp", "iss"]);
        jsonwebtoken::decode::<DialogClaims>(token, &self.decoding, &validation).map(|d| d.claims)
    }

    /// The public key as a JWK set (`/.well-known/jwks.json`).
    pub fn jwks(&self) -> Value {
        json!({"keys": [{"kty": "OKP", "crv": "Ed25519", "use": "sig", "alg": "EdDSA",
            "kid": self.kid, "x": self.x}]})
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(exp: u64) -> DialogClaims {
        DialogClaims {
            jti: "j".into(),
            c: "urn:altinn:person:identifier-no:01017012345".into(),
            l: 3,
            p: "urn:altinn:person:identifier-no:01017012345".into(),
            s: "urn:altinn:resource:skd".into(),
            i: "019a".into(),
            a: "read".into(),
            iss: "http://sim/dialogporten/api/v1".into(),
            iat: 0,
            nbf: 0,
            exp,
        }
    }

    #[test]
    fn signs_and_verifies_with_ed25519_and_refuses_the_expired_and_the_foreign() {
        let keys = DialogKeys::generate();
        let now = chrono::Utc::now().timestamp() as u64;
        let token = keys.sign(&claims(now + 600));
        assert!(token.starts_with("eyJ"));
        let header = jsonwebtoken::decode_header(&token).expect("header");
        assert_eq!(header.alg, Algorithm::EdDSA);
        assert_eq!(
            keys.verify(&token, "http://sim/dialogporten/api/v1")
                .map(|c| c.i),
            Ok("019a".to_owned())
        );
        assert!(keys.verify(&token, "http://other/api/v1").is_err());
        assert!(keys
            .verify(
                &keys.sign(&claims(now - 5)),
                "http://sim/dialogporten/api/v1"
            )
            .is_err());
        let other = DialogKeys::generate();
        assert!(other
            .verify(&token, "http://sim/dialogporten/api/v1")
            .is_err());
    }
}
