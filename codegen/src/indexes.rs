//! The index range of `name[n]` parameters (`net0` ... `net31`), reviewed.
//!
//! The schema states a range in prose for a few stems (`(n is 0 to 30)`, `link0..link7`); the
//! model reads those. The others say nothing, and one (`usb`: "n is 0 to 4, ... n can be up to
//! 14") gives two answers, which count as none. For those this table gives the highest index from
//! the constants that generate the keys in PVE's sources. A stem in neither stays unbounded
//! (`pve-codegen` then offers `name0` and up); `codegen/tests/policy_pins.rs` fails if the vendored
//! schema has such a stem, so a new one is a reviewed table entry.

/// `(stem, highest index, where the number comes from)`.
pub const INDEX_RANGES: &[(&str, u32, &str)] = &[
    ("net", 31, "qemu-server $MAX_NETS = 32; pve-container $MAX_LXC_NETWORKS = 32"),
    ("ipconfig", 31, "qemu-server: one per network device ($MAX_NETS = 32)"),
    ("hostpci", 15, "qemu-server PCI.pm $MAX_HOSTPCI_DEVICES = 16"),
    ("usb", 13, "qemu-server USB.pm $MAX_USB_DEVICES = 14 (the schema's prose says 4, or 14)"),
    ("numa", 7, "qemu-server Memory.pm $MAX_NUMA = 8"),
    ("virtiofs", 9, "qemu-server Virtiofs.pm $MAX_VIRTIOFS = 10"),
    (
        "unused",
        255,
        "qemu-server $MAX_UNUSED_DISKS = 256, pve-container = $MAX_MOUNT_POINTS (the schema's move_disk enum ends at unused255)",
    ),
    ("mp", 255, "pve-container $MAX_MOUNT_POINTS = 256 (the schema's move_volume enum ends at mp255)"),
    ("dev", 255, "pve-container $MAX_DEVICES = 256"),
    ("acmedomain", 5, "pve-manager NodeConfig.pm: `for my $i (0 .. $MAXDOMAINS)`, $MAXDOMAINS = 5"),
];

/// The reviewed highest index of a stem, if the table has it.
pub fn highest(stem: &str) -> Option<u32> {
    INDEX_RANGES.iter().find(|(s, _, _)| *s == stem).map(|(_, max, _)| *max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_stem_is_listed_once() {
        let mut stems: Vec<&str> = INDEX_RANGES.iter().map(|(s, _, _)| *s).collect();
        stems.sort();
        stems.dedup();
        assert_eq!(stems.len(), INDEX_RANGES.len());
    }

    #[test]
    fn stems_with_a_clear_range_in_the_schema_are_not_listed() {
        assert_eq!(highest("usb"), Some(13));
        assert_eq!(highest("scsi"), None, "scsi's range comes from the schema's own text");
    }
}
