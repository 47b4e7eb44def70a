//! The deterministic simulation's long run (issue 17 §1): 10,000 seeds by default
//! (`TOUSU_SIM_SEEDS`, `TOUSU_SIM_SEED` to replay one); prints how many passed, with the
//! tally of what they exercised, or the first failing seed. Build it with `--release`.

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> std::process::ExitCode {
    let seeds = tousu_e2e::simulation::seeds_from_env(10_000);
    let started = std::time::Instant::now();
    match tousu_e2e::simulation::run_seeds(&seeds).await {
        Ok(tally) => {
            println!(
                "simulation: {} seeds passed in {:.1} s; {tally:?}",
                seeds.len(),
                started.elapsed().as_secs_f64()
            );
            std::process::ExitCode::SUCCESS
        }
        Err(why) => {
            eprintln!("simulation: {why}");
            std::process::ExitCode::FAILURE
        }
    }
}
