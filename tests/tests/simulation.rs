//! The deterministic simulation (`tousu_e2e::simulation`) in the test command: 200 seeds
//! (`TOUSU_SIM_SEEDS`, `TOUSU_SIM_SEED` to replay one). The `simulation` binary runs 10,000.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_seed_heals_to_one_truth() {
    let seeds = tousu_e2e::simulation::seeds_from_env(200);
    let started = std::time::Instant::now();
    match tousu_e2e::simulation::run_seeds(&seeds).await {
        Ok(tally) => println!(
            "simulation: {} seeds passed in {:.1} s; {tally:?}",
            seeds.len(),
            started.elapsed().as_secs_f64()
        ),
        Err(why) => panic!("{why}"),
    }
}
