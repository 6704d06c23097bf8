//! The rotation function's code, embedded at compile time from the committed, reproducible
//! bundle (`lambda/rotation/dist/index.mjs`; `npm test` there fails when it is stale).

/// The bundle, deployed as `index.mjs` at the root of the function's zip (handler `index.handler`).
pub const BUNDLE: &[u8] = include_bytes!("../../../lambda/rotation/dist/index.mjs");
pub const HANDLER: &str = "index.handler";
pub const FILE_NAME: &str = "index.mjs";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_bundle_is_an_es_module_exporting_the_handler() {
        let text = std::str::from_utf8(BUNDLE).expect("the bundle is UTF-8 JavaScript");
        assert!(text.len() > 10_000, "a bundle with mysql2 inside is large");
        assert!(text.contains("export") && text.contains("handler"));
        assert!(!text.contains("/work/"), "no machine paths in the bundle");
    }
}
