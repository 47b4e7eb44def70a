//! Served as browsers require (issue 16 §7): the server speaks HTTPS itself, with a
//! certificate for an address other than localhost (`127.0.0.2`, as a tablet reaches the
//! office server by its LAN address). Chromium trusts that one certificate (as a tablet
//! trusts an internal CA once installed) and so has a secure context: the service worker,
//! Web Crypto and storage; responses carry HSTS. After a sign-in the server goes away and
//! the app opens again from the service worker.

use base64::Engine as _;
use rcgen::PublicKeyData as _;
use sha2::{Digest, Sha256};
use tousu_e2e::{Browser, DEMO_PASSWORD, TestServer};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_app_over_https_by_a_lan_address_works_offline_after() -> anyhow::Result<()> {
    let certs = tempfile::tempdir()?;
    let key = rcgen::KeyPair::generate()?;
    let cert = rcgen::CertificateParams::new(vec!["127.0.0.2".to_string()])?.self_signed(&key)?;
    let (cert_path, key_path) = (certs.path().join("cert.pem"), certs.path().join("key.pem"));
    std::fs::write(&cert_path, cert.pem())?;
    std::fs::write(&key_path, key.serialize_pem())?;
    // Chromium's test switch trusts a certificate by the hash of its public key.
    let pin = base64::engine::general_purpose::STANDARD
        .encode(Sha256::digest(key.subject_public_key_info()));

    let mut server = TestServer::start_with_args(
        tempfile::tempdir()?,
        &[
            "--addr",
            "127.0.0.2:0",
            "--tls-cert",
            cert_path.to_str().expect("utf-8"),
            "--tls-key",
            key_path.to_str().expect("utf-8"),
        ],
        &[
            ("TOUSU_DEMO", "true"),
            ("TOUSU_DEMO_CASES", "12"),
            ("TOUSU_DEMO_PASSWORD", DEMO_PASSWORD),
        ],
    )?;
    assert!(
        server.url.starts_with("https://127.0.0.2:"),
        "{}",
        server.url
    );

    let browser =
        Browser::start_with(&[format!("--ignore-certificate-errors-spki-list={pin}")]).await?;
    let result = async {
        browser.sign_in(&server.url, "handler", DEMO_PASSWORD).await?;
        browser.wait_all_synced().await?;
        let secure = browser
            .wait_for_script_value(
                "a secure context",
                "return window.isSecureContext && crypto.subtle ? 'secure' : null;",
            )
            .await?;
        assert_eq!(secure, "secure");
        let hsts = browser
            .wait_for_script_value(
                "the HSTS header",
                "return (async () => (await fetch('/api/v1/health')).headers.get('strict-transport-security'))();",
            )
            .await?;
        assert_eq!(hsts, "max-age=31536000");
        browser
            .wait_for_script(
                "the service worker to control the page",
                "return !!navigator.serviceWorker.controller",
            )
            .await?;
        browser
            .wait_for_script(
                "the shell to be precached",
                "return (async () => (await caches.keys()).some(k => k.startsWith('tousu-shell-')))();",
            )
            .await?;

        // The server goes away; the app opens again from the service worker, signed in.
        server.stop();
        browser.client.refresh().await?;
        browser
            .wait_for_script(
                "the case list from the service worker",
                "return document.querySelectorAll('[data-testid=case-row]').length > 0;",
            )
            .await?;
        browser.screenshot("https-offline-tablet").await?;
        Ok::<(), anyhow::Error>(())
    }
    .await;
    browser.close().await?;
    result
}
