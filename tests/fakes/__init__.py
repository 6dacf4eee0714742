"""Fakes of Proxmox Backup Server and Proxmox Datacenter Manager for pve-mcp's tests (see README.md)."""
