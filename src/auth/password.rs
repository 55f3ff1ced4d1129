//! Password hashing with Argon2id (the crate's defaults: m=19456 KiB, t=2, p=1, the OWASP
//! minimum). Each hash has its own random salt, so equal passwords give different hashes.

use argon2::Argon2;
use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};

/// Hashes a password into a PHC string (`$argon2id$v=19$m=19456,t=2,p=1$...`).
pub fn hash(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("password hashing failed: {e}"))
}

/// True when `password` matches the PHC string `hash`. A malformed hash never matches.
pub fn verify(password: &str, hash: &str) -> bool {
    match PasswordHash::new(hash) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// A fixed hash to verify against when the account does not exist, so an unknown e-mail takes
/// as long to refuse as a wrong password (no account enumeration by timing).
pub const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Mq2pmfJ/BK4XNc0Cy7ZUDWJ0MkZBOOvXMIUJk61B1ik";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_is_argon2id_with_at_least_the_owasp_parameters() {
        let h = hash("correct horse battery staple").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
    }

    #[test]
    fn the_same_password_hashes_differently_each_time() {
        assert_ne!(
            hash("same password here").unwrap(),
            hash("same password here").unwrap()
        );
    }

    #[test]
    fn long_and_non_ascii_passwords_verify() {
        for pw in ["zażółć gęślą jaźń 🔑", &"ñ".repeat(1000)] {
            let h = hash(pw).unwrap();
            assert!(verify(pw, &h));
            assert!(!verify("something else", &h));
        }
    }

    #[test]
    fn the_dummy_hash_parses_and_matches_nothing_a_user_types() {
        assert!(PasswordHash::new(DUMMY_HASH).is_ok());
        assert!(!verify("password", DUMMY_HASH));
    }
}
