//! The `kraken` command line. Each subcommand lives in `src/cli/`.

mod cli;

use clap::Parser;

fn main() {
    let args = cli::Cli::parse();
    cli::init_tracing(args.verbose);
    let code = match cli::run(args.command) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            2
        }
    };
    std::process::exit(code);
}
