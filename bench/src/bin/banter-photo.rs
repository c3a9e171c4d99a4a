//! Writes a photo-like JPEG to standard output, for `scripts/bench-files`:
//! `banter-photo <width> <height> <seed>`.

use std::io::Write;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<u32> = std::env::args()
        .skip(1)
        .map(|arg| arg.parse())
        .collect::<Result<_, _>>()?;
    let [width, height, seed] = args[..] else {
        return Err("usage: banter-photo <width> <height> <seed>".into());
    };
    let jpeg = bench::photo::photo(width, height, seed)?;
    std::io::stdout().write_all(&jpeg)?;
    Ok(())
}
