/** Change user password. */
access_password_update(args: {
  password: string; // The new password
  userid: string; // Full User ID, in the `name@realm` format
}): Promise<null>

/** Get container configuration. */
lxc_ct_config_get(args: {
  node: string; // The cluster node name
  vmid: number; // The (unique) ID of the VM. 100..999999999
}): Promise<object>

/** Set container options. */
lxc_ct_config_update(args: {
  node: string; // The cluster node name
  vmid: number; // The (unique) ID of the VM. 100..999999999
  delete?: string; // A list of settings you want to delete
  digest?: string; // Prevent changes if current configuration file has a different SHA1 digest
  features?: string | { nesting?: boolean; keyctl?: boolean; }; // Allow containers access to advanced features
  memory?: number; // Amount of RAM for the container in MB. >= 16
  [mp: `mp${number}`]: string | { volume?: string; mp: string; backup?: boolean; }; // mp0, mp1, …: Use volume as container mount point
}): Promise<null>

/** Cluster node index. */
nodes_list(args: {}): Promise<object[]>

