//! `oar pull <name>{:<tag>|@<digest>}`

use std::path::Path;

use serde::Serialize;

use crate::cli::args::Args;
use crate::cli::error::Result;
use crate::cli::options;
use crate::cli::output::{self, DescriptorJson, Status};
use oar::content::files::FileStore;
use oar::descriptor::Platform;
use oar::media_type::ANNOTATION_TITLE;
use oar::ops::pull::{PullOptions, pull};

#[derive(Serialize)]
struct FileJson {
    path: String,
    #[serde(flatten)]
    desc: DescriptorJson,
}

#[derive(Serialize)]
struct PullJson {
    reference: String,
    files: Vec<FileJson>,
}

/// `oar pull`.
pub fn run(args: &Args) -> Result<()> {
    let raw = &args.positionals[0];
    let format = options::format(args)?;
    let json = format.is_structured();
    let config = match args.value("config") {
        Some(c) => {
            let (path, mt) = super::push::split_file_ref(c, "")?;
            Some((path, Some(mt).filter(|m| !m.is_empty())))
        }
        None => None,
    };
    let platform = args.value("platform").map(Platform::parse).transpose()?;
    let (target, tref) = options::open_target(args, "", raw, &["pull"])?;
    let selector = tref.require_selector(args.cmd, true)?.to_string();
    let out = args.value("output").unwrap_or(".");
    let files = FileStore::new(Path::new(out), options::file_store_options(args))?;
    let mut opts = PullOptions::default().include_subject(args.flag("include-subject"));
    if let Some((path, mt)) = config {
        opts = opts.config(path, mt);
    }
    if let Some(p) = platform {
        opts = opts.platform(p);
    }
    let mut status =
        Status::new(11, options::unnamed(args), json).on_terminal(options::tty(args), "Pulled");
    let pulled = pull(target.as_ref(), &selector, &files, &opts, &mut status)?;
    status.finish()?;
    if json {
        let files = pulled
            .files
            .iter()
            .map(|f| {
                let mut path = f.path.to_string_lossy().into_owned();
                let title = f.desc.title().unwrap_or_default();
                if oar::content::files::is_directory_layer(&f.desc, title) {
                    path.push('/');
                }
                FileJson {
                    path,
                    desc: DescriptorJson::new(&tref.path, &f.desc),
                }
            })
            .collect();
        return format.print(&PullJson {
            reference: format!("{}@{}", tref.path, pulled.root.digest),
            files,
        });
    }
    if pulled.skipped_unnamed {
        output::line(&format!(
            "Skipped pulling layers without file name in {ANNOTATION_TITLE:?}"
        ))?;
        output::line(&format!(
            "Use '{} copy {} --to-oci-layout <layout-dir>' to pull all layers.",
            crate::cli::program(),
            tref.raw
        ))?;
    } else {
        output::line(&format!("Pulled {}", tref.annotated()))?;
        output::line(&format!("Digest: {}", pulled.root.digest))?;
    }
    Ok(())
}
