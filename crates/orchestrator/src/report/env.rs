//! The environment a run was built and run in, written to `env/`.

use std::collections::BTreeMap;
use std::fs;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::meta::MLW_VERSION;
use super::{ArtifactDir, ReportError, Subdir};

/// `rustc -V` of the compiler that built mlw (recorded by the build script).
pub const RUSTC_VERSION: &str = env!("MLW_BUILD_RUSTC");
/// Target triple mlw was built for.
pub const TARGET: &str = env!("MLW_BUILD_TARGET");
/// Cargo profile mlw was built with (`debug` or `release`).
pub const PROFILE: &str = env!("MLW_BUILD_PROFILE");
/// Key dependency versions from `Cargo.lock` at build time, as `name=version;...`.
const DEPENDENCIES: &str = env!("MLW_BUILD_DEPS");

/// Build and machine facts that explain differences between runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnvInfo {
    /// Version of mlw.
    pub mlw_version: String,
    /// `rustc -V` of the compiler that built it.
    pub rustc: String,
    /// Target triple.
    pub target: String,
    /// Cargo profile (`debug` or `release`).
    pub profile: String,
    /// Key dependency versions (name → version), from `Cargo.lock` at build time.
    pub dependencies: BTreeMap<String, String>,
    /// Operating system (the distribution's pretty name when known).
    pub os: String,
    /// Kernel release, when readable.
    pub kernel: Option<String>,
    /// CPU model name from `/proc/cpuinfo`, when readable.
    pub cpu_model: Option<String>,
    /// Logical cores available to this process.
    pub logical_cores: usize,
    /// Threads in rayon's global pool (what parallel fitting uses).
    pub rayon_threads: usize,
}

impl EnvInfo {
    /// Captures the environment now: build-time facts plus this machine's
    /// OS, CPU and thread counts. Never fails; unknown facts are `None` or
    /// `"unknown"`.
    pub fn capture() -> Self {
        let os_release = fs::read_to_string("/etc/os-release").ok();
        let os = os_release
            .as_deref()
            .and_then(pretty_name)
            .unwrap_or_else(|| std::env::consts::OS.to_owned());
        EnvInfo {
            mlw_version: MLW_VERSION.to_owned(),
            rustc: RUSTC_VERSION.to_owned(),
            target: TARGET.to_owned(),
            profile: PROFILE.to_owned(),
            dependencies: parse_dependencies(DEPENDENCIES),
            os,
            kernel: fs::read_to_string("/proc/sys/kernel/osrelease")
                .ok()
                .map(|s| s.trim().to_owned()),
            cpu_model: fs::read_to_string("/proc/cpuinfo")
                .ok()
                .as_deref()
                .and_then(cpu_model),
            logical_cores: std::thread::available_parallelism()
                .map(usize::from)
                .unwrap_or(1),
            rayon_threads: rayon::current_num_threads(),
        }
    }

    /// A short human-readable summary, one fact per line.
    pub fn summary(&self) -> String {
        let mut s = format!(
            "mlw {}\n{}\ntarget {} ({})\nos {}\nkernel {}\ncpu {}\nlogical cores {}\nrayon threads {}\n",
            self.mlw_version,
            self.rustc,
            self.target,
            self.profile,
            self.os,
            self.kernel.as_deref().unwrap_or("unknown"),
            self.cpu_model.as_deref().unwrap_or("unknown"),
            self.logical_cores,
            self.rayon_threads,
        );
        for (name, version) in &self.dependencies {
            s.push_str(&format!("{name} {version}\n"));
        }
        s
    }

    /// Writes `env/environment.json` (all facts), `env/rustc.txt` and
    /// `env/summary.txt` into the run directory; returns the paths written.
    ///
    /// # Errors
    /// [`ReportError::Io`] / [`ReportError::Json`] from the writes.
    pub fn write_to(&self, run: &ArtifactDir) -> Result<Vec<PathBuf>, ReportError> {
        Ok(vec![
            run.write_json(Subdir::Env, "environment.json", self)?,
            run.write_text(Subdir::Env, "rustc.txt", &format!("{}\n", self.rustc))?,
            run.write_text(Subdir::Env, "summary.txt", &self.summary())?,
        ])
    }
}

fn parse_dependencies(list: &str) -> BTreeMap<String, String> {
    list.split(';')
        .filter_map(|item| item.split_once('='))
        .map(|(name, version)| (name.to_owned(), version.to_owned()))
        .collect()
}

/// `PRETTY_NAME` from an os-release file.
fn pretty_name(os_release: &str) -> Option<String> {
    os_release
        .lines()
        .find_map(|l| l.strip_prefix("PRETTY_NAME="))
        .map(|v| v.trim().trim_matches('"').to_owned())
        .filter(|v| !v.is_empty())
}

/// The CPU model from `/proc/cpuinfo` (x86 `model name`, or ARM's `Model` / `Hardware`).
fn cpu_model(cpuinfo: &str) -> Option<String> {
    ["model name", "Model", "Hardware", "cpu model"]
        .iter()
        .find_map(|key| {
            cpuinfo.lines().find_map(|l| {
                let (k, v) = l.split_once(':')?;
                (k.trim() == *key && !v.trim().is_empty()).then(|| v.trim().to_owned())
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_model_is_read_from_cpuinfo() {
        let x86 = "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R) CPU @ 2.20GHz\n";
        assert_eq!(
            cpu_model(x86).as_deref(),
            Some("Intel(R) Xeon(R) CPU @ 2.20GHz")
        );
        assert_eq!(
            cpu_model("processor : 0\nModel : Raspberry Pi 4\n").as_deref(),
            Some("Raspberry Pi 4")
        );
        assert_eq!(cpu_model("processor : 0\n"), None);
    }

    #[test]
    fn os_release_and_dependency_list_are_parsed() {
        let text = "NAME=\"Debian GNU/Linux\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n";
        assert_eq!(
            pretty_name(text).as_deref(),
            Some("Debian GNU/Linux 12 (bookworm)")
        );
        let deps = parse_dependencies("ndarray=0.17.1;rayon=1.12.0");
        assert_eq!(deps.get("rayon").map(String::as_str), Some("1.12.0"));
        assert!(parse_dependencies("").is_empty());
    }

    #[test]
    fn build_time_facts_are_embedded() {
        let env = EnvInfo::capture();
        assert!(env.rustc.starts_with("rustc "), "{}", env.rustc);
        assert!(
            env.dependencies.contains_key("ndarray"),
            "{:?}",
            env.dependencies
        );
        assert!(env.logical_cores >= 1 && env.rayon_threads >= 1);
    }
}
