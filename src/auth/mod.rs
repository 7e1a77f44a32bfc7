//! Authentication: argon2 password hashes, JWTs with issuer/audience/expiry, and the
//! extractor that gives handlers the caller's role and agency scope.
pub mod extractor;
pub mod jwt;
pub mod password;

pub use extractor::Caller;
pub use jwt::{Claims, JwtKeys};
