//! Writes the Terraform Registry docs (`docs/index.md`, `docs/resources/*.md`,
//! `docs/data-sources/*.md`) from the schemas. `--check` fails when the committed docs are stale.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let check = std::env::args().any(|a| a == "--check");
    let mut stale = Vec::new();
    for (path, content) in terraform_provider_vault::docs::render(&root) {
        let file = root.join(&path);
        let current = std::fs::read_to_string(&file).unwrap_or_default();
        if current == content {
            continue;
        }
        if check {
            stale.push(path);
        } else {
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            std::fs::write(&file, content).unwrap();
            println!("wrote {path}");
        }
    }
    if stale.is_empty() {
        ExitCode::SUCCESS
    } else {
        eprintln!(
            "stale docs: {stale:?}; run `cargo run -p terraform-provider-vault --bin vault-docs`"
        );
        ExitCode::FAILURE
    }
}
