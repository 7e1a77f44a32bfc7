//! Files attached to a dossier: which names, types and sizes are accepted.

/// Largest file accepted (10 MiB): scans of paper documents fit, videos do not.
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;
/// Most files one dossier may carry.
pub const MAX_FILES_PER_DOSSIER: i64 = 20;

/// The accepted kinds: PDF and the two usual scan formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Pdf,
    Jpeg,
    Png,
}

impl FileKind {
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
        }
    }

    fn from_extension(ext: &str) -> Option<Self> {
        match ext.to_ascii_lowercase().as_str() {
            "pdf" => Some(Self::Pdf),
            "jpg" | "jpeg" => Some(Self::Jpeg),
            "png" => Some(Self::Png),
            _ => None,
        }
    }

    /// The file's first bytes must match its kind (a renamed executable is refused).
    fn matches(self, content: &[u8]) -> bool {
        match self {
            Self::Pdf => content.starts_with(b"%PDF-"),
            Self::Jpeg => content.starts_with(&[0xFF, 0xD8, 0xFF]),
            Self::Png => content.starts_with(b"\x89PNG\r\n\x1a\n"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AttachmentError {
    #[error("the file name must be 1–120 characters without folders, `..`, control characters or a leading dot")]
    BadName,
    #[error("only PDF, JPEG and PNG files are accepted (.pdf, .jpg, .jpeg, .png)")]
    BadType,
    #[error("the Content-Type header `{0}` does not match the file's extension")]
    TypeMismatch(String),
    #[error("the file's content is not a {0} file")]
    ContentMismatch(&'static str),
    #[error("the file is empty")]
    Empty,
    #[error("the file is larger than 10 MiB")]
    TooLarge,
}

/// Checks a file name (no path tricks) and returns its kind from the extension.
pub fn check_name(name: &str) -> Result<FileKind, AttachmentError> {
    let ext = extension(name)?.ok_or(AttachmentError::BadType)?;
    FileKind::from_extension(ext).ok_or(AttachmentError::BadType)
}

/// A file name safe to store and to send back (1–120 characters, no folders, `..`, characters
/// Windows forbids, control characters or a leading dot); its extension, if it has one.
pub fn extension(name: &str) -> Result<Option<&str>, AttachmentError> {
    let ok = !name.is_empty()
        && name.chars().count() <= 120
        && !name.starts_with('.')
        && !name.contains(['/', '\\', ':', '*', '?', '"', '<', '>', '|'])
        && !name.contains("..")
        && !name.chars().any(char::is_control);
    if !ok {
        return Err(AttachmentError::BadName);
    }
    Ok(name.rsplit_once('.').map(|(_, e)| e))
}

/// Checks an upload: name, declared type, size and the content's signature.
pub fn check_upload(name: &str, content_type: &str, content: &[u8]) -> Result<FileKind, AttachmentError> {
    let kind = check_name(name)?;
    let declared = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    if declared != kind.content_type() {
        return Err(AttachmentError::TypeMismatch(declared.chars().take(60).collect()));
    }
    if content.is_empty() {
        return Err(AttachmentError::Empty);
    }
    if content.len() > MAX_FILE_BYTES {
        return Err(AttachmentError::TooLarge);
    }
    if !kind.matches(content) {
        return Err(AttachmentError::ContentMismatch(kind.content_type()));
    }
    Ok(kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malicious_names_are_refused() {
        for bad in ["", "../etc/passwd.pdf", "a/b.pdf", "a\\b.pdf", ".hidden.pdf", "x\u{0}.pdf", "con:.pdf", "a..pdf"] {
            assert_eq!(check_name(bad), Err(AttachmentError::BadName), "{bad:?}");
        }
        assert_eq!(check_name("don.exe"), Err(AttachmentError::BadType));
        assert_eq!(check_name("Đơn đề nghị.PDF"), Ok(FileKind::Pdf));
        assert_eq!(check_name(&format!("{}.pdf", "a".repeat(120))), Err(AttachmentError::BadName));
    }

    #[test]
    fn content_must_match_the_declared_type() {
        assert_eq!(check_upload("a.pdf", "application/pdf", b"%PDF-1.7 ..."), Ok(FileKind::Pdf));
        assert_eq!(check_upload("a.png", "image/png", b"\x89PNG\r\n\x1a\n...."), Ok(FileKind::Png));
        assert_eq!(check_upload("a.jpg", "image/jpeg", &[0xFF, 0xD8, 0xFF, 0xE0]), Ok(FileKind::Jpeg));
        assert!(matches!(check_upload("a.pdf", "image/png", b"%PDF-"), Err(AttachmentError::TypeMismatch(_))));
        assert_eq!(
            check_upload("a.pdf", "application/pdf", b"MZ\x90\x00"),
            Err(AttachmentError::ContentMismatch("application/pdf"))
        );
        assert_eq!(check_upload("a.pdf", "application/pdf", b""), Err(AttachmentError::Empty));
        let big = vec![b'%'; MAX_FILE_BYTES + 1];
        assert_eq!(check_upload("a.pdf", "application/pdf", &big), Err(AttachmentError::TooLarge));
    }
}
