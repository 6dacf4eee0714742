//! MCP prompts: operator workflows a person picks from a menu, each telling the model which tools
//! to use and what to check.

use rmcp::model::{GetPromptResult, Prompt, PromptArgument, PromptMessage, Role};
use serde_json::{Map, Value};

struct Workflow {
    name: &'static str,
    title: &'static str,
    description: &'static str,
    /// (name, description, required)
    arguments: &'static [(&'static str, &'static str, bool)],
    /// The instructions, with `{argument}` filled in.
    text: &'static str,
}

const WORKFLOWS: &[Workflow] = &[
    Workflow {
        name: "health_check",
        title: "Cluster health check",
        description: "Check quorum, nodes, guests, storage and recent failed tasks, and report what needs attention.",
        arguments: &[("node", "Check only this node (optional)", false)],
        text: "Run a health check of the Proxmox VE cluster{node_clause}. Use read-only tools only.\n\
1. cluster_status_get: is the cluster quorate, are all nodes online?\n\
2. cluster_resources_list: nodes (CPU and memory use), guests (status), storage (use above 80%?).\n\
3. For each node: node_status_get (load, memory, uptime) and node_tasks_list with errors=1 and a small limit (recent failed tasks).\n\
4. Report as a short list: OK items in one line, then each problem with the evidence (tool and value) and a suggested next step. Change nothing.",
    },
    Workflow {
        name: "task_failure",
        title: "Why did this task fail?",
        description: "Read a PVE task's status and log and explain why it failed and what to do.",
        arguments: &[("upid", "The task's UPID (UPID:node:...)", true)],
        text: "Find out why the Proxmox VE task {upid} failed.\n\
1. node_tasks_status_get with the node from the UPID (its second field) and upid: exit status, type, user, start time.\n\
2. node_tasks_log_list (same node and upid; start near the end) for the error lines.\n\
3. If the task concerns a guest (the UPID's id field), read its config and status (qemu_vm_config_get / lxc_ct_config_get) for causes such as locks, missing storage or resources.\n\
4. Explain the cause in plain words, quote the decisive log line, and propose a fix. Do not retry or change anything without the user's go-ahead.",
    },
    Workflow {
        name: "capacity_report",
        title: "Capacity report",
        description: "Where is there room for a guest of a given size?",
        arguments: &[
            ("memory_gib", "Memory the new guest needs, in GiB", true),
            ("cores", "CPU cores it needs (optional)", false),
            ("disk_gib", "Disk it needs, in GiB (optional)", false),
        ],
        text: "Find where a new guest with {memory_gib} GiB of memory{cores_clause}{disk_gib_clause} fits in this Proxmox VE cluster.\n\
1. cluster_resources_list: for each online node, free memory = maxmem - mem, CPU count and use; for each storage that holds images, free space = maxdisk - disk.\n\
2. Also count memory already promised to stopped guests on each node (their maxmem) as a risk, not as used.\n\
3. Rank nodes that fit with at least 10% memory to spare, naming the storage to use, and say plainly if none fits and what would have to move. Change nothing.",
    },
    Workflow {
        name: "least_privilege_token",
        title: "Set up a least-privilege API token",
        description: "Plan a PVE API token for pve-mcp with only the privileges a tier needs.",
        arguments: &[
            ("tier", "The pve-mcp tier it is for: read-only, read-execute or full", true),
            ("user", "The PVE user to own the token, e.g. mcp@pve (optional)", false),
        ],
        text: "Plan an API token for pve-mcp at tier {tier}{user_clause}, with privilege separation and only the privileges that tier needs.\n\
One role per tier, each with the read privileges too (a role on a deeper path replaces what is inherited there), granted on / to the user and the token (a separated token never has more than its user); to fence to a pool, MCPReadOnly on / and the tier's role on /pool/<pool>. On PVE 8, VM.Monitor stands for the VM.GuestAgent.* privileges.\n\
- read-only: pveum role add MCPReadOnly --privs \"Datastore.Audit,Mapping.Audit,Pool.Audit,SDN.Audit,Sys.Audit,Sys.Syslog,VM.Audit,VM.GuestAgent.Audit\"\n\
- read-execute: pveum role add MCPReadExecute --privs \"Datastore.AllocateSpace,Datastore.Audit,Mapping.Audit,Pool.Audit,SDN.Audit,Sys.Audit,Sys.PowerMgmt,Sys.Syslog,VM.Audit,VM.Backup,VM.GuestAgent.Audit,VM.GuestAgent.FileSystemMgmt,VM.Migrate,VM.PowerMgmt\"\n\
- full: pveum role add MCPFull --privs \"Datastore.AllocateSpace,Datastore.AllocateTemplate,Datastore.Audit,Mapping.Audit,Mapping.Use,Pool.Audit,SDN.Audit,SDN.Use,Sys.Audit,Sys.PowerMgmt,Sys.Syslog,VM.Allocate,VM.Audit,VM.Backup,VM.Clone,VM.Config.CDROM,VM.Config.CPU,VM.Config.Cloudinit,VM.Config.Disk,VM.Config.HWType,VM.Config.Memory,VM.Config.Network,VM.Config.Options,VM.Console,VM.GuestAgent.Audit,VM.GuestAgent.FileSystemMgmt,VM.Migrate,VM.PowerMgmt,VM.Snapshot,VM.Snapshot.Rollback\"; avoid Administrator.\n\
1. pve_whoami: which identity and privileges pve-mcp has now.\n\
2. access_users_list, access_roles_list, access_acl_list: what exists already.\n\
3. Write out the exact steps (pveum user add, pveum user token add --privsep 1, pveum acl modify / --users <user> --tokens <token> --roles <role>) and the pve-mcp settings (PVE_TOKEN_ID, PVE_ACCESS_TIER={tier}). Creating users, tokens or ACLs needs the user's explicit confirmation of each step.",
    },
];

