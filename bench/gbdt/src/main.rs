//! GBDT benchmark.

fn main() {
    println!("mlw-bench-gbdt");
}
