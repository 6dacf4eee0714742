//! The Proxmox product behind a connection, and its wire facts: how an API token is written in
//! the `Authorization` header, the ticket cookie's name and the port its API listens on. The
//! generator's `codegen/src/product.rs` holds the same facts for the tool tables (keep the two in
//! step; a test here pins the tool prefix against the generated table).

/// Which Proxmox product a connection talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash, PartialOrd, Ord)]
pub enum Product {
    /// Proxmox VE (`product = "pve"`, the default).
    #[default]
    Pve,
    /// Proxmox Backup Server (`product = "pbs"`).
    Pbs,
    /// Proxmox Datacenter Manager (`product = "pdm"`), which reaches the PVE and PBS remotes it
    /// manages through its own API.
    Pdm,
}

impl Product {
    /// Every product, PVE first.
    pub const ALL: &'static [Product] = &[Product::Pve, Product::Pbs, Product::Pdm];

    /// The id configuration writes (`product = "pbs"`).
    pub fn id(self) -> &'static str {
        match self {
            Product::Pve => "pve",
            Product::Pbs => "pbs",
            Product::Pdm => "pdm",
        }
    }

    /// The product with that id.
    pub fn parse(id: &str) -> Option<Product> {
        Product::ALL.iter().copied().find(|p| p.id() == id)
    }

    /// The product's short name, for messages (`PVE`, `PBS`).
    pub fn short(self) -> &'static str {
        match self {
            Product::Pve => "PVE",
            Product::Pbs => "PBS",
            Product::Pdm => "PDM",
        }
    }

    /// The port the product's API listens on.
    pub fn default_port(self) -> u16 {
        match self {
            Product::Pve => 8006,
            Product::Pbs => 8007,
            Product::Pdm => 8443,
        }
    }

    /// The `Authorization` header of an API token: PVE writes `PVEAPIToken=<id>=<secret>`, PBS
    /// `PBSAPIToken=<id>:<secret>` and PDM `PDMAPIToken=<id>:<secret>`.
    pub fn token_header(self, id: &str, secret: &str) -> String {
        match self {
            Product::Pve => format!("PVEAPIToken={id}={secret}"),
            Product::Pbs => format!("PBSAPIToken={id}:{secret}"),
            Product::Pdm => format!("PDMAPIToken={id}:{secret}"),
        }
    }

    /// The login ticket's cookie name.
    pub fn cookie(self) -> &'static str {
        match self {
            Product::Pve => "PVEAuthCookie",
            Product::Pbs => "PBSAuthCookie",
            // PDM sets it as `__Host-PDMAuthCookie` and reads either name.
            Product::Pdm => "PDMAuthCookie",
        }
    }

    /// What every tool name of the product starts with (empty for PVE).
    pub fn tool_prefix(self) -> &'static str {
        match self {
            Product::Pve => "",
            Product::Pbs => "pbs_",
            Product::Pdm => "pdm_",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pve_is_the_default_product() {
        assert_eq!(Product::default(), Product::Pve);
        assert_eq!(Product::parse("pbs"), Some(Product::Pbs));
        assert_eq!(Product::parse("PBS"), None);
    }

    #[test]
    fn a_pbs_token_is_written_with_a_colon_before_its_secret() {
        assert_eq!(Product::Pbs.token_header("root@pam!mcp", "s3cr3t"), "PBSAPIToken=root@pam!mcp:s3cr3t");
        assert_eq!(Product::Pve.token_header("root@pam!mcp", "s3cr3t"), "PVEAPIToken=root@pam!mcp=s3cr3t");
    }

    #[test]
    fn each_product_has_its_cookie_and_port() {
        assert_eq!((Product::Pve.cookie(), Product::Pve.default_port()), ("PVEAuthCookie", 8006));
        assert_eq!((Product::Pbs.cookie(), Product::Pbs.default_port()), ("PBSAuthCookie", 8007));
    }

    #[test]
    fn a_pdm_token_is_written_like_pbs_s_with_its_own_prefix() {
        assert_eq!(Product::Pdm.token_header("root@pam!mcp", "s3cr3t"), "PDMAPIToken=root@pam!mcp:s3cr3t");
        assert_eq!((Product::Pdm.cookie(), Product::Pdm.default_port()), ("PDMAuthCookie", 8443));
        assert_eq!(Product::parse("pdm"), Some(Product::Pdm));
    }

    #[test]
    fn every_pdm_tool_carries_the_product_s_prefix() {
        let pdm = crate::tools::generated_pdm::TOOLS.iter();
        assert!(pdm.clone().count() >= 320);
        assert!(pdm.clone().all(|t| t.name.starts_with(Product::Pdm.tool_prefix())));
    }

    #[test]
    fn every_pbs_tool_carries_the_product_s_prefix() {
        let pbs = crate::tools::generated_pbs::TOOLS.iter();
        assert!(pbs.clone().count() >= 340);
        for t in pbs {
            assert!(t.name.starts_with(Product::Pbs.tool_prefix()), "{}", t.name);
        }
    }
}
