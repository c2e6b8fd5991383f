//! Placeholder: being written.

fn main() {
    eprintln!("not yet implemented");
    std::process::exit(2);
}
