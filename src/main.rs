mod arguments;
mod generated;
mod registry;
mod request;
fn main() { println!("{}", registry::all().len()); }
