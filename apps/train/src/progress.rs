//! Progress bars on stderr (indicatif), hidden when stderr is not a terminal.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use mlw_orchestrator::{Progress, Step};
use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::Duration;

/// One bar (or spinner) per step.
pub struct Bars {
    current: Mutex<Option<ProgressBar>>,
    visible: bool,
}

impl Bars {
    /// Bars drawn on stderr when it is a terminal, else nothing.
    pub fn new() -> Self {
        Bars {
            current: Mutex::new(None),
            visible: std::io::stderr().is_terminal(),
        }
    }
}

impl Progress for Bars {
    fn start(&self, step: Step, total: Option<u64>) {
        let bar = match total {
            Some(n) => {
                let b = ProgressBar::new(n);
                if let Ok(style) =
                    ProgressStyle::with_template("{prefix:>10} [{bar:30}] {pos}/{len} {elapsed}")
                {
                    b.set_style(style.progress_chars("=> "));
                }
                b
            }
            None => {
                let b = ProgressBar::new_spinner();
                if let Ok(style) = ProgressStyle::with_template("{prefix:>10} {spinner} {elapsed}")
                {
                    b.set_style(style);
                }
                b.enable_steady_tick(Duration::from_millis(120));
                b
            }
        };
        if !self.visible {
            bar.set_draw_target(ProgressDrawTarget::hidden());
        }
        bar.set_prefix(step.name());
        if let Ok(mut c) = self.current.lock() {
            *c = Some(bar);
        }
    }

    fn advance(&self, _step: Step, n: u64) {
        if let Ok(c) = self.current.lock()
            && let Some(b) = c.as_ref()
        {
            b.inc(n);
        }
    }

    fn finish(&self, step: Step, seconds: f64) {
        if let Ok(mut c) = self.current.lock()
            && let Some(b) = c.take()
        {
            b.finish_and_clear();
        }
        if self.visible {
            eprintln!("{:>10} {seconds:.2}s", step.name());
        }
    }
}