/// The prompts (`prompts/list`).
pub fn list() -> Vec<Prompt> {
    WORKFLOWS
        .iter()
        .map(|w| {
            let args = w
                .arguments
                .iter()
                .map(|(n, d, r)| PromptArgument::new(*n).with_description(*d).with_required(*r))
                .collect();
            Prompt::new(w.name, Some(w.description), Some(args)).with_title(w.title)
        })
        .collect()
}

/// Why a prompt could not be given.
#[derive(Debug, thiserror::Error)]
pub enum PromptError {
    #[error("unknown prompt `{0}`; see prompts/list")]
    Unknown(String),
    #[error("prompt `{prompt}`: argument `{argument}`: {message}")]
    Argument { prompt: &'static str, argument: &'static str, message: String },
}

/// One prompt with its arguments filled in (`prompts/get`).
pub fn get(name: &str, arguments: &Map<String, Value>) -> Result<GetPromptResult, PromptError> {
    let w = WORKFLOWS.iter().find(|w| w.name == name).ok_or_else(|| PromptError::Unknown(name.to_owned()))?;
    let value = |arg: &'static str| -> Result<Option<String>, PromptError> {
        let v = match arguments.get(arg) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
            Some(Value::Number(n)) => Some(n.to_string()),
            Some(_) => {
                return Err(PromptError::Argument { prompt: w.name, argument: arg, message: "expected text".into() });
            }
        };
        if let Some(s) = &v
            && s.chars().any(char::is_control)
        {
            return Err(PromptError::Argument { prompt: w.name, argument: arg, message: "must be one line".into() });
        }
        Ok(v)
    };
    let mut text = w.text.to_owned();
    for (arg, _, required) in w.arguments {
        let v = value(arg)?;
        if *required && v.is_none() {
            return Err(PromptError::Argument { prompt: w.name, argument: arg, message: "is required".into() });
        }
        match (*arg, v.as_deref()) {
            ("tier", Some(t)) if !matches!(t, "read-only" | "read-execute" | "full") => {
                return Err(PromptError::Argument {
                    prompt: w.name,
                    argument: "tier",
                    message: format!("`{t}` is not a tier; expected read-only, read-execute or full"),
                });
            }
            ("memory_gib" | "cores" | "disk_gib", Some(n)) if n.parse::<f64>().map_or(true, |f| f <= 0.0) => {
                return Err(PromptError::Argument {
                    prompt: w.name,
                    argument: arg,
                    message: format!("`{n}` is not a positive number"),
                });
            }
            _ => {}
        }
        let clause = match (*arg, v.as_deref()) {
            ("node", Some(n)) => format!(", node {n} only"),
            ("cores", Some(n)) => format!(", {n} cores"),
            ("disk_gib", Some(n)) => format!(" and {n} GiB of disk"),
            ("user", Some(u)) => format!(" owned by the user {u}"),
            _ => String::new(),
        };
        text = text
            .replace(&format!("{{{arg}_clause}}"), &clause)
            .replace(&format!("{{{arg}}}"), v.as_deref().unwrap_or(""));
    }
    Ok(GetPromptResult::new(vec![PromptMessage::new_text(Role::User, text)]).with_description(w.description))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn args(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap()
    }

    #[test]
    fn there_are_the_four_workflows() {
        let names: Vec<String> = list().into_iter().map(|p| p.name).collect();
        assert_eq!(names, ["health_check", "task_failure", "capacity_report", "least_privilege_token"]);
    }

    #[test]
    fn arguments_are_filled_in_and_no_placeholder_is_left() {
        let r = get("capacity_report", &args(json!({"memory_gib": "16", "cores": 4}))).unwrap();
        let text = serde_json::to_string(&r.messages).unwrap();
        assert!(text.contains("16 GiB of memory, 4 cores"), "{text}");
        assert!(!text.contains("_clause}"), "{text}");
    }

    #[test]
    fn a_missing_required_argument_is_named() {
        let e = get("task_failure", &Map::new()).unwrap_err().to_string();
        assert!(e.contains("`upid`") && e.contains("required"), "{e}");
    }

    #[test]
    fn the_least_privilege_prompt_gives_the_readmes_roles() {
        let r = get("least_privilege_token", &args(json!({"tier": "full"}))).unwrap();
        let text = serde_json::to_string(&r.messages).unwrap().replace("\\\"", "\"");
        let roles: Vec<&str> =
            include_str!("../../README.md").lines().filter(|l| l.starts_with("pveum role add")).collect();
        assert_eq!(roles.len(), 3);
        for role in roles {
            assert!(text.contains(role), "the prompt lacks: {role}");
        }
    }

    #[test]
    fn a_bad_tier_is_refused() {
        let e = get("least_privilege_token", &args(json!({"tier": "root"}))).unwrap_err().to_string();
        assert!(e.contains("read-only, read-execute or full"), "{e}");
    }
}
