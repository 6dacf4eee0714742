//! Certificate pinning (`PVE_TLS_FINGERPRINT`): trust exactly the one PVE certificate whose SHA-256
//! fingerprint is configured, whoever signed it and whatever names it carries. The handshake's
//! signatures are still verified (with the ring provider's algorithms), so only the holder of that
//! certificate's private key can answer.

use std::sync::Arc;

use rustls::DigitallySignedStruct;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, verify_tls12_signature, verify_tls13_signature};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};

/// How a pinned certificate's mismatch starts (the client finds its own words by it).
pub const CHANGED: &str = "the certificate changed:";

/// Accepts exactly the certificate with this SHA-256 fingerprint.
#[derive(Debug)]
pub struct PinnedCertVerifier {
    fingerprint: [u8; 32],
    provider: Arc<CryptoProvider>,
}

impl PinnedCertVerifier {
    pub fn new(fingerprint: [u8; 32]) -> Self {
        PinnedCertVerifier { fingerprint, provider: Arc::new(rustls::crypto::ring::default_provider()) }
    }
}

/// The SHA-256 of a DER certificate.
pub fn sha256(der: &[u8]) -> [u8; 32] {
    let digest = ring::digest::digest(&ring::digest::SHA256, der);
    let mut out = [0u8; 32];
    out.copy_from_slice(digest.as_ref());
    out
}

/// A fingerprint as PVE shows it: `AA:BB:...`.
pub fn fingerprint_text(f: &[u8; 32]) -> String {
    f.iter().map(|b| format!("{b:02X}")).collect::<Vec<_>>().join(":")
}

impl ServerCertVerifier for PinnedCertVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let seen = sha256(end_entity.as_ref());
        if seen == self.fingerprint {
            Ok(ServerCertVerified::assertion())
        } else {
            // Most often PVE renewed its certificate; the client's hint says what to do.
            Err(rustls::Error::General(format!(
                "{CHANGED} PVE now presents the certificate with fingerprint {}, not the one PVE_TLS_FINGERPRINT pins ({})",
                fingerprint_text(&seen),
                fingerprint_text(&self.fingerprint)
            )))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.provider.signature_verification_algorithms.supported_schemes()
    }
}

/// A rustls client configuration that trusts only the pinned certificate.
pub fn pinned_client_config(fingerprint: [u8; 32]) -> Result<rustls::ClientConfig, rustls::Error> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(PinnedCertVerifier::new(fingerprint)))
        .with_no_client_auth();
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_pinned_certificate_is_accepted() {
        let der = CertificateDer::from(vec![1u8, 2, 3]);
        let v = PinnedCertVerifier::new(sha256(&[1, 2, 3]));
        let name = ServerName::try_from("pve").unwrap();
        assert!(v.verify_server_cert(&der, &[], &name, &[], UnixTime::now()).is_ok());
        let other = CertificateDer::from(vec![9u8]);
        let e = v.verify_server_cert(&other, &[], &name, &[], UnixTime::now()).unwrap_err();
        assert!(e.to_string().contains("PVE_TLS_FINGERPRINT"));
    }

    #[test]
    fn a_mismatch_says_the_certificate_changed_and_shows_the_new_fingerprint() {
        let v = PinnedCertVerifier::new(sha256(&[1, 2, 3]));
        let name = ServerName::try_from("pve").unwrap();
        let e = v.verify_server_cert(&CertificateDer::from(vec![9u8]), &[], &name, &[], UnixTime::now()).unwrap_err();
        let text = e.to_string();
        assert!(text.contains(CHANGED), "{text}");
        assert!(text.contains(&fingerprint_text(&sha256(&[9]))), "the new fingerprint, as PVE shows it: {text}");
    }
}
