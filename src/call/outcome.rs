//! What a call that succeeded gives back: PVE's data, a finished task, a started one, a result an
//! overlay shaped (what changed, property strings as objects, the task), or a dry run's placeholder.

use serde_json::{Map, Value};

use crate::pve::task::{TaskReport, Upid};

/// What a successful call gives back.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// PVE's `data`.
    Data(Value),
    /// A PVE task that finished OK (or with warnings).
    Task(TaskReport),
    /// A task started with `wait: false`.
    Started(Upid),
    /// PVE's data beside what an overlay adds ([`crate::call::writes`]).
    Shaped(Shaped),
    /// A write a program's dry run held back: nothing was sent; the program gets this placeholder.
    Planned(Value),
}

/// A result an overlay shaped: PVE's data (for a merged write, what changed), property strings read
/// into objects, and the task the write ran as.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Shaped {
    pub data: Value,
    pub property_strings: Option<Value>,
    pub task: Option<TaskReport>,
}

impl Shaped {
    /// The structured result: `data`, then `property_strings` and `task` where there are.
    pub fn to_json(&self) -> Value {
        let mut o = Map::new();
        o.insert("data".into(), self.data.clone());
        if let Some(p) = &self.property_strings {
            o.insert("property_strings".into(), p.clone());
        }
        if let Some(t) = &self.task {
            o.insert("task".into(), t.to_json());
        }
        Value::Object(o)
    }
}

impl Outcome {
    /// What a program or a resource reads: PVE's data (a merged write's says what changed), a
    /// task's report, a started task's UPID.
    pub fn into_data(self) -> Value {
        match self {
            Outcome::Data(d) | Outcome::Planned(d) => d,
            Outcome::Task(r) => r.to_json(),
            Outcome::Started(upid) => Value::String(upid.text),
            Outcome::Shaped(s) => s.data,
        }
    }

    /// The task this call ran as, if it waited for one.
    pub fn task(&self) -> Option<&TaskReport> {
        match self {
            Outcome::Task(r) => Some(r),
            Outcome::Shaped(s) => s.task.as_ref(),
            _ => None,
        }
    }
}
