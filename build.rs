//! Rebuild when translations or static files change: both are compiled into the binary by
//! macros that cargo cannot see through.
fn main() {
    println!("cargo:rerun-if-changed=locales");
    println!("cargo:rerun-if-changed=static");
    println!("cargo:rerun-if-changed=migrations");
}
