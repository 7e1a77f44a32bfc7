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

/// A well-formed hash of no one's password, for [`verify_dummy_bounded`].
const DUMMY: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$3tdY1kBn5Y8cHqFJ2C1/8xQ9ZyJ8rQ1qS3I4gWqX1Xk";

thread_local! {
    /// A password thread's argon2 memory, kept from hash to hash (19 MiB with the default
    /// parameters). Left to the allocator, each hash's 19 MiB block fragments the thread's malloc
    /// arena and the process grew past 200 MB under 64 concurrent sign-ins (measured with
    /// `motcua bench-login`); reused, it is one block per password thread.
    static ARGON2_MEMORY: std::cell::RefCell<Vec<argon2::Block>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Runs argon2 `ctx` over this thread's reusable memory.
fn hash_into(ctx: &Argon2, password: &[u8], salt: &[u8], out: &mut [u8]) -> Result<(), argon2::Error> {
    ARGON2_MEMORY.with_borrow_mut(|memory| {
        let blocks = ctx.params().block_count();
        if memory.len() < blocks {
            memory.resize(blocks, argon2::Block::default());
        }
        ctx.hash_password_into_with_memory(password, salt, out, &mut memory[..blocks])
    })
}

/// [`hash`], in this thread's reusable memory.
fn hash_in_place(password: &str) -> anyhow::Result<String> {
    use argon2::password_hash::{Output, ParamsString};
    let fail = |e: &dyn std::fmt::Display| anyhow::anyhow!("cannot hash password: {e}");
    let ctx = Argon2::default();
    let salt = SaltString::generate(&mut OsRng);
    let mut salt_buf = [0u8; 64];
    let salt_bytes = salt.decode_b64(&mut salt_buf).map_err(|e| fail(&e))?;
    let len = ctx.params().output_len().unwrap_or(argon2::Params::DEFAULT_OUTPUT_LEN);
    let output = Output::init_with(len, |out| {
        hash_into(&ctx, password.as_bytes(), salt_bytes, out).map_err(|_| argon2::password_hash::Error::Crypto)
    })
    .map_err(|e| fail(&e))?;
    let phc = PasswordHash {
        algorithm: argon2::Algorithm::default().ident(),
        version: Some(argon2::Version::default().into()),
        params: ParamsString::try_from(ctx.params()).map_err(|e| fail(&e))?,
        salt: Some(salt.as_salt()),
        hash: Some(output),
    };
    Ok(phc.to_string())
}

/// [`verify`], in this thread's reusable memory (the parameters, salt and length are the hash's own).
fn verify_in_place(password: &str, phc: &str) -> bool {
    let check = || -> Option<bool> {
        let hash = PasswordHash::new(phc).ok()?;
        let (salt, expected) = (hash.salt?, hash.hash?);
        let algorithm = argon2::Algorithm::try_from(hash.algorithm).ok()?;
        let version = hash.version.map(argon2::Version::try_from).transpose().ok()?.unwrap_or_default();
        let params = argon2::Params::try_from(&hash).ok()?;
        let mut salt_buf = [0u8; 64];
        let salt = salt.decode_b64(&mut salt_buf).ok()?;
        let mut out = vec![0u8; expected.len()];
        hash_into(&Argon2::new(algorithm, version, params), password.as_bytes(), salt, &mut out).ok()?;
        // `Output`'s equality is constant-time.
        Some(argon2::password_hash::Output::new(&out).ok()? == expected)
    };
    check().unwrap_or(false)
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
            let spawned = std::thread::Builder::new().name(format!("motcua-password-{i}")).spawn(move || {
                lower_priority();
                loop {
                    let job = match rx.lock() {
                        Ok(rx) => rx.recv(),
                        Err(_) => return,
                    };
                    match job {
                        // A panicking job drops its reply (the caller gets an error); the thread lives on.
                        Ok(job) => drop(std::panic::catch_unwind(std::panic::AssertUnwindSafe(job))),
                        Err(_) => return,
                    }
                }
            });
            if let Err(e) = spawned {
                tracing::error!(error.cause = %e, "cannot start a password thread");
            }
        }
        tx
    })
}

/// Password threads run at a lower scheduling priority (nice 10, Linux): under a storm of
/// sign-ins every other request still gets the cores first, and hashing takes what is left.
fn lower_priority() {
    #[cfg(target_os = "linux")]
    #[allow(unsafe_code)]
    // SAFETY: plain system calls on the calling thread (on Linux a priority is per thread), with
    // no pointers involved; a failure only leaves the priority as it was.
    unsafe {
        let tid = libc::syscall(libc::SYS_gettid) as libc::id_t;
        let _ = libc::setpriority(libc::PRIO_PROCESS, tid, 10);
    }
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
    on_password_thread(move || hash_in_place(&password)).await?
}

/// [`verify`] on a password thread (false if the thread failed).
pub async fn verify_bounded(password: String, phc: String) -> bool {
    on_password_thread(move || verify_in_place(&password, &phc)).await.unwrap_or(false)
}

/// Spends the time of one verification, on a password thread, so an unknown username answers as
/// slowly as a wrong password.
pub async fn verify_dummy_bounded(password: String) {
    let _ = on_password_thread(move || verify_in_place(&password, DUMMY)).await;
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

    #[test]
    fn hashes_in_reused_memory_are_the_same_hashes() {
        let mine = super::hash_in_place("motcua-demo").unwrap();
        assert!(mine.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{mine}");
        assert!(super::verify("motcua-demo", &mine));
        let theirs = super::hash("motcua-demo").unwrap();
        assert!(super::verify_in_place("motcua-demo", &theirs));
        assert!(!super::verify_in_place("motcua-dem0", &theirs));
        assert!(!super::verify_in_place("motcua-demo", "not a hash"));
        // The dummy is well formed, so an unknown user costs a whole verification.
        assert!(argon2::password_hash::PasswordHash::new(super::DUMMY).is_ok());
        assert!(!super::verify_in_place("motcua-demo", super::DUMMY));
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
