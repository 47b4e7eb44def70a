//! The push decoder and the pull reader against malformed input (issue 17 §4): valid bodies
//! mutated byte by byte (flips, cuts, insertions, repeated spans) and raw bytes, read as the
//! server reads a push (`PushBody`, then each event) and as a client reads a pull answer.
//! Nothing may panic; whatever reads must be what was written where it was left intact.
//!
//! The test command runs `TOUSU_FUZZ_CASES` cases (10,000 by default); the long run:
//! `TOUSU_FUZZ_CASES=1000000 cargo test --release -p tousu-server --test fuzz`.

use proptest::prelude::*;
use tousu_server::{routes::sync::PushBody, sync::parse_batch};
use tousu_shared::{
    api::sync::PullResponse,
    event::Event,
    testing::{Writer, closed_complaint},
};

fn cases() -> u32 {
    std::env::var("TOUSU_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(10_000)
}

/// A push body of a whole case's life, as a device sends it.
fn push_body() -> Vec<u8> {
    let mut w = Writer::user(1, 9, "supervisor");
    let events = closed_complaint(&mut w);
    serde_json::to_vec(&serde_json::json!({ "events": events })).expect("serializes")
}

/// A pull answer carrying the same events.
fn pull_body() -> Vec<u8> {
    let mut w = Writer::user(2, 9, "supervisor");
    let events = closed_complaint(&mut w);
    serde_json::to_vec(&serde_json::json!({
        "events": events, "grants": [], "revocations": [], "cursor": 42, "more": false,
        "server_time": 1, "alerts": [],
    }))
    .expect("serializes")
}

/// One mutation of a body.
#[derive(Debug, Clone)]
enum Mutation {
    Flip(usize, u8),
    Cut(usize),
    Insert(usize, Vec<u8>),
    Repeat(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Flip(i, b)),
        any::<usize>().prop_map(Mutation::Cut),
        (any::<usize>(), proptest::collection::vec(any::<u8>(), 1..8))
            .prop_map(|(i, b)| Mutation::Insert(i, b)),
        (any::<usize>(), 1usize..64).prop_map(|(i, n)| Mutation::Repeat(i, n)),
    ]
}

fn apply(mut body: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
    for m in mutations {
        if body.is_empty() {
            break;
        }
        let at = |i: usize| i % body.len();
        match m {
            Mutation::Flip(i, b) => {
                let i = at(*i);
                body[i] ^= b | 1;
            }
            Mutation::Cut(i) => body.truncate(at(*i)),
            Mutation::Insert(i, bytes) => {
                let i = at(*i);
                body.splice(i..i, bytes.iter().copied());
            }
            Mutation::Repeat(i, n) => {
                let i = at(*i);
                let end = (i + n).min(body.len());
                let span = body[i..end].to_vec();
                body.splice(end..end, span);
            }
        }
    }
    body
}

/// Reads `bytes` as the server reads a push: the body, then each event; never panics.
fn read_push(bytes: &[u8]) -> usize {
    match serde_json::from_slice::<PushBody>(bytes) {
        Ok(body) => parse_batch(&body.events)
            .iter()
            .filter(|e| e.is_ok())
            .count(),
        Err(_) => 0,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn a_mutated_push_never_panics_the_decoder(mutations in proptest::collection::vec(mutation(), 1..6)) {
        let body = apply(push_body(), &mutations);
        read_push(&body);
    }

    #[test]
    fn a_mutated_pull_never_panics_the_reader(mutations in proptest::collection::vec(mutation(), 1..6)) {
        let body = apply(pull_body(), &mutations);
        if let Ok(page) = serde_json::from_slice::<PullResponse>(&body) {
            // What reads back writes and reads again the same.
            let again = serde_json::to_vec(&page).expect("serializes");
            let page2: PullResponse = serde_json::from_slice(&again).expect("reads its own output");
            prop_assert_eq!(page.events, page2.events);
        }
        let _ = serde_json::from_slice::<Vec<Event>>(&body);
    }

    #[test]
    fn raw_bytes_never_panic_either(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        read_push(&bytes);
        let _ = serde_json::from_slice::<PullResponse>(&bytes);
    }
}

#[test]
fn the_unmutated_bodies_read_whole() {
    assert_eq!(
        read_push(&push_body()),
        closed_complaint(&mut Writer::user(1, 9, "supervisor")).len()
    );
    let page: PullResponse = serde_json::from_slice(&pull_body()).expect("reads");
    assert!(!page.events.is_empty());
}
