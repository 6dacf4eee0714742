/** Cluster node index. */
nodes_list(args: {}): Promise<object[]>

/** Destroy the VM and all used/owned volumes. Resolves to the finished task's report. */
qemu_vm_delete(args: {
  node: string; // The cluster node name
  vmid: number; // The (unique) ID of the VM. 100..999999999
  purge?: boolean; // Remove VMID from configurations
  wait?: boolean; task_timeout?: number; // Task waiting (wait: false resolves to the UPID).
}): Promise<TaskReport>

/** Start virtual machine. Resolves to the finished task's report. */
qemu_vm_start(args: {
  node: string; // The cluster node name
  vmid: number; // The (unique) ID of the VM. 100..999999999
  timeout?: number; // Wait maximal timeout seconds. >= 0
  wait?: boolean; task_timeout?: number; // Task waiting (wait: false resolves to the UPID).
}): Promise<TaskReport>

