//! mlw-serve.

fn main() {
    println!("mlw-serve");
}
