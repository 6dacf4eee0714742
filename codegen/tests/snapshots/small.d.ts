/** Cluster node index. */
nodes_list(args: {}): Promise<object[]>

/** Set virtual machine options. */
qemu_vm_config_update(args: {
  node: string; // The cluster node name
  vmid: number; // The (unique) ID of the VM. 100..999999999
  [net: `net${number}`]: string | { model?: "virtio" | "e1000"; bridge?: string; }; // net0, net1, …: Network device (n is 0 to 31)
  onboot?: boolean; // Start at boot
  ostype?: "l26" | "other"; // Guest OS
  tags?: string;
  vmids?: number[];
}): Promise<null>

