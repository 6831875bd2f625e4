//! `mlw-train data generate`: the seeded demo tables in a SQLite file.

use crate::Failure;
use crate::cli::GenerateArgs;
use mlw_data::{CLASSIFICATION_TABLE, classification_frame, write_demo_db, write_sqlite_table};

/// Writes the demo database; the classification table gets the requested
/// shape.
pub fn run(args: &GenerateArgs) -> Result<(), Failure> {
    if args.classes < 2 {
        return Err(Failure::input(format!(
            "--classes must be at least 2 (got {})",
            args.classes
        )));
    }
    if args.if_missing && args.out.exists() {
        eprintln!("data: {} exists, kept", args.out.display());
        return Ok(());
    }
    if let Some(dir) = args.out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| Failure::input(format!("cannot create {}: {e}", dir.display())))?;
    }
    // Shape errors (0 rows, 1 class, ...) are the user's: check them before
    // anything is written.
    let custom = (args.rows, args.features, args.classes) != (1000, 20, 2);
    let table = if custom {
        Some(
            classification_frame(args.rows, args.features, args.classes, args.seed)
                .map_err(Failure::input)?,
        )
    } else {
        None
    };
    write_demo_db(&args.out, args.seed).map_err(Failure::input)?;
    if let Some(df) = table {
        write_sqlite_table(&df, &args.out, CLASSIFICATION_TABLE).map_err(Failure::input)?;
    }
    eprintln!(
        "data: wrote {} ({CLASSIFICATION_TABLE}: {} rows × {} features, {} classes; \
         multiclass_data; regression_data; seed {})",
        args.out.display(),
        args.rows,
        args.features,
        args.classes,
        args.seed
    );
    Ok(())
}
