//! mlw-train.

fn main() {
    println!("mlw-train");
}
