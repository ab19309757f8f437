//! Media types, as any document writes them.

/// Whether a media type is JSON (`application/json`, `application/problem+json`, ...).
pub fn is_json(media: &str) -> bool {
    let essence = media.split(';').next().unwrap_or_default().trim();
    essence == "application/json" || essence.ends_with("+json")
}

/// Media types whose body is an HTML page of no interest (an error page, a confirmation).
pub fn is_page(media: &str) -> bool {
    media.starts_with("text/html")
}
