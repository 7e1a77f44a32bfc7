//! Argon2id password hashes in PHC string form.
use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

pub fn hash(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("cannot hash password: {e}"))
}

/// True when `password` matches the stored PHC hash; a malformed hash never matches.
pub fn verify(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).map(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok()).unwrap_or(false)
}

/// Spends the time of one verification, so an unknown username answers as slowly as a wrong password.
pub fn verify_dummy(password: &str) {
    static DUMMY: &str =
        "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$3tdY1kBn5Y8cHqFJ2C1/8xQ9ZyJ8rQ1qS3I4gWqX1Xk";
    let _ = verify(password, DUMMY);
}

/// How many hashes run at once: one per core (`std::thread::available_parallelism`).
pub fn hash_threads() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
}

type Job = Box<dyn FnOnce() + Send>;

/// The password threads: as many as cores, each hashing one password at a time. Hashing runs on
/// them only, never on a request thread or while a pooled connection is held: a storm of sign-ins
/// queues here instead of taking every core, and since argon2 takes 19 MiB per hash and glibc keeps
/// an arena per thread, a fixed set of threads also bounds the memory it keeps (STACK-NOTES,
/// "Verified on main in December 2026"). A per-process limit on CPU, nothing that must be shared.
fn password_threads() -> &'static std::sync::mpsc::Sender<Job> {
    static THREADS: std::sync::OnceLock<std::sync::mpsc::Sender<Job>> = std::sync::OnceLock::new();
    THREADS.get_or_init(|| {
        let (tx, rx) = std::sync::mpsc::channel::<Job>();
        let rx = std::sync::Arc::new(std::sync::Mutex::new(rx));
        for i in 0..hash_threads() {
            let rx = rx.clone();
            let spawned = std::thread::Builder::new().name(format!("motcua-password-{i}")).spawn(move || loop {
                let job = match rx.lock() {
                    Ok(rx) => rx.recv(),
                    Err(_) => return,
                };
                match job {
                    // A panicking job drops its reply (the caller gets an error); the thread lives on.
                    Ok(job) => drop(std::panic::catch_unwind(std::panic::AssertUnwindSafe(job))),
                    Err(_) => return,
                }
            });
            if let Err(e) = spawned {
                tracing::error!(error.cause = %e, "cannot start a password thread");
            }
        }
        tx
    })
}

/// Runs `work` on a password thread and waits for it without blocking the caller's thread.
async fn on_password_thread<R: Send + 'static>(work: impl FnOnce() -> R + Send + 'static) -> anyhow::Result<R> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    password_threads()
        .send(Box::new(move || {
            let _ = tx.send(work());
        }))
        .map_err(|_| anyhow::anyhow!("the password threads are gone"))?;
    rx.await.map_err(|_| anyhow::anyhow!("a password thread failed"))
}

/// [`hash`] on a password thread.
pub async fn hash_bounded(password: String) -> anyhow::Result<String> {
    on_password_thread(move || hash(&password)).await?
}

/// [`verify`] on a password thread (false if the thread failed).
pub async fn verify_bounded(password: String, phc: String) -> bool {
    on_password_thread(move || verify(&password, &phc)).await.unwrap_or(false)
}

/// [`verify_dummy`] on a password thread.
pub async fn verify_dummy_bounded(password: String) {
    let _ = on_password_thread(move || verify_dummy(&password)).await;
}

#[cfg(test)]
mod tests {
    #[test]
    fn hashes_verify_only_the_right_password() {
        let h = super::hash("motcua-demo").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(super::verify("motcua-demo", &h));
        assert!(!super::verify("motcua-dem0", &h));
        assert!(!super::verify("motcua-demo", "not a hash"));
    }

    #[tokio::test]
    async fn at_most_one_hash_per_core_runs_at_once() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        use std::sync::Arc;
        let (running, peak) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let jobs: Vec<_> = (0..4 * super::hash_threads())
            .map(|_| {
                let (running, peak) = (running.clone(), peak.clone());
                tokio::spawn(super::on_password_thread(move || {
                    let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                    peak.fetch_max(now, Ordering::SeqCst);
                    let ok = super::verify("motcua-demo", &super::hash("motcua-demo").unwrap());
                    running.fetch_sub(1, Ordering::SeqCst);
                    ok
                }))
            })
            .collect();
        for job in jobs {
            assert!(job.await.unwrap().unwrap());
        }
        let peak = peak.load(Ordering::SeqCst);
        assert!((1..=super::hash_threads()).contains(&peak), "peak {peak}");
        assert!(
            super::verify_bounded("motcua-demo".into(), super::hash_bounded("motcua-demo".into()).await.unwrap()).await
        );
    }
}
