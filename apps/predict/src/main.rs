//! mlw-predict.

fn main() {
    println!("mlw-predict");
}
